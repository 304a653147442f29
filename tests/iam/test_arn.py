"""ARN parsing and the Resource element's ARN matching."""

from __future__ import annotations

import pytest

from srm_trainer.iam.arn import (
    Arn,
    compile_arn_pattern,
    compile_arn_tokens,
    parse_arn,
    resource_matches,
)
from srm_trainer.iam.context import RequestContext
from srm_trainer.iam.wildcard import STAR

RESOURCE_DOC = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
)
ARN_OPS_DOC = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_condition_operators.html#Conditions_ARN"
)


def test_parse_arn_splits_the_six_parts() -> None:
    arn = parse_arn("arn:aws:iam::111122223333:user/division/alice")
    assert arn == Arn("aws", "iam", "", "111122223333", "user/division/alice")
    assert str(arn) == "arn:aws:iam::111122223333:user/division/alice"


def test_parse_arn_keeps_colons_and_slashes_in_the_resource_part() -> None:
    arn = parse_arn("arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f:*")
    assert arn is not None
    assert arn.resource == "log-group:/aws/lambda/f:*"


@pytest.mark.parametrize(
    "text", ["*", "", "arn:aws:s3", "arn:aws:s3:::", "ARN:aws:s3:::b", "arn::s3:::b", "bucket"]
)
def test_parse_arn_rejects_non_arns(text: str) -> None:
    assert parse_arn(text) is None


def test_star_alone_matches_anything() -> None:
    # "you use the wildcard character (*) in the Resource element" (RESOURCE_DOC)
    assert resource_matches("*", "arn:aws:s3:::bucket/key")
    assert resource_matches("*", "*")
    assert resource_matches("*", "not an arn")


def test_exact_arn_matches_itself_only() -> None:
    assert resource_matches(
        "arn:aws:sqs:us-east-2:111122223333:queue1", "arn:aws:sqs:us-east-2:111122223333:queue1"
    )
    assert not resource_matches(
        "arn:aws:sqs:us-east-2:111122223333:queue1", "arn:aws:sqs:us-east-2:111122223333:queue2"
    )


def test_resource_matching_is_case_sensitive() -> None:
    # "In the Resource element, the IAM user name is case sensitive." (RESOURCE_DOC)
    assert not resource_matches(
        "arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob"
    )


def test_wildcard_in_the_resource_part_crosses_slashes() -> None:
    # RESOURCE_DOC: "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*" matches all of these.
    pattern = "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*"
    for key in [
        "1/test/object.jpg",
        "1/2/test/object.jpg",
        "1/2/test/3/object.jpg",
        "1/2/3/test/4/object.jpg",
        "1///test///object.jpg",
        "1/test/.jpg",
        "/test/object.jpg",
        "1/test/",
    ]:
        assert resource_matches(pattern, f"arn:aws:s3:::amzn-s3-demo-bucket/{key}"), key
    for key in ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"]:
        assert not resource_matches(pattern, f"arn:aws:s3:::amzn-s3-demo-bucket/{key}"), key


def test_wildcard_in_the_resource_part_crosses_colons() -> None:
    assert resource_matches(
        "arn:aws:logs:us-east-1:111122223333:log-group:*",
        "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f:log-stream:x",
    )


def test_wildcards_in_the_first_parts_do_not_cross_colons() -> None:
    # ARN_OPS_DOC: ArnLike "arn:aws:someservice:*:111122223333:finance/*" fails on
    # "...:us-east-2:999999999999:store/abc:111122223333:finance/document.txt".
    assert not resource_matches(
        "arn:aws:someservice:*:111122223333:finance/*",
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
    )


def test_wildcards_within_each_part() -> None:
    # "You can use wildcard characters (* and ?) within the individual segments" (RESOURCE_DOC)
    assert resource_matches(
        "arn:aws:ec2:us-*-?:*:instance/i-*", "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc"
    )
    assert not resource_matches(
        "arn:aws:ec2:us-*-?:*:instance/i-*", "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc"
    )
    assert resource_matches("arn:aws:iam::1111222233?3:user/*", "arn:aws:iam::111122223333:user/x")
    assert resource_matches("arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example1bucket/k")


def test_empty_region_and_account_must_match_an_empty_part_or_a_star() -> None:
    assert resource_matches("arn:aws:s3:::b", "arn:aws:s3:::b")
    assert not resource_matches("arn:aws:s3:us-east-1::b", "arn:aws:s3:::b")
    assert resource_matches("arn:aws:s3:*:*:b", "arn:aws:s3:::b")


def test_a_pattern_with_fewer_parts_matches_no_arn() -> None:
    assert not resource_matches("arn:aws:s3", "arn:aws:s3:::bucket")
    assert not resource_matches("arn:aws:s3:::", "arn:aws:s3:::bucket")
    assert not resource_matches("arn:aws:iam::111122223333", "arn:aws:iam::111122223333:user/x")
    assert not resource_matches("bucket/*", "arn:aws:s3:::bucket/key")


def test_a_truncated_pattern_ending_in_star_expands_across_colons() -> None:
    # RESOURCE_DOC: "If the * wildcard is the last character of a resource ARN segment, it can
    # expand to match beyond the colon boundaries."
    assert resource_matches("arn:aws:s3:*", "arn:aws:s3:::bucket")
    assert resource_matches("arn:aws:iam::*", "arn:aws:iam::111122223333:user/x")
    assert resource_matches(
        "arn:aws:ssm:us-east-1:*", "arn:aws:ssm:us-east-1:111122223333:parameter/x"
    )
    assert not resource_matches(
        "arn:aws:ssm:us-east-1:*", "arn:aws:ssm:us-west-2:111122223333:parameter/x"
    )
    assert not resource_matches("arn:aws:s3:*", "arn:aws:sqs:us-east-1:111122223333:q")
    assert resource_matches("arn:aws:iam::1111*", "arn:aws:iam::111122223333:user/x")
    assert not resource_matches("arn:aws:iam::2222*", "arn:aws:iam::111122223333:user/x")


def test_a_non_arn_request_resource_matches_only_star_or_a_whole_text_wildcard() -> None:
    assert resource_matches("*", "*")
    assert not resource_matches("arn:aws:s3:::*", "*")
    assert not resource_matches("arn:*", "*")
    assert resource_matches("?", "*")  # a wildcard pattern that matches the whole text
    assert not resource_matches("arn:aws:s3:::b", "b")


def test_variable_in_the_resource_part_is_substituted() -> None:
    # RESOURCE_DOC / https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
    ctx = RequestContext.from_mapping({"aws:username": "alice"})
    pattern = "arn:aws:s3:::bucket/home/${aws:username}/*"
    assert resource_matches(
        pattern, "arn:aws:s3:::bucket/home/alice/x", context=ctx, variables=True
    )
    assert not resource_matches(
        pattern, "arn:aws:s3:::bucket/home/bob/x", context=ctx, variables=True
    )


def test_without_variables_the_dollar_brace_text_is_literal() -> None:
    # Versions before 2012-10-17: "variables like ${aws:username} are treated as literal strings"
    ctx = RequestContext.from_mapping({"aws:username": "alice"})
    pattern = "arn:aws:s3:::bucket/${aws:username}"
    assert not resource_matches(pattern, "arn:aws:s3:::bucket/alice", context=ctx, variables=False)
    assert resource_matches(
        pattern, "arn:aws:s3:::bucket/${aws:username}", context=ctx, variables=False
    )


def test_variable_with_no_value_in_the_resource_matches_nothing_and_says_so() -> None:
    # Resource with a variable that has no value matches nothing:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
    ctx = RequestContext.from_mapping({})
    assert (
        resource_matches(
            "arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/x/y", context=ctx, variables=True
        )
        is None
    )
    assert (
        resource_matches("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/x/y", variables=True)
        is None
    )


def test_multivalued_key_as_a_variable_has_no_value() -> None:
    # "you can't use multivalued context keys as policy variables"
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
    ctx = RequestContext.from_mapping({"aws:TagKeys": ["a"]})
    assert (
        resource_matches(
            "arn:aws:s3:::b/${aws:TagKeys}", "arn:aws:s3:::b/a", context=ctx, variables=True
        )
        is None
    )


def test_substituted_value_is_literal_not_a_wildcard() -> None:
    ctx = RequestContext.from_mapping({"aws:username": "a*"})
    pattern = "arn:aws:s3:::b/${aws:username}"
    assert resource_matches(pattern, "arn:aws:s3:::b/a*", context=ctx, variables=True)
    assert not resource_matches(pattern, "arn:aws:s3:::b/abc", context=ctx, variables=True)


def test_escapes_give_literal_wildcard_characters() -> None:
    # "${*} - use where you need an * (asterisk) character" (reference_policies_variables)
    assert resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", variables=True)
    assert not resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", variables=True)
    assert resource_matches("arn:aws:s3:::b/${?}", "arn:aws:s3:::b/?", variables=True)
    assert resource_matches("arn:aws:s3:::b/${$}x", "arn:aws:s3:::b/$x", variables=True)


def test_variable_with_a_colon_in_its_name_does_not_shift_the_arn_parts() -> None:
    ctx = RequestContext.from_mapping({"aws:PrincipalTag/team": "red"})
    pattern = "arn:aws:s3:::b/${aws:PrincipalTag/team}/*"
    assert resource_matches(pattern, "arn:aws:s3:::b/red/k", context=ctx, variables=True)


def test_variable_default_is_used_when_the_key_is_missing() -> None:
    pattern = "arn:aws:s3:::b/${aws:username, 'guest'}/*"
    assert resource_matches(pattern, "arn:aws:s3:::b/guest/k", variables=True)


def test_compiled_patterns_are_cached_and_report_variables() -> None:
    assert compile_arn_pattern("arn:aws:s3:::b/*") is compile_arn_pattern("arn:aws:s3:::b/*")
    assert not compile_arn_pattern("arn:aws:s3:::b/*").has_variables
    assert compile_arn_pattern("arn:aws:s3:::b/${aws:username}", True).has_variables
    assert not compile_arn_pattern("arn:aws:s3:::b/${aws:username}", False).has_variables


def test_arn_tokens_split_on_literal_colons_only() -> None:
    matcher = compile_arn_tokens(("arn:aws:iam::", STAR, ":role/", STAR))
    assert matcher.match("arn:aws:iam::111122223333:role/x")
    assert not matcher.match("arn:aws:iam::111122223333:user/x")
    assert compile_arn_tokens((STAR,)).match("anything")


def test_long_pathological_resource_pattern_is_answered_correctly() -> None:
    pattern = "arn:aws:s3:::" + "*a" * 3065 + "*b"
    resource = "arn:aws:s3:::" + "a" * 1987
    assert not resource_matches(pattern, resource)


def test_a_resource_block_reads_an_incomplete_arn_completed_and_decides_so_once(
    monkeypatch,
) -> None:
    """IAM guide, ARNs ("Using wildcards in paths"): in an identity-based policy an ARN of
    fewer than six fields is completed with `*`, so `arn:aws:sqs` covers every queue there,
    while a six-part ARN without wildcards is compared as it is, and in a resource-based
    policy `arn:aws:sqs` names no queue. Whether an entry is incomplete is decided once per
    entry, when the block is built (the matchers compiled at the first check asked again)."""
    from srm_trainer.iam import model

    asked: list[str] = []
    real = model.is_incomplete_arn

    def counted(text: str, variables: bool = False) -> bool:
        asked.append(text)
        return real(text, variables)

    monkeypatch.setattr(model, "is_incomplete_arn", counted)
    texts = ("arn:aws:sqs", "arn:aws:sqs:us-east-1:111122223333:orders", "arn:aws:s3:::b/*")
    patterns = tuple(model.ResourcePattern.compile(t) for t in texts)
    identity = model.ResourceBlock(patterns, False, complete=True)
    elsewhere = model.ResourceBlock(patterns, False, complete=False)
    ctx = RequestContext.empty()
    other_queue = "arn:aws:sqs:eu-west-1:444455556666:other"
    assert identity.check(other_queue, ctx) == (True, False)
    assert identity.check("arn:aws:sqs:us-east-1:111122223333:orders", ctx) == (True, False)
    assert identity.check("arn:aws:s3:::b/key", ctx) == (True, False)
    assert identity.check("arn:aws:sns:us-east-1:111122223333:orders", ctx) == (False, False)
    assert elsewhere.check(other_queue, ctx) == (False, False)
    assert elsewhere.check("arn:aws:sqs:us-east-1:111122223333:orders", ctx) == (True, False)
    assert sorted(asked) == sorted(texts[:2])  # the two entries without wildcards, once each
