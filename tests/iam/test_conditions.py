"""Every condition operator, AWS's missing-key / multivalue / negation rules, and parsing."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from srm_trainer.iam.conditions import (
    CONDITION_OPERATORS,
    ConditionResult,
    evaluate_conditions,
    parse_condition_block,
    parse_operator,
)
from srm_trainer.iam.context import RequestContext
from srm_trainer.iam.errors import PolicyError

OPS_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
LOGIC_DOC = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-logic-multiple-context-keys-or-values.html"
)
SETS_DOC = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-single-vs-multi-valued-context-keys.html"
)
MULTI_EXAMPLES_DOC = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition_examples-multi-valued-context-keys.html"
)
VARS_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"


def run(
    block: Mapping, context: Mapping | None = None, *, variables: bool = True
) -> ConditionResult:
    clauses = parse_condition_block(block, path="Statement[0].Condition")
    return evaluate_conditions(
        clauses, RequestContext.from_mapping(context or {}), variables=variables
    )


def holds(op: str, key: str, values: object, context: Mapping | None = None, **kw: bool) -> bool:
    return run({op: {key: values}}, context, **kw).matched


# --------------------------------------------------------------------------------------------
# String operators (OPS_DOC #Conditions_String)


def test_string_equals_is_exact_and_case_sensitive() -> None:
    assert holds("StringEquals", "aws:PrincipalTag/job", "admin", {"aws:PrincipalTag/job": "admin"})
    assert not holds(
        "StringEquals", "aws:PrincipalTag/job", "admin", {"aws:PrincipalTag/job": "Admin"}
    )
    assert not holds(
        "StringEquals", "aws:PrincipalTag/job", "admin", {"aws:PrincipalTag/job": "admins"}
    )


def test_string_equals_treats_wildcards_as_literal_text() -> None:
    assert not holds("StringEquals", "k", "a*", {"k": "abc"})
    assert holds("StringEquals", "k", "a*", {"k": "a*"})


def test_string_not_equals_is_true_when_the_value_differs() -> None:
    assert holds("StringNotEquals", "k", "a", {"k": "b"})
    assert not holds("StringNotEquals", "k", "a", {"k": "a"})


def test_string_equals_ignore_case() -> None:
    assert holds("StringEqualsIgnoreCase", "k", "ADMIN", {"k": "admin"})
    assert not holds("StringEqualsIgnoreCase", "k", "ADMIN", {"k": "admins"})
    assert holds("StringEqualsIgnoreCase", "k", "ÉQUIPE", {"k": "équipe"})


def test_string_not_equals_ignore_case() -> None:
    assert not holds("StringNotEqualsIgnoreCase", "k", "ADMIN", {"k": "admin"})
    assert holds("StringNotEqualsIgnoreCase", "k", "ADMIN", {"k": "user"})


def test_string_like_uses_wildcards_case_sensitively() -> None:
    assert holds("StringLike", "s3:prefix", "home/*", {"s3:prefix": "home/alice/"})
    assert holds("StringLike", "s3:prefix", "home/?lice/", {"s3:prefix": "home/alice/"})
    assert not holds("StringLike", "s3:prefix", "home/*", {"s3:prefix": "HOME/alice/"})
    # "You must specify wildcards to achieve partial string matches."
    assert not holds("StringLike", "s3:prefix", "home", {"s3:prefix": "home/alice/"})


def test_string_like_matches_the_empty_string() -> None:
    # OPS_DOC example: "s3:prefix": ["", "home/", "home/${aws:username}/"]
    assert holds("StringLike", "s3:prefix", ["", "home/"], {"s3:prefix": ""})


def test_string_not_like() -> None:
    assert holds("StringNotLike", "k", "tmp-*", {"k": "prod-1"})
    assert not holds("StringNotLike", "k", "tmp-*", {"k": "tmp-1"})


def test_string_like_ignores_regex_syntax_and_handles_unicode() -> None:
    assert holds("StringLike", "k", "a.b*", {"k": "a.bc"})
    assert not holds("StringLike", "k", "a.b*", {"k": "axbc"})
    assert holds("StringLike", "k", "日本?", {"k": "日本語"})


def test_string_operators_compare_numbers_and_booleans_as_text() -> None:
    assert holds("StringEquals", "k", 5, {"k": "5"})
    assert holds("StringEquals", "k", True, {"k": "true"})
    assert holds("StringEquals", "k", "5", {"k": 5})


# --------------------------------------------------------------------------------------------
# AND / OR / NOR (LOGIC_DOC)


def test_several_values_for_one_key_are_ored() -> None:
    # LOGIC_DOC: "multiple values for a context key ... evaluated using a logical OR"
    assert holds("StringEquals", "k", ["a", "b", "c"], {"k": "b"})
    assert not holds("StringEquals", "k", ["a", "b", "c"], {"k": "d"})


def test_negated_operator_with_several_values_is_a_nor() -> None:
    # LOGIC_DOC: "a single negated matching condition operator includes multiple values ...
    # evaluated using a logical NOR"
    assert not holds("StringNotEquals", "k", ["a", "b"], {"k": "a"})
    assert not holds("StringNotEquals", "k", ["a", "b"], {"k": "b"})
    assert holds("StringNotEquals", "k", ["a", "b"], {"k": "c"})


def test_several_keys_under_one_operator_are_anded() -> None:
    # LOGIC_DOC: "multiple context keys attached to a single condition operator ... AND"
    block = {"StringEquals": {"a": "1", "b": "2"}}
    assert run(block, {"a": "1", "b": "2"}).matched
    result = run(block, {"a": "1", "b": "3"})
    assert not result.matched
    assert [f.key for f in result.failures] == ["b"]


def test_several_operators_are_anded() -> None:
    # LOGIC_DOC: "multiple condition operators ... evaluated using a logical AND"
    block = {"StringEquals": {"a": "1"}, "NumericLessThan": {"n": "10"}}
    assert run(block, {"a": "1", "n": 5}).matched
    assert not run(block, {"a": "1", "n": 50}).matched
    assert not run(block, {"a": "2", "n": 5}).matched


def test_every_failing_clause_is_reported() -> None:
    result = run({"StringEquals": {"a": "1"}, "Bool": {"b": "true"}}, {"a": "x"})
    assert not result.matched
    assert [(f.operator, f.key, f.code) for f in result.failures] == [
        ("StringEquals", "a", "condition_value_mismatch"),
        ("Bool", "b", "condition_key_missing"),
    ]
    assert result.failures[0].expected == ("1",)
    assert result.failures[0].actual == ("x",)
    assert result.failures[1].actual is None


def test_an_empty_condition_block_matches() -> None:
    assert run({}).matched
    assert evaluate_conditions((), RequestContext.from_mapping({})).matched


# --------------------------------------------------------------------------------------------
# Missing keys (OPS_DOC, "Important" box)


def test_string_equals_is_false_when_the_key_is_missing() -> None:
    # OPS_DOC: "If the key ... is not present in the request context, the values do not match
    # and the condition is false."
    result = run({"StringEquals": {"aws:PrincipalTag/job": "admin"}}, {})
    assert not result.matched
    assert result.failures[0].code == "condition_key_missing"


@pytest.mark.parametrize(
    ("op", "value"),
    [
        ("StringNotEquals", "a"),
        ("StringNotEqualsIgnoreCase", "a"),
        ("StringNotLike", "a*"),
        ("NumericNotEquals", "1"),
        ("DateNotEquals", "2020-01-01T00:00:00Z"),
        ("NotIpAddress", "203.0.113.0/24"),
        ("ArnNotEquals", "arn:aws:s3:::b"),
        ("ArnNotLike", "arn:aws:s3:::*"),
    ],
)
def test_negated_operators_are_true_when_the_key_is_missing(op: str, value: str) -> None:
    # OPS_DOC: "If the policy condition requires that the key is not matched, such as
    # StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
    assert holds(op, "missing:key", value, {})


@pytest.mark.parametrize(
    ("op", "value"),
    [
        ("StringEquals", "a"),
        ("StringEqualsIgnoreCase", "a"),
        ("StringLike", "*"),
        ("NumericEquals", "1"),
        ("NumericLessThan", "1"),
        ("NumericLessThanEquals", "1"),
        ("NumericGreaterThan", "1"),
        ("NumericGreaterThanEquals", "1"),
        ("DateEquals", "2020-01-01"),
        ("DateLessThan", "2020-01-01"),
        ("DateLessThanEquals", "2020-01-01"),
        ("DateGreaterThan", "2020-01-01"),
        ("DateGreaterThanEquals", "2020-01-01"),
        ("Bool", "true"),
        ("BinaryEquals", "QmluYXJ5"),
        ("IpAddress", "0.0.0.0/0"),
        ("ArnEquals", "*"),
        ("ArnLike", "*"),
    ],
)
def test_ordinary_operators_are_false_when_the_key_is_missing(op: str, value: str) -> None:
    # OPS_DOC "Important": a missing key makes the condition false.
    result = run({op: {"missing:key": value}}, {})
    assert not result.matched
    assert result.failures[0].code == "condition_key_missing"


@pytest.mark.parametrize("op", [o for o in CONDITION_OPERATORS if o != "Null"])
def test_if_exists_makes_a_missing_key_true_for_every_operator(op: str) -> None:
    # OPS_DOC #Conditions_IfExists: "If the key is not present, evaluate the condition element
    # as true."
    assert holds(f"{op}IfExists", "missing:key", "x", {})


def test_if_exists_still_checks_a_present_key() -> None:
    # OPS_DOC #Conditions_IfExists: StringLikeIfExists on ec2:InstanceType
    values = ["t1.*", "t2.*", "m3.*"]
    assert holds("StringLikeIfExists", "ec2:InstanceType", values, {"ec2:InstanceType": "t2.micro"})
    assert not holds(
        "StringLikeIfExists", "ec2:InstanceType", values, {"ec2:InstanceType": "p4d.24xlarge"}
    )


def test_negated_if_exists_is_true_when_missing_and_checks_when_present() -> None:
    # OPS_DOC: "If you are using an "Effect": "Deny" element with a negated condition operator
    # like StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    assert holds("StringNotEqualsIfExists", "aws:ResourceTag/env", "prod", {})
    assert not holds(
        "StringNotEqualsIfExists", "aws:ResourceTag/env", "prod", {"aws:ResourceTag/env": "prod"}
    )


def test_null_if_exists_is_not_an_operator() -> None:
    # OPS_DOC: "You can add IfExists to the end of any condition operator name except the Null
    # condition"
    with pytest.raises(PolicyError) as err:
        parse_condition_block({"NullIfExists": {"k": "true"}}, path="C")
    assert err.value.code == "unknown_condition_operator"


# --------------------------------------------------------------------------------------------
# Numeric operators (OPS_DOC #Conditions_Numeric)


@pytest.mark.parametrize(
    ("op", "policy", "request_value", "expected"),
    [
        ("NumericEquals", "10", "10", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "11", False),
        ("NumericNotEquals", "10", "11", True),
        ("NumericNotEquals", "10", "10", False),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericLessThanEquals", "10", "11", False),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThanEquals", "10", "10", True),
        ("NumericGreaterThanEquals", "10", "9.5", False),
        ("NumericLessThan", "-1.5", "-2", True),
        ("NumericEquals", "1e3", "1000", True),
        ("NumericEquals", "0.1", ".1", True),
    ],
)
def test_numeric_operators(op: str, policy: str, request_value: str, expected: bool) -> None:
    assert holds(op, "s3:max-keys", policy, {"s3:max-keys": request_value}) is expected


def test_numeric_operators_accept_json_numbers_on_both_sides() -> None:
    # OPS_DOC example: {"NumericLessThanEquals": {"s3:max-keys": "10"}}
    assert holds("NumericLessThanEquals", "s3:max-keys", 10, {"s3:max-keys": 7})
    assert holds("NumericLessThanEquals", "s3:max-keys", "10", {"s3:max-keys": "7"})


def test_numeric_compares_big_integers_exactly() -> None:
    assert not holds("NumericEquals", "n", "9007199254740993", {"n": "9007199254740992"})


def test_malformed_number_in_the_policy_makes_the_comparison_false_and_is_reported() -> None:
    result = run({"NumericEquals": {"n": ["ten", "10"]}}, {"n": "10"})
    assert result.matched  # the other value still matches (OR)
    result = run({"NumericEquals": {"n": "ten"}}, {"n": "10"})
    assert not result.matched
    failure = result.failures[0]
    assert failure.code == "condition_value_mismatch"
    assert "ten" in failure.detail


def test_malformed_number_in_the_context_never_raises_and_does_not_match() -> None:
    assert not holds("NumericLessThan", "n", "10", {"n": "five"})
    assert not holds("NumericNotEquals", "n", "10", {"n": "five"})
    assert not holds("NumericEquals", "n", "10", {"n": ""})
    assert not holds("NumericEquals", "n", "NaN", {"n": "NaN"})
    assert not holds("NumericEquals", "n", "Infinity", {"n": "Infinity"})


def test_malformed_number_with_a_negated_operator_is_false() -> None:
    assert not holds("NumericNotEquals", "n", "ten", {"n": "10"})


def test_numeric_operators_do_not_substitute_variables() -> None:
    # VARS_DOC: "You can't use a policy variable with ... Numeric, Date, Boolean, Binary,
    # IP Address, or Null operators" (Bool: the operators page says it can; see below)
    assert not holds("NumericEquals", "n", "${k}", {"n": "5", "k": "5"})


# --------------------------------------------------------------------------------------------
# Date operators (OPS_DOC #Conditions_Date)


@pytest.mark.parametrize(
    ("op", "policy", "request_value", "expected"),
    [
        ("DateGreaterThan", "2020-01-01T00:00:01Z", "2020-06-01T00:00:00Z", True),
        ("DateGreaterThan", "2020-01-01T00:00:01Z", "2019-12-31T23:59:59Z", False),
        ("DateLessThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", True),
        ("DateLessThan", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", False),
        ("DateLessThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", True),
        ("DateGreaterThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", True),
        ("DateEquals", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00", True),
        ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", True),
        ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", False),
        ("DateEquals", "2020-01-01", "2020-01-01T00:00:00Z", True),
        ("DateEquals", "2020-01", "2020-01-01T00:00:00Z", True),
        ("DateEquals", "2020-01-01T00:00Z", "2020-01-01T00:00:00.000Z", True),
        ("DateLessThan", "2020-01-01T00:00:00.5Z", "2020-01-01T00:00:00.25Z", True),
        ("DateEquals", "2020-01-01T00:00:00-05:00", "2020-01-01T05:00:00Z", True),
    ],
)
def test_date_operators_with_iso_8601(
    op: str, policy: str, request_value: str, expected: bool
) -> None:
    # OPS_DOC: "W3C implementations of the ISO 8601 date formats"
    assert holds(op, "aws:CurrentTime", policy, {"aws:CurrentTime": request_value}) is expected


def test_date_operators_with_epoch_seconds() -> None:
    # OPS_DOC: "... or in epoch (UNIX) time"
    assert holds(
        "DateEquals", "aws:EpochTime", "1577836800", {"aws:EpochTime": "2020-01-01T00:00:00Z"}
    )
    assert holds("DateGreaterThan", "aws:EpochTime", "1577836800", {"aws:EpochTime": 1577836801})
    assert holds(
        "DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", {"aws:CurrentTime": "0"}
    )


@pytest.mark.parametrize(
    "bad",
    [
        "2020-13-01",
        "2020-02-30",
        "yesterday",
        "2020-01-01T25:00:00Z",
        "",
        "2020-01-01T00:00:00+99:00",
    ],
)
def test_malformed_dates_never_raise_and_never_match(bad: str) -> None:
    assert not holds("DateEquals", "d", bad, {"d": "2020-01-01T00:00:00Z"})
    assert not holds("DateLessThan", "d", "2030-01-01", {"d": bad})
    assert not holds("DateNotEquals", "d", "2030-01-01", {"d": bad})


def test_date_values_do_not_take_wildcards() -> None:
    # OPS_DOC: "Wildcards are not permitted for date condition operators."
    assert not holds("DateEquals", "d", "2020-*", {"d": "2020-01-01"})


# --------------------------------------------------------------------------------------------
# Bool (OPS_DOC #Conditions_Boolean)


def test_bool_compares_true_and_false_case_insensitively() -> None:
    assert holds("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": False})
    assert holds("Bool", "aws:SecureTransport", "False", {"aws:SecureTransport": "FALSE"})
    assert holds("Bool", "aws:SecureTransport", True, {"aws:SecureTransport": "true"})
    assert not holds("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "false"})


def test_bool_with_a_non_boolean_value_does_not_match() -> None:
    assert not holds("Bool", "k", "yes", {"k": "yes"})
    assert not holds("Bool", "k", "true", {"k": "1"})


def test_bool_takes_policy_variables() -> None:
    # OPS_DOC #Conditions_Boolean: "You can use a policy variable with the Boolean condition
    # operator." (the variables page leaves Bool out; the operators page is more specific)
    ctx = {"aws:SecureTransport": "true", "aws:MultiFactorAuthPresent": "true"}
    assert holds("Bool", "aws:SecureTransport", "${aws:MultiFactorAuthPresent}", ctx)


# --------------------------------------------------------------------------------------------
# BinaryEquals (OPS_DOC #Conditions_BinaryEquals)


def test_binary_equals_compares_base64_byte_for_byte() -> None:
    # OPS_DOC: "compares the value of the specified key byte for byte against a base-64 encoded
    # representation of the binary value in the policy"
    value = "QmluYXJ5VmFsdWVJbkJhc2U2NA=="
    assert holds("BinaryEquals", "key", value, {"key": value})
    assert not holds("BinaryEquals", "key", value, {"key": "QmluYXJ5"})


def test_binary_equals_with_malformed_base64_is_false() -> None:
    assert not holds("BinaryEquals", "key", "not base64!", {"key": "not base64!"})
    assert not holds("BinaryEquals", "key", "QmluYXJ5", {"key": "%%%"})


# --------------------------------------------------------------------------------------------
# IP addresses (OPS_DOC #Conditions_IPAddress)


def test_ip_address_in_an_ipv4_cidr() -> None:
    assert holds("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.7"})
    assert not holds("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.114.7"})


def test_ip_address_without_prefix_means_a_single_address() -> None:
    # OPS_DOC: "If you specify an IP address without the associated routing prefix, IAM uses
    # the default prefix value of /32."
    assert holds("IpAddress", "aws:SourceIp", "203.0.113.7", {"aws:SourceIp": "203.0.113.7"})
    assert not holds("IpAddress", "aws:SourceIp", "203.0.113.7", {"aws:SourceIp": "203.0.113.8"})


def test_ip_address_with_ipv6_and_mixed_lists() -> None:
    # OPS_DOC example mixing "203.0.113.0/24" and "2001:DB8:1234:5678::/64"
    values = ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]
    assert holds("IpAddress", "aws:SourceIp", values, {"aws:SourceIp": "2001:db8:1234:5678::abcd"})
    assert holds("IpAddress", "aws:SourceIp", values, {"aws:SourceIp": "203.0.113.200"})
    assert not holds("IpAddress", "aws:SourceIp", values, {"aws:SourceIp": "2001:db8:1234:5679::1"})


def test_ipv4_address_never_matches_an_ipv6_range() -> None:
    assert not holds("IpAddress", "aws:SourceIp", "::/0", {"aws:SourceIp": "203.0.113.7"})
    assert not holds("IpAddress", "aws:SourceIp", "0.0.0.0/0", {"aws:SourceIp": "2001:db8::1"})


def test_host_bits_in_the_policy_cidr_are_ignored() -> None:
    assert holds("IpAddress", "aws:SourceIp", "203.0.113.9/24", {"aws:SourceIp": "203.0.113.7"})


def test_not_ip_address() -> None:
    assert holds("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "198.51.100.1"})
    assert not holds(
        "NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.1"}
    )
    assert not holds(
        "NotIpAddress",
        "aws:SourceIp",
        ["198.51.100.0/24", "203.0.113.0/24"],
        {"aws:SourceIp": "203.0.113.1"},
    )


def test_malformed_ips_never_raise() -> None:
    assert not holds("IpAddress", "aws:SourceIp", "203.0.113.0/33", {"aws:SourceIp": "203.0.113.1"})
    assert not holds("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "not-an-ip"})
    assert not holds(
        "NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "999.1.1.1"}
    )
    assert not holds("NotIpAddress", "aws:SourceIp", "bogus", {"aws:SourceIp": "203.0.113.1"})


# --------------------------------------------------------------------------------------------
# ARN operators (OPS_DOC #Conditions_ARN)


def test_arn_equals_and_arn_like_behave_identically() -> None:
    # OPS_DOC: "The ArnEquals and ArnLike condition operators behave identically."
    ctx = {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic-1"}
    for op in ("ArnEquals", "ArnLike"):
        assert holds(op, "aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic-1", ctx)
        assert holds(op, "aws:SourceArn", "arn:aws:sns:*:123456789012:topic-?", ctx)
        assert not holds(op, "aws:SourceArn", "arn:aws:sns:*:111122223333:*", ctx)


def test_arn_like_does_not_let_a_wildcard_cross_a_colon_but_string_like_does() -> None:
    # OPS_DOC: the "arn:aws:someservice:*:111122223333:finance/*" example.
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    ctx = {
        "aws:SourceArn": "arn:aws:someservice:us-east-2:999999999999:"
        "store/abc:111122223333:finance/document.txt"
    }
    assert holds("StringLike", "aws:SourceArn", pattern, ctx)
    assert not holds("ArnLike", "aws:SourceArn", pattern, ctx)


def test_arn_matching_is_case_sensitive() -> None:
    assert not holds(
        "ArnEquals",
        "aws:SourceArn",
        "arn:aws:s3:::Bucket",
        {"aws:SourceArn": "arn:aws:s3:::bucket"},
    )


def test_arn_not_equals_and_arn_not_like() -> None:
    ctx = {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin"}
    assert holds("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/dev-*", ctx)
    assert not holds("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/adm*", ctx)
    assert not holds(
        "ArnNotEquals",
        "aws:PrincipalArn",
        ["arn:aws:iam::*:role/x", "arn:aws:iam::*:role/admin"],
        ctx,
    )


def test_arn_like_with_a_truncated_pattern_ending_in_star() -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    # "If the * wildcard is the last character of a resource ARN segment, it can expand to
    # match beyond the colon boundaries."
    ctx = {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic-1"}
    assert holds("ArnLike", "aws:SourceArn", "arn:aws:sns:*", ctx)
    assert not holds("ArnLike", "aws:SourceArn", "arn:aws:sqs:*", ctx)
    assert not holds("ArnLike", "aws:SourceArn", "arn:aws:sns", ctx)


def test_arn_operators_with_a_non_arn_value() -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
    # "Each of the six colon-delimited components of the ARN is checked separately": a request
    # value without six parts cannot be compared, so the comparison is false, negated or not
    # (as for a malformed number or date). Found by differential testing against iam-simulate.
    bucket = {"aws:SourceArn": "bucket"}
    assert not holds("ArnLike", "aws:SourceArn", "arn:aws:s3:::*", bucket)
    assert not holds("ArnLike", "aws:SourceArn", "*", bucket)
    assert not holds("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::*", bucket)
    assert not holds("ArnNotEquals", "aws:SourceArn", "arn:aws:s3:::b", bucket)
    assert holds("ArnNotLikeIfExists", "aws:SourceArn", "arn:aws:s3:::*", {})
    # the same for a policy value that is not an ARN pattern
    queue = {"aws:SourceArn": "arn:aws:sqs:us-east-1:111122223333:q"}
    assert not holds("ArnNotEquals", "aws:SourceArn", "10.5", queue)
    assert not holds("ArnNotLike", "aws:SourceArn", "arn:aws:sns", queue)
    assert holds("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*", queue)
    # five colons make six parts (empty region and account, as in S3 ARNs)
    assert holds("ArnLike", "aws:SourceArn", "*", {"aws:SourceArn": "arn:aws:s3:::b"})
    assert holds(
        "ArnNotLike", "aws:SourceArn", "arn:aws:sqs:*", {"aws:SourceArn": "arn:aws:s3:::b"}
    )


def test_arn_operators_take_policy_variables() -> None:
    # OPS_DOC: "You can use a policy variable with the ARN condition operator."
    ctx = {
        "aws:SourceArn": "arn:aws:sqs:us-east-1:111122223333:alice-queue",
        "aws:username": "alice",
    }
    assert holds("ArnLike", "aws:SourceArn", "arn:aws:sqs:*:*:${aws:username}-*", ctx)
    assert not holds(
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:sqs:*:*:${aws:username}-*",
        {**ctx, "aws:username": "bob"},
    )


def test_arn_variable_holding_a_whole_arn_splits_into_parts() -> None:
    ctx = {
        "aws:SourceArn": "arn:aws:iam::111122223333:role/x",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/x",
    }
    assert holds("ArnEquals", "aws:SourceArn", "${aws:PrincipalArn}", ctx)


# --------------------------------------------------------------------------------------------
# Null (OPS_DOC #Conditions_Null)


def test_null_true_means_the_key_is_absent() -> None:
    # OPS_DOC: "true (the key doesn't exist — it is null) or false (the key exists and its
    # value is not null)"
    assert holds("Null", "aws:TokenIssueTime", "true", {})
    assert not holds(
        "Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}
    )


def test_null_false_means_the_key_is_present() -> None:
    assert holds(
        "Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}
    )
    result = run({"Null": {"aws:TokenIssueTime": "false"}}, {})
    assert not result.matched
    assert result.failures[0].code == "condition_key_missing"


def test_null_accepts_booleans_and_any_case() -> None:
    assert holds("Null", "k", True, {})
    assert holds("Null", "k", "FALSE", {"k": "x"})


def test_null_treats_an_empty_multivalued_key_as_null() -> None:
    # MULTI_EXAMPLES_DOC: a Null condition with false prevents "missing context keys or
    # context keys with empty values from evaluating to true"
    assert holds("Null", "aws:TagKeys", "true", {"aws:TagKeys": []})
    assert not holds("Null", "aws:TagKeys", "false", {"aws:TagKeys": []})
    assert holds("Null", "aws:TagKeys", "false", {"aws:TagKeys": ["a"]})


def test_null_does_not_substitute_variables() -> None:
    assert not holds("Null", "k", "${v}", {"v": "true"})


# --------------------------------------------------------------------------------------------
# Set operators and multivalued keys (SETS_DOC, MULTI_EXAMPLES_DOC)


def test_for_all_values_needs_every_request_value_to_match_one_policy_value() -> None:
    # SETS_DOC: "ForAllValues ... returns true if every context key value in the request
    # matches at least one context key value in the policy."
    op = "ForAllValues:StringEquals"
    assert holds(op, "aws:TagKeys", ["a", "b", "c"], {"aws:TagKeys": ["a", "b"]})
    assert not holds(op, "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["a", "x"]})


def test_for_all_values_is_true_when_the_key_is_missing() -> None:
    # SETS_DOC: "It also returns true if there are no context keys in the request."
    assert holds("ForAllValues:StringEquals", "aws:TagKeys", ["a"], {})


def test_for_all_values_is_true_when_the_key_is_empty() -> None:
    # MULTI_EXAMPLES_DOC: missing keys or keys with empty values evaluate to true
    assert holds("ForAllValues:StringEquals", "aws:TagKeys", ["a"], {"aws:TagKeys": []})


def test_for_any_value_needs_one_request_value_to_match() -> None:
    # SETS_DOC: "ForAnyValue ... returns true if any one of the context key values in the
    # request matches any one of the context key values in the policy"
    op = "ForAnyValue:StringEquals"
    assert holds(op, "aws:TagKeys", ["x", "b"], {"aws:TagKeys": ["a", "b"]})
    assert not holds(op, "aws:TagKeys", ["x", "y"], {"aws:TagKeys": ["a", "b"]})


def test_for_any_value_is_false_when_the_key_is_missing_or_empty() -> None:
    # SETS_DOC: "returns false if there are no context keys in the request"
    result = run({"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}, {})
    assert not result.matched
    assert result.failures[0].code == "condition_key_missing"
    assert not holds("ForAnyValue:StringEquals", "aws:TagKeys", "a", {"aws:TagKeys": []})


def test_for_any_value_if_exists_is_still_false_when_the_key_is_missing() -> None:
    # Observed AWS behaviour: ForAnyValue:StringEqualsIfExists on a request without
    # aws:TagKeys is not satisfied. https://repost.aws/questions/QU9HFmDzP0QGuU-fd7rS6B7w
    assert not holds("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "team", {})
    assert holds("ForAllValues:StringEqualsIfExists", "aws:TagKeys", "team", {})


def test_for_all_values_with_a_negated_operator() -> None:
    # MULTI_EXAMPLES_DOC: "ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"} — table rows
    op = "ForAllValues:StringNotLike"
    assert not holds(op, "aws:TagKeys", "key1*", {"aws:TagKeys": ["key1:legal"]})
    assert not holds(op, "aws:TagKeys", "key1*", {"aws:TagKeys": ["key1:hr", "key1:personnel"]})
    assert holds(op, "aws:TagKeys", "key1*", {"aws:TagKeys": ["key2:audit"]})
    assert holds(op, "aws:TagKeys", "key1*", {})


def test_for_any_value_with_a_negated_operator() -> None:
    # MULTI_EXAMPLES_DOC: "ForAnyValue:StringNotEquals" — at least one value outside the list
    op = "ForAnyValue:StringNotEquals"
    assert holds(op, "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["a", "c"]})
    assert not holds(op, "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["a", "b"]})
    assert not holds(op, "aws:TagKeys", ["a", "b"], {})


def test_set_operators_work_with_other_families() -> None:
    assert holds("ForAnyValue:NumericGreaterThan", "k", "5", {"k": [1, 9]})
    assert not holds("ForAllValues:NumericGreaterThan", "k", "5", {"k": [1, 9]})
    assert holds(
        "ForAllValues:ArnLike",
        "aws:PrincipalServiceNamesList",
        "arn:aws:iam::*:role/*",
        {"aws:PrincipalServiceNamesList": ["arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"]},
    )
    assert holds("ForAnyValue:IpAddress", "k", "10.0.0.0/8", {"k": ["192.168.0.1", "10.1.2.3"]})


def test_set_operators_on_a_single_valued_key_treat_it_as_a_set_of_one() -> None:
    # SETS_DOC warns against it ("can lead to overly permissive policies") but AWS evaluates it.
    assert holds("ForAnyValue:StringEquals", "aws:username", "alice", {"aws:username": "alice"})
    assert not holds("ForAllValues:StringEquals", "aws:username", "alice", {"aws:username": "bob"})


def test_single_valued_operator_against_a_multivalued_key_does_not_match() -> None:
    # SETS_DOC: "Multivalued context keys require a condition set operator."
    result = run({"StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["a"]})
    assert not result.matched
    assert result.failures[0].code == "condition_value_mismatch"
    assert "ForAnyValue" in result.failures[0].detail
    assert not holds("StringNotEquals", "aws:TagKeys", "x", {"aws:TagKeys": ["a", "b"]})
    assert not holds("StringEqualsIfExists", "aws:TagKeys", "a", {"aws:TagKeys": ["a", "b"]})


def test_an_empty_list_without_a_set_operator_counts_as_missing() -> None:
    # MULTI_EXAMPLES_DOC treats "context keys with empty values" like missing ones (see Null).
    result = run({"StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": []})
    assert not result.matched
    assert result.failures[0].code == "condition_key_missing"
    assert holds("StringNotEquals", "aws:TagKeys", "a", {"aws:TagKeys": []})
    assert holds("StringEqualsIfExists", "aws:TagKeys", "a", {"aws:TagKeys": []})


def test_set_operator_with_duplicate_request_values() -> None:
    assert holds("ForAllValues:StringEquals", "k", "a", {"k": ["a", "a"]})


# --------------------------------------------------------------------------------------------
# Policy variables in conditions (VARS_DOC)


def test_string_condition_value_with_a_variable() -> None:
    # VARS_DOC: {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}
    ctx = {"s3:prefix": "alice/photos", "aws:username": "alice"}
    assert holds("StringLike", "s3:prefix", "${aws:username}/*", ctx)
    assert not holds("StringLike", "s3:prefix", "${aws:username}/*", {**ctx, "aws:username": "bob"})


def test_variables_are_literal_text_when_the_version_has_none() -> None:
    # VARS_DOC: without Version 2012-10-17 "variables ... are treated as literal strings"
    ctx = {"s3:prefix": "${aws:username}/x", "aws:username": "alice"}
    assert holds("StringLike", "s3:prefix", "${aws:username}/*", ctx, variables=False)
    assert not holds(
        "StringLike",
        "s3:prefix",
        "${aws:username}/*",
        {**ctx, "s3:prefix": "alice/x"},
        variables=False,
    )


def test_variable_with_no_value_never_matches_an_ordinary_operator() -> None:
    # VARS_DOC "policy variables with no value": the variable is a null value, nothing equals it.
    result = run({"StringEquals": {"k": "${aws:PrincipalTag/team}"}}, {"k": ""})
    assert not result.matched
    assert result.failures[0].code == "condition_value_mismatch"
    assert "no value" in result.failures[0].detail
    assert not holds("StringLike", "k", "${aws:PrincipalTag/team}*", {"k": "anything"})
    assert not holds("ArnLike", "k", "arn:aws:s3:::${aws:username}", {"k": "arn:aws:s3:::"})


def test_variable_with_no_value_satisfies_a_negated_operator() -> None:
    # VARS_DOC "policy variables with no value": negated operators (StringNotEquals,
    # StringNotLike, ArnNotLike …) evaluate to true against the null value.
    assert holds("StringNotEquals", "k", "${aws:PrincipalTag/team}", {"k": "red"})
    assert holds("StringNotLike", "k", "${aws:PrincipalTag/team}*", {"k": "red"})
    assert holds("StringNotEqualsIgnoreCase", "k", "${aws:PrincipalTag/team}", {"k": "red"})
    assert holds("ArnNotLike", "k", "arn:aws:s3:::${aws:username}", {"k": "arn:aws:s3:::x"})


def test_variable_with_no_value_among_other_values() -> None:
    ctx = {"k": "red"}
    assert holds("StringEquals", "k", ["${aws:PrincipalTag/team}", "red"], ctx)
    assert not holds("StringNotEquals", "k", ["${aws:PrincipalTag/team}", "red"], ctx)


def test_multivalued_key_as_a_condition_variable_has_no_value() -> None:
    # SETS_DOC: "you can't use multivalued context keys as policy variables"
    ctx = {"k": "a", "aws:TagKeys": ["a"]}
    assert not holds("StringEquals", "k", "${aws:TagKeys}", ctx)
    assert holds("StringNotEquals", "k", "${aws:TagKeys}", ctx)


def test_variable_default_in_a_condition() -> None:
    assert holds("StringEquals", "k", "${aws:username, 'guest'}", {"k": "guest"})


def test_escapes_in_string_like_are_literal() -> None:
    assert holds("StringLike", "k", "a${*}", {"k": "a*"})
    assert not holds("StringLike", "k", "a${*}", {"k": "ab"})
    assert holds("StringEquals", "k", "a${?}${$}", {"k": "a?$"})


def test_substituted_value_is_not_a_wildcard_in_string_like() -> None:
    ctx = {"k": "abc", "aws:username": "a*"}
    assert not holds("StringLike", "k", "${aws:username}", ctx)
    assert holds("StringLike", "k", "${aws:username}", {**ctx, "k": "a*"})


def test_ignore_case_with_a_variable() -> None:
    assert holds(
        "StringEqualsIgnoreCase", "k", "${aws:username}", {"k": "ALICE", "aws:username": "alice"}
    )


def test_variable_inside_an_ip_condition_is_not_substituted() -> None:
    # OPS_DOC: "You can not use a policy variable with the IpAddress condition operator."
    assert not holds(
        "IpAddress", "aws:SourceIp", "${ip}", {"aws:SourceIp": "10.0.0.1", "ip": "10.0.0.1"}
    )


# --------------------------------------------------------------------------------------------
# Key case, operator names, parsing


def test_condition_key_names_are_case_insensitive() -> None:
    assert holds("StringEquals", "AWS:USERNAME", "alice", {"aws:username": "alice"})


def test_operator_names_are_read_case_insensitively() -> None:
    assert holds("stringequals", "k", "a", {"k": "a"})
    assert holds("forallvalues:stringequalsifexists", "k", "a", {})


def test_parse_operator_splits_set_base_and_if_exists() -> None:
    op = parse_operator("ForAnyValue:StringLikeIfExists")
    assert op is not None
    assert (op.set_operator, op.base, op.if_exists, op.negated) == (
        "ForAnyValue",
        "StringLike",
        True,
        False,
    )
    assert op.canonical == "ForAnyValue:StringLikeIfExists"
    assert parse_operator("NotIpAddress").negated  # type: ignore[union-attr]
    assert parse_operator("ForSomeValues:StringLike") is None
    assert parse_operator("StringLikeIfExistsIfExists") is None


def test_every_documented_operator_is_known() -> None:
    documented = {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
        "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
        "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
        "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
    }  # fmt: skip
    assert set(CONDITION_OPERATORS) == documented


def test_unknown_operator_is_rejected_with_its_path() -> None:
    with pytest.raises(PolicyError) as err:
        parse_condition_block({"StrinqEquals": {"k": "v"}}, path="Statement[2].Condition")
    assert err.value.code == "unknown_condition_operator"
    assert err.value.path == "Statement[2].Condition.StrinqEquals"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("StringEquals", "invalid_condition"),
        ([{"StringEquals": {"k": "v"}}], "invalid_condition"),
        ({"StringEquals": "k"}, "invalid_condition_operator_block"),
        ({"StringEquals": ["k", "v"]}, "invalid_condition_operator_block"),
        ({"StringEquals": {"k": None}}, "invalid_condition_value"),
        ({"StringEquals": {"k": {"v": 1}}}, "invalid_condition_value"),
        ({"StringEquals": {"k": [["v"]]}}, "invalid_condition_value"),
        ({"StringEquals": {"k": []}}, "empty_condition_values"),
        ({"StringEquals": {"": "v"}}, "invalid_condition_key"),
        ({"ForAllValue:StringEquals": {"k": "v"}}, "unknown_condition_operator"),
    ],
)
def test_wrong_shapes_are_rejected_with_clear_codes(raw: object, code: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_condition_block(raw, path="Statement[0].Condition")
    assert err.value.code == code
    assert err.value.path.startswith("Statement[0].Condition")


def test_value_errors_name_the_key_in_the_path() -> None:
    with pytest.raises(PolicyError) as err:
        parse_condition_block({"StringEquals": {"aws:username": None}}, path="S.Condition")
    assert err.value.path == "S.Condition.StringEquals.aws:username"


def test_none_condition_gives_no_clauses() -> None:
    assert parse_condition_block(None, path="C") == ()


def test_clauses_keep_what_explanations_need() -> None:
    (clause,) = parse_condition_block(
        {"NumericLessThan": {"s3:max-keys": [10, "x"]}}, path="S.Condition"
    )
    assert clause.operator == "NumericLessThan"
    assert clause.key == "s3:max-keys"
    assert clause.values == ("10", "x")
    assert clause.path == "S.Condition.NumericLessThan.s3:max-keys"
    assert clause.malformed_values == ("x",)
    assert not clause.supports_variables
