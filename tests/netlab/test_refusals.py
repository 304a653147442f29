"""Refused input in the labs: a live update too large or too fast says so above the last result
(marking it stale) instead of leaving it on screen; a form sent too large comes back with what
it held and the refusal in the result panel; a pasted case that fails stays as pasted."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from netlab.state import case_from_form
from tests.netlab.test_views import form_of, verdicts

NETWORK, WAF = "/lab/network/", "/lab/waf/"
HTMX = {"HX-Request": "true"}
pytestmark = pytest.mark.django_db


def network_form(client) -> dict[str, str]:
    return form_of(client.get(NETWORK, {"preset": "open-ssh"}).content.decode())


def waf_form(client) -> dict[str, str]:
    return form_of(client.get(WAF).content.decode(), "waf-workspace")


def big_web_acl(rules: int) -> str:
    """A web ACL of `rules` IP-match rules, as pasted (about 300 bytes a rule)."""
    acl = {"Name": "big", "DefaultAction": {"Allow": {}}, "Rules": [
        {"Name": f"rule-{i}", "Priority": i, "Action": {"Block": {}},
         "Statement": {"ByteMatchStatement": {"SearchString": f"/path-{i}",
                                              "FieldToMatch": {"UriPath": {}}}},
         "VisibilityConfig": {"SampledRequestsEnabled": True, "MetricName": f"rule-{i}"}}
        for i in range(rules)]}  # fmt: skip
    return json.dumps(acl, indent=2)


def assert_live_refusal(response) -> str:
    """Swapped above the last result (static/js/stale-page.js swaps a 4xx with X-Page-Stale),
    never in place of the form or the result."""
    assert response["HX-Retarget"] == "#live-refusal"
    assert response["HX-Reswap"] == "innerHTML"
    assert response["X-Page-Stale"] == "1"
    html = response.content.decode()
    assert 'role="alert"' in html and "from before this change" in html
    assert "<form" not in html and 'id="result"' not in html and 'id="waf-result"' not in html
    return html


def test_a_live_update_too_large_says_so_above_the_last_result(client):
    fields = {**network_form(client), "flow-port": "9" * 70_000}
    response = client.post(NETWORK, fields, headers=HTMX)
    assert response.status_code == 413
    assert "more than the lab takes at once (64 KB)" in assert_live_refusal(response)


def test_a_waf_live_update_too_large_says_so_above_the_last_result(client):
    fields = {**waf_form(client), "web_acl": big_web_acl(300)}
    response = client.post(WAF, fields, headers=HTMX)
    assert response.status_code == 413
    assert "more than the lab takes at once (64 KB)" in assert_live_refusal(response)


@pytest.mark.parametrize("url", [NETWORK, WAF])
def test_a_live_update_over_djangos_own_limit_is_refused_in_the_labs_words(url):
    """Django refuses it while the CSRF check reads the form, before the view: it was a bare
    400 "Bad Request" that htmx left unswapped."""
    browser = Client(enforce_csrf_checks=True)  # the CSRF check is what reads the form first
    browser.get(url)
    fields = {"web_acl" if url == WAF else "network": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    response = browser.post(url, fields, headers=HTMX)
    assert response.status_code == 413
    assert "more than the lab takes at once" in assert_live_refusal(response)
    page = browser.post(url, fields)  # the same without htmx: the lab's page, not "Bad Request"
    assert page.status_code == 413
    html = page.content.decode()
    assert "so it was not read: the lab opened its starter case" in html
    assert "too large to fit in a link" not in html


def test_a_live_update_too_fast_says_so_above_the_last_result(client, settings):
    fields = network_form(client)  # the page counts as one
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "2/60"}
    assert client.post(NETWORK, fields, headers=HTMX).status_code == 200
    response = client.post(NETWORK, fields, headers=HTMX)
    assert response.status_code == 429
    assert "a lot of updates in a short time" in assert_live_refusal(response)


def test_waf_send_too_large_keeps_the_texts_and_says_why(client):
    """It was the rate limit's page: "a lot of traces … your network is still in the form"."""
    acl = big_web_acl(300)
    fields = {**waf_form(client), "web_acl": acl, "req-0-uri": "/typed-here"}
    response = client.post(WAF, fields)
    assert response.status_code == 413
    html = response.content.decode()
    assert "Slow down" not in html and "a lot of traces" not in html and "your network" not in html
    assert "more than the lab takes at once (64 KB), so it was not evaluated" in html
    kept = form_of(html, "waf-workspace")
    assert kept["web_acl"] == acl and kept["req-0-uri"] == "/typed-here"
    assert "requests evaluated" not in html and "too large to fit in a link" not in html
    assert 'decision-error" href="#waf-result"><span>Not evaluated<' in html  # the phone's bar


@pytest.mark.parametrize("op", ["trace", "open"])
def test_network_form_too_large_keeps_the_case_it_held(client, op):
    fields = network_form(client)
    fields.update({"flow-source": "admin", "op": op})
    if op == "open":  # a pasted case of 1,500 NACL rules: over 64 KB, within the 256 KB read
        rules = [{"rule": i + 1, "protocol": "all", "cidr": "0.0.0.0/0", "action": "allow"}
                 for i in range(1_500)]  # fmt: skip
        network = {**json.loads(fields["network"]), "network_acls": [{"name": "big",
                   "inbound": rules}]}  # fmt: skip
        fields["case_json"] = json.dumps({"network": network, "flow": {}})
    else:
        fields["flow-port"] = "9" * 70_000
    response = client.post(NETWORK, fields)
    assert response.status_code == 413
    html = response.content.decode()
    kept = form_of(html)
    assert kept["flow-source"] == "admin" and kept["flow-destination"] == fields["flow-destination"]
    assert case_from_form(kept) == case_from_form(fields)  # sent again, the same case
    assert any(name.startswith("nacl-0-inbound-") for name in kept)
    assert "too large to fit in a link" not in html
    assert re.findall(r'class="verdict verdict-', html) == []  # no result for another case
    if op == "open":
        assert "so the case was not opened: the form holds the case it had" in html
        assert '"big"' not in kept["case_json"]
    else:
        assert "so it was not traced" in html and kept["flow-port"] == "9" * 70_000


@pytest.mark.parametrize("name", ["flow-port", "nacl-0-inbound-0-cidr"])
def test_a_field_too_large_is_drawn_back_once_to_be_fixed(client, name):
    """It was drawn three times, escaped (the field, the hidden network, the case's JSON text):
    780,000 `<` in a NACL rule's source gave a 9.4 MB page. Drawn once, in its field; the form
    sent again (the field fixed) makes the case it held, with any edits to its JSON text."""
    fields = {**network_form(client), name: "<" * 70_000, "case_json": '{"edited": "here"}'}
    response = client.post(NETWORK, fields)
    assert response.status_code == 413
    html = response.content.decode()
    assert html.count(escape("<" * 1000)) == 70
    kept = form_of(html)
    assert kept[name] == "<" * 70_000 and kept["case_json"] == '{"edited": "here"}'
    assert case_from_form(kept) == case_from_form(fields)
    kept[name] = "22" if name == "flow-port" else "0.0.0.0/0"
    assert verdicts(client.post(NETWORK, kept).content.decode())


@pytest.mark.parametrize(
    ("pasted", "error"),
    [
        (
            '{"network": {,}',
            "Case, line 1, column 14: Expected a name in double quotes here",
        ),  # fmt: skip
        ("[1,2]", "A case is a JSON object"),
        ("", "The case is empty: paste one"),  # was the decoder's "Expecting value"
        (" \n", "The case is empty: paste one"),
    ],
)
def test_a_refused_pasted_case_stays_as_pasted_with_its_error_beside_it(client, pasted, error):
    fields = {**network_form(client), "case_json": pasted, "op": "open"}
    html = client.post(NETWORK, fields).content.decode()
    assert form_of(html)["case_json"] == pasted
    textarea = re.search(r"<textarea id=\"case_json\"[^>]*>", html)
    assert textarea is not None
    assert 'aria-invalid="true"' in textarea[0]
    assert 'aria-describedby="case_json-error"' in textarea[0]
    described = re.search(r'<p id="case_json-error"[^>]*>(.*?)</p>', html, re.S)
    assert described is not None and escape(error) in described[1]
    assert re.search(r"<details class=\"card\" open>\s*<summary>Edit the whole case", html)


def test_a_findings_pattern_too_large_is_kept_once_and_not_read_as_a_pattern(client):
    """Refused, it was read as a pattern all the same: the box was marked invalid and described
    by an error the page did not show (the refusal takes the result's place)."""
    typed = "<" * 20_000
    response = client.post("/lab/findings/", {"pattern": typed})
    assert response.status_code == 413
    html = response.content.decode()
    assert "more than the lab takes at once (16 KB), so it was not matched" in html
    assert form_of(html, "findings-workspace")["pattern"] == typed
    assert html.count(escape("<" * 1_000)) == 20
    box = re.search(r'<textarea id="pattern"[^>]*>', html).group(0)
    assert "aria-invalid" not in box and "pattern-error" not in box
