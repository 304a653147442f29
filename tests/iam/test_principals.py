"""Principal matching: who a Principal/NotPrincipal names, and how that changes the decision.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
"""

from __future__ import annotations

import pytest

from srm_trainer.iam import CaseError, evaluate
from srm_trainer.iam.model import PrincipalBlock
from srm_trainer.iam.principals import (
    best_match,
    classify_principal,
    not_principal_excludes,
    parse_caller,
)

ACCT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
BOB = f"arn:aws:iam::{ACCT}:user/bob"
ROLE = f"arn:aws:iam::{ACCT}:role/team/deployer"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/deployer/build-42"
FEDERATED = f"arn:aws:sts::{ACCT}:federated-user/carol"


def _block(*values: str, negated: bool = False, type_: str = "AWS") -> PrincipalBlock:
    return PrincipalBlock(tuple(classify_principal(type_, v) for v in values), negated)


# --------------------------------------------------------------------------- callers


@pytest.mark.parametrize(
    ("text", "kind", "account"),
    [
        (ALICE, "user", ACCT),
        (ROLE, "role_session", ACCT),
        (SESSION, "role_session", ACCT),
        (FEDERATED, "federated_user", ACCT),
        (f"arn:aws:iam::{ACCT}:root", "root", ACCT),
        ("ec2.amazonaws.com", "service", None),
        ("cognito-identity.amazonaws.com", "web_identity", None),
        ("*", "anonymous", None),
    ],
)
def test_it_reads_every_caller_form(text, kind, account):
    caller = parse_caller(text)
    assert (caller.kind, caller.account) == (kind, account)


def test_a_role_arn_caller_is_a_session_whose_name_does_not_matter():
    caller = parse_caller(ROLE)
    assert (caller.name, caller.session) == ("deployer", None)


# An account id is twelve ASCII digits: other scripts' digits pass `str.isdigit()` too.
FULLWIDTH = "１１１１２２２２３３３３"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "alice",
        "arn:aws:iam::1234:user/a",
        "arn:aws:s3:::bucket",
        FULLWIDTH,
        f"arn:aws:iam::{FULLWIDTH}:user/a",
        "arn:aws:iam::11112222333³:user/a",
    ],
)
def test_it_rejects_an_unreadable_caller(text):
    with pytest.raises(CaseError):
        parse_caller(text)


def test_a_caller_read_before_is_the_same_and_a_bad_one_stays_an_error_where_it_is():
    assert parse_caller(ROLE) is parse_caller(ROLE)
    for path in ("request.principal", "requests[2].principal", "request.principal"):
        with pytest.raises(CaseError) as info:
            parse_caller("arn:aws:s3:::bucket", path=path)
        assert info.value.path == path

    class Text(str):
        pass

    subclassed = parse_caller(Text(ROLE))
    assert subclassed == parse_caller(ROLE) and type(subclassed.text) is Text


# --------------------------------------------------------------------------- Principal


def test_star_and_aws_star_name_everyone_including_anonymous_callers():
    for block in (_block("*", type_="*"), _block("*")):
        for text in (ALICE, SESSION, "*", "s3.amazonaws.com"):
            assert best_match(block, parse_caller(text)) == "everyone"


@pytest.mark.parametrize("value", [ACCT, f"arn:aws:iam::{ACCT}:root"])
def test_an_account_names_every_principal_of_that_account(value):
    block = _block(value)
    for text in (ALICE, SESSION, FEDERATED):
        assert best_match(block, parse_caller(text)) == "account"
    assert best_match(block, parse_caller(f"arn:aws:iam::{OTHER}:user/alice")) is None
    assert best_match(block, parse_caller("*")) is None


def test_a_user_arn_names_only_that_user():
    assert best_match(_block(ALICE), parse_caller(ALICE)) == "user"
    assert best_match(_block(ALICE), parse_caller(BOB)) is None


def test_a_role_arn_names_every_session_of_the_role():
    block = _block(ROLE)
    assert best_match(block, parse_caller(SESSION)) == "role"
    assert best_match(block, parse_caller(f"arn:aws:sts::{ACCT}:assumed-role/deployer/x")) == "role"
    assert best_match(block, parse_caller(f"arn:aws:sts::{ACCT}:assumed-role/other/x")) is None


def test_a_session_arn_names_only_that_session():
    block = _block(SESSION)
    assert best_match(block, parse_caller(SESSION)) == "session"
    assert best_match(block, parse_caller(f"arn:aws:sts::{ACCT}:assumed-role/deployer/y")) is None


def test_a_federated_user_arn_names_that_federated_user():
    assert best_match(_block(FEDERATED), parse_caller(FEDERATED)) == "federated_user"


def test_a_service_principal_names_the_service():
    block = _block("ec2.amazonaws.com", type_="Service")
    assert best_match(block, parse_caller("ec2.amazonaws.com")) == "service"
    assert best_match(block, parse_caller("lambda.amazonaws.com")) is None


def test_a_direct_grant_beats_a_grant_to_the_account():
    assert best_match(_block(ACCT, ALICE), parse_caller(ALICE)) == "user"


def test_wildcards_inside_a_principal_arn_are_literal():
    assert best_match(_block(f"arn:aws:iam::{ACCT}:user/*"), parse_caller(ALICE)) is None


# --------------------------------------------------------------------------- NotPrincipal


def test_notprincipal_with_the_user_and_its_account_excludes_only_that_user():
    block = _block(BOB, f"arn:aws:iam::{ACCT}:root", negated=True)
    assert not_principal_excludes(block, parse_caller(BOB))
    assert not not_principal_excludes(block, parse_caller(ALICE))


def test_notprincipal_with_only_the_user_still_catches_its_account():
    assert not not_principal_excludes(_block(BOB, negated=True), parse_caller(BOB))


def test_notprincipal_must_name_account_role_and_session_to_exclude_a_session():
    full = _block(SESSION, ROLE, f"arn:aws:iam::{ACCT}:root", negated=True)
    assert not_principal_excludes(full, parse_caller(SESSION))
    assert not not_principal_excludes(_block(SESSION, ROLE, negated=True), parse_caller(SESSION))


# --------------------------------------------------------------------------- decisions


def _get(principal: str, grantee: dict | str, **extra) -> dict:
    case = {
        "request": {
            "principal": principal,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::shared/doc.pdf",
            "resource_account": ACCT,
        },
        "identity_policies": [],
        "resource_policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": grantee,
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::shared/*",
                }
            ],
        },
    }
    case.update(extra)
    return case


DENY_ALL_BOUNDARY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}],
}
ALLOW_GET = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def test_a_grant_to_a_user_arn_suffices_despite_the_boundary():
    case = _get(ALICE, {"AWS": ALICE}, permissions_boundary=DENY_ALL_BOUNDARY)
    decision = evaluate(case)
    assert decision.decision == "Allow"
    assert decision.step("resource_policy").outcome == "allow"


def test_a_grant_to_a_role_arn_is_limited_by_the_roles_boundary():
    case = _get(SESSION, {"AWS": ROLE}, permissions_boundary=DENY_ALL_BOUNDARY)
    decision = evaluate(case)
    assert decision.decision == "ImplicitDeny"
    assert decision.step("boundary").outcome == "implicit_deny"


def test_a_grant_to_a_role_arn_needs_no_identity_policy():
    assert evaluate(_get(SESSION, {"AWS": ROLE})).decision == "Allow"


def test_a_grant_to_a_role_arn_is_limited_by_the_session_policy():
    case = _get(SESSION, {"AWS": ROLE}, session_policy=DENY_ALL_BOUNDARY)
    assert evaluate(case).decision == "ImplicitDeny"


def test_a_grant_to_the_session_arn_is_not_limited_by_boundary_or_session_policy():
    case = _get(
        SESSION,
        {"AWS": SESSION},
        permissions_boundary=DENY_ALL_BOUNDARY,
        session_policy=DENY_ALL_BOUNDARY,
    )
    assert evaluate(case).decision == "Allow"


def test_a_grant_to_the_account_delegates_to_identity_policies():
    assert evaluate(_get(ALICE, {"AWS": ACCT})).decision == "ImplicitDeny"
    assert evaluate(_get(ALICE, {"AWS": ACCT}, identity_policies=[ALLOW_GET])).decision == "Allow"


def test_cross_account_needs_the_resource_policy_and_the_identity_policy():
    stranger = f"arn:aws:iam::{OTHER}:user/dave"
    assert evaluate(_get(stranger, {"AWS": stranger})).decision == "ImplicitDeny"
    both = _get(stranger, {"AWS": stranger}, identity_policies=[ALLOW_GET])
    assert evaluate(both).decision == "Allow"
    only_identity = _get(stranger, {"AWS": ALICE}, identity_policies=[ALLOW_GET])
    assert evaluate(only_identity).decision == "ImplicitDeny"


def test_an_anonymous_caller_is_allowed_only_by_a_public_resource_policy():
    assert evaluate(_get("*", "*")).decision == "Allow"
    assert evaluate(_get("*", {"AWS": ACCT})).decision == "ImplicitDeny"


def test_a_service_principal_is_not_limited_by_scps():
    deny_nothing = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}],
    }
    case = _get(
        "cloudtrail.amazonaws.com",
        {"Service": "cloudtrail.amazonaws.com"},
        scp_levels=[[deny_nothing]],
    )
    decision = evaluate(case)
    assert decision.decision == "Allow"
    assert decision.step("scp").outcome == "not_applicable"


def test_deny_with_notprincipal_always_catches_a_principal_with_a_boundary():
    case = _get(
        ALICE, {"AWS": ALICE}, identity_policies=[ALLOW_GET], permissions_boundary=ALLOW_GET
    )
    case["resource_policy"]["Statement"].append(
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": [ALICE, f"arn:aws:iam::{ACCT}:root"]},
            "Action": "s3:*",
            "Resource": "*",
        }
    )
    assert evaluate(case).decision == "ExplicitDeny"
    del case["permissions_boundary"]
    assert evaluate(case).decision == "Allow"


# --- the request context AWS would send for a caller (IAM guide, "AWS global condition
# context keys": aws:PrincipalType, aws:PrincipalArn, aws:PrincipalAccount, aws:userid, ...) ---

from srm_trainer.iam.principals import default_context  # noqa: E402


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (
            "arn:aws:iam::111122223333:user/team/alice",
            {
                "aws:PrincipalType": "User",
                "aws:PrincipalArn": "arn:aws:iam::111122223333:user/team/alice",
                "aws:PrincipalAccount": "111122223333",
                "aws:username": "alice",
                "aws:PrincipalIsAWSService": "false",
            },
        ),
        (
            # the session's context names the role, not the session
            "arn:aws:sts::111122223333:assumed-role/Deploy/ci-42",
            {
                "aws:PrincipalType": "AssumedRole",
                "aws:PrincipalArn": "arn:aws:iam::111122223333:role/Deploy",
                "aws:PrincipalAccount": "111122223333",
                "aws:PrincipalIsAWSService": "false",
            },
        ),
        (
            # a role ARN stands for a session of the role: AssumedRole, path kept
            "arn:aws:iam::111122223333:role/ops/Deploy",
            {
                "aws:PrincipalType": "AssumedRole",
                "aws:PrincipalArn": "arn:aws:iam::111122223333:role/ops/Deploy",
                "aws:PrincipalAccount": "111122223333",
                "aws:PrincipalIsAWSService": "false",
            },
        ),
        (
            "arn:aws:sts::111122223333:federated-user/bob",
            {
                "aws:PrincipalType": "FederatedUser",
                "aws:PrincipalArn": "arn:aws:sts::111122223333:federated-user/bob",
                "aws:PrincipalAccount": "111122223333",
                "aws:userid": "111122223333:bob",
                "aws:PrincipalIsAWSService": "false",
            },
        ),
        (
            "111122223333",
            {
                "aws:PrincipalType": "Account",
                "aws:PrincipalArn": "arn:aws:iam::111122223333:root",
                "aws:PrincipalAccount": "111122223333",
                "aws:userid": "111122223333",
                "aws:PrincipalIsAWSService": "false",
            },
        ),
        ("*", {"aws:PrincipalType": "Anonymous", "aws:userid": "anonymous"}),
        (
            "lambda.amazonaws.com",
            {
                "aws:PrincipalIsAWSService": "true",
                "aws:PrincipalServiceName": "lambda.amazonaws.com",
            },
        ),
        ("not a principal", {}),
    ],
)
def test_the_context_aws_sends_follows_from_the_callers_arn(principal, expected):
    assert default_context(principal) == expected


def test_the_default_context_satisfies_a_policy_written_for_that_caller():
    """What the sandbox pre-fills is what a role-session condition checks."""
    from srm_trainer.iam import evaluate

    principal = "arn:aws:sts::111122223333:assumed-role/Deploy/ci-42"
    case = {
        "request": {
            "principal": principal,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::builds/app.zip",
            "context": default_context(principal),
        },
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "*",
                        "Condition": {
                            "StringEquals": {"aws:PrincipalType": "AssumedRole"},
                            "ArnEquals": {
                                "aws:PrincipalArn": "arn:aws:iam::111122223333:role/Deploy"
                            },
                        },
                    }
                ],
            }
        ],
    }
    assert evaluate(case).decision == "Allow"
