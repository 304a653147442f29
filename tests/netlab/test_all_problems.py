"""The engine names every problem of the rules a learner wrote, in order, not only the first:
network ACL entries, security-group rules, web ACL rules, IP sets and the requests tried against
a web ACL (errors.Problems)."""

from __future__ import annotations

import pytest

from srm_trainer.netlab import NetlabError, parse_network, parse_web_acl
from srm_trainer.netlab.errors import MAX_PROBLEMS
from srm_trainer.netlab.waf import (
    MAX_REQUESTS,
    evaluate_waf_case,
    parse_ip_sets,
    parse_requests,
    parse_waf_rules,
)


def _network(nacl_inbound=None, sg_inbound=None, **extra) -> dict:
    nacl = {"name": "edge"}
    if nacl_inbound is not None:
        nacl["inbound"] = nacl_inbound
    group = {"name": "sg-web"}
    if sg_inbound is not None:
        group["inbound"] = sg_inbound
    return {
        "vpc": {"cidr": "10.0.0.0/16"},
        "subnets": [{"name": "public", "cidr": "10.0.1.0/24", "network_acl": "edge"}],
        "network_acls": [nacl],
        "security_groups": [group],
        "instances": [
            {
                "name": "web",
                "subnet": "public",
                "private_ip": "10.0.1.10",
                "security_groups": ["sg-web"],
            }
        ],  # fmt: skip
        **extra,
    }


def _problems(call, *args, **kwargs) -> NetlabError:
    with pytest.raises(NetlabError) as caught:
        call(*args, **kwargs)
    return caught.value


def _paths(exc: NetlabError) -> list[str]:
    return [p.path for p in exc.problems]


def good_nacl_rule(n: int) -> dict:
    return {"rule": n, "protocol": "tcp", "ports": "80", "cidr": "0.0.0.0/0", "action": "allow"}


def test_every_bad_network_acl_entry_is_named_in_order_with_its_own_message():
    rules = [good_nacl_rule(n) for n in range(100, 200, 10)]  # ten rules, three mistakes
    rules[1]["cidr"] = "10.0.0.5/16"
    rules[4]["ports"] = "90-80"
    rules[8]["action"] = "maybe"
    exc = _problems(parse_network, _network(rules))
    assert _paths(exc) == [
        "network.network_acls[0].inbound[1].cidr",
        "network.network_acls[0].inbound[4].ports",
        "network.network_acls[0].inbound[8].action",
    ]
    assert exc.total == 3 and exc.more == 0
    # Each keeps the words it had when it was the only one reported.
    assert [p.message for p in exc.problems] == [
        "network.network_acls[0].inbound[1].cidr: '10.0.0.5/16' has host bits set; AWS would "
        "store the block it lies in, 10.0.0.0/16 (65,536 addresses), not 10.0.0.5 alone: write "
        "10.0.0.0/16 for the block, or 10.0.0.5/32 for the one address",
        "network.network_acls[0].inbound[4].ports: the range starts after it ends (90-80)",
        "network.network_acls[0].inbound[8].action must be one of allow, deny, not 'maybe'",
    ]
    # The error itself is the first problem, as callers that show one have always shown.
    assert (exc.code, exc.path) == ("invalid_cidr", "network.network_acls[0].inbound[1].cidr")


def test_two_bad_fields_of_one_entry_are_both_named_in_the_order_of_the_form():
    rule = {"rule": 0, "protocol": "tcp", "ports": "80", "cidr": "nowhere", "action": "allow"}
    exc = _problems(parse_network, _network([rule, {**good_nacl_rule(100), "rule": 100}]))
    assert [p.code for p in exc.problems] == ["out_of_range", "invalid_cidr"]


def test_a_rule_number_used_twice_is_named_beside_the_other_problems():
    rules = [good_nacl_rule(100), {**good_nacl_rule(100)}, {**good_nacl_rule(120), "cidr": "x"}]
    exc = _problems(parse_network, _network(rules))
    assert [p.code for p in exc.problems] == ["duplicate_rule", "invalid_cidr"]


def test_every_bad_security_group_rule_is_named_and_network_acls_come_first():
    sg = [
        {"protocol": "tcp", "ports": 80, "source": "0.0.0.0/0"},
        {"protocol": "tcp", "ports": "99999", "source": "0.0.0.0/0"},
        {"protocol": "gre", "source": "0.0.0.0/0"},
        {"protocol": "tcp", "ports": 22, "source": "sg-nowhere"},
        {"protocol": "tcp", "ports": 22, "source": "10.0.0.0/8", "sorce": "typo"},
    ]
    exc = _problems(parse_network, _network([{**good_nacl_rule(5), "rule": 40000}], sg))
    assert [(p.code, p.path) for p in exc.problems] == [
        ("out_of_range", "network.network_acls[0].inbound[0].rule"),
        ("invalid_ports", "network.security_groups[0].inbound[1].ports"),
        ("invalid_protocol", "network.security_groups[0].inbound[2].protocol"),
        ("unknown_reference", "network.security_groups[0].inbound[3].source"),
        ("unknown_field", "network.security_groups[0].inbound[4].sorce"),
    ]


def test_a_refused_network_acl_or_group_is_not_reported_again_where_it_is_named():
    """The subnet names the network ACL and the instance the group: each refused for its own
    problem, they are not also 'unknown' there (one mistake, one message)."""
    network = _network([{"rule": 1, "cidr": "0.0.0.0/0", "action": "allow", "extra": 1}])
    network["network_acls"][0]["default"] = "yes"
    network["security_groups"][0]["outbound"] = "all"
    exc = _problems(parse_network, network)
    assert [p.code for p in exc.problems] == ["invalid_type", "unknown_field", "invalid_type"]
    network["network_acls"][0] = {"name": "edge", "bogus": 1}
    network["security_groups"][0] = {"name": "sg-web", "bogus": 1}
    exc = _problems(parse_network, network)
    assert [p.code for p in exc.problems] == ["unknown_field", "unknown_field"]


def test_a_problem_that_leaves_the_rest_unreadable_still_stops_there():
    network = _network([{**good_nacl_rule(100), "cidr": "x"}])
    network["subnets"] = "public"  # the subnets cannot be read: nothing after them is
    network["security_groups"][0]["inbound"] = [{"protocol": "gre", "source": "0.0.0.0/0"}]
    exc = _problems(parse_network, network)
    assert [p.path for p in exc.problems] == [
        "network.network_acls[0].inbound[0].cidr",
        "network.subnets",
    ]


def test_the_problems_carried_are_capped_and_the_rest_counted():
    rules = [{**good_nacl_rule(n + 1), "cidr": "bad"} for n in range(30)]
    exc = _problems(parse_network, _network(rules))
    assert len(exc.problems) == MAX_PROBLEMS == 20
    assert exc.total == 30 and exc.more == 10
    assert exc.problems[-1].path == "network.network_acls[0].inbound[19].cidr"
    assert exc.to_dict()["total"] == 30 and len(exc.to_dict()["problems"]) == 20


def test_a_single_problem_is_reported_as_before():
    exc = _problems(parse_network, _network([{**good_nacl_rule(100), "cidr": "x"}]))
    assert exc.problems == (exc,) and exc.total == 1
    assert set(exc.to_dict()) == {"code", "message", "path"}


def _rule(name: str, priority: int, **over) -> dict:
    rule = {
        "Name": name,
        "Priority": priority,
        "Action": {"Block": {}},
        "Statement": {"IPSetReferenceStatement": {"ARN": "bad-ips"}},
    }
    return {**rule, **over}


def test_every_bad_web_acl_rule_is_named_in_order():
    acl = {
        "Name": "acl",
        "DefaultAction": {"Allow": {}},
        "Rules": [
            _rule("ok", 1),
            _rule("two", 2, Action={"Deny": {}}),
            _rule("ok", 3),  # a name used twice
            _rule("four", 3, Statement={"GeoMatchStatement": {"CountryCodes": ["usa"]}}),
            _rule(
                "five",
                5,
                Statement={
                    "AndStatement": {
                        "Statements": [
                            {
                                "ByteMatchStatement": {
                                    "SearchString": "x",
                                    "FieldToMatch": {"Cookie": {}},
                                    "PositionalConstraint": "CONTAINS",
                                    "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                                }
                            },
                            {"IPSetReferenceStatement": {"ARN": "missing"}},
                        ]
                    }
                },
            ),  # fmt: skip
        ],
    }
    exc = _problems(parse_web_acl, acl, ip_sets=parse_ip_sets({"bad-ips": ["192.0.2.0/24"]}))
    assert [(p.code, p.path) for p in exc.problems] == [
        ("invalid_value", "web_acl.Rules[1].Action"),
        ("duplicate_name", "web_acl.Rules[2].Name"),
        ("invalid_value", "web_acl.Rules[3].Statement.GeoMatchStatement.CountryCodes[0]"),
        ("duplicate_priority", "web_acl.Rules[3].Priority"),
        ("unknown_field",
         "web_acl.Rules[4].Statement.AndStatement.Statements[0].ByteMatchStatement"
         ".FieldToMatch.Cookie"),
        ("unknown_reference",
         "web_acl.Rules[4].Statement.AndStatement.Statements[1].IPSetReferenceStatement.ARN"),
    ]  # fmt: skip


def test_every_bad_ip_set_address_is_named_and_the_web_acl_checked_too():
    case = {
        "ip_sets": {"bad-ips": ["192.0.2.0/24", "198.51.100.7/24", "0.0.0.0/0", "nope"]},
        "web_acl": {"DefaultAction": "Allow", "Rules": [_rule("r", 1, Action="Deny")]},
    }
    exc = _problems(parse_waf_rules, case)
    assert _paths(exc) == [
        "ip_sets.bad-ips[1]",
        "ip_sets.bad-ips[2]",
        "ip_sets.bad-ips[3]",
        "web_acl.Rules[0].Action",
    ]
    # The set with refused addresses is still the set the rule names: no second problem there.
    assert all(p.code != "unknown_reference" for p in exc.problems)
    # A whole case says the same, then the request's own problem.
    exc = _problems(evaluate_waf_case, {**case, "request": {"ip": "not an ip"}})
    assert _paths(exc) == [*_paths(parse_waf_rules_problems(case)), "request.ip"]


def parse_waf_rules_problems(case: dict) -> NetlabError:
    return _problems(parse_waf_rules, case)


def test_too_many_statements_stops_the_web_acl_at_once():
    many = {"OrStatement": {"Statements": [
        {"GeoMatchStatement": {"CountryCodes": ["US"]}} for _ in range(120)]}}  # fmt: skip
    acl = {"DefaultAction": "Allow",
           "Rules": [_rule(f"r{i}", i, Statement=many) for i in range(3)]}  # fmt: skip
    exc = _problems(parse_web_acl, acl, ip_sets={"bad-ips": ()})
    assert [p.code for p in exc.problems] == ["too_many"] and exc.stop


GOOD_ACL = {"DefaultAction": "Allow", "Rules": []}


def test_every_bad_request_is_named_in_order_each_at_its_own_field():
    requests = [
        {"ip": "203.0.113.66", "uri": "/login", "time": 0},
        {"ip": "203.0.113.999", "uri": "/login"},  # not an address
        {"ip": "198.51.100.7", "country": "U1"},
        {"ip": "198.51.100.8"},
        {"ip": "198.51.100.9", "time": "soon", "repeat": 0},  # two fields of one row
    ]
    exc = _problems(parse_requests, requests)
    assert [(p.code, p.path) for p in exc.problems] == [
        ("invalid_address", "requests[1].ip"),
        ("invalid_value", "requests[2].country"),
        ("invalid_type", "requests[4].time"),
        ("out_of_range", "requests[4].repeat"),
    ]
    assert exc.total == 4 and exc.more == 0
    # Each in the words it had when it was the only one reported.
    assert exc.problems[0].message == "requests[1].ip: '203.0.113.999' is not an IP address"
    assert exc.problems[1].message == "requests[2].country must be a two-letter code"
    # The error itself is the first problem, as callers that show one have always shown.
    assert (exc.code, exc.path) == ("invalid_address", "requests[1].ip")


def test_a_whole_case_names_the_web_acls_problems_and_the_requests_together():
    case = {
        "web_acl": {"DefaultAction": "Allow", "Rules": [_rule("r", 1, Action="Deny")]},
        "ip_sets": {"bad-ips": ["192.0.2.0/24"]},
        "requests": [{"ip": "nope"}, {"ip": "192.0.2.1", "every": -1}],
        "rate_detection_delay_sec": 9999,
    }
    exc = _problems(evaluate_waf_case, case)
    assert _paths(exc) == [
        "web_acl.Rules[0].Action",
        "requests[0].ip",
        "requests[1].every",
        "rate_detection_delay_sec",
    ]


def test_requests_over_the_limit_are_said_once_and_the_other_rows_still_read():
    requests = [
        {"ip": "192.0.2.1", "repeat": MAX_REQUESTS},
        {"ip": "192.0.2.2", "repeat": 2},  # the sequence goes over here
        {"ip": "192.0.2.3", "repeat": 2},  # still over: not said again
        {"ip": "bad"},
    ]
    exc = _problems(parse_requests, requests)
    assert [(p.code, p.path) for p in exc.problems] == [
        ("too_many", "requests[1].repeat"),
        ("invalid_address", "requests[3].ip"),
    ]


def test_the_requests_problems_are_capped_and_the_rest_counted():
    exc = _problems(parse_requests, [{"ip": f"10.0.0.{n}", "method": "x" * 20} for n in range(30)])
    assert _paths(exc) == [f"requests[{n}].method" for n in range(MAX_PROBLEMS)]
    assert exc.total == 30 and exc.more == 10
    assert exc.to_dict()["total"] == 30 and len(exc.to_dict()["problems"]) == MAX_PROBLEMS


def test_requests_without_a_problem_are_read_as_before():
    requests = parse_requests(
        [
            {"ip": "192.0.2.1", "uri": "/a?x=1", "repeat": 3, "every": 2},
            {"ip": "192.0.2.2", "time": 1, "country": "us", "method": "post"},
        ]
    )
    assert [(r.template, r.time, str(r.ip)) for r in requests] == [
        (0, 0, "192.0.2.1"), (1, 1, "192.0.2.2"), (0, 2, "192.0.2.1"), (0, 4, "192.0.2.1")
    ]  # fmt: skip
    assert (requests[0].uri, requests[0].query) == ("/a", "x=1")
    assert (requests[1].country, requests[1].method) == ("US", "post")  # methods are case-sensitive


@pytest.mark.parametrize("method", ["GET /", "PO ST", "GET\n", "DELETE;"])
def test_a_method_that_is_not_an_http_token_is_refused_by_its_field(method):
    exc = _problems(parse_requests, [{"ip": "192.0.2.1", "method": method}])
    assert _paths(exc) == ["requests[0].method"]
    assert "HTTP method" in exc.problems[0].message
