"""Each way a case's `expect` can differ from the engine's result, said in words
(`srm_trainer.netlab.expected.said`): what the expected answer says, what the engine decided,
where; never the CLI's keyed words (`blocked_at.resource`, `counts.Block`, `requests[0]`,
"expected 'x', got 'y'"), which `case.py` keeps for the CLI and case files. The pages that show
them (editors, import, admin) are tested in `tests/teach/test_spoken_expect.py`."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srm_trainer.netlab import evaluate_waf_case
from srm_trainer.netlab.case import flow_expect_mismatches, waf_expect_mismatches
from srm_trainer.netlab.expected import said
from srm_trainer.netlab.flow import trace_case
from tests.depth import examples
from tests.quizzes.builders import HTTP_FLOW, WAF_CASE, web_network

KEYED = re.compile(
    r"\b(?:blocked_at|counts|requests?|expect|attachable|labels)\.\w|\w\[\d+\]|expected '|"
    r"got '|\brequest \d+:"
)


def flow_words(expect) -> list[tuple[str, str]]:
    """(the CLI's words, the page's) for each mismatch of the builders' flow: its reply is
    blocked by network ACL edge's final * rule, outbound."""
    case = {"network": web_network(), "flow": dict(HTTP_FLOW), "expect": expect}
    result = trace_case(case)
    return [(m.words, said(m, case, result)) for m in flow_expect_mismatches(result, expect)]


def waf_words(expect, **changes) -> list[tuple[str, str]]:
    """The same for the builders' burst: 150 requests to /admin, the last 50 blocked by the
    rate rule (rule 2), the first 100 allowed by the default action after a Count rule."""
    case = json.loads(json.dumps(WAF_CASE)) | changes | {"expect": expect}
    result = evaluate_waf_case(case)
    return [(m.words, said(m, case, result)) for m in waf_expect_mismatches(result, expect)]


FLOW = [
    (
        {"reply": "allowed"},
        "reply: expected allowed, got blocked",
        "your expected answer says the reply gets back, but the network blocks it: network ACL "
        "edge (outbound, the final * rule) on the reply",
    ),
    (
        {"request": "blocked"},
        "request: expected blocked, got allowed",
        "your expected answer says the request is blocked, but it arrives",
    ),
    (
        {"blocked_at": {"layer": "network_acl", "resource": "x"}},
        "blocked_at.resource: expected 'x', got 'edge'",
        "your expected answer says it is blocked at network ACL x, but it is blocked at network "
        "ACL edge (outbound, the final * rule) on the reply",
    ),
    (
        {"blocked_at": {"layer": "security_group", "leg": "request"}},
        "blocked_at.layer: expected 'security_group', got 'network_acl'",
        "your expected answer says it is blocked at a security group on the request, but it is "
        "blocked at network ACL edge (outbound, the final * rule) on the reply",
    ),
    (
        {"blocked_at": {"resource": "edge", "rule": 100}},
        "blocked_at.rule: expected 100, got '*'",
        "your expected answer says it is blocked at edge (rule 100), but it is blocked at "
        "network ACL edge (outbound, the final * rule) on the reply",
    ),
    (
        {"blocked_at": "edge"},
        "blocked_at must be an object",
        'your expected answer says it is blocked at "edge": name the place as an object',
    ),
    (
        {"blocked_at": {"resourc": "edge"}},
        "blocked_at.resourc: expected 'edge', got None",
        'your expected answer says where it is blocked with "resourc", which a place where a '
        "flow is blocked does not have (it has leg, layer, resource,",
    ),
    ("allowed", "expect must be an object", "your expected answer (“expect”) must be an object"),
    (
        {"reachable": True},
        "expect: 'reachable' is not a key expect can hold (request, reply, blocked_at)",
        'your expected answer holds "reachable", which it cannot say: it takes request, reply or '
        "blocked_at",
    ),
]


@pytest.mark.parametrize(("expect", "cli", "words"), FLOW, ids=[f[1] for f in FLOW])
def test_a_flows_expect_is_said_in_words_and_the_cli_keeps_its_own(expect, cli, words):
    kept, shown = flow_words(expect)[0]  # the first, as a page shows it
    assert kept == cli
    assert shown.startswith(words), shown
    assert not KEYED.search(shown), shown


def test_nothing_blocked_is_said_as_the_request_arriving_and_the_reply_getting_back():
    case = {"network": web_network(ephemeral=True), "flow": dict(HTTP_FLOW),
            "expect": {"blocked_at": {"layer": "network_acl"}}}  # fmt: skip
    result = trace_case(case)
    [m] = flow_expect_mismatches(result, case["expect"])
    assert said(m, case, result) == (
        "your expected answer says it is blocked at a network ACL, but nothing blocks it: the "
        "request arrives and the reply gets back"
    )


WAF = [
    (
        {"requests": [{"index": 0, "action": "Block", "rule": "rate"}]},
        "request 0: action expected 'Block', got 'Allow'",
        'Request 1 of 150: your expected answer says it is blocked by rule 2 ("rate"), but the '
        "web ACL allows it (no rule matched)",
    ),
    (  # a check that names no request is about the last one
        {"action": "Block", "rule": "watch-admin"},
        "request 149: rule expected 'watch-admin', got 'rate'",
        'Request 150 of 150: your expected answer says it is blocked by rule 1 ("watch-admin"), '
        'but the web ACL blocks it by rule 2 ("rate")',
    ),
    (
        {"rule": "gone"},
        "request 149: rule expected 'gone', got 'rate'",
        'Request 150 of 150: your expected answer says it is decided by a rule "gone", which the '
        'web ACL does not have, but the web ACL blocks it by rule 2 ("rate")',
    ),
    (
        {"action": "Allow", "status": 200},
        "request 149: action expected 'Allow', got 'Block'",
        "Request 150 of 150: your expected answer says it is allowed, but the web ACL blocks it",
    ),
    (
        {"requests": [{"index": 149, "status": 200}]},
        "request 149: status expected 200, got 403",
        "Request 150 of 150: your expected answer says WAF answers it with HTTP status 200, but "
        'the web ACL blocks it by rule 2 ("rate"), which WAF answers with HTTP status 403',
    ),
    (
        {"requests": [{"index": 150, "action": "Allow"}]},
        "request 150 does not exist",
        "your expected answer is about the request at index 150, but the case has 150 requests "
        "(indexes 0 to 149)",
    ),
    (
        {"requests": [{"index": "last"}]},
        "index must be a whole number, not 'last'",
        'your expected answer names a request by "last": give its index, a whole number counted '
        "from 0 (Request 1 of 150 is index 0)",
    ),
    (
        {"requests": ["first"]},
        "requests[0] must be an object",
        "check 1 of your expected answer's “requests” must be an object",
    ),
    (
        {"requests": "first"},
        "requests must be a list of objects",
        "your expected answer's “requests” must be a list of checks",
    ),
    (
        {"labels": ["seen"]},
        "request 149: label 'seen' missing (has [])",
        'Request 150 of 150: your expected answer says it carries the label "seen", but it does '
        "not (it has none)",
    ),
    (
        {"labels": "seen"},
        "labels must be a list of label names",
        "your expected answer's “labels” must be a list of label names",
    ),
    (
        {"counts": {"Block": 7}},
        "counts.Block: expected 7, got 50",
        "your expected answer says 7 of the 150 requests are blocked, but 50 are",
    ),
    (
        {"counts": {"Blok": 1}},
        "counts.Blok: expected 1, got 0",
        'your expected answer counts the requests given "Blok", which is not an action',
    ),
    (
        {"counts": {"Count": 100}},
        "counts.Count: expected 100, got 0",
        "your expected answer says 100 of the 150 requests end counted, but a Count rule never "
        "decides a request",
    ),
    (
        {"counts": 150},
        "counts must be an object (action: number)",
        "your expected answer's “counts” must be an object of actions and numbers",
    ),
    (
        {"attachable": False},
        "attachable: expected False, got True",
        "your expected answer says the web ACL cannot protect the resource, but it can",
    ),
    (
        {"error": "bad"},
        "expect: the engine refuses nothing here (expected 'bad')",
        'your expected answer says the engine refuses this case ("bad"), but the engine reads it '
        "without a problem",
    ),
]


@pytest.mark.parametrize(("expect", "cli", "words"), WAF, ids=[w[1] for w in WAF])
def test_a_waf_expect_is_said_in_words_and_the_cli_keeps_its_own(expect, cli, words):
    kept, shown = waf_words(expect)[0]  # the first, as a page shows it
    assert kept == cli
    assert shown.startswith(words), shown
    assert not KEYED.search(shown), shown


def test_one_request_is_the_request_not_request_1_of_1():
    [(_, shown)] = waf_words({"action": "Block"}, requests=[{"ip": "203.0.113.66", "uri": "/shop"}])
    assert shown == (
        "The request: your expected answer says it is blocked, but the web ACL allows it (no "
        "rule matched)"
    )


def test_a_web_acl_that_cannot_protect_the_resource_says_why():
    _, shown = waf_words({"attachable": True}, resource="NLB")[0]
    assert shown.startswith(
        "your expected answer says the web ACL can protect the resource, but it cannot: "
    ), shown


# Any value where a check is read: the words never crash, whatever shape `expect` has.
_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 200) | st.text(max_size=6)
    | st.sampled_from(["allowed", "blocked", "Block", "Allow", "Count", "rate", "edge",
                       "network_acl", "Default_Action", "watch-admin"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=2),
    max_leaves=5,
)  # fmt: skip
_KEYS = ["request", "reply", "blocked_at", "action", "rule", "labels", "absent_labels",
         "status", "index", "requests", "counts", "attachable", "error", "layer", "resource"]  # fmt: skip
_CHECK = st.dictionaries(st.sampled_from(_KEYS), _VALUE, max_size=3)
_EXPECT = st.one_of(
    _VALUE,
    st.dictionaries(
        st.sampled_from(_KEYS),
        _VALUE | _CHECK | st.lists(_CHECK | _VALUE, max_size=2) | st.dictionaries(
            st.sampled_from(["Block", "Allow", "Count", "Blok"]), _VALUE, max_size=2
        ),
        max_size=3,
    ),
)  # fmt: skip


@settings(max_examples=examples(300), deadline=None)
@given(expect=_EXPECT)
def test_any_expect_is_said_in_words_without_crashing(expect):
    for _, shown in [*flow_words(expect), *waf_words(expect)]:
        assert shown and not KEYED.search(shown), shown
