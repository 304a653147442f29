"""Property tests: whatever pattern a learner types and whatever event the engine is handed,
the findings-routing engine answers with a `PatternError` or a result, never another
exception, and its work and its words stay bounded by what it was given (counted, not
timed: a shared machine makes time flaky)."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srm_trainer.detection import PatternError, match, parse_pattern, read_event, samples
from srm_trainer.detection.match import MAX_STEPS
from srm_trainer.detection.pattern import OPERATORS
from tests.depth import examples

match_module = importlib.import_module(
    "srm_trainer.detection.match"
)  # the name `match` is the function

COMMON = settings(
    max_examples=examples(400),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A JSON value as a tree that keeps what Python's json cannot: numbers as written and a key
# written twice. ("num", "1e-999999999"), ("str", "x"), ("lit", "null"), ("list", [...]),
# ("obj", [(key, value), ...]).
Node = tuple[str, Any]

NUMBERS = ["0", "-0", "7", "8.0", "300", "300.0", "3.0e2", "1E2", "0.000001", "5e9", "5000000000",
           "-5.0e9", "5000000000.5", "1e999", "-1e999", "0.1e-400", "1e9999999", "1e-999999999",
           "0e-999999999", "123456789012345678901234567890"]  # fmt: skip
STRINGS = ["aws.guardduty", "aws.inspector2", "GuardDuty Finding", "Recon:EC2/PortProbe", "HIGH",
           "ACTIVE", "AWS_EC2_INSTANCE", "Instance", "AccessKey", "", " ", "ß", "SS", "İ", "ﬃ",
           "\u202e", "\u200b", "\x00", "\ud800", "\udc80", "a" * 300, "*", "a*", "*a*a*a*a*a*b",
           "a\\*b", "\\\\", "\\", "a**b", "10.0.0.0/24", "10.0.0.7", "198.51.100.0/24",
           "2001:db8::/32", "::ffff:10.0.0.1", "10.0.0.0/255.0.0.0", "us-", ".png"]  # fmt: skip
FIELDS = ["source", "detail-type", "detail", "severity", "type", "resource", "resourceType",
          "resources", "status", "service", "a", "a.b", "detail.severity", "", ".", "a..b", "$or",
          "prefix", "contains", "\u202e", "x" * 40]  # fmt: skip

numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(NUMBERS),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
).map(lambda t: ("num", t))
strings = st.one_of(st.sampled_from(STRINGS), st.text(max_size=12)).map(lambda s: ("str", s))
literals = st.sampled_from(["true", "false", "null"]).map(lambda t: ("lit", t))
scalars = st.one_of(numbers, strings, literals)
keys = st.one_of(st.sampled_from(FIELDS + list(OPERATORS)), st.text(max_size=6))
# Mostly names the samples hold, so that most patterns are read and matched.
names = st.one_of(st.sampled_from(FIELDS[:12]), st.sampled_from(FIELDS[:12]), keys)


def _obj(pairs: list[tuple[str, Node]]) -> Node:
    return ("obj", pairs)


def _list(items: list[Node]) -> Node:
    return ("list", items)


# Anything JSON can hold, repeated keys included.
json_nodes = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5).map(_list),
        st.lists(st.tuples(keys, children), max_size=5).map(_obj),
    ),
    max_leaves=30,
)

# Entries shaped like the operators, with arguments right or wrong.
texts = st.one_of(strings, st.lists(strings, max_size=3).map(_list))
# Bounds at the edges of what decimal arithmetic takes, often: 1e9999999 once overflowed.
bounds = st.one_of(
    st.sampled_from(["1e9999999", "1e-999999999", "0e-999999999", "-1e999", "0.1e-400", "5e9"]).map(
        lambda t: ("num", t)
    ),
    numbers,
)
numeric_args = st.one_of(
    st.tuples(st.sampled_from(["<", "<=", "=", ">", ">=", "!"]), bounds),
    st.tuples(st.sampled_from([">", ">="]), bounds, st.sampled_from(["<", "<="]), bounds),
).map(lambda t: _list([("str", x) if isinstance(x, str) else x for x in t]))
operator_entries = st.one_of(
    st.tuples(
        st.sampled_from(["prefix", "suffix", "equals-ignore-case", "wildcard", "cidr"]), texts
    ),
    st.tuples(
        st.sampled_from(["prefix", "suffix"]),
        strings.map(lambda s: _obj([("equals-ignore-case", s)])),
    ),  # fmt: skip
    st.tuples(
        st.just("anything-but"),
        st.one_of(
            scalars,
            st.lists(st.one_of(strings, numbers), max_size=4).map(_list),
            st.tuples(
                st.sampled_from(["prefix", "suffix", "equals-ignore-case", "wildcard", "numeric"]),
                texts,
            ).map(lambda t: _obj([t])),
        ),
    ),  # fmt: skip
    st.tuples(st.just("numeric"), numeric_args),
    st.tuples(st.just("exists"), st.one_of(literals, strings)),
).map(lambda t: _obj([t]))
entries = st.lists(st.one_of(scalars, operator_entries), min_size=1, max_size=4).map(_list)
patterns = st.recursive(
    st.lists(st.tuples(names, entries), min_size=1, max_size=4).map(_obj),
    lambda children: st.one_of(
        st.lists(st.tuples(names, st.one_of(entries, children)), min_size=1, max_size=4).map(_obj),
        st.tuples(st.lists(children, min_size=2, max_size=3), children).map(
            lambda t: ("obj", [("$or", _list(t[0])), *t[1][1]])
        ),
    ),
    max_leaves=12,
)


def render(node: Node) -> str:
    kind, value = node
    if kind in ("num", "lit"):
        return value
    if kind == "str":
        return json.dumps(value)  # a lone surrogate is written as its \ud800 escape
    if kind == "list":
        return "[" + ", ".join(render(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)}: {render(v)}" for k, v in value) + "}"


events = st.one_of(
    st.sampled_from([s.text for s in samples()]),
    st.lists(st.tuples(keys, json_nodes), max_size=6).map(lambda p: render(_obj(p))),
)
pattern_texts = st.one_of(
    patterns.map(render),
    patterns.map(render),
    json_nodes.map(render),
    st.tuples(
        patterns.map(render),
        st.integers(0, 200),
        st.sampled_from(['"', ",", "}", "[", "\\", "\x00", "\n"]),
    ).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]),  # fmt: skip
    st.text(max_size=40),
)


def scalars_in(value: Any) -> int:
    if isinstance(value, dict):
        return sum(scalars_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(scalars_in(v) for v in value)
    return 1


def check_error(error: PatternError) -> None:
    assert error.code and error.message and str(error).startswith(error.where)
    assert len(error.message) < 600, error.message[:200]


@COMMON
@given(pattern_texts, events)
def test_any_pattern_and_event_give_an_answer_or_a_pattern_error_within_bounds(text, event_text):
    try:
        pattern = parse_pattern(text)
    except PatternError as error:
        check_error(error)
        return
    try:
        event = read_event(event_text)
    except PatternError as error:
        check_error(error)
        return
    compared = 0
    real = match_module._scalar

    def counting(m, v):
        nonlocal compared
        compared += 1
        return real(m, v)

    match_module._scalar = counting
    try:
        result = match(pattern, event)
    finally:
        match_module._scalar = real
    # Work: each entry of the pattern is compared at most once with each value of the event.
    assert compared <= pattern.root.leaves() * max(1, scalars_in(event))
    # Words: at most MAX_STEPS lines, none longer than a few quotes of the pattern itself.
    assert len(result.steps) <= MAX_STEPS
    longest = max((len(s.text) + len(s.path) + len(s.found) for s in result.steps), default=0)
    assert longest <= 6 * len(text) + 600, longest
    assert result.steps or not pattern.root.fields and not pattern.root.alternatives


number_texts = st.one_of(
    bounds.map(lambda n: n[1]),
    st.builds("{}e{}".format, st.integers(-9, 9), st.integers(-(10**9), 10**9)),
)


@COMMON
@given(st.sampled_from(["<", "<=", "=", ">", ">="]), number_texts, number_texts, st.booleans())
def test_any_number_is_a_bound_or_a_value_with_a_short_explanation(op, bound, value, exact):
    entry = bound if exact else f'{{"numeric": [{json.dumps(op)}, {bound}]}}'
    text = f'{{"n": [{entry}]}}'
    try:
        pattern = parse_pattern(text)
    except PatternError as error:
        check_error(error)
        return
    result = match(pattern, read_event(f'{{"n": {value}}}'))
    assert len(result.steps) == 1 and len(result.steps[0].text) < 300, result.steps[0].text[:300]


def test_a_long_value_not_in_a_list_is_quoted_briefly():
    """The hint for a value written outside its list quoted the value twice in full: a
    600-character value made a 1,300-character message (found by the property test above)."""
    with pytest.raises(PatternError) as refused:
        parse_pattern(json.dumps({"source": "a" * 600}))
    assert refused.value.code == "not_a_list"
    assert len(refused.value.message) < 300 and "…" in refused.value.message
    assert refused.value.message.startswith(
        'the value to match is written in a list: "source": ["aaa'
    )
