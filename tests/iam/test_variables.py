"""Policy variables: parsing, substitution, defaults, escapes, no-value rules."""

from __future__ import annotations

from srm_trainer.iam.context import RequestContext
from srm_trainer.iam.variables import (
    Escape,
    Variable,
    has_variables,
    parse_template,
    resolve_pattern,
    resolve_text,
)

VARS_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
SINGLE_MULTI_DOC = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-single-vs-multi-valued-context-keys.html"
)

CTX = RequestContext.from_mapping(
    {
        "aws:username": "alice",
        "aws:PrincipalTag/team": "red",
        "s3:prefix": "home/",
        "aws:TagKeys": ["a", "b"],
        "aws:userid": "AIDA*?",
    }
)


def test_parse_template_splits_text_variables_and_escapes() -> None:
    t = parse_template("a/${aws:username}/${*}/${aws:userid, 'anon'}")
    assert t.parts == (
        "a/",
        Variable("aws:username"),
        "/",
        Escape("*"),
        "/",
        Variable("aws:userid", "anon"),
    )
    assert t.has_variables
    assert not t.is_plain


def test_plain_text_is_plain() -> None:
    t = parse_template("arn:aws:s3:::b/*")
    assert t.is_plain
    assert not t.has_variables
    assert not has_variables("arn:aws:s3:::b/*")
    assert has_variables("${aws:username}")


def test_escapes_alone_are_not_variables_but_not_plain_either() -> None:
    t = parse_template("${*}")
    assert not t.has_variables
    assert not t.is_plain


def test_variable_is_replaced_by_the_context_value() -> None:
    # VARS_DOC: "IAM replaces the variable ${aws:username} with the friendly name"
    assert resolve_text("home/${aws:username}/", CTX) == "home/alice/"


def test_variable_key_lookup_is_case_insensitive() -> None:
    # VARS_DOC: "Key names are case-insensitive."
    assert resolve_text("${AWS:USERNAME}", CTX) == "alice"


def test_tag_variables_are_resolved() -> None:
    # VARS_DOC: "Tags as policy variables" — ${aws:PrincipalTag/department}
    assert resolve_text("team-${aws:PrincipalTag/team}", CTX) == "team-red"


def test_service_keys_can_be_variables() -> None:
    assert resolve_text("${s3:prefix}x", CTX) == "home/x"


def test_missing_key_has_no_value() -> None:
    # VARS_DOC: "If AWS cannot resolve a variable, this might cause the entire statement to be
    # invalid." The caller decides what no value means; resolution reports None.
    assert resolve_text("home/${aws:PrincipalTag/missing}", CTX) is None
    assert resolve_pattern("home/${aws:PrincipalTag/missing}/*", CTX) is None


def test_default_value_is_used_when_the_key_is_missing() -> None:
    # VARS_DOC "Specifying default values": ${aws:userid, 'anonymous'}
    empty = RequestContext.from_mapping({})
    assert resolve_text("${aws:username, 'guest'}", empty) == "guest"
    assert resolve_text("${aws:username,'guest'}", empty) == "guest"
    assert resolve_text("${aws:username, 'guest'}", CTX) == "alice"
    assert resolve_text("${aws:username, ''}", empty) == ""


def test_multivalued_key_is_not_substituted() -> None:
    # SINGLE_MULTI_DOC: "you can't use multivalued context keys as policy variables"
    assert resolve_text("${aws:TagKeys}", CTX) is None
    assert resolve_text("${aws:TagKeys, 'none'}", CTX) == "none"
    assert resolve_text("${k}", RequestContext.from_mapping({"k": ["only"]})) is None


def test_escapes_become_their_characters() -> None:
    # VARS_DOC "Special characters": ${*}, ${?}, ${$}
    assert resolve_text("a${*}b${?}c${$}d", CTX) == "a*b?c$d"


def test_escaped_star_is_literal_in_a_pattern() -> None:
    pattern = resolve_pattern("a${*}", CTX)
    assert pattern is not None
    assert pattern.match("a*")
    assert not pattern.match("ab")


def test_escaped_question_mark_is_literal_in_a_pattern() -> None:
    pattern = resolve_pattern("a${?}", CTX)
    assert pattern is not None
    assert pattern.match("a?")
    assert not pattern.match("ab")


def test_policy_wildcards_stay_wildcards_around_variables() -> None:
    pattern = resolve_pattern("home/${aws:username}/*", CTX)
    assert pattern is not None
    assert pattern.match("home/alice/docs/x")
    assert not pattern.match("home/bob/docs/x")


def test_substituted_values_are_literal_text() -> None:
    pattern = resolve_pattern("${aws:userid}", CTX)  # the value is "AIDA*?"
    assert pattern is not None
    assert pattern.match("AIDA*?")
    assert not pattern.match("AIDAXYZ1")


def test_ignore_case_pattern_after_substitution() -> None:
    pattern = resolve_pattern("HOME/${aws:username}", CTX, ignore_case=True)
    assert pattern is not None
    assert pattern.match("home/ALICE")


def test_malformed_variable_syntax_is_literal_text() -> None:
    for text in ["${", "${}", "${ }", "a${aws:username", "${a, guest}", "${a, 'x}"]:
        assert parse_template(text).is_plain, text
        assert resolve_text(text, CTX) == text


def test_text_before_a_malformed_variable_and_a_good_one_after() -> None:
    assert resolve_text("${${aws:username}", CTX) == "${alice"


def test_unicode_values_are_substituted() -> None:
    ctx = RequestContext.from_mapping({"aws:username": "zoë-日本"})
    assert resolve_text("u/${aws:username}", ctx) == "u/zoë-日本"


def test_template_parsing_is_cached() -> None:
    assert parse_template("x/${aws:username}") is parse_template("x/${aws:username}")
