"""The labs list every problem in what was typed, not only the first: each linked to its field,
which it marks and describes, on a page drawn whole and in a live update (whose status words say
them all), capped with "and N more"; a JSON text that does not parse still stops at its first."""

from __future__ import annotations

import json
import re

import pytest

from tests.netlab.test_field_marks import marked
from tests.netlab.test_views import URL, form_of
from tests.netlab.test_waf_views import URL as WAF_URL
from tests.netlab.test_waf_views import form_of as waf_form_of

pytestmark = pytest.mark.django_db
LIVE = {"HX-Request": "true"}


def items(html: str) -> list[tuple[str, str, str]]:
    """(id, data-field, text without tags) of each problem the result lists."""
    found = re.findall(r'<li id="(result-error-\d+)"(?: data-field="([^"]*)")?>(.*?)</li>', html)
    return [(i, f, re.sub(r"<[^>]+>", "", t)) for i, f, t in found]


def status(html: str) -> str:
    return re.search(r'<p id="live-status" hx-swap-oob="innerHTML">(.*?)</p>', html, re.S)[1]


def three_mistakes(client) -> dict[str, str]:
    """The starter's form with three mistakes, in a network ACL and a security group."""
    fields = form_of(client.get(URL).content.decode())
    fields.update(
        {
            "nacl-0-inbound-0-ports": "99999",
            "nacl-0-outbound-1-cidr": "10.0.0.7/16",
            "sg-0-inbound-1-peer": "sg-nowhere",
        }
    )
    return fields


def test_every_mistake_is_listed_in_order_and_marks_its_own_field(client):
    html = client.post(URL, {**three_mistakes(client), "op": "trace"}).content.decode()
    assert "Can't trace this yet: 3 problems, in the order they appear:" in html
    listed = items(html)
    assert [(i, f) for i, f, _ in listed] == [
        ("result-error-1", "nacl-0-inbound-0-ports"),
        ("result-error-2", "nacl-0-outbound-1-cidr"),
        ("result-error-3", "sg-0-inbound-1-peer"),
    ]
    # Each in the words it had alone: the page's place, then the problem.
    assert listed[0][2] == (
        "Network ACL public-nacl, inbound rule row 1, Ports: must be a port from 0 to 65535, "
        "or a range such as 1024-65535"
    )
    assert listed[1][2].startswith("Network ACL public-nacl, outbound rule row 2, Destination: ")
    assert "has host bits set (did you mean 10.0.0.0/16?)" in listed[1][2]
    assert listed[2][2].startswith("Security group sg-web, inbound rule row 2, Source: ")
    # Each field is described by its own problem, not by the whole list.
    assert marked(html) == [
        ("nacl-0-inbound-0-ports", "result-error-1"),
        ("nacl-0-outbound-1-cidr", "result-error-2"),
        ("sg-0-inbound-1-peer", "result-error-3"),
    ]
    assert '<a href="#sg-0-inbound-1-peer">' in html
    # What was typed stays in the form.
    assert 'value="99999"' in html and 'value="sg-nowhere"' in html


def test_a_live_update_lists_them_all_and_says_them_all_in_the_status_region(client):
    live = client.post(URL, three_mistakes(client), headers=LIVE).content.decode()
    assert [f for _, f, _ in items(live)] == [
        "nacl-0-inbound-0-ports",
        "nacl-0-outbound-1-cidr",
        "sg-0-inbound-1-peer",
    ]
    words = status(live)
    assert words.startswith("Can't trace this yet: 3 problems: Network ACL public-nacl, ")
    assert "; Network ACL public-nacl, outbound rule row 2, Destination: " in words
    assert "; Security group sg-web, inbound rule row 2, Source: " in words
    # The page's one status region is filled out of band; the fragment brings no other.
    assert live.count("aria-live") == 0 and live.count('id="live-status"') == 1


def test_a_single_mistake_is_the_message_as_before(client):
    fields = form_of(client.get(URL).content.decode())
    fields["nacl-0-inbound-0-ports"] = "99999"
    html = client.post(URL, {**fields, "op": "trace"}).content.decode()
    assert items(html) == []
    assert '<p id="result-error" class="form-error" data-field="nacl-0-inbound-0-ports">' in html
    assert marked(html) == [("nacl-0-inbound-0-ports", "result-error")]


def test_the_list_is_capped_at_twenty_and_says_how_many_more(client):
    fields = form_of(client.get(URL).content.decode())
    for j in range(25):  # the inbound table takes up to 40 rules: 25 with a bad port each
        fields.update(
            {
                f"nacl-0-inbound-{j}-rule": str(200 + j),
                f"nacl-0-inbound-{j}-protocol": "tcp",
                f"nacl-0-inbound-{j}-ports": "1-99999",
                f"nacl-0-inbound-{j}-cidr": "0.0.0.0/0",
                f"nacl-0-inbound-{j}-action": "allow",
            }
        )
    html = client.post(URL, {**fields, "op": "trace"}).content.decode()
    assert "Can't trace this yet: 25 problems; the first 20, in the order they appear:" in html
    assert [f for _, f, _ in items(html)] == [f"nacl-0-inbound-{j}-ports" for j in range(20)]
    assert "And 5 more, listed once these are fixed." in html
    assert len(marked(html)) == 20
    live = client.post(URL, fields, headers=LIVE).content.decode()
    assert status(live).endswith("; and 5 more.")


def _waf_with(client, web_acl: dict | str) -> dict[str, str]:
    fields = waf_form_of(client.get(WAF_URL).content.decode())
    fields["web_acl"] = web_acl if isinstance(web_acl, str) else json.dumps(web_acl)
    return fields


BAD_ACL = {
    "Name": "shop",
    "DefaultAction": {"Allow": {}},
    "Rules": [
        {"Name": "a", "Priority": 1, "Action": {"Deny": {}},
         "Statement": {"GeoMatchStatement": {"CountryCodes": ["US"]}}},
        {"Name": "b", "Priority": 2, "Action": {"Block": {}},
         "Statement": {"GeoMatchStatement": {"CountryCodes": ["usa"]}}},
    ],
}  # fmt: skip


def test_the_waf_lab_lists_every_problem_of_the_web_acl(client):
    fields = _waf_with(client, BAD_ACL)
    html = client.post(WAF_URL, fields).content.decode()
    assert "Can't evaluate this yet: 2 problems, in the order they appear:" in html
    listed = items(html)
    assert [(i, f) for i, f, _ in listed] == [
        ("result-error-1", "web_acl"),
        ("result-error-2", "web_acl"),
    ]
    assert listed[0][2].startswith("web_acl.Rules[0].Action must be one of ")
    assert listed[1][2].startswith("web_acl.Rules[1].Statement.GeoMatchStatement.CountryCodes[0]")
    assert marked(html) == [("web_acl", "result-error-1 result-error-2")]
    live = client.post(WAF_URL, fields, headers=LIVE).content.decode()
    assert len(items(live)) == 2
    assert status(live).startswith("Can't evaluate this yet: 2 problems: web_acl.Rules[0]")


def test_the_waf_lab_lists_the_ip_sets_problems_with_the_web_acls(client):
    fields = _waf_with(client, BAD_ACL)
    fields["ip_sets"] = json.dumps({"office": ["192.0.2.1/24", "nope"]})
    html = client.post(WAF_URL, fields).content.decode()
    # In the form's order: the web ACL's text is above the IP sets'.
    assert [f for _, f, _ in items(html)] == ["web_acl", "web_acl", "ip_sets", "ip_sets"]
    assert marked(html) == [
        ("web_acl", "result-error-1 result-error-2"),
        ("ip_sets", "result-error-3 result-error-4"),
    ]


def test_a_web_acl_that_is_not_json_still_stops_at_its_first_mistake(client):
    fields = _waf_with(client, '{"Name": "shop",\n  "Rules": [}')
    html = client.post(WAF_URL, fields).content.decode()
    assert items(html) == []
    assert re.search(
        r'<p id="result-error" class="form-error" data-field="web_acl">Can.t evaluate this yet: '
        r"The web ACL is not valid JSON: .* at line 2, column \d+\.</p>",
        html,
    )
