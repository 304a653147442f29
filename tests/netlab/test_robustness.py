"""Damaged input of every shape gets a NetlabError (engine) or a page with a message (views),
never another exception or a 500: each shipped case, with one value replaced by junk."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netlab import state, waf_state
from quizzes.kinds.netlab_common import error_path
from srm_trainer.netlab import NetlabError
from srm_trainer.netlab.case import run_case
from srm_trainer.netlab.fields import join
from tests.depth import examples

CASES = [
    case
    for path in sorted((Path(__file__).resolve().parent / "cases").glob("*.json"))
    for case in json.loads(path.read_text())
    if "error" not in case["expect"]
]
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=True)
    | st.text(max_size=40) | st.sampled_from(["", "*", "-1", "0.0.0.0/0", "sg-web", "web",
                                              "internet", "10.0.1.10", "::1", "999999"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6,
)  # fmt: skip


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*prefix, i))


def _damage_points(cases, where):
    """Each case's paths to the values `where` allows to be damaged, as a strategy built once per
    case (not once per input), by the case's identity: `sampled_from` hands back the case itself."""
    return {
        id(case): st.sampled_from([p for p in _paths(case) if p and where(p[0])]) for case in cases
    }


FLOW_CASES = [c for c in CASES if "flow" in c]
WAF_CASES = [c for c in CASES if "web_acl" in c]
_ANY_CASE, _A_FLOW_CASE, _A_WAF_CASE = map(st.sampled_from, (CASES, FLOW_CASES, WAF_CASES))
_NOT_ITS_NAME = _damage_points(CASES, lambda key: key not in ("name", "doc", "expect", "note"))
_ITS_NETWORK = _damage_points(FLOW_CASES, lambda key: key in ("network", "flow"))
_SOURCES, _RULE_NUMBERS, _WAF_LINKS = (
    st.text(max_size=20),
    st.text(max_size=12),
    st.text(max_size=30),
)


def _replace(data, path, value):
    if not path:
        return value
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_case_is_an_error_with_a_message_never_a_crash(data):
    case = data.draw(_ANY_CASE)
    path = data.draw(_NOT_ITS_NAME[id(case)])
    damaged = _replace(case, path, data.draw(JUNK))
    try:
        run_case("fuzz", damaged)
    except NetlabError as exc:
        assert exc.message


@pytest.mark.django_db
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_the_pages_answer_damaged_links_and_forms_without_a_500(client, data):
    case = data.draw(_A_FLOW_CASE)
    damaged = _replace(case, data.draw(_ITS_NETWORK[id(case)]), data.draw(JUNK))
    token = state.encode_permalink(damaged)
    if token:
        assert client.get("/lab/network/", {"case": token}).status_code == 200
    form = {"network": json.dumps(damaged.get("network")), "flow-source": data.draw(_SOURCES),
            "nacl-0-inbound-0-rule": data.draw(_RULE_NUMBERS), "op": "trace"}  # fmt: skip
    assert client.post("/lab/network/", form).status_code == 200
    wcase = data.draw(_A_WAF_CASE)
    wdamaged = _replace(wcase, data.draw(_NOT_ITS_NAME[id(wcase)]), data.draw(JUNK))
    token = waf_state.encode(wdamaged)
    if token:
        assert client.get("/lab/waf/", {"case": token}).status_code == 200
    assert client.get("/lab/waf/", {"case": data.draw(_WAF_LINKS)}).status_code == 200


# Found by the fuzz test above: "²".isdigit() is True, but int("²") raises. Digits outside ASCII
# are text, refused with a message like any other bad number.
@pytest.mark.django_db
def test_a_superscript_digit_in_a_rule_number_or_port_is_refused_not_a_500(client):
    flow_case = next(c for c in CASES if "flow" in c and c["network"].get("network_acls"))
    form = {
        "network": json.dumps(flow_case["network"]),
        "nacl-0-inbound-0-rule": "²",
        "op": "trace",
    }
    assert client.post("/lab/network/", form).status_code == 200
    damaged = copy.deepcopy(flow_case)
    damaged["network"]["network_acls"][0]["inbound"] = [
        {"rule": 100, "protocol": "tcp", "cidr": "0.0.0.0/0", "action": "allow", "ports": "²-9"}
    ]
    with pytest.raises(NetlabError, match="port"):
        run_case("superscript", damaged)


@given(key=st.text(max_size=12))
@example(key="x.trace")
@example(key='a[0]."b"')
@example(key="")
@example(key="arn:aws:wafv2:us-east-1:111122223333:regional/ipset/office/1")
@settings(max_examples=examples(200), deadline=None)
def test_an_error_path_reads_back_step_by_step_whatever_the_key(key):
    """A key with a dot or a bracket is one step of the path, not several (it is quoted)."""
    path = join(join(join("requests", 0), "headers"), key)
    assert error_path(("case",), path) == ("case", "requests", 0, "headers", key)
