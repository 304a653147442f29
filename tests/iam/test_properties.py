"""Property tests: the wildcard matcher against a reference, and parser robustness."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srm_trainer.iam.conditions import (
    CONDITION_OPERATORS,
    evaluate_conditions,
    parse_condition_block,
)
from srm_trainer.iam.context import RequestContext
from srm_trainer.iam.errors import PolicyError
from srm_trainer.iam.wildcard import ANY_CHAR, STAR, compile_tokens, wildcard_match
from tests.depth import examples


def reference_match(pattern: str, value: str) -> bool:
    """Textbook dynamic programming over (pattern index, value index); obviously correct."""

    @cache
    def go(i: int, j: int) -> bool:
        if i == len(pattern):
            return j == len(value)
        ch = pattern[i]
        if ch == "*":
            return go(i + 1, j) or (j < len(value) and go(i, j + 1))
        if j == len(value):
            return False
        return (ch == "?" or ch == value[j]) and go(i + 1, j + 1)

    return go(0, 0)


# A small alphabet makes matches (and near-misses) common.
PATTERN = st.text(alphabet="ab*?", max_size=12)
VALUE = st.text(alphabet="ab", max_size=12)


@given(PATTERN, VALUE)
@settings(max_examples=examples(600))
def test_wildcard_match_agrees_with_the_reference(pattern: str, value: str) -> None:
    assert wildcard_match(pattern, value) == reference_match(pattern, value)


@given(st.text(alphabet="abc*?", max_size=40), st.text(alphabet="abc", max_size=40))
@settings(max_examples=examples(300))
def test_wildcard_match_agrees_with_the_reference_on_longer_inputs(
    pattern: str, value: str
) -> None:
    assert wildcard_match(pattern, value) == reference_match(pattern, value)


@given(st.text(alphabet="aA*?", max_size=10), st.text(alphabet="aAb", max_size=10))
def test_ignore_case_agrees_with_the_reference_on_lowered_inputs(pattern: str, value: str) -> None:
    expected = reference_match(pattern.lower(), value.lower())
    assert wildcard_match(pattern, value, ignore_case=True) == expected


# Segments with many `?` take the Shift-And path; give them room.
@given(
    st.lists(st.sampled_from(["a", "b", "?", "?", "*"]), min_size=6, max_size=30).map("".join),
    st.text(alphabet="ab", max_size=30),
)
@settings(max_examples=examples(300))
def test_question_mark_heavy_patterns_agree_with_the_reference(pattern: str, value: str) -> None:
    assert wildcard_match(pattern, value) == reference_match(pattern, value)


# At least five literal pieces separated by `?`: the bit-parallel (Shift-And) search.
SHIFT_AND_SEGMENT = st.lists(
    st.text(alphabet="ab", min_size=1, max_size=2), min_size=5, max_size=8
).map("?".join)


@given(
    SHIFT_AND_SEGMENT,
    st.sampled_from(["*{}*", "{}*", "*{}", "{}", "*a*{}*b", "*{}*{}*"]),
    st.text(alphabet="ab", max_size=40),
)
@settings(max_examples=examples(400))
def test_bit_parallel_segments_agree_with_the_reference(
    segment: str, shape: str, value: str
) -> None:
    pattern = shape.format(segment, segment)
    assert wildcard_match(pattern, value) == reference_match(pattern, value)


TOKEN = st.one_of(
    st.sampled_from([STAR, ANY_CHAR]), st.text(alphabet="ab*?", min_size=1, max_size=3)
)


@given(st.lists(TOKEN, max_size=8), st.text(alphabet="ab*?", max_size=10))
def test_literal_star_and_question_mark_tokens_match_only_themselves(
    tokens: list, value: str
) -> None:
    # Reference: escape the literal characters into unused letters on both sides.
    table = str.maketrans({"*": "S", "?": "Q"})
    pattern = "".join(t.value if t in (STAR, ANY_CHAR) else t.translate(table) for t in tokens)
    expected = reference_match(pattern, value.translate(table))
    assert compile_tokens(tokens).match(value) == expected


def test_pathological_pattern_is_correct() -> None:
    # Correctness only; timing belongs in tests/bench.
    pattern = "*a" * 3071 + "*b"
    assert len(pattern) == 6144
    assert wildcard_match(pattern, "a" * 2000) is False
    arn_like = "arn:aws:s3:::" + "a" * 1987
    assert wildcard_match("arn:aws:s3:::" + "*a" * 3065 + "*b", arn_like) is False
    assert wildcard_match("*a" * 1000 + "*", "a" * 2000) is True


JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)
)
JSON = st.recursive(
    JSON_SCALAR,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
OPERATOR_NAME = st.one_of(
    st.sampled_from(CONDITION_OPERATORS),
    st.sampled_from(CONDITION_OPERATORS).map(lambda o: f"ForAnyValue:{o}IfExists"),
    st.sampled_from(CONDITION_OPERATORS).map(lambda o: f"ForAllValues:{o}"),
    st.text(max_size=12),
)
VALUES = st.one_of(JSON_SCALAR, st.lists(JSON_SCALAR, max_size=3), JSON)
CONDITION = st.one_of(
    JSON,
    st.dictionaries(
        OPERATOR_NAME,
        st.one_of(JSON, st.dictionaries(st.text(max_size=10), VALUES, max_size=3)),
        max_size=3,
    ),
)


@given(CONDITION)
@settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow])
def test_parse_condition_block_raises_nothing_but_policy_error(raw: object) -> None:
    try:
        clauses = parse_condition_block(raw, path="Statement[0].Condition")
    except PolicyError as err:
        assert err.code
        assert err.path.startswith("Statement[0].Condition")
        return
    # Whatever parses also evaluates without raising, with or without variables.
    ctx = RequestContext.from_mapping({"k": "1", "aws:TagKeys": ["a", "b"], "e": []})
    for variables in (False, True):
        result = evaluate_conditions(clauses, ctx, variables=variables)
        assert result.matched == (not result.failures)


CONTEXT_VALUE = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "10",
            "1e3",
            "2020-01-01T00:00:00Z",
            "203.0.113.7",
            "::1",
            "true",
            "QQ==",
            "arn:aws:s3:::b",
        ]
    ),
    st.lists(st.text(max_size=6), max_size=3),
)
POLICY_VALUE = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["10", "${k}", "${*}", "${x, 'd'}", "2020-01", "10.0.0.0/8", "arn:aws:*:*:*:*", "*"]
    ),
)


@given(
    st.sampled_from(CONDITION_OPERATORS),
    st.sampled_from(["", "IfExists"]),
    st.sampled_from(["", "ForAllValues:", "ForAnyValue:"]),
    st.lists(POLICY_VALUE, min_size=1, max_size=3),
    st.dictionaries(st.sampled_from(["k", "K", "x"]), CONTEXT_VALUE, max_size=2),
)
def test_evaluation_never_raises_on_odd_values(
    base: str, suffix: str, prefix: str, values: list[str], context: dict
) -> None:
    if base == "Null" and suffix:
        return
    clauses = parse_condition_block({f"{prefix}{base}{suffix}": {"k": values}}, path="C")
    try:
        ctx = RequestContext.from_mapping(context)
    except PolicyError:  # "k" and "K" together
        return
    for variables in (False, True):
        evaluate_conditions(clauses, ctx, variables=variables)
