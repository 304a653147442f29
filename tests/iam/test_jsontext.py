"""JSON text the standard decoder cannot take becomes a located PolicyError, never a crash."""

from __future__ import annotations

import json

import pytest

from srm_trainer.iam import CaseError, PolicyError, evaluate, lint, parse_case, parse_policy
from srm_trainer.iam.findings import lint_case
from srm_trainer.iam.jsontext import load_json, lone_surrogate_at, repeated_keys

BIG = "1" * 5000


def test_an_integer_over_python_s_limit_is_a_located_error():
    text = '{\n  "a": ' + BIG + "\n}"
    with pytest.raises(PolicyError) as caught:
        load_json(text)
    assert caught.value.code == "number_too_long"
    assert (caught.value.line, caught.value.column) == (2, 8)
    assert "5,000 digits" in caught.value.message


def test_a_long_float_or_a_long_string_of_digits_is_fine():
    assert load_json("[0." + BIG + "]")[0] > 0.1
    assert load_json('["' + BIG + '"]') == [BIG]


@pytest.mark.parametrize(
    "text, code, column, said",
    [
        ('{"v":\n  NaN}', "invalid_json", 3, "NaN is not JSON (its numbers are finite): write"),
        ("[1, -Infinity]", "invalid_json", 5, "-Infinity is not JSON"),
        ('["Infinity", Infinity]', "invalid_json", 14, "Infinity is not JSON"),
        ("[1, 1e400]", "number_too_long", 5, "The number 1e400 is too large to read"),
        ("[" + BIG + ".5]", "number_too_long", 2, "The number 11111111111111111111… is too"),
    ],
)
def test_nan_infinity_and_a_number_past_a_float_are_located_errors(text, code, column, said):
    """Python's decoder takes NaN and Infinity, which JSON has not, and reads 1e400 as infinity,
    which every reader then refused as "not float" (a condition value, a context value)."""
    with pytest.raises(PolicyError) as caught:
        load_json(text)
    assert (caught.value.code, caught.value.column) == (code, column)
    assert caught.value.message.startswith(said)


def test_a_condition_value_past_a_float_is_refused_at_its_place_in_the_policy():
    text = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",\n'
        ' "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": 1e400}}}}'
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    assert (caught.value.code, caught.value.line, caught.value.column) == ("number_too_long", 2, 68)
    assert "not float" not in caught.value.message


def test_a_policy_with_a_huge_number_is_refused_with_its_line():
    text = (
        '{"Version": "2012-10-17",\n "Statement": {"Effect": "Allow", "Action": "s3:*",\n "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": '
        + BIG
        + "}}}}"
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    assert caught.value.code == "number_too_long"
    assert caught.value.line == 3
    [finding] = lint(text)
    assert finding.code == "number_too_long" and finding.line == 3


def test_a_case_with_a_huge_number_is_refused_with_its_line():
    text = '{"request": {"principal": "arn:aws:iam::111122223333:user/a",\n "action": ' + BIG + "}}"
    with pytest.raises(CaseError) as caught:
        parse_case(text)
    assert (caught.value.code, caught.value.line, caught.value.column) == (
        "number_too_long",
        2,
        12,
    )


def test_deep_nesting_is_refused_at_the_bracket_that_goes_too_deep():
    with pytest.raises(PolicyError) as caught:
        load_json("[" * 20_000 + "]" * 20_000)
    assert caught.value.code == "nesting_too_deep"
    with pytest.raises(PolicyError) as caught:
        load_json("[" * 50 + "]" * 50, max_depth=40)
    assert (caught.value.code, caught.value.column) == ("nesting_too_deep", 41)
    with pytest.raises(CaseError) as caught:
        parse_case("[" * 20_000)
    assert caught.value.code in {"nesting_too_deep", "invalid_json"}


@pytest.mark.parametrize(
    "escape, lone",
    [
        (r"\ud800", True),
        (r"\udfff", True),
        (r"\ud800x", True),
        (r"\ud83d\ude00", False),  # a proper pair: an emoji
        (r"\\ud800", False),  # an escaped backslash, then letters
        (r"\\\ud800", True),
        (r"\u00e9", False),
        (r"\ude00\ud83d", True),
    ],
)
def test_only_lone_surrogate_escapes_are_refused(escape, lone):
    text = '["ok", "a' + escape + '"]'
    assert (lone_surrogate_at(text) is not None) is lone
    if lone:
        with pytest.raises(PolicyError) as caught:
            load_json(text)
        assert (caught.value.code, caught.value.line, caught.value.column) == (
            "invalid_unicode",
            1,
            text.index("\\u") + 1,  # the escape itself
        )
    else:
        assert load_json(text)[0] == "ok"


def test_a_policy_or_case_holding_a_lone_surrogate_is_refused():
    policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "s3:\ud800", "Resource": "*"},
    }
    with pytest.raises(PolicyError) as caught:
        parse_policy(json.dumps(policy))
    assert caught.value.code == "invalid_unicode" and caught.value.line == 1
    with pytest.raises(PolicyError) as caught:
        parse_policy(policy)
    assert caught.value.code == "invalid_unicode"
    case = {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/a",
            "action": "s3:\udc00",
            "resource": "*",
        },
        "identity_policies": [],
    }
    with pytest.raises(CaseError) as caught:
        evaluate(case)
    assert caught.value.code == "invalid_unicode"
    assert [f.code for f in lint_case({"identity_policies": [policy]})] == ["invalid_unicode"]


def test_a_key_written_twice_is_refused_only_when_asked_at_the_repeat():
    text = '{"request": {"action": "s3:GetObject",\n  "action": "s3:DeleteObject"}}'
    assert load_json(text) == {"request": {"action": "s3:DeleteObject"}}  # json's last wins
    with pytest.raises(PolicyError) as caught:
        load_json(text, what="request body", keys_once=True)
    err = caught.value
    assert (err.code, err.path, err.line, err.column) == ("duplicate_key", "request.action", 2, 3)
    assert err.message.startswith(
        'The request body writes the key "action" twice in one object (first at line 1, column 14)'
    )


@pytest.mark.parametrize(
    ("text", "repeats"),
    [
        ('{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}', []),
        ('{"a": 1, "a": 2, "a": 3}', [("a", "a", 1, 9), ("a", "a", 1, 17)]),
        ('{"s": [{"x": {}}, {"x": [], "x": "}{,"}]}', [("s[1].x", "x", 19, 28)]),
        ('{"k.x": {"": 1, "": 2}}', [("k.x.", "", 9, 16)]),
        ('{"e": 1, "\\u0065": 2}', [("e", "e", 1, 9)]),
        ('{"a": 1, "a": 2', [("a", "a", 1, 9)]),  # cut short: what is there is walked
    ],
    ids=["none", "three-times", "in-a-list", "dotted-and-empty", "escaped", "cut-short"],
)
def test_repeated_keys_finds_each_repeat_with_its_path(text, repeats):
    assert list(repeated_keys(text)) == repeats
