"""The linear-time `*`/`?` matcher (actions, ARNs, StringLike)."""

from __future__ import annotations

import pytest

from srm_trainer.iam.wildcard import (
    ANY_CHAR,
    STAR,
    compile_pattern,
    compile_tokens,
    fold_case,
    has_wildcard,
    text_tokens,
    wildcard_match,
)

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
# "multi-character match wildcards (*) and single-character match wildcards (?) anywhere"


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("*", "", True),
        ("*", "anything at all", True),
        ("**", "x", True),
        ("", "", True),
        ("", "x", False),
        ("abc", "abc", True),
        ("abc", "abd", False),
        ("abc", "ab", False),
        ("a*", "a", True),
        ("a*", "abc", True),
        ("a*", "ba", False),
        ("*a", "ba", True),
        ("*a", "ab", False),
        ("a*b", "ab", True),
        ("a*b", "a-long-b", True),
        ("a*b", "a-long-c", False),
        ("a?b", "ab", False),
        ("a?b", "axb", True),
        ("a?b", "axxb", False),
        ("?", "", False),
        ("?", "x", True),
        ("???", "abc", True),
        ("???", "abcd", False),
        ("*?*?*", "a", False),
        ("*?*?*", "ab", True),
        ("*a*a*b", "aab", True),
        ("*a*a*b", "ab", False),
        ("*ab*ab*", "abab", True),
        ("*ab*ab*", "aba", False),
        ("x*y*z", "xyz", True),
        ("x*y*z", "xzy", False),
        ("home/*/docs/*", "home/alice/docs/a.txt", True),
        ("home/*/docs/*", "home/alice/pics/a.txt", False),
    ],
)
def test_wildcard_match_examples(pattern: str, value: str, expected: bool) -> None:
    assert wildcard_match(pattern, value) is expected


def test_star_matches_the_empty_run() -> None:
    assert wildcard_match("s3:Get*", "s3:Get")


def test_question_mark_matches_exactly_one_character() -> None:
    assert wildcard_match("example?bucket", "example1bucket")
    assert not wildcard_match("example?bucket", "examplebucket")
    assert not wildcard_match("example?bucket", "example12bucket")


def test_question_marks_mixed_with_literals_inside_one_segment() -> None:
    pattern = "*a?b?c?d?e?f*"  # more literal pieces than the anchored search takes: Shift-And
    assert wildcard_match(pattern, "zza1b2c3d4e5fzz")
    assert not wildcard_match(pattern, "zza1b2c3d4e5zz")
    assert wildcard_match("*x?y*", "..x1y..")
    assert not wildcard_match("*x?y*", "..xy..")


def test_a_later_segment_may_not_overlap_the_anchored_end() -> None:
    assert not wildcard_match("ab*ba", "aba")
    assert wildcard_match("ab*ba", "abba")


def test_matching_is_case_sensitive_by_default() -> None:
    assert not wildcard_match("s3:get*", "s3:GetObject")


def test_ignore_case_folds_both_sides() -> None:
    # Action names are case-insensitive:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    assert wildcard_match("s3:get*", "S3:GetObject", ignore_case=True)
    assert wildcard_match("S3:GETOBJECT", "s3:getobject", ignore_case=True)


def test_unicode_characters_count_as_one_character_each() -> None:
    assert wildcard_match("caf?", "café")
    assert wildcard_match("*ü*", "grün")
    assert wildcard_match("??", "日本")
    assert not wildcard_match("?", "日本")


def test_fold_case_keeps_the_length() -> None:
    # U+0130 lowers to two code points; keeping one character per position keeps `?` honest.
    assert len(fold_case("İx")) == 2
    assert wildcard_match("?x", "İX", ignore_case=True)


def test_regex_metacharacters_are_literal() -> None:
    assert wildcard_match("a.b", "a.b")
    assert not wildcard_match("a.b", "axb")
    assert wildcard_match("(a|b)+[c]", "(a|b)+[c]")
    assert wildcard_match("^$\\", "^$\\")


def test_compile_pattern_is_cached() -> None:
    assert compile_pattern("arn:aws:s3:::b/*") is compile_pattern("arn:aws:s3:::b/*")


def test_compiled_pattern_reports_literal_text() -> None:
    assert compile_pattern("abc").is_literal
    assert compile_pattern("abc").literal == "abc"
    assert not compile_pattern("a*c").is_literal


def test_tokens_keep_literal_star_and_question_mark_apart_from_wildcards() -> None:
    # `${*}` and `${?}` become literal tokens: a `*` in them is text, not a wildcard.
    literal_star = compile_tokens(["a", "*", "b"])
    assert literal_star.match("a*b")
    assert not literal_star.match("axb")
    mixed = compile_tokens(["a", STAR, "?", ANY_CHAR])
    assert mixed.match("a-long-?x")
    assert not mixed.match("a-long-xx")


def test_text_tokens_split_wildcards_out() -> None:
    assert text_tokens("a*b?c") == ("a", STAR, "b", ANY_CHAR, "c")
    assert text_tokens("") == ()


def test_has_wildcard() -> None:
    assert has_wildcard("a*")
    assert has_wildcard("a?")
    assert not has_wildcard("abc")


def test_pathological_pattern_is_answered_correctly() -> None:
    pattern = "*a" * 3071 + "*b"  # 6,144 characters
    assert len(pattern) == 6144
    assert not wildcard_match(pattern, "a" * 2000)
    assert not wildcard_match(pattern, "a" * 1999 + "b")  # needs 3,071 a's
    assert wildcard_match(pattern, "a" * 3071 + "b")


def test_many_question_marks_in_one_segment_are_answered_correctly() -> None:
    pattern = "*" + "a?" * 1000 + "c*"
    assert wildcard_match(pattern, "a" * 2000 + "c")
    assert not wildcard_match(pattern, "a" * 2000 + "b")
    assert not wildcard_match("*" + "?a" * 3072, "a" * 2000)
