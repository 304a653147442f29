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
from tests.netlab.test_waf_views import counts
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
    assert "has host bits set; AWS would store the block it lies in, 10.0.0.0/16" in listed[1][2]
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
    assert listed[0][2].startswith("Web ACL, rule 1 (&quot;a&quot;), Action: must be one of ")
    assert listed[1][2].startswith(
        "Web ACL, rule 2 (&quot;b&quot;), Statement, GeoMatchStatement, country code 1: "
    )
    assert marked(html) == [("web_acl", "result-error-1 result-error-2")]
    live = client.post(WAF_URL, fields, headers=LIVE).content.decode()
    assert len(items(live)) == 2
    assert status(live).startswith(
        "Can't evaluate this yet: 2 problems: Web ACL, rule 1 (&quot;a&quot;), Action"
    )


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
        r"Web ACL, line 2, column \d+: .*\.</p>",
        html,
    )


def three_bad_requests(client) -> dict[str, str]:
    """The WAF starter's form (three requests) with a mistake in each request row."""
    fields = waf_form_of(client.get(WAF_URL).content.decode())
    fields.update({"req-0-time": "soon", "req-1-ip": "198.51.100.700", "req-2-country": "U1"})
    return fields


def test_the_waf_lab_lists_every_bad_request_row_each_marking_its_own_field(client):
    html = client.post(WAF_URL, three_bad_requests(client)).content.decode()
    assert "Can't evaluate this yet: 3 problems, in the order they appear:" in html
    listed = items(html)
    assert [(i, f) for i, f, _ in listed] == [
        ("result-error-1", "req-0-time"),
        ("result-error-2", "req-1-ip"),
        ("result-error-3", "req-2-country"),
    ]
    assert [t for _, _, t in listed] == [
        "Request 1, Time: must be a number of seconds from 0 to 86400",
        "Request 2, IP: &#x27;198.51.100.700&#x27; is not an IP address",
        "Request 3, Country: must be a two-letter code",
    ]
    assert marked(html) == [
        ("req-0-time", "result-error-1"),
        ("req-1-ip", "result-error-2"),
        ("req-2-country", "result-error-3"),
    ]
    assert '<a href="#req-1-ip">Request 2, IP</a>' in html
    # Nothing typed is lost.
    assert 'value="soon"' in html and 'value="198.51.100.700"' in html and 'value="U1"' in html


def test_the_waf_lab_lists_the_web_acls_problems_before_the_requests(client):
    fields = three_bad_requests(client)
    fields["web_acl"] = json.dumps(BAD_ACL)
    html = client.post(WAF_URL, fields).content.decode()
    assert [f for _, f, _ in items(html)] == [
        "web_acl", "web_acl", "req-0-time", "req-1-ip", "req-2-country"
    ]  # fmt: skip


def test_a_live_update_marks_each_bad_request_where_the_form_holds_it(client):
    fields = three_bad_requests(client)
    # A row left empty between them: the live update keeps the rows where they were typed.
    fields.update({"req-1-ip": "", "req-3-ip": "192.0.2.1", "req-3-method": "X" * 17})
    live = client.post(WAF_URL, fields, headers=LIVE).content.decode()
    # Each item names the field it is about (static/js/lab-fields.js marks it from that).
    assert [(i, f) for i, f, _ in items(live)] == [
        ("result-error-1", "req-0-time"),
        ("result-error-2", "req-2-country"),
        ("result-error-3", "req-3-method"),
    ]
    words = status(live)
    assert words.startswith("Can't evaluate this yet: 3 problems: Request 1, Time: must be ")
    assert "; Request 3, Country: must be a two-letter code; Request 4, Method: " in words
    assert live.count("aria-live") == 0 and live.count('id="live-status"') == 1
    # Sent without htmx, the rows close up; each problem follows its row.
    html = client.post(WAF_URL, fields).content.decode()
    assert [f for _, f, _ in items(html)] == ["req-0-time", "req-1-country", "req-2-method"]


def test_the_waf_lab_caps_the_request_problems_at_twenty_and_says_how_many_more(client):
    fields = waf_form_of(client.get(WAF_URL).content.decode())
    for j in range(15):  # 15 rows with two mistakes each: 30 problems
        fields.update({f"req-{j}-ip": f"192.0.2.{j}", f"req-{j}-time": "later",
                       f"req-{j}-every": "-1"})  # fmt: skip
    html = client.post(WAF_URL, fields).content.decode()
    assert "Can't evaluate this yet: 30 problems; the first 20, in the order they appear:" in html
    assert [f for _, f, _ in items(html)][:4] == [
        "req-0-time", "req-0-every", "req-1-time", "req-1-every"
    ]  # fmt: skip
    assert "And 10 more, listed once these are fixed." in html
    assert len(marked(html)) == 20
    assert status(client.post(WAF_URL, fields, headers=LIVE).content.decode()).endswith(
        "; and 10 more."
    )


def test_a_waf_case_with_good_requests_is_still_evaluated(client):
    fields = waf_form_of(client.get(WAF_URL).content.decode())
    fields.update({"req-3-ip": "192.0.2.9", "req-3-uri": "/home", "req-3-time": "5"})
    html = client.post(WAF_URL, fields).content.decode()
    assert 'id="result-error' not in html and marked(html) == []
    assert counts(html) == {"Block login-rate": 2900, "Allow the default action": 103}
