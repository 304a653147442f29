"""Where a mistake is in the labs is said as a person would, not as a JSON path: a web ACL's
rule by its position from 1 and its Name ("Web ACL, rule 1 ("block-bad-bots"), Action"), not
"Web ACL, Rules[0].Action", which a learner reads as code counted from 0; a statement inside
another, an IP set's address, a network's subnet by their place or name. The engine's paths
are unchanged (`NetlabError.path`); the page says them (`srm_trainer/netlab/spoken.py`)."""

from __future__ import annotations

import html as entities
import json
import re

import pytest

from tests.netlab.test_field_marks import message
from tests.netlab.test_problem_list_views import LIVE, status
from tests.netlab.test_views import URL, form_of
from tests.netlab.test_waf_views import URL as WAF_URL
from tests.netlab.test_waf_views import form_of as waf_form_of

pytestmark = pytest.mark.django_db

# A path as the engine writes one: a learner should meet none of it.
CODE = re.compile(r"\w\[\d+\]|web_acl\.|ip_sets\.|network\.")


def _rule(name: str | None, priority: int, **fields) -> dict:
    rule = {
        "Priority": priority,
        "Action": {"Block": {}},
        "Statement": {"GeoMatchStatement": {"CountryCodes": ["US"]}},
        "VisibilityConfig": {"SampledRequestsEnabled": True, "MetricName": f"m{priority}"},
    }
    if name is not None:
        rule["Name"] = name
    return rule | fields


def waf_said(client, web_acl: dict, *, ip_sets: dict | None = None, live: bool = False) -> str:
    fields = waf_form_of(client.get(WAF_URL).content.decode())
    fields["web_acl"] = json.dumps({"Name": "shop", "DefaultAction": {"Allow": {}}, **web_acl})
    if ip_sets is not None:
        fields["ip_sets"] = json.dumps(ip_sets)
    page = client.post(WAF_URL, fields, headers=LIVE if live else {}).content.decode()
    said = status(page) if live else message(page)
    return entities.unescape(re.sub(r"<[^>]+>", "", said))


@pytest.mark.parametrize("live", [False, True], ids=["page", "live-update"])
def test_a_rule_is_said_by_its_position_from_one_and_its_name(client, live):
    acl = {"Rules": [_rule("allow-office", 0), _rule("block-bad-bots", 1, Action={"Deny": {}})]}
    said = waf_said(client, acl, live=live)
    assert 'Web ACL, rule 2 ("block-bad-bots"), Action: must be one of' in said, said
    assert not CODE.search(said), said


def test_a_rule_without_a_name_is_said_by_its_position_alone(client):
    said = waf_said(client, {"Rules": [_rule(None, 0)]})
    assert "Web ACL, rule 1: needs a Name" in said, said
    assert not CODE.search(said), said


def test_a_statement_inside_another_is_counted_from_one_too(client):
    nested = {
        "AndStatement": {
            "Statements": [
                {"GeoMatchStatement": {"CountryCodes": ["US"]}},
                {"GeoMatchStatement": {"CountryCodes": ["usa"]}},
            ]
        }
    }
    said = waf_said(client, {"Rules": [_rule("geo", 0, Statement=nested)]})
    assert (
        'Web ACL, rule 1 ("geo"), Statement, AndStatement, statement 2, GeoMatchStatement, '
        "country code 1: must be a two-letter ISO country code" in said
    ), said
    assert not CODE.search(said), said


def test_an_ip_sets_address_is_said_by_its_set_and_position(client):
    said = waf_said(
        client, {"Rules": [_rule("geo", 0)]}, ip_sets={"office": ["192.0.2.0/24", "nope"]}
    )
    assert "IP sets, set \"office\", address 2: 'nope' is not a CIDR block" in said, said
    assert not CODE.search(said), said


def test_a_subnet_the_form_has_no_field_for_is_said_by_its_name(client):
    """The network lab's form has no box for a subnet's CIDR: the engine's words stay, but its
    path `network.subnets[1].cidr` is said as the page names the subnet."""
    fields = form_of(client.get(URL).content.decode())
    network = json.loads(fields["network"])
    subnet = network["subnets"][1]
    subnet["cidr"] = "10.0.1.0/33"
    page = client.post(URL, {**fields, "network": json.dumps(network)}).content.decode()
    said = entities.unescape(re.sub(r"<[^>]+>", "", message(page)))
    assert f"Subnet {subnet['name']}, CIDR: '10.0.1.0/33' is not a CIDR block" in said, said
    assert not CODE.search(said), said


def test_a_request_the_form_has_no_box_for_is_said_by_the_row_that_holds_it(client):
    """A request's problem names the request by the form's row. In a live update a row
    emptied above it still counts ("Request 3"); the engine, which skips it, says
    `requests[1]`, and the page said "Request 2". The challenge token, once a hidden field
    said by its key (`challenge_token`), has its own choice now, named as the page names it."""
    fields = waf_form_of(client.get(WAF_URL).content.decode())
    fields.update({"req-1-ip": "", "req-2-challenge_token": "stolen"})
    live = client.post(WAF_URL, fields, headers=LIVE).content.decode()
    said = entities.unescape(re.sub(r"<[^>]+>", "", status(live)))
    assert "Request 3, Challenge token: must be one of" in said, said
    assert "Request 2" not in said and not CODE.search(said), said
