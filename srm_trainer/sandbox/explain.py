"""Words for the engine's reason codes: the presentation layer of the evaluation core.

The engine speaks in stable codes with data (`srm_trainer.iam.decision`); here each code
becomes one plain sentence, escaped, with a link to the lesson that teaches the rule. Used by
the sandbox page and by quiz feedback alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

POLICY_EVALUATION = "/learn/iam/policy-evaluation/"
POLICIES = "/learn/iam/policies/"
CONDITIONS = "/learn/iam/conditions-and-variables/"
SCPS = "/learn/organizations/service-control-policies/"
ROLES = "/learn/iam/roles/"
LEAST_PRIVILEGE = "/learn/iam/least-privilege/"
KMS = "/learn/encryption-and-kms/aws-kms/"

STEP_TITLES = {
    "explicit_deny": "Explicit deny",
    "rcp": "Resource control policies",
    "scp": "Service control policies",
    "resource_policy": "Resource-based policy",
    "identity": "Identity-based policies",
    "boundary": "Permissions boundary",
    "session_policy": "Session policy",
}
OUTCOME_WORDS = {
    "deny": "Denied here",
    "allow": "Allowed here",
    "implicit_deny": "Implicitly denied here",
    "continue": "Passed: go on",
    "not_applicable": "Does not apply",
}
KIND_WORDS = {
    "identity": "Identity-based policy",
    "resource": "Resource-based policy",
    "boundary": "Permissions boundary",
    "session": "Session policy",
    "scp": "SCP",
    "rcp": "RCP",
}
CALLER_WORDS = {
    "user": "an IAM user",
    "role_session": "a role session",
    "role": "a role",
    "federated_user": "a federated user",
    "web_identity": "a web-identity session",
    "service": "an AWS service",
    "anonymous": "an anonymous caller",
    "root": "the root user",
    "account": "an account",
}


def _plain(text: str) -> SafeString:
    return format_html("{}", text)


def _code(value: Any) -> SafeString:
    return format_html("<code>{}</code>", value)


def _codes(values: Any) -> SafeString:
    if values is None:
        return format_html("<em>{}</em>", "nothing")
    if not isinstance(values, list | tuple):
        values = [values]
    if not values:
        return format_html("<em>{}</em>", "an empty list")
    return format_html_join(", ", "<code>{}</code>", ((v,) for v in values))


def _caller(d: Mapping[str, Any]) -> str:
    return CALLER_WORDS.get(str(d.get("caller_kind")), "this caller")


def _condition_missing(d: Mapping[str, Any]) -> SafeString:
    return format_html(
        "the condition {} needs the key {}, and the request does not have it",
        _code(d.get("operator")),
        _code(d.get("key")),
    )


def _condition_mismatch(d: Mapping[str, Any]) -> SafeString:
    return format_html(
        "the condition {} on {} wants {} but the request has {}",
        _code(d.get("operator")),
        _code(d.get("key")),
        _codes(d.get("expected")),
        _codes(d.get("actual")),
    )


# code -> (sentence builder, lesson)
REASONS: dict[str, tuple[Callable[[Mapping[str, Any]], SafeString], str]] = {
    # statements
    "action_not_matched": (
        lambda d: format_html(
            "the action {} is not in this statement's Action list ({})",
            _code(d.get("action")),
            _codes(d.get("patterns")),
        ),
        POLICIES,
    ),
    "notaction_matched": (
        lambda d: format_html(
            "the action {} is listed in NotAction ({}), so the statement skips it",
            _code(d.get("action")),
            _codes(d.get("patterns")),
        ),
        POLICIES,
    ),
    "resource_not_matched": (
        lambda d: format_html(
            "the resource {} does not match this statement's Resource ({})",
            _code(d.get("resource")),
            _codes(d.get("patterns")),
        ),
        POLICIES,
    ),
    "notresource_matched": (
        lambda d: format_html(
            "the resource {} is listed in NotResource ({}), so the statement skips it",
            _code(d.get("resource")),
            _codes(d.get("patterns")),
        ),
        POLICIES,
    ),
    "principal_not_matched": (
        lambda d: format_html(
            "the caller {} is not named in Principal ({})",
            _code(d.get("principal")),
            _codes(d.get("principals")),
        ),
        POLICIES,
    ),
    "notprincipal_matched": (
        lambda d: format_html(
            "the caller {} is named in NotPrincipal ({}), so the statement skips it",
            _code(d.get("principal")),
            _codes(d.get("principals")),
        ),
        POLICIES,
    ),
    "notprincipal_with_boundary": (
        lambda d: _plain(
            "a Deny with NotPrincipal applies to every principal that has a permissions boundary"
        ),
        POLICY_EVALUATION,
    ),
    "condition_key_missing": (_condition_missing, CONDITIONS),
    "condition_value_mismatch": (_condition_mismatch, CONDITIONS),
    "policy_variable_no_value": (
        lambda d: format_html(
            "the Resource uses {} and the request has no value for it, so it matches nothing",
            _codes(d.get("variables")),
        ),
        CONDITIONS,
    ),
    # steps
    "explicit_deny": (
        lambda d: _plain("a Deny statement matched the request; an explicit deny always wins"),
        POLICY_EVALUATION,
    ),
    "rcp_full_aws_access_implied": (
        lambda d: _plain(
            "RCPFullAWSAccess is attached at every level, so only a Deny in an RCP can stop the request"
        ),
        SCPS,
    ),
    "no_rcp_levels": (
        lambda d: _plain(
            "no resource control policies are in force (the resource's account is not in an organization)"
        ),
        SCPS,
    ),
    "service_linked_role_exempt": (
        lambda d: _plain("service-linked roles are not limited by SCPs or RCPs"),
        SCPS,
    ),
    "no_scp_levels": (
        lambda d: _plain(
            "no service control policies are in force (not in an organization, or the management account)"
        ),
        SCPS,
    ),
    "scp_not_applicable_to_caller": (
        lambda d: format_html(
            "SCPs limit the IAM principals of member accounts; they do not apply to {}", _caller(d)
        ),
        SCPS,
    ),
    "no_allow_at_scp_level": (
        lambda d: format_html(
            "no SCP at level {} allows the action; SCPs must allow it at every level from the root down",
            int(d.get("level", 0)) + 1,
        ),
        SCPS,
    ),
    "no_resource_policy": (
        lambda d: _plain("the resource has no resource-based policy"),
        POLICY_EVALUATION,
    ),
    "no_resource_policy_allow": (
        lambda d: _plain("the resource-based policy does not allow this caller"),
        POLICY_EVALUATION,
    ),
    "resource_policy_must_allow": (
        lambda d: format_html(
            "for this resource the resource-based policy itself must allow the request (role trust policies, KMS key policies, or {})",
            _caller(d) if d.get("caller_kind") else "this caller",
        ),
        ROLES,
    ),
    "resource_policy_allows_cross_account": (
        lambda d: format_html(
            "the resource-based policy allows the caller from account {}; the caller's own account must allow it too",
            _code(d.get("principal_account")),
        ),
        POLICY_EVALUATION,
    ),
    "cross_account_needs_both": (
        lambda d: format_html(
            "across accounts both sides must allow: the {} is missing an Allow",
            "resource-based policy"
            if d.get("missing") == "resource_policy"
            else "caller's identity-based policy",
        ),
        POLICY_EVALUATION,
    ),
    "resource_policy_grants_caller": (
        lambda d: _plain(
            "the resource-based policy names the caller directly, which is enough within one account"
        ),
        POLICY_EVALUATION,
    ),
    "resource_policy_grants_role": (
        lambda d: _plain(
            "the resource-based policy names the role, so the role's boundary and session policy still limit it"
        ),
        POLICY_EVALUATION,
    ),
    "resource_policy_delegates_to_account": (
        lambda d: format_html(
            "the resource-based policy names the account {}, which hands the decision to that account's IAM policies",
            _code(d.get("account")),
        ),
        POLICY_EVALUATION,
    ),
    "identity_policies_not_applicable": (
        lambda d: format_html("identity-based policies do not apply to {}", _caller(d)),
        POLICY_EVALUATION,
    ),
    "root_user_full_access": (
        lambda d: format_html(
            "the root user of account {} is not limited by identity-based policies",
            _code(d.get("account")),
        ),
        "/learn/iam/root-user/",
    ),
    "no_identity_or_resource_allow": (
        lambda d: _plain(
            "no identity-based or resource-based policy allows the request: implicit deny"
        ),
        POLICY_EVALUATION,
    ),
    "no_allow_in_boundary": (
        lambda d: _plain(
            "the permissions boundary does not allow the action; a boundary sets the maximum and grants nothing"
        ),
        POLICY_EVALUATION,
    ),
    "boundary_not_applicable": (
        lambda d: format_html("permissions boundaries do not apply to {}", _caller(d)),
        POLICY_EVALUATION,
    ),
    "no_allow_in_session_policy": (
        lambda d: _plain(
            "the session policy does not allow the action; a session gets at most what its session policy allows"
        ),
        POLICY_EVALUATION,
    ),
    "session_policy_not_applicable": (
        lambda d: format_html("session policies do not apply to {}", _caller(d)),
        POLICY_EVALUATION,
    ),
    "federated_user_without_session_policy": (
        lambda d: _plain(
            "a federated user session has only what its session policy allows, and there is none"
        ),
        POLICY_EVALUATION,
    ),
}


def reason_html(code: str, data: Mapping[str, Any] | None) -> SafeString:
    """One sentence for a reason code; an unknown code is shown as itself, never dropped."""
    entry = REASONS.get(code)
    if entry is None:
        return format_html(
            "{} {}",
            _code(code),
            _codes([f"{k}={v}" for k, v in (data or {}).items()]) if data else "",
        )
    return entry[0](data or {})


def reason_lesson(code: str) -> str:
    entry = REASONS.get(code)
    return entry[1] if entry else POLICY_EVALUATION
