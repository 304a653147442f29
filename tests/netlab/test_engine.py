"""The engine's API as quizzes and pages use it, its refusals of bad input, and its bounds."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srm_trainer.netlab import (
    Hop,
    NetlabError,
    Trace,
    WafResult,
    evaluate_waf,
    fields,
    parse_flow,
    parse_network,
    parse_requests,
    parse_web_acl,
    trace,
)
from srm_trainer.netlab import waf as waf_module
from srm_trainer.netlab.waf import (
    QUESTION_SHARE,
    evaluate_read_case,
    evaluate_waf_case,
    parse_ip_sets,
    parse_regex_sets,
    read_waf_case,
)

CASES = Path(__file__).resolve().parent / "cases"


def _first(file: str) -> dict:
    return copy.deepcopy(json.loads((CASES / file).read_text())[0])


def test_trace_is_a_pure_function_of_typed_inputs():
    case = _first("security_groups.json")
    network, flow = parse_network(case["network"]), parse_flow(case["flow"])
    first, again = trace(network, flow), trace(network, flow)
    assert isinstance(first, Trace) and first == again
    assert all(isinstance(h, Hop) for h in first.hops)
    assert first.blocked_at is None


def test_a_question_can_ask_which_layer_blocked():
    case = _first("network_acls.json")
    case["network"]["network_acls"] = [{"name": "edge"}]  # a custom NACL: deny all
    case["network"]["subnets"][0]["network_acl"] = "edge"
    result = trace(parse_network(case["network"]), parse_flow(case["flow"]))
    hop = result.blocked_at
    assert (hop.layer, hop.resource, hop.rule, hop.leg) == ("network_acl", "edge", "*", "request")


def test_evaluate_waf_reports_each_request_and_the_rate_counter():
    case = next(
        c
        for c in json.loads((CASES / "waf_rate_based.json").read_text())
        if c["name"] == "the first request over the limit is rate limited"
    )
    acl = parse_web_acl(case["web_acl"])
    result = evaluate_waf(acl, parse_requests(case["requests"]), resource="ALB")
    assert isinstance(result, WafResult) and result.attachable
    counts = [d.rate_counts["rate"] for d in result.decisions]
    assert counts == list(range(1, 102))  # the counter a chart draws, request by request


def test_a_case_read_once_then_evaluated_gives_the_same_result():
    # the lab page reads the case (it draws its charts from the web ACL read) and evaluates it
    for case in json.loads((CASES / "waf_rules.json").read_text()):
        if "error" in case["expect"]:
            continue
        read = read_waf_case(case)
        assert read.acl == parse_web_acl(case["web_acl"],
                                         ip_sets=parse_ip_sets(case.get("ip_sets")),
                                         regex_sets=parse_regex_sets(
                                             case.get("regex_pattern_sets")))  # fmt: skip
        assert evaluate_read_case(read) == evaluate_waf_case(case), case["name"]


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda c: c["network"]["instances"][0].update(sorce="x"), "network.instances[0].sorce"),
        (
            lambda c: c["network"]["subnets"][1].update(cidr="10.0.2.1/24"),
            "network.subnets[1].cidr",
        ),
        (lambda c: c["flow"].update(port=70000), "flow.port"),
        (lambda c: c["flow"].update(destination="dbb"), "flow.destination"),
        (
            lambda c: c["network"]["security_groups"][0]["inbound"][0].update(source="sg-nope"),
            "network.security_groups[0].inbound[0].source",
        ),
    ],
)
def test_bad_flow_input_names_the_field(mutate, path):
    case = _first("security_groups.json")
    mutate(case)
    with pytest.raises(NetlabError) as info:
        trace(parse_network(case["network"]), parse_flow(case["flow"]))
    assert info.value.path == path
    assert info.value.message.startswith(path)


def test_an_unknown_destination_lists_the_known_ones():
    case = _first("security_groups.json")
    case["flow"]["destination"] = "dbb"
    with pytest.raises(NetlabError, match="known: db, web"):
        trace(parse_network(case["network"]), parse_flow(case["flow"]))


def _waf(rules, requests, **extra):
    return {"web_acl": {"Name": "a", "DefaultAction": {"Allow": {}}, "Rules": rules},
            "requests": requests, **extra}  # fmt: skip


def _regex_rule(pattern):
    return {"Name": "r", "Priority": 0, "Action": {"Block": {}}, "Statement": {
        "RegexMatchStatement": {"RegexString": pattern, "FieldToMatch": {"UriPath": {}},
                                "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}}  # fmt: skip


def test_a_regex_that_backtracks_in_other_engines_is_decided():
    """Its time (linear, not exponential) is checked by `make bench` (tests/bench/
    test_bounded_work_bench.py)."""
    case = _waf([_regex_rule("(a+)+$")], [{"ip": "192.0.2.1", "uri": "a" * 8000 + "!"}])
    assert evaluate_waf_case(case).decisions[0].action == "Allow"


def test_a_backreference_is_refused_with_its_path():
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(_waf([_regex_rule(r"(a)\1")], [{"ip": "192.0.2.1"}]))
    assert info.value.path == "web_acl.Rules[0].Statement.RegexMatchStatement.RegexString"


def test_a_sequence_is_capped():
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(_waf([], [{"ip": "192.0.2.1", "repeat": 5001}]))
    assert info.value.code == "out_of_range" and info.value.path == "requests[0].repeat"


def test_costly_inspection_is_refused_before_any_work():
    rules = [
        {"Name": f"r{i}", "Priority": i, "Action": {"Count": {}}, "Statement": {
            "SizeConstraintStatement": {"FieldToMatch": {"Body": {}}, "ComparisonOperator": "GT",
                                        "Size": i, "TextTransformations": [
                                            {"Priority": 0, "Type": "URL_DECODE"},
                                            {"Priority": 1, "Type": "HTML_ENTITY_DECODE" if i % 2
                                             else "LOWERCASE"}]}}}
        for i in range(20)
    ]  # fmt: skip
    requests = [{"ip": "192.0.2.1", "body": "x" * 60000, "uri": f"/{i}"} for i in range(40)]
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(_waf(rules, requests, resource="CLOUDFRONT",
                               body_inspection_limit_kb=64))  # fmt: skip
    assert info.value.code == "too_costly"


def _body_rule(statements: list[dict]) -> dict:
    statement = (
        statements[0] if len(statements) == 1 else {"OrStatement": {"Statements": statements}}
    )
    return {"Name": "r", "Priority": 0, "Action": {"Block": {}}, "Statement": statement}


def _byte_match(search: str, constraint: str = "CONTAINS", transforms=("NONE",)) -> dict:
    return {"ByteMatchStatement": {
        "SearchString": search, "FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
        "PositionalConstraint": constraint,
        "TextTransformations": [{"Priority": i, "Type": t} for i, t in enumerate(transforms)]}}  # fmt: skip


def test_statements_reading_one_body_are_each_counted():
    """199 statements over one 25 KB body (a lab's link holds it) were counted as one reading
    (0.5 MB), and their CONTAINS_WORD loop cost 1.2 s of CPU (the form's 16 KB: 0.7 s)."""
    statements = [_byte_match("a" * (i % 50 + 1), "CONTAINS_WORD") for i in range(199)]
    case = _waf([_body_rule(statements)], [{"ip": "192.0.2.1", "body": "a" * 25_000}],
                resource="CLOUDFRONT", body_inspection_limit_kb=64)  # fmt: skip
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(case)
    assert info.value.code == "too_costly" and "statement" in str(info.value)


def test_each_pattern_of_a_set_is_a_reading_of_its_own():
    sets = {"s": [f"b{k}c" for k in range(10)]}
    statement = {"RegexPatternSetReferenceStatement": {
        "ARN": "s", "FieldToMatch": {"Body": {}},
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}  # fmt: skip
    requests = [{"ip": "192.0.2.1", "body": "a" * 16_000}]
    per_statement = 16_000 * sum(
        waf_module.regex_passes(waf_module.compile_regex(p, "p")) for p in sets["s"]
    )
    fits = (waf_module.MAX_INSPECTED - 2 * 16_000) // per_statement
    assert 2 <= fits < 200
    case = _waf([_body_rule([statement] * fits)], requests, regex_pattern_sets=sets,
                resource="CLOUDFRONT")  # fmt: skip
    assert evaluate_waf_case(case).decisions[0].action == "Allow"
    case["web_acl"]["Rules"] = [_body_rule([statement] * (fits + 1))]
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(case)
    assert info.value.code == "too_costly"


@pytest.mark.parametrize(
    ("pattern", "body"),
    [
        ("(?:[a-z]{1,50}){1,20}Q", 4_100),  # 2,004 steps: 15 µs a byte once RE2's DFA gives up
        ("(a|b|c|d|e)[^z]{49}q{22}", 20_000),
    ],
)
def test_a_regular_expression_counts_as_many_readings_as_it_has_steps(pattern, body):
    """RE2 is linear in the text, not in the pattern: once its DFA outgrows its memory it steps
    every instruction for each byte. One statement of the first pattern over a 64 KB body cost
    0.9 s of CPU, four of them 3.6 s, each counted as one reading."""
    case = _waf([_body_rule([_regex_body(pattern)])], [{"ip": "192.0.2.1", "body": "ab" * (body // 2)}],
                resource="CLOUDFRONT", body_inspection_limit_kb=64)  # fmt: skip
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(case)
    assert info.value.code == "too_costly"
    assert "a regular expression as many times as it has steps" in str(info.value)
    case["requests"][0]["body"] = "ab" * 500
    assert evaluate_waf_case(case).decisions[0].action == "Allow"


def _regex_body(pattern: str) -> dict:
    return {"RegexMatchStatement": {
        "RegexString": pattern, "FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}  # fmt: skip


def test_url_decoding_counts_as_many_readings():
    """URL_DECODE takes ~1 µs for each byte of "%%%%", which it leaves as it was: chains of 1
    to 10 of them over a 61,000-byte body were counted as 65 readings and cost 1.2 s."""
    statements = [_byte_match("zz", transforms=("URL_DECODE",) * k) for k in range(1, 11)]
    case = _waf([_body_rule(statements)], [{"ip": "192.0.2.1", "body": "%" * 61_000}],
                resource="CLOUDFRONT", body_inspection_limit_kb=64)  # fmt: skip
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(case)
    assert info.value.code == "too_costly"
    # One decoding of a 16 KB body is well within the lab's budget (and a question's).
    case["web_acl"]["Rules"] = [_body_rule(statements[:1])]
    case["requests"][0]["body"] = "%" * 2_000
    assert evaluate_waf_case(case, share=QUESTION_SHARE).decisions[0].action == "Allow"


@pytest.mark.parametrize(
    ("body", "hit"),
    [
        ("a " * 4_000, True),
        ("ab" * 4_000, False),
        ("_a" * 4_000 + "-a", True),
        ("éaé", True),  # é is not a word character in AWS WAF
        ("a", True),
        ("ba", False),
    ],
)
def test_contains_word_is_decided_in_one_pass_of_re2(body, hit, monkeypatch):
    """Looking at each place the string occurs in Python cost ~0.5 µs a place. Now no Python
    runs per place: `str.find` is never called while deciding."""
    case = _waf([_body_rule([_byte_match("a", "CONTAINS_WORD")])], [{"ip": "192.0.2.1",
                "body": body}], resource="CLOUDFRONT")  # fmt: skip
    calls = []
    monkeypatch.setattr(
        "srm_trainer.netlab.waf._Evaluator.values",
        lambda self, fld, req, _orig=waf_module._Evaluator.values: [
            _Counted(v, calls) for v in _orig(self, fld, req)
        ],
    )
    assert (evaluate_waf_case(case).decisions[0].action == "Block") == hit
    assert calls == []


class _Counted(str):
    """A text that records each `find` on it (CONTAINS_WORD looked for every place)."""

    def __new__(cls, text: str, calls: list):
        self = super().__new__(cls, text)
        self.calls = calls
        return self

    def find(self, *args):  # type: ignore[override]
        self.calls.append(args)
        return super().find(*args)


def largest_burst() -> dict:
    """The largest burst a case may hold, under 20 rate-based rules."""
    rules = [
        {"Name": f"r{i}", "Priority": i, "Action": {"Count": {}},
         "Statement": {"RateBasedStatement": {"Limit": 10}}}
        for i in range(20)
    ]  # fmt: skip
    return _waf(rules, [{"ip": "192.0.2.1", "repeat": 5000, "every": 0.01}],
                rate_detection_delay_sec=30)  # fmt: skip


def test_the_largest_allowed_burst_is_decided_request_by_request():
    """Its time is checked by `make bench` (tests/bench/test_bounded_work_bench.py)."""
    result = evaluate_waf_case(largest_burst())
    assert len(result.decisions) == 5000


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda c: c["network"]["instances"][0], "network.instances[0].name"),
        (lambda c: c["network"]["security_groups"][1], "network.security_groups[1].name"),
        (lambda c: c["network"]["subnets"][1], "network.subnets[1].name"),
    ],
)
@pytest.mark.parametrize("control", ["\u202e", "\u2067", "\u200f"])
def test_a_name_holding_a_bidi_control_is_refused_with_its_path(where, path, control):
    """Drawn in every hop's sentence, a right-to-left override in a name would read the rest of
    each explanation backwards: the engine refuses it, saying which character and where."""
    case = _first("security_groups.json")
    where(case)["name"] = f"x{control}evil"
    with pytest.raises(NetlabError) as info:
        parse_network(case["network"])
    assert info.value.path == path
    assert f"U+{ord(control):04X}" in info.value.message
    assert control not in info.value.message  # the name is quoted with the control escaped


def test_a_waf_rule_name_holding_a_bidi_control_is_refused():
    rule = {**_regex_rule("^/admin"), "Name": "r\u202eevil"}
    with pytest.raises(NetlabError, match="U\\+202E") as info:
        parse_web_acl(_waf([rule], [])["web_acl"])
    assert info.value.path == "web_acl.Rules[0].Name"


def test_a_request_may_carry_a_bidi_control():
    """A request's own text is the attacker's to choose: it is inspected, not refused."""
    case = _waf([_regex_rule("\u202e")], [{"ip": "1.2.3.4", "uri": "/a\u202eb"}])
    assert evaluate_waf_case(case).decisions[0].action == "Block"


def test_an_ip_set_address_with_host_bits_says_which_block_was_meant():
    """Like a network ACL's CIDR: '198.51.100.7/24' is refused, and the message names the
    block it most likely means instead of only that it is not a CIDR block."""
    with pytest.raises(NetlabError) as refused:
        parse_ip_sets({"partners": ["198.51.100.7/24"]}, "ip_sets")
    assert refused.value.path == "ip_sets.partners[0]"
    assert "has host bits set (did you mean 198.51.100.0/24?)" in refused.value.message
    with pytest.raises(NetlabError) as refused:
        parse_ip_sets({"partners": ["198.51.100.0/33"]}, "ip_sets")
    assert "is not a CIDR block" in refused.value.message


@pytest.mark.parametrize("everything", ["0.0.0.0/0", "::/0"])
def test_an_ip_set_refuses_every_address_as_aws_waf_does(everything):
    """AWS WAF's IPSet API: every IPv4 and IPv6 CIDR range is supported except /0
    (https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSet.html); a lab that took it
    would teach a rule AWS refuses."""
    with pytest.raises(NetlabError) as refused:
        parse_ip_sets({"partners": ["192.0.2.0/24", everything]}, "ip_sets")
    assert refused.value.path == "ip_sets.partners[1]"
    assert "AWS WAF does not accept in an IP set" in refused.value.message
    assert parse_ip_sets({"partners": ["0.0.0.0/1"]}, "ip_sets")["partners"]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("10.0.0.0/255.255.255.0", "gives a netmask: write its prefix length instead, 10.0.0.0/24"),
        # A wildcard (host) mask, as router ACLs write one: the same block, named as typed.
        (
            "10.0.0.0/0.0.0.255",
            "gives a wildcard (host) mask: write its prefix length instead, 10.0.0.0/24",
        ),
        (
            "10.0.0.0/0.255.255.255",
            "gives a wildcard (host) mask: write its prefix length instead, 10.0.0.0/8",
        ),
        # All zeros or all ones reads both ways, one of them every address: both are said.
        (
            "10.0.0.0/0.0.0.0",
            "gives a mask that reads two ways, as a netmask 0.0.0.0/0 and as a "
            "wildcard mask 10.0.0.0/32: write the prefix length meant",
        ),
        ("10.0.0.0/255.255.255.255", "as a netmask 10.0.0.0/32 and as a wildcard mask 0.0.0.0/0"),
    ],
)
def test_a_dotted_mask_is_refused_naming_the_mask_typed(typed, said):
    """AWS's API pages write a range with a prefix length (EC2 IpRange, WAF IPSet); Python reads
    a netmask and a hostmask after the slash alike, so the message says which was typed (a
    wildcard mask called a netmask read as a mistake in the mask, not in the notation)."""
    with pytest.raises(NetlabError) as refused:
        fields.ipv4_network(typed, "rule", rule=True)
    assert said in refused.value.message
    with pytest.raises(NetlabError) as refused:
        parse_ip_sets({"partners": [typed]}, "ip_sets")
    assert said in refused.value.message


def test_a_block_with_host_bits_says_what_aws_would_store():
    """EC2 takes a CIDR block with host bits set and stores the block the address lies in
    (CreateSubnet, CreateVpc: "its canonical form"); the lab asks for that block, and in a
    rule says how wide it is, as `10.0.0.5/16` meant for one address would open 65,536."""
    with pytest.raises(NetlabError) as refused:
        fields.ipv4_network("10.0.1.5/24", "network.subnets[0].cidr")
    assert refused.value.message.endswith(
        "AWS would store it as 10.0.1.0/24, the block it lies in: write 10.0.1.0/24"
    )
    with pytest.raises(NetlabError) as refused:
        fields.ipv4_network("10.0.0.5/16", "rule", rule=True)
    assert "10.0.0.0/16 (65,536 addresses), not 10.0.0.5 alone" in refused.value.message
    assert "or 10.0.0.5/32 for the one address" in refused.value.message


def _ip_set_case(statements: int, blocks: list[str], ips: list[str]) -> dict:
    st = {"IPSetReferenceStatement": {"ARN": "s"}}
    statement = st if statements == 1 else {"OrStatement": {"Statements": [st] * statements}}
    rules = [{"Name": "r", "Priority": 0, "Action": {"Block": {}}, "Statement": statement}]
    return _waf(rules, [{"ip": ip} for ip in ips], ip_sets={"s": blocks})


@pytest.mark.parametrize(
    ("ip", "action"),
    [
        ("10.0.0.0", "Block"),
        ("10.0.1.255", "Block"),  # 10.0.0.0/24 and 10.0.1.0/24 side by side
        ("10.0.2.0", "Allow"),
        ("10.9.9.9", "Block"),  # inside 10.8.0.0/14, which holds 10.9.0.0/16 too
        ("10.12.0.0", "Allow"),
        ("9.255.255.255", "Allow"),
        ("2001:db8::1", "Block"),
        ("2001:db9::", "Allow"),
        ("::ffff:10.0.0.1", "Allow"),  # an IPv6 address is looked up among IPv6 blocks only
    ],
)
def test_an_address_is_looked_up_in_an_ip_set(ip, action):
    """An IPv4 set and an IPv6 one (a set holds one IP version), either matching blocks."""
    v4 = ["10.0.1.0/24", "10.9.0.0/16", "10.0.0.0/24", "10.8.0.0/14"]
    either = {"OrStatement": {"Statements": [{"IPSetReferenceStatement": {"ARN": "v4"}},
                                             {"IPSetReferenceStatement": {"ARN": "v6"}}]}}  # fmt: skip
    rules = [{"Name": "r", "Priority": 0, "Action": {"Block": {}}, "Statement": either}]
    case = _waf(rules, [{"ip": ip}], ip_sets={"v4": v4, "v6": ["2001:db8::/32"]})
    assert evaluate_waf_case(case).decisions[0].action == action


def test_an_ip_set_is_looked_up_without_asking_each_block(monkeypatch):
    """Each block was asked in turn (~0.5 µs each, in Python): 199 statements naming a set of
    1,000 blocks over 200 requests (a 28 KB case, a lab link holds it) cost 9 s of CPU, none of
    it counted by the work limits. Now a lookup is one bisection; no block is asked."""
    import ipaddress

    asked = []
    real = ipaddress.IPv4Network.__contains__
    monkeypatch.setattr(
        ipaddress.IPv4Network, "__contains__", lambda n, a: asked.append(a) or real(n, a)
    )
    blocks = [f"10.{i // 256}.{i % 256}.0/24" for i in range(1_000)]
    case = _ip_set_case(20, blocks, [f"192.0.2.{i}" for i in range(10)] + ["10.3.231.7"])
    decisions = evaluate_waf_case(case).decisions
    assert [d.action for d in decisions] == ["Allow"] * 10 + ["Block"]
    assert asked == []


_PREFIX = "awswaf:111122223333:webacl:acl:"
_COMPONENTS = st.sampled_from(["a", "b", "ab", "", "awswaf", "111122223333", "webacl", "acl"])
_TEXTS = st.lists(_COMPONENTS, min_size=1, max_size=6).map(":".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(_TEXTS, _TEXTS.map(lambda t: _PREFIX + t)), max_size=6),
    st.sampled_from(["LABEL", "NAMESPACE"]),
    st.one_of(_TEXTS, _TEXTS.map(lambda t: "awswaf:" + t)),
)
def test_the_label_index_answers_as_asking_each_label_does(labels, scope, key):
    """The index (`LabelIndex`) answers a label match statement as asking each label in turn
    by the Developer Guide's rule (`_label_matches`) does, and numbers each sequence of labels
    apart from every other."""
    index = waf_module.LabelIndex([(7, scope, key)], _PREFIX)
    gathered = waf_module._Labels(index)
    again = waf_module._Labels(index)
    for label in labels:
        gathered.add(label)
        again.add(label)
    expected = any(waf_module._label_matches(scope, key, label, _PREFIX) for label in labels)
    assert (7 in gathered.matched) == expected
    assert gathered.node == again.node
    other = waf_module._Labels(index)
    for label in [*gathered.items[1:], "extra"]:
        other.add(label)
    assert other.node != gathered.node


def test_label_matches_do_not_ask_each_label(monkeypatch):
    """150 label match statements after 49 rules of 10 labels each asked every label in turn
    (~1 µs each): 14 s of CPU over 200 requests, from a 3.8 KB lab link. Now each is a lookup."""
    asked = []
    real = waf_module._label_matches
    monkeypatch.setattr(waf_module, "_label_matches", lambda *a: asked.append(a) or real(*a))
    always = {"SizeConstraintStatement": {
        "FieldToMatch": {"UriPath": {}}, "ComparisonOperator": "GE", "Size": 0,
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}  # fmt: skip
    rules = [
        {"Name": f"l{i}", "Priority": i, "Action": {"Count": {}}, "Statement": always,
         "RuleLabels": [{"Name": f"n{i}:k{j}"} for j in range(10)]}
        for i in range(10)
    ]  # fmt: skip
    matches = [{"LabelMatchStatement": {"Scope": "NAMESPACE", "Key": f"n{k}:"}} for k in (3, 99)]
    rules.append({"Name": "m", "Priority": 99, "Action": {"Block": {}},
                  "Statement": {"OrStatement": {"Statements": matches}}})  # fmt: skip
    case = _waf(rules, [{"ip": "192.0.2.1", "uri": f"/{i}"} for i in range(5)])
    assert {d.action for d in evaluate_waf_case(case).decisions} == {"Block"}
    assert asked == []


def test_a_burst_gathers_its_rules_labels_once(monkeypatch):
    """Each request of a burst added each of its rules' labels one by one, checking each against
    those it had: 1,990 requests under 49 rules of 10 labels cost 1.5 s of CPU. Now a rule's
    labels are worked out once for each sequence of labels that reaches it."""
    worked = []
    real = waf_module.LabelIndex.satisfied
    monkeypatch.setattr(
        waf_module.LabelIndex, "satisfied", lambda self, x: worked.append(x) or real(self, x)
    )
    always = {"SizeConstraintStatement": {
        "FieldToMatch": {"UriPath": {}}, "ComparisonOperator": "GE", "Size": 0,
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}  # fmt: skip
    rules = [
        {"Name": f"l{i}", "Priority": i, "Action": {"Count": {}}, "Statement": always,
         "RuleLabels": [{"Name": f"n{i}:k{j}"} for j in range(10)]}
        for i in range(10)
    ]  # fmt: skip
    case = _waf(rules, [{"ip": "192.0.2.1", "repeat": 100}])
    decisions = evaluate_waf_case(case).decisions
    assert len(decisions) == 100 and all(len(d.labels) == 100 for d in decisions)
    assert len(worked) == 100


def test_a_case_s_regular_expressions_are_compiled_within_a_budget(monkeypatch):
    """Compiling costs ~0.1-0.6 µs a step of the program: 199 statements of patterns like
    `(?i)\\p{Greek}{999}` (a 1.1 KB lab link) cost 3.0 s of CPU to compile, and as many that
    RE2 refuses as too large 3.3 s just to refuse. Now a case compiles at most
    `MAX_REGEX_STEPS` of them, each distinct text once, and the rest are refused unread."""
    import re2

    compiled = []
    real = re2.compile
    monkeypatch.setattr(
        re2, "compile", lambda text, *a, **k: compiled.append(text) or real(text, *a, **k)
    )
    statements = [_regex_body(f"(?i)\\p{{Greek}}{{{150 - i}}}") for i in range(199)]
    case = _waf([_body_rule(statements)], [{"ip": "192.0.2.1"}])
    with pytest.raises(NetlabError) as info:
        evaluate_waf_case(case)
    assert "steps the lab compiles" in str(info.value)
    assert 0 < len([t for t in compiled if "Greek" in t]) < 20
    # The same pattern in every statement is compiled once, and is well within the budget.
    compiled.clear()
    case = _waf([_body_rule([_regex_body("(?i)union\\s+select")] * 199)], [{"ip": "192.0.2.1"}])
    assert evaluate_waf_case(case).decisions[0].action == "Allow"
    assert compiled.count("(?i)union\\s+select") == 1
