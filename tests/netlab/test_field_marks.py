"""The labs' pages mark the field an error is about: `aria-invalid` on it, its description
the message (which names it in the page's words and links to it), whether the page is drawn
whole, opened from a link, or its result alone is swapped by a live update."""

from __future__ import annotations

import json
import re

import pytest
from django.utils.html import escape

from netlab.state import encode_permalink
from tests.netlab.test_views import URL, form_of

WAF_URL = "/lab/waf/"
pytestmark = pytest.mark.django_db


def marked(html: str) -> list[tuple[str, str]]:
    """(id, aria-describedby) of every field marked invalid."""
    found = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'aria-invalid="true"' in tag:
            described = re.search(r'aria-describedby="([^"]*)"', tag)
            found.append((re.search(r'\bid="([^"]+)"', tag)[1], described[1] if described else ""))
    return found


def message(html: str) -> str:
    """The result's error message, as HTML."""
    return re.search(r'<p id="result-error"[^>]*>(.*?)</p>', html, re.S)[1]


def field(html: str, field_id: str) -> str:
    return re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html)[0]


def test_a_port_out_of_range_marks_the_port_and_says_the_range(client):
    fields = {**form_of(client.get(URL).content.decode()), "flow-port": "-1", "op": "trace"}
    html = client.post(URL, fields).content.decode()
    assert marked(html) == [("flow-port", "result-error")]
    assert 'value="-1"' in field(html, "flow-port")
    assert message(html) == (
        'Can\'t trace this yet: <a href="#flow-port">Port</a>: must be a whole number '
        "from 0 to 65535"
    )
    assert re.search(r'<p id="result-error" class="form-error" data-field="flow-port">', html)


def test_a_marked_field_keeps_its_own_hint(client):
    fields = {**form_of(client.get(URL).content.decode()), "flow-source": "nobody"}
    html = client.post(URL, fields).content.decode()
    assert marked(html) == [("flow-source", "result-error flow-hint")]
    assert 'aria-describedby="flow-hint"' in field(html, "flow-destination")
    assert message(html).startswith('Can\'t trace this yet: <a href="#flow-source">From</a>: ')


def test_a_rule_is_marked_in_its_table_and_row(client):
    fields = form_of(client.get(URL).content.decode())
    fields.update({"nacl-0-outbound-1-ports": "1024-99999", "op": "trace"})
    html = client.post(URL, fields).content.decode()
    assert marked(html) == [("nacl-0-outbound-1-ports", "result-error")]
    assert message(html).endswith(
        '<a href="#nacl-0-outbound-1-ports">Network ACL public-nacl, outbound rule row 2, '
        "Ports</a>: must be a port from 0 to 65535, or a range such as 1024-65535"
    )


def test_a_live_update_names_the_row_the_learner_typed_in(client):
    """The form a live update leaves on the page holds the rule the learner emptied: the
    message names (and marks) the row as shown there, not as the case counts rules."""
    fields = form_of(client.get(URL).content.decode())
    fields.update({"nacl-0-inbound-0-rule": "", "nacl-0-inbound-2-ports": "70000"})
    live = client.post(URL, fields, headers={"HX-Request": "true"}).content.decode()
    assert 'data-field="nacl-0-inbound-2-ports"' in live
    assert "inbound rule row 3, Ports</a>" in live
    whole = client.post(URL, {**fields, "op": "trace"}).content.decode()  # drawn anew, compacted
    assert marked(whole) == [("nacl-0-inbound-1-ports", "result-error")]
    assert "inbound rule row 2, Ports</a>" in whole


def test_a_link_to_a_case_with_a_mistake_opens_with_the_field_marked(client):
    page = form_of(client.get(URL).content.decode())
    case = {"network": json.loads(page["network"]),
            "flow": {"source": "web", "destination": "db", "protocol": "tcp", "port": 70000}}  # fmt: skip
    for _ in range(2):  # drawn, then drawn from what the lab kept of it
        html = client.get(URL, {"case": encode_permalink(case)}).content.decode()
        assert marked(html) == [("flow-port", "result-error")]
        assert '<a href="#flow-port">Port</a>: must be a whole number from 0 to 65535' in html


def test_a_mistake_with_no_field_keeps_the_engines_words_and_marks_nothing(client):
    page = form_of(client.get(URL).content.decode())
    network = json.loads(page["network"])
    network["vpc"]["cidr"] = "10.0.0.0/33"
    html = client.post(URL, {**page, "network": json.dumps(network)}).content
    html = html.decode()
    assert marked(html) == []
    assert message(html) == "Can't trace this yet: " + escape(
        "VPC, CIDR: '10.0.0.0/33' is not a CIDR block such as 10.0.0.0/16"
    )


def test_nothing_is_marked_when_the_case_traces(client):
    html = client.get(URL).content.decode()
    assert marked(html) == [] and 'id="result-error"' not in html
    assert 'aria-describedby="flow-hint"' in field(html, "flow-source")


# --- the WAF lab -------------------------------------------------------------------------------


def waf_form(client) -> dict[str, str]:
    return form_of(client.get(WAF_URL).content.decode(), "waf-workspace")


@pytest.mark.parametrize(
    ("name", "typed", "words"),
    [
        ("req-0-repeat", "0", "Request 1, Repeat</a>: must be a whole number from 1 to 5000"),
        ("req-0-repeat", "-3", "Request 1, Repeat</a>: must be a whole number from 1 to 5000"),
        ("req-0-time", "-1", "Request 1, Time</a>: must be a number of seconds from 0 to 86400"),
        ("req-0-every", "x", "Request 1, Every</a>: must be a number of seconds from 0 to 3600"),
        ("delay", "900", "Rate detection delay</a>: must be a number of seconds from 0 to 600"),
    ],
)
def test_a_waf_number_out_of_range_marks_its_field_and_says_the_range(client, name, typed, words):
    html = client.post(WAF_URL, {**waf_form(client), name: typed}).content.decode()
    assert marked(html) == [(name, "result-error")]
    assert message(html) == f'Can\'t evaluate this yet: <a href="#{name}">{words}'


def test_a_waf_live_update_names_the_row_the_learner_typed_in(client):
    fields = waf_form(client)
    fields.update({"req-0-ip": "", "req-1-ip": "", "req-2-repeat": "0"})
    assert fields["req-2-ip"]  # the starter has more than three requests
    live = client.post(WAF_URL, fields, headers={"HX-Request": "true"}).content.decode()
    assert 'data-field="req-2-repeat"' in live and "Request 3, Repeat</a>" in live


def test_a_web_acl_mistake_marks_the_text_and_keeps_its_words(client):
    fields = {**waf_form(client), "web_acl": '{"Name": "x",\n "Rules": ['}
    html = client.post(WAF_URL, fields).content.decode()
    assert marked(html) == [("web_acl", "result-error")]
    assert "Web ACL, line 2, column" in message(html)
    assert "<a " not in message(html)


@pytest.mark.parametrize("preset", sorted(__import__("netlab.presets").presets.PRESETS))
def test_every_field_has_its_own_name_and_an_error_uses_it(client, preset):
    """A screen reader names each rule's field by its table and row ("Network ACL public-nacl,
    outbound rule row 2, Ports"), not "Ports, row 2" in every table; and a message about a
    field says it in the same words as the field's label, so the two are heard as one."""
    html = client.get(URL, {"preset": preset}).content.decode()
    labels = dict(re.findall(r'<label for="([^"]+)"[^>]*>([^<]+)</label>', html))
    controls = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html)
    assert controls and [c for c in controls if c not in labels] == []
    named = [labels[c] for c in controls]
    assert len(named) == len(set(named)), sorted(n for n in named if named.count(n) > 1)
    form = form_of(html)

    def used(row: str) -> bool:  # a rule the case holds whose ports count (TCP or UDP)
        filled = form.get(f"{row}-rule") or form.get(f"{row}-peer")
        return bool(filled) and form.get(f"{row}-protocol") in ("tcp", "udp")

    ports = [c for c in controls if c.endswith("-ports") and used(c.removesuffix("-ports"))]
    assert ports
    for field_id in ports:
        fields = {**form, field_id: "1-99999", "op": "trace"}
        answer = client.post(URL, fields).content.decode()
        assert marked(answer) == [(field_id, "result-error")]
        assert f'<a href="#{field_id}">{labels[field_id]}</a>: ' in message(answer)
