"""A network or WAF case written back as text has its keys in the format's order, whatever order
the database kept them in: PostgreSQL's jsonb keeps an object's keys shortest first, and the
network-fix box and the author's editors showed `"cidr"` before `"rule"` there."""

from __future__ import annotations

import json

import pytest

import teach.editors  # noqa: F401  (first: it loads the network editors in its turn)
from quizzes.kinds.flow_fix import rules_of
from srm_trainer.netlab.written_order import in_written_order
from teach.network_editor import _case_text
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.quizzes.builders import WAF_CASE, web_network

SHIPPED_FIXES = [q for q in shipped_quizzes(check_cases=False).questions if q.type == "flow_fix"]


def as_jsonb(value):
    """`value` with every object's keys as PostgreSQL's jsonb returns them: shortest first,
    then by their bytes."""
    if isinstance(value, dict):
        order = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return {k: as_jsonb(value[k]) for k in order}
    if isinstance(value, list):
        return [as_jsonb(v) for v in value]
    return value


def key_orders(value, path=""):
    if isinstance(value, dict):
        yield path, list(value)
        for k, v in value.items():
            yield from key_orders(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from key_orders(v, f"{path}[{i}]")


@pytest.mark.parametrize("shipped", SHIPPED_FIXES, ids=lambda q: q.slug)
def test_the_fix_box_starts_the_same_on_either_database(shipped):
    network = shipped.data["challenge"]["network"]
    assert rules_of(as_jsonb(network)) == rules_of(network)


def test_rules_read_in_the_order_the_labs_form_shows_them():
    text = rules_of(
        as_jsonb(
            {
                "network_acls": [
                    {
                        "name": "edge",
                        "inbound": [{"rule": 100, "protocol": "tcp", "ports": "443",
                                     "cidr": "0.0.0.0/0", "action": "allow"}],
                    }
                ],
                "security_groups": [
                    {"name": "web", "inbound": [{"protocol": "tcp", "ports": "443",
                                                 "source": "0.0.0.0/0"}]}
                ],
            }
        )
    )  # fmt: skip
    rules = json.loads(text)
    assert list(rules) == ["network_acls", "security_groups"]
    assert list(rules["network_acls"][0]) == ["name", "inbound"]
    assert list(rules["network_acls"][0]["inbound"][0]) == [
        "rule", "protocol", "ports", "cidr", "action"
    ]  # fmt: skip
    assert list(rules["security_groups"][0]["inbound"][0]) == ["protocol", "ports", "source"]


@pytest.mark.parametrize(
    "case",
    [{"network": web_network(), "flow": {"source": "internet", "destination": "web",
                                         "protocol": "tcp", "port": 443}},
     WAF_CASE],
    ids=["network", "waf"],
)  # fmt: skip
def test_the_authors_box_shows_a_case_the_same_on_either_database(case):
    assert _case_text(as_jsonb(case)) == _case_text(case)
    assert json.loads(_case_text(as_jsonb(case))) == case  # nothing but the order changes


def test_a_waf_rule_reads_name_priority_action_statement():
    rule = {"Statement": {"GeoMatchStatement": {"CountryCodes": ["FR"]}}, "Action": {"Block": {}},
            "Priority": 0, "Name": "geo"}  # fmt: skip
    assert list(in_written_order(rule)) == ["Name", "Priority", "Action", "Statement"]


def test_a_key_the_format_does_not_name_keeps_its_place_after_the_known_ones():
    rule = {"cidr": "0.0.0.0/0", "comment": "why", "rule": 100, "action": "deny"}
    assert list(in_written_order(rule)) == ["rule", "cidr", "action", "comment"]


def test_an_object_no_kind_fits_keeps_its_order():
    expect = {"request": "allowed", "reply": "blocked", "blocked_at": "nacl"}
    assert list(in_written_order(expect)) == ["request", "reply", "blocked_at"]
