"""Words for the engine's codes: one table for every presentation (CLI, sandbox, quiz feedback).

The engine speaks in stable codes with data (`decision.Reason`). Here each code has one or more
sentence templates whose `{fields}` come from the reason's data (the first template whose
fields are all present wins), and the topic of the lesson that teaches the rule (the website
turns topics into links). Callers choose how values
look: plain text for the CLI, escaped `<code>` for web pages. No Django here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .decision import Decision, Reason, StatementRef
from .reasons import Topic

if TYPE_CHECKING:
    from .summary import Verdict

POLICY_EVALUATION = Topic.POLICY_EVALUATION
POLICIES = Topic.POLICIES
CONDITIONS = Topic.CONDITIONS
SCPS = Topic.SCPS
ROLES = Topic.ROLES
ROOT_USER = Topic.ROOT_USER

# The one name of each outcome, wherever a person reads it: a quiz's choices and feedback, the
# sandbox, the teaching editors, statistics, exports, the CLI. AWS's own terms, as the lessons
# teach them ("explicit deny", "implicit deny"); a scenario's explanation opens with the name.
DECISION_NAMES = {
    "Allow": "Allowed",
    "ExplicitDeny": "Explicit deny",
    "ImplicitDeny": "Implicit deny",
}
# What each deny means, in a few words. An explicit deny is a matching Deny statement in any
# kind of policy (SCP, RCP, resource-based, identity-based, boundary, session policy), or one
# of AWS's own rules (aws_rules.py); an implicit deny is every other refusal: no Deny matched
# but an Allow the request needs is missing (from an SCP or a boundary as much as from the
# identity-based and resource-based policies).
DECISION_GLOSSES = {
    "ExplicitDeny": "a Deny statement in any policy matches, or an AWS rule refuses it",
    "ImplicitDeny": "no Deny matches, but an Allow it needs is missing",
}
DECISIONS = {
    code: f"{name} ({DECISION_GLOSSES[code]})" if code in DECISION_GLOSSES else name
    for code, name in DECISION_NAMES.items()
}
STEP_TITLES = {
    "aws_rule": "AWS rule",
    "explicit_deny": "Explicit deny",
    "rcp": "Resource control policies",
    "scp": "Service control policies",
    "resource_policy": "Resource-based policy",
    "identity": "Identity-based policies",
    "boundary": "Permissions boundary",
    "session_policy": "Session policy",
}
OUTCOMES = {
    "deny": "Denied here",
    "allow": "Allowed here",
    "implicit_deny": "Implicitly denied here",
    "continue": "Passed: go on",
    "not_applicable": "Does not apply",
}
POLICY_KINDS = {
    "identity": "Identity-based policy",
    "resource": "Resource-based policy",
    "boundary": "Permissions boundary",
    "session": "Session policy",
    "scp": "SCP",
    "rcp": "RCP",
}
CALLERS = {
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

# code -> (templates, topic). `{caller}` is derived from `caller_kind`; `{level_number}` from
# `level` (counting from 1 for people).
REASONS: dict[str, tuple[tuple[str, ...], Topic]] = {
    # statements
    "action_not_matched": (
        ("the action {action} is not in this statement's Action list ({patterns})",),
        POLICIES,
    ),
    "notaction_matched": (
        ("the action {action} is listed in NotAction ({patterns}), so the statement skips it",),
        POLICIES,
    ),
    "resource_not_matched": (
        ("the resource {resource} does not match this statement's Resource ({patterns})",),
        POLICIES,
    ),
    "notresource_matched": (
        (
            "the resource {resource} is listed in NotResource ({patterns}), so the statement skips it",
        ),
        POLICIES,
    ),
    "resource_type_mismatch": (
        (
            "the Action matches it, but the Resource ({patterns}) cannot name any resource "
            "of a type this action acts on (or, for an action with no resource-level "
            'permissions, is not "*"), so that Allow grants it nothing',
        ),
        POLICIES,
    ),
    "policy_variable_no_value": (
        (
            "the Resource uses {variables}, and the request sends {listed} as a list, which cannot stand in for a policy variable, so it matches nothing",
            "the Resource uses {variables} and the request has no value for it, so it matches nothing",
            "a policy variable in Resource ({patterns}) has no value in this request, so it matches nothing",
        ),
        CONDITIONS,
    ),
    "principal_not_matched": (
        ("the caller {principal} is not named in Principal ({principals})",),
        POLICIES,
    ),
    "notprincipal_matched": (
        (
            "NotPrincipal ({principals}) names the caller {principal}, its role or its account, so the statement leaves the caller out",
        ),
        POLICIES,
    ),
    "notprincipal_with_boundary": (
        (
            "a Deny with NotPrincipal applies to every principal that has a permissions boundary, even one its NotPrincipal lists, as this caller is",
        ),
        POLICY_EVALUATION,
    ),
    "condition_key_missing": (
        (
            "the condition {operator} needs the key {key}, and the request does not have it",
            "a condition key is missing from the request",
        ),
        CONDITIONS,
    ),
    "condition_value_mismatch": (
        (
            # The first whose values the reason carries (conditions.SHAPES): the plain "wants
            # X but the request has Y" would read "wants a, the request has a" for a negated
            # operator, a Null true on a present key, or a plain operator on a list.
            "the condition {operator} on {key} compares one value, but the request sends {key} as a list ({list_values}); a key sent as a list needs ForAnyValue: or ForAllValues:, so the condition does not hold",
            "the condition {operator} on {key} holds only when the request lacks the key, and the request has it ({present_values})",
            "the request sends only empty strings for {key} ({empty_strings} in all), which {operator} reads as no value at all, so none can match",
            "the condition {operator} on {key} uses a policy variable ({unresolved}), and the request sends {listed} as a list, which cannot stand in for a variable, so nothing matches it",
            "the condition {operator} on {key} uses a policy variable ({unresolved}) that has no value in this request, so nothing matches it",
            "the condition {operator} on {key} cannot read the policy's value {policy_unreadable} as a {value_type} value, so it never holds",
            "the condition {operator} on {key} cannot read the request's value {unreadable} as a {value_type} value, so it does not hold",
            "the condition {operator} on {key} needs every value in the request to match none of {excluded}, and {matching_excluded} matches one",
            "the condition {operator} on {key} needs a value in the request that matches none of {excluded}, and every one ({all_excluded}) matches one",
            "the condition {operator} on {key} excludes {excluded}, and the request has {actual}",
            "the condition {operator} on {key} must hold for every value in the request (against {expected}), and it does not for {not_holding}",
            "the condition {operator} on {key} must hold for at least one value in the request (against {expected}), and it holds for none of {none_holding}",
            "the condition {operator} on {key} wants {expected} but the request has {actual}",
            "a condition is not met",
        ),
        CONDITIONS,
    ),
    # AWS's built-in rules (aws_rules.RULES): a step of their own before any policy
    "aws_rule_no_permission_needed": (
        (
            "{action} needs no permission: AWS answers it for any signed-in caller, even when a policy denies it",
        ),
        POLICY_EVALUATION,
    ),
    "aws_rule_authentication_operation": (
        (
            "{action} only authenticates the user (with MFA when asked): policies cannot control it, so it needs no permission and a Deny does not stop it",
        ),
        POLICY_EVALUATION,
    ),
    "aws_rule_aws_managed_policy": (
        (
            "{resource} is an AWS managed policy: AWS maintains it, and no one in an account can change, tag or delete it",
        ),
        POLICIES,
    ),
    "aws_rule_service_linked_role": (
        (
            "{resource} is a service-linked role: only its service can change its permissions or trust policy or delete it (its description can be edited)",
        ),
        ROLES,
    ),
    "aws_rule_identity_center_role": (
        (
            "{resource} is a role IAM Identity Center manages: change its permission set in Identity Center, not the role in IAM",
        ),
        ROLES,
    ),
    "aws_rule_aws_kms_alias": (
        (
            "{resource} is under alias/aws/, which AWS keeps for AWS managed keys: no one can create, repoint or delete it",
        ),
        POLICIES,
    ),
    "aws_rule_long_term_credentials_only": (
        (
            "{action} must be called with an IAM user's (or the root user's) long-term credentials, not a session's",
        ),
        ROLES,
    ),
    "aws_rule_assume_role_callers": (
        (
            "{action} is called by an IAM user or a role session (or an AWS service for its own role), never with the root user's credentials or without signing in",
        ),
        ROOT_USER,
    ),
    "aws_rule_federated_user_session": (
        (
            "{action} cannot be called with a federated user session (GetFederationToken): it can call no IAM operation through the API and no STS operation but GetCallerIdentity",
        ),
        ROLES,
    ),
    # steps
    "explicit_deny": (
        ("a Deny statement matched the request; an explicit deny always wins",),
        POLICY_EVALUATION,
    ),
    "rcp_full_aws_access_implied": (
        (
            "RCPFullAWSAccess is attached at every level, so only a Deny in an RCP can stop the request",
        ),
        SCPS,
    ),
    "no_rcp_levels": (
        (
            "no resource control policies are in force (the resource's account is not in an "
            "organization, or is its management account: RCPs do not affect its resources)",
        ),
        SCPS,
    ),
    "rcp_service_not_governed": (
        (
            "no resource control policy governs {exempt_action}, even one whose Action matches it: AWS leaves it out of what RCPs control, though its service supports them",
            "resource control policies govern only the actions of the services that support them (S3, STS, KMS, SQS, Secrets Manager and the others on AWS's list), and not {action}",
        ),
        SCPS,
    ),
    "service_linked_role_exempt": (("service-linked roles are not limited by SCPs or RCPs",), SCPS),
    "no_scp_levels": (
        (
            "no service control policies are in force (not in an organization, or the management account)",
        ),
        SCPS,
    ),
    "scp_not_applicable_to_caller": (
        ("SCPs limit the IAM principals of member accounts; they do not apply to {caller}",),
        SCPS,
    ),
    "no_allow_at_scp_level": (
        (
            "no SCP at level {level_number} allows the action; SCPs must allow it at every level from the root down",
        ),
        SCPS,
    ),
    "no_resource_policy": (("the resource has no resource-based policy",), POLICY_EVALUATION),
    "no_resource_policy_allow": (
        ("the resource-based policy does not allow this caller",),
        POLICY_EVALUATION,
    ),
    "resource_policy_must_allow": (
        (
            "for {caller} only the resource-based policy can allow this request",
            "this resource ({resource_type}) needs its own policy (a trust or key policy) to allow the request",
            "the resource-based policy must allow this request",
        ),
        ROLES,
    ),
    "resource_policy_allows_cross_account": (
        (
            "the resource-based policy allows the caller from account {principal_account}; the caller's own account must allow it too",
        ),
        POLICY_EVALUATION,
    ),
    "cross_account_needs_both": (
        (
            "across accounts ({principal_account} to {resource_account}) both sides must allow, and the {missing} does not",
        ),
        POLICY_EVALUATION,
    ),
    "resource_policy_grants_caller": (
        (
            'the resource-based policy grants everyone ("*", or all but those a NotPrincipal lists), which reaches {principal} as a grant naming it would; that is enough within one account',
            "the resource-based policy names the caller directly, which is enough within one account",
        ),
        POLICY_EVALUATION,
    ),
    "trust_policy_names_caller_boundary_applies": (
        (
            "the trust policy names the caller, but the caller's permissions boundary must still allow sts:AssumeRole",
        ),
        ROLES,
    ),
    "resource_policy_grants_role": (
        (
            "the resource-based policy names the role, so the role's boundary and session policy still limit it",
        ),
        POLICY_EVALUATION,
    ),
    "resource_policy_grants_federating_user": (
        (
            "the resource-based policy names {user}, the IAM user who created this federated user session, so that user's permissions boundary and the session policy still limit it",
        ),
        POLICY_EVALUATION,
    ),
    "resource_policy_delegates_to_account": (
        (
            "the resource-based policy names the account {account}, which hands the decision to that account's IAM policies",
        ),
        POLICY_EVALUATION,
    ),
    "identity_policies_not_applicable": (
        ("identity-based policies do not apply to {caller}",),
        POLICY_EVALUATION,
    ),
    "root_user_full_access": (
        ("the root user of account {account} is not limited by identity-based policies",),
        ROOT_USER,
    ),
    "bucket_owner_root_keeps_policy_access": (
        (
            "the root user of the bucket's own account can always read, replace or delete the bucket policy ({action}): the bucket policy's Deny does not apply, though SCPs and RCPs still do",
        ),
        ROOT_USER,
    ),
    "no_identity_or_resource_allow": (
        ("no identity-based or resource-based policy allows the request: implicit deny",),
        POLICY_EVALUATION,
    ),
    "no_identity_allow": (
        (
            "no identity-based policy allows the request; the resource-based policy's grant did not need one",
        ),
        POLICY_EVALUATION,
    ),
    "no_allow_in_boundary": (
        (
            "the permissions boundary does not allow the action; a boundary sets the maximum and grants nothing",
        ),
        POLICY_EVALUATION,
    ),
    "boundary_not_applicable": (
        ("permissions boundaries do not apply to {caller}: they are set on IAM users and roles",),
        POLICY_EVALUATION,
    ),
    "no_permissions_boundary": (
        ("the caller has no permissions boundary, so none limits it",),
        POLICY_EVALUATION,
    ),
    "no_allow_in_session_policy": (
        (
            "the session policy does not allow the action; a session gets at most what its session policy allows",
        ),
        POLICY_EVALUATION,
    ),
    "session_policy_not_applicable": (
        (
            "session policies do not apply to {caller}: they limit only role sessions and federated user sessions",
        ),
        POLICY_EVALUATION,
    ),
    "no_session_policy": (
        (
            "no session policy is in force (the caller is not a session, or its session was created without one)",
        ),
        POLICY_EVALUATION,
    ),
    "federated_user_without_session_policy": (
        ("a federated user session has only what its session policy allows, and there is none",),
        POLICY_EVALUATION,
    ),
}

MISSING_SIDE = {
    "resource_policy": "resource-based policy",
    "identity_policy": "caller's identity-based policy",
}


def plain_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else "nothing"
    return str(value)


def _values(data: Mapping[str, Any], value: Callable[[Any], Any]) -> dict[str, Any]:
    out = {k: value(v) for k, v in data.items() if v is not None}
    if "caller_kind" in data:
        out["caller"] = CALLERS.get(str(data["caller_kind"]), "this caller")
    if isinstance(data.get("level"), int):
        out["level_number"] = data["level"] + 1
    if data.get("missing") in MISSING_SIDE:
        out["missing"] = MISSING_SIDE[data["missing"]]
    return out


def reason_words(
    code: str,
    data: Mapping[str, Any] | None = None,
    *,
    value: Callable[[Any], Any] = plain_value,
    render: Callable[..., Any] = lambda template, **values: template.format(**values),
) -> Any:
    """A sentence for one reason; an unknown code (or missing data) still says something."""
    data = data or {}
    values = _values(data, value)
    templates, _ = REASONS.get(code, ((), POLICY_EVALUATION))
    for template in templates:
        try:
            return render(template, **values)
        except (KeyError, IndexError):
            continue
    if data:
        return render(
            "{code} ({details})",
            code=code,
            details=", ".join(f"{k}={plain_value(v)}" for k, v in data.items()),
        )
    return render("{code}", code=code)


def reason_topic(code: str) -> Topic:
    """What the rule behind a code is about (the website links it to its lesson)."""
    return REASONS.get(code, ((), POLICY_EVALUATION))[1]


# Unicode's bidirectional controls: invisible, and one in a Sid or a policy name
# ("Read\u202eReports") would reverse every word drawn after it on the line.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SHOWN_ESCAPED = {ord(c): f"\\u{ord(c):04x}" for c in _BIDI_CONTROLS}


def shown(text: str) -> str:
    """A name the caller wrote (a Sid, a policy's name), with any bidirectional control shown as
    its escape (as the policy findings quote it) instead of obeyed."""
    return text.translate(_SHOWN_ESCAPED)


def policy_label(kind: str, index: int, level: int | None, name: str | None = None) -> str:
    """The one name people read for a policy of a case, wherever it is shown (sandbox, quiz
    feedback, CLI). Organization levels and policies count from 1: "SCP (level 1, policy 2)",
    "Identity-based policy 1: ReadReports", "Permissions boundary"."""
    base = POLICY_KINDS.get(kind, kind)
    if level is not None:
        base = f"{base} (level {level + 1}, policy {index + 1})"
    elif kind == "identity":
        base = f"{base} {index + 1}"
    return f"{base}: {shown(name)}" if name else base


def statement_label(ref: StatementRef) -> str:
    """ "Identity-based policy 1: ReadReports, statement 2 “AllowRead” (Allow)"."""
    policy = policy_label(ref.policy_kind, ref.policy_index, ref.level, ref.policy_name)
    sid = f" “{shown(ref.sid)}”" if ref.sid else ""
    return f"{policy}, statement {ref.statement_index + 1}{sid} ({ref.effect})"


@dataclass(frozen=True)
class Why:
    """Why an answer came out as it did, for each consumer to word its own way (the sandbox's
    pages in HTML with lesson links, the CLI in text): the title of the flowchart's deciding
    box, up to three of its reasons, the statements that decided it, and for an allowed action
    of a summary the Deny statements that limit it."""

    step: str
    reasons: tuple[Reason, ...]
    statements: tuple[str, ...]
    limited_by: tuple[str, ...] = ()


Labeller = Callable[[StatementRef], str]


def _labels(refs: Sequence[StatementRef], label: Labeller) -> tuple[str, ...]:
    return tuple(dict.fromkeys(label(ref) for ref in refs))


def decision_why(decision: Decision, label: Labeller = statement_label) -> Why:
    """One request's: the box that decided, and the deciding statements. `label` names a
    statement (a page whose empty editors the case left out numbers the policies its own way)."""
    last = decision.deciding_step()
    if last is None:
        return Why("", (), _labels(decision.decisive, label))
    return Why(
        STEP_TITLES.get(last.name, last.name),
        tuple(last.reasons[:3]),
        _labels(decision.decisive, label),
    )


def verdict_why(verdict: Verdict, label: Labeller = statement_label) -> Why:
    """A summary's or diff's action: the Allow statements that grant it (and the Deny statements
    that limit it), or the Deny statements and the box that refuse it."""
    title = STEP_TITLES.get(verdict.step, verdict.step)
    if verdict.access != "none":
        return Why(title, (), _labels(verdict.by, label), _labels(verdict.denied, label))
    return Why(title, tuple(verdict.why[:3]), _labels(verdict.denied, label))
