"""AWS's policy evaluation logic over a parsed `Case`, with its reasons.

One analysis per policy of the case (`_analyse`: which statements apply, and why the others do
not), walking `Case.policies()`; what they found is gathered once (`_Facts`). Then AWS's
flowchart, one function per box, in order (`FLOWCHART`): explicit deny → RCPs → SCPs →
resource-based policy → identity-based policies → permissions boundary → session policy.
`_walk` draws every box once and stops at the first box taking part that denies or allows;
which boxes after the resource-based policy take part follows from how that policy named the
caller (`_Facts.route`). Resources whose own policy must allow (a role's trust policy, a KMS key
policy) are small named strategies (`OWN_POLICY_RULES`), and AWS's built-in rules one table
(`aws_rules.RULES`) applied before any box.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

Choices where the documents leave room (also in the module docstring of `case.py`):
- A role trust policy (`sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity` on an IAM
  role ARN) and a KMS key policy (a `kms:` action on a `key/` resource) must allow the request
  themselves; an identity policy alone is never enough there. Other actions on those ARNs are
  decided like any other request. A trust policy that names the caller in its own account
  still leaves the caller's permissions boundary in force (it must allow sts:AssumeRole). A grant to the account in them delegates to
  the account's IAM policies (key-policy-default-allow-root-enable-iam).
- A grant to `"*"` (or an Allow with a NotPrincipal that does not name the caller) names the
  caller itself, like a grant to its user or session ARN.
- A federated user session created without a session policy has no permissions beyond what a
  resource policy grants to the federated user itself (GetFederationToken: "if you do not pass
  any session policies, then the resulting federated user session has no permissions").
- A grant to the IAM user who created a federated user session (`request.federated_by`) is
  read like a grant to a role ARN: it joins the user's permissions before the session is made,
  so the user's permissions boundary and the session policy still limit it, and without a
  session policy it gives nothing (policy-eval-denyallow, access_policies#policies_session). A
  Deny naming that user reaches the session as well.
- Service-linked roles are not limited by SCPs or RCPs (recognised by the
  `role/aws-service-role/` path or an `AWSServiceRoleFor` name). RCPs govern only the services
  that support them, and never kms:RetireGrant (`aws_rules.rcp_governs`).
- The root user of a bucket's own account can always get, put and delete the bucket policy
  (`s3:GetBucketPolicy`/`PutBucketPolicy`/`DeleteBucketPolicy`): the bucket policy's Denies are
  set aside for those three actions (API_PutBucketPolicy: only VPC endpoint policies and
  Organizations policies can still stop it), so SCPs and RCPs still apply.
- KMS grants are not modelled (a case cannot carry one); kms:ViaService and kms:CallerAccount
  are ordinary condition keys read from the request context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .aws_rules import RCP_INEFFECTIVE_ACTIONS, AwsRule, matching_rule, rcp_governs
from .case import Case, Request, parse_case
from .conditions import evaluate_conditions, value_type
from .decision import (
    Decision,
    DecisionValue,
    PolicyExplanation,
    PolicyResult,
    Reason,
    StatementExplanation,
    StatementRef,
    Step,
)
from .model import Policy, Statement
from .principals import MATCH_RANK, Caller, best_match, not_principal_excludes
from .variables import listed_variable_keys

# How a resource-policy grant to the caller combines with the caller's other policies.
_DIRECT = frozenset({"user", "session", "federated_user", "service", "other", "everyone"})
# A grant that reaches a session through the identity it was made from (the role ARN, the IAM
# user who federated): limited by the boundary and the session policy, no identity policy needed.
_THROUGH_CREATOR = frozenset({"role", "federating_user"})
_TRUST_ACTIONS = ("sts:assumerole", "sts:tagsession", "sts:setsourceidentity")
_IAM_IDENTITY = frozenset({"user", "role_session", "federated_user"})
# access_policies#policies_session: a session policy is passed when a role session or a federated
# user session is created; an IAM user signing with its own keys has no session to limit.
_SESSION_CALLERS = frozenset({"role_session", "federated_user"})
_ORG_MEMBER_CALLERS = frozenset({"user", "role_session", "federated_user", "root"})
# API_PutBucketPolicy (and Get/DeleteBucketPolicy): so that an owner cannot lock itself out, the
# root user of the bucket's account can always use these three actions, even when the bucket
# policy denies the root user explicitly; only VPC endpoint policies and AWS Organizations
# policies (SCPs, RCPs) can still stop it.
_BUCKET_POLICY_ACTIONS = frozenset(
    {"s3:getbucketpolicy", "s3:putbucketpolicy", "s3:deletebucketpolicy"}
)


class _Analysis:
    """What one policy says about the request.

    `records` holds one compact tuple per statement, `(statement, code, failures, grant)`, where
    `code` is None when the statement applies; the explanation objects are built from them only
    when someone reads `Decision.explanations`.
    """

    __slots__ = (
        "policy",
        "kind",
        "index",
        "level",
        "records",
        "allows",
        "allow_grants",
        "denies",
        "best_grant",
        "boundary_beat_notprincipal",
    )

    def __init__(self, policy: Policy, kind: str, index: int, level: int | None) -> None:
        self.policy = policy
        self.kind = kind
        self.index = index
        self.level = level
        self.records: list[tuple[Any, ...]] = []
        self.allows: list[StatementRef] = []
        self.allow_grants: list[str | None] = []  # how each Allow's Principal named the caller
        self.denies: list[StatementRef] = []
        self.best_grant: str | None = None  # resource policies: strongest grant to the caller
        # A Deny whose NotPrincipal lists the caller applied only because it has a boundary.
        self.boundary_beat_notprincipal = False

    def ref(self, st: Statement) -> StatementRef:
        return StatementRef(
            self.kind,
            self.index,
            self.policy.name,
            self.level,
            st.index,
            st.sid,
            st.effect,
            st.line,
        )

    def explain(self, request: Request, set_aside: Reason | None = None) -> PolicyExplanation:
        """`set_aside`: why this policy's Denies did not count (the bucket owner's root user
        and its bucket policy), worded beside the policy's own result."""
        explained = []
        records = self.records
        if len(records) < len(self.policy.statements):
            # Statements of other services were never read: their Action does not match.
            read = {record[0].index: record for record in records}
            records = [
                read.get(st.index) or (st, "action_not_matched", None, None)
                for st in self.policy.statements
            ]
        for st, code, failures, grant in records:
            ref = self.ref(st)
            if code is None:
                explained.append(StatementExplanation(ref, True, (), grant))
            else:
                reasons = _reasons(code, failures, st, request)
                explained.append(StatementExplanation(ref, False, reasons, grant))
        result: PolicyResult = "deny" if self.denies else "allow" if self.allows else "no_match"
        return PolicyExplanation(
            self.kind,
            self.index,
            self.policy.name,
            self.level,
            result,
            tuple(explained),
            set_aside if self.denies else None,
        )


def _reasons(code: str, failures: Any, st: Statement, request: Request) -> tuple[Reason, ...]:
    """The reason objects for a statement that did not apply (built lazily)."""
    if code in ("action_not_matched", "notaction_matched"):
        return (Reason(code, {"action": request.action, "patterns": list(st.action.texts)}),)
    if code in ("resource_not_matched", "notresource_matched", "policy_variable_no_value"):
        assert st.resource is not None
        data: dict[str, Any] = {"resource": request.resource, "patterns": list(st.resource.texts)}
        if code == "policy_variable_no_value":
            texts = [p.text for p in st.resource.patterns if p.has_variable]
            data["variables"] = texts
            listed = listed_variable_keys(texts, request.context)
            if listed:  # the key is there, as a list: "no value" alone would mislead
                data["listed"] = listed
        return (Reason(code, data),)
    if code in ("principal_not_matched", "notprincipal_matched"):
        assert st.principal is not None
        return (
            Reason(code, {"principal": request.principal, "principals": list(st.principal.texts)}),
        )
    if failures:
        return tuple(Reason(f.code, _failure_data(f)) for f in failures)
    return (Reason(code, {}),)


def _analyse(
    policy: Policy,
    kind: str,
    index: int,
    level: int | None,
    request: Request,
    *,
    boundary_present: bool = False,
) -> _Analysis:
    """Check the statements of one policy that can match the requested service (the others
    cannot match its action), cheapest element first: action, resource, principal,
    conditions."""
    out = _Analysis(policy, kind, index, level)
    records = out.records
    caller = request.caller
    action_folded = request.action_folded
    resource = request.resource
    context = request.context
    variables = policy.variables
    for st in policy.candidates(action_folded.partition(":")[0]):
        block = st.action
        if block.matches_any(action_folded) == block.negated:
            records.append(
                (st, "notaction_matched" if block.negated else "action_not_matched", None, None)
            )
            continue
        rblock = st.resource
        if rblock is not None:
            matched, missing = rblock.check(resource, context)
            if rblock.negated:
                if matched:
                    records.append((st, "notresource_matched", None, None))
                    continue
            elif not matched:
                code = "policy_variable_no_value" if missing else "resource_not_matched"
                records.append((st, code, None, None))
                continue
        grant: str | None = None
        listed = False
        pblock = st.principal
        if pblock is not None:
            if pblock.negated:
                if (
                    kind == "resource"
                    and st.effect == "Deny"
                    and boundary_present
                    and caller.kind in _IAM_IDENTITY
                ):
                    # access_policies_boundaries: Deny + NotPrincipal always denies a principal
                    # that has a permissions boundary, whatever NotPrincipal lists.
                    grant = "notprincipal_with_boundary"
                    listed = not_principal_excludes(pblock, caller, effect=st.effect)
                elif not_principal_excludes(pblock, caller, effect=st.effect):
                    records.append((st, "notprincipal_matched", None, None))
                    continue
                else:
                    grant = "everyone"
            else:
                grant = best_match(pblock, caller)
                if grant is None:
                    records.append((st, "principal_not_matched", None, None))
                    continue
        if st.conditions:
            result = evaluate_conditions(st.conditions, context, variables=variables)
            if not result.matched:
                records.append((st, "condition_value_mismatch", result.failures, grant))
                continue
        records.append((st, None, None, grant))
        if st.effect == "Deny":
            out.denies.append(out.ref(st))
            if grant == "notprincipal_with_boundary" and listed:
                out.boundary_beat_notprincipal = True
        else:
            out.allows.append(out.ref(st))
            out.allow_grants.append(grant)
            if grant is not None and (
                out.best_grant is None
                or MATCH_RANK.get(grant, 9) < MATCH_RANK.get(out.best_grant, 9)
            ):
                out.best_grant = grant
    return out


def _failure_data(failure: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"operator": failure.operator, "key": failure.key}
    expected = getattr(failure, "expected", None)
    actual = getattr(failure, "actual", None)
    data["expected"] = list(expected) if isinstance(expected, tuple | list) else expected
    data["actual"] = list(actual) if isinstance(actual, tuple | list) else actual
    shape = getattr(failure, "shape", "")
    if shape:
        data.update(_shape_data(shape, failure))
    return data


def _shape_data(shape: str, failure: Any) -> dict[str, Any]:
    """The values that say why a condition's values did not match, under the names the
    explanation's sentences use (`words.REASONS["condition_value_mismatch"]`): a negated
    operator excludes what it lists, a set operator fails on some values, a Null on a present
    key (conditions.SHAPES)."""
    culprits = list(failure.culprits)
    expected = list(failure.expected)
    if shape == "negated":
        return {"excluded": expected}
    if shape == "all_values":
        return {"not_holding": culprits}
    if shape == "any_value":
        return {"none_holding": culprits}
    if shape == "all_values_negated":
        return {"excluded": expected, "matching_excluded": culprits}
    if shape == "any_value_negated":
        return {"excluded": expected, "all_excluded": culprits}
    if shape == "multivalued":
        return {"list_values": list(failure.actual or ())}
    if shape == "null_data_set":
        return {"empty_strings": len(failure.actual or ())}
    if shape == "null_present":
        return {"present_values": list(failure.actual or ())}
    if shape == "variable_no_value":
        if culprits:  # keys the request sends as lists, which no variable can stand for
            return {"unresolved": expected, "listed": culprits}
        return {"unresolved": expected}
    if shape == "request_unreadable":
        return {"unreadable": culprits, "value_type": value_type(failure.operator)}
    if shape == "policy_unreadable":
        return {"policy_unreadable": culprits, "value_type": value_type(failure.operator)}
    return {}


def _is_service_linked(caller: Caller) -> bool:
    text = caller.text
    return caller.kind == "role_session" and (
        ":role/aws-service-role/" in text or (caller.name or "").startswith("AWSServiceRoleFor")
    )


# --- strategies: resources whose own policy must allow ---------------------------------------


@dataclass(frozen=True, slots=True)
class OwnPolicyRule:
    """A resource whose own policy must allow the request itself: an identity policy alone is
    never enough there. `resource_type` is what the reasons call it; `boundary_stays`: a grant
    that names the caller in its own account still leaves the caller's permissions boundary in
    force."""

    resource_type: str
    service: str
    resource_prefix: str
    actions: tuple[str, ...]  # case-folded action prefixes the resource's policy governs
    boundary_stays: bool
    doc: str

    def governs(self, request: Request, parts: list[str]) -> bool:
        return (
            parts[2] == self.service
            and parts[5].startswith(self.resource_prefix)
            and request.action_folded.startswith(self.actions)
        )


OWN_POLICY_RULES: tuple[OwnPolicyRule, ...] = (
    # id_roles_update-role-trust-policy: only assuming the role (and tagging the session or
    # setting its source identity) is decided by the role's trust policy.
    OwnPolicyRule(
        "trust",
        "iam",
        "role/",
        _TRUST_ACTIONS,
        True,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html",
    ),
    # key-policies: a key policy governs KMS's operations on its key; another service's action
    # whose resource is a key ARN (kinesis:StartStreamEncryption) is decided like any other.
    OwnPolicyRule(
        "kms",
        "kms",
        "key/",
        ("kms:",),
        False,
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
    ),
)


def own_policy_rule(request: Request) -> OwnPolicyRule | None:
    """The rule under which the resource's own policy must allow this request, if any."""
    parts = request.resource.split(":", 5)
    if len(parts) != 6:
        return None
    for rule in OWN_POLICY_RULES:
        if rule.governs(request, parts):
            return rule
    return None


# --- the analyses, one per policy of the case ---------------------------------------------


def evaluate(case: Case | dict[str, Any] | str) -> Decision:
    """Decide a case like AWS would and say why. `case`: a dict, JSON text or a parsed `Case`."""
    parsed = parse_case(case)
    return _evaluate(parsed)


def _assumes_service_linked_role(request: Request) -> bool:
    """An AWS service assuming its service-linked role: RCPs do not restrict that either
    (orgs_manage_policies_rcps: RCPs do not affect service-linked roles)."""
    return request.action_folded.startswith("sts:assumerole") and (
        ":role/aws-service-role/" in request.resource
    )


def _skip_reason(kind: str, request: Request, slr: bool) -> Reason | None:
    """Why a policy of `kind` does not apply to this request's caller (None when it does)."""
    caller = request.caller
    if kind == "rcp":
        # RCPs: every caller except service-linked roles, on the services RCPs support.
        if slr or _assumes_service_linked_role(request):
            return Reason("service_linked_role_exempt")
        if not rcp_governs(request):
            return _rcp_not_governed(request)
        return None
    if kind == "scp":
        # SCPs: IAM principals (and the root user) of member accounts, not service-linked roles.
        if slr:
            return Reason("service_linked_role_exempt", {"caller_kind": caller.kind})
        if caller.kind not in _ORG_MEMBER_CALLERS:
            return Reason("scp_not_applicable_to_caller", {"caller_kind": caller.kind})
        return None
    if kind == "session" and caller.kind not in _SESSION_CALLERS:
        return Reason("session_policy_not_applicable", {"caller_kind": caller.kind})
    if kind == "resource" or caller.kind in _IAM_IDENTITY:
        return None
    code = {
        "identity": "identity_policies_not_applicable",
        "boundary": "boundary_not_applicable",
        "session": "session_policy_not_applicable",
    }[kind]
    return Reason(code, {"caller_kind": caller.kind})


def _evaluate(case: Case) -> Decision:
    request = case.request
    caller = request.caller
    slr = _is_service_linked(caller)
    has_boundary = case.permissions_boundary is not None and caller.kind in _IAM_IDENTITY
    facts = _Facts(case, slr, has_boundary)
    explanations: list[_Analysis | PolicyExplanation] = []
    for slot in case.policies():
        skip = _skip_reason(slot.kind, request, slr)
        if skip is not None:
            explanations.append(
                PolicyExplanation(
                    slot.kind, slot.index, slot.policy.name, slot.level, "not_applicable", (), skip
                )
            )
            continue
        a = _analyse(
            slot.policy,
            slot.kind,
            slot.index,
            slot.level,
            request,
            boundary_present=has_boundary,
        )
        explanations.append(a)
        facts.add(a)

    rule = matching_rule(request)
    if rule is not None:
        decision, decisive, steps = _apply_aws_rule(rule, request, _walk(facts)[2])
    else:
        decision, decisive, steps = _walk(facts)

    set_aside = None
    if facts.ignored_resource_denies:
        set_aside = Reason("bucket_owner_root_keeps_policy_access", {"action": request.action})

    def explain() -> tuple[PolicyExplanation, ...]:
        return tuple(
            item.explain(request, set_aside if item.kind == "resource" else None)
            if isinstance(item, _Analysis)
            else item
            for item in explanations
        )

    return Decision(decision, decisive, steps, explain=explain)


def _apply_aws_rule(
    rule: AwsRule, request: Request, steps: tuple[Step, ...]
) -> tuple[DecisionValue, tuple[StatementRef, ...], tuple[Step, ...]]:
    """An AWS built-in rule decides before any policy: its own first step, the policy steps
    kept (unreached) so a page can still show what they would have said."""
    data = {"rule": rule.id, "action": request.action, "resource": request.resource}
    first = Step(
        "aws_rule", "allow" if rule.effect == "Allow" else "deny", (Reason(rule.code, data),)
    )
    rest = tuple(map(_unreached, steps))
    return ("Allow" if rule.effect == "Allow" else "ExplicitDeny"), (), (first, *rest)


# --- what the analyses found, gathered once for the flowchart ---------------------------------


class _Facts:
    """The per-kind findings every box of the flowchart reads, and what follows from them."""

    def __init__(self, case: Case, slr: bool, has_boundary: bool) -> None:
        request = case.request
        caller = request.caller
        self.case = case
        self.kind = caller.kind
        self.caller = caller
        self.iam_identity = caller.kind in _IAM_IDENTITY
        # Read only when the case has RCPs (`_rcp_box`).
        self.rcp_exempt = bool(case.rcp_levels) and (slr or _assumes_service_linked_role(request))
        self.rcp_applies = bool(case.rcp_levels) and not self.rcp_exempt and rcp_governs(request)
        self.scp_applies = bool(case.scp_levels) and caller.kind in _ORG_MEMBER_CALLERS and not slr
        self.has_boundary = has_boundary
        self.has_session = case.session_policy is not None and caller.kind in _SESSION_CALLERS
        self.denies: list[StatementRef] = []
        self.scp_allows: list[StatementRef] = []
        self.scp_allowing_levels: set[int] = set()
        self.grant: str | None = None
        self.resource_allows: list[StatementRef] = []
        self.resource_allow_grants: list[str | None] = []
        self.identity_allows: list[StatementRef] = []
        self.boundary_allows: list[StatementRef] = []
        self.session_allows: list[StatementRef] = []
        self.own_policy = own_policy_rule(request)
        self.same_account = (
            caller.account is not None and caller.account == request.resource_account
        )
        # The bucket owner's root user managing the bucket policy: that policy's Denies are set
        # aside (kept in `ignored_resource_denies` so the resource-policy box can say why).
        self.owner_root_bucket_policy = (
            caller.kind == "root"
            and self.same_account
            and request.action_folded in _BUCKET_POLICY_ACTIONS
        )
        self.ignored_resource_denies: list[StatementRef] = []
        self.boundary_beat_notprincipal = False

    def add(self, a: _Analysis) -> None:
        kind = a.kind
        if kind == "resource" and self.owner_root_bucket_policy:
            self.ignored_resource_denies.extend(a.denies)
        else:
            self.denies.extend(a.denies)
            self.boundary_beat_notprincipal |= a.boundary_beat_notprincipal
        if kind == "scp":
            self.scp_allows.extend(a.allows)
            if a.allows and a.level is not None:
                self.scp_allowing_levels.add(a.level)
        elif kind == "resource":
            self.resource_allows = a.allows
            self.resource_allow_grants = a.allow_grants
            self.grant = a.best_grant
        elif kind == "identity":
            self.identity_allows.extend(a.allows)
        elif kind == "boundary":
            self.boundary_allows = a.allows
        elif kind == "session":
            self.session_allows = a.allows

    @property
    def accounts(self) -> dict[str, str | None]:
        """Both accounts, for the cross-account reasons (a new dict for each reason)."""
        return {
            "principal_account": self.caller.account,
            "resource_account": self.case.request.resource_account,
        }

    @property
    def scp_missing(self) -> list[int]:
        if not self.scp_applies:
            return []
        return [
            lvl for lvl in range(len(self.case.scp_levels)) if lvl not in self.scp_allowing_levels
        ]

    # The identity side: identity policies ∩ boundary ∩ session policy (root: full access).
    @property
    def identity_ok(self) -> bool:
        return self.kind == "root" or bool(self.identity_allows)

    @property
    def boundary_ok(self) -> bool:
        return not self.has_boundary or bool(self.boundary_allows)

    @property
    def federated_without_session(self) -> bool:
        return self.kind == "federated_user" and not self.has_session

    @property
    def session_ok(self) -> bool:
        return (not self.has_session or bool(self.session_allows)) and (
            not self.federated_without_session
        )

    @property
    def only_resource_policy(self) -> bool:
        """Anonymous callers, services and web identities carry no IAM policies: only the
        resource-based policy (trust policy) can allow them."""
        return self.kind in ("anonymous", "service", "web_identity")

    @property
    def trust_boundary(self) -> bool:
        """A grant naming the caller that still leaves the caller's boundary in force."""
        rule = self.own_policy
        return rule is not None and rule.boundary_stays and self.has_boundary

    def route(self) -> tuple[str, ...]:
        """The boxes after the resource-based policy that take part in the decision, by how
        the resource-based policy named the caller (evaluation-logic, cross-account rules)."""
        grant = self.grant
        if self.only_resource_policy:
            return ()
        if not self.same_account:
            # evaluation-logic-cross-account: the resource policy AND the identity side.
            return ("identity", "boundary", "session_policy") if grant is not None else ()
        if grant in _DIRECT:
            # id_roles_update-role-trust-policy: a trust policy naming the caller does not lift
            # the caller's boundary. Otherwise (policy-eval-basics) a same-account grant to the
            # user, session or federated user is not limited by an implicit deny elsewhere.
            return ("boundary",) if self.trust_boundary else ()
        if grant in _THROUGH_CREATOR:
            # policy-eval-denyallow: a grant to the role ARN, or to the ARN of the IAM user who
            # federated, is limited by an implicit deny in the permissions boundary or the
            # session policy (identity policies are not needed). access_policies#policies_session:
            # the grant joins the identity's permissions before the session is created, and the
            # session policy limits the total.
            return ("boundary", "session_policy")
        if grant is None and self.own_policy is not None:
            return ()  # the trust or key policy itself must allow: decided at its box
        # Same account, no direct grant (or a grant to the account, which delegates to IAM).
        return ("identity", "boundary", "session_policy")


# --- one function per box of AWS's flowchart ------------------------------------------------

# The steps that carry no values are the same in every decision: made once (a Step and a
# Reason without data are immutable all the way down), with their "allow" and not-reached forms.
_EXPLICIT_DENY_CONTINUE = Step("explicit_deny", "continue")
_RCP_NO_LEVELS = Step("rcp", "not_applicable", (Reason("no_rcp_levels"),))
_RCP_SLR_EXEMPT = Step("rcp", "not_applicable", (Reason("service_linked_role_exempt"),))
_SCP_CONTINUE = Step("scp", "continue")
_RESOURCE_ALLOW = Step("resource_policy", "allow")
_RESOURCE_NONE = Step("resource_policy", "not_applicable", (Reason("no_resource_policy"),))
_RESOURCE_NO_ALLOW = Step("resource_policy", "continue", (Reason("no_resource_policy_allow"),))
_IDENTITY_CONTINUE = Step("identity", "continue")
_IDENTITY_GRANTS_ROLE = Step("identity", "not_applicable", (Reason("resource_policy_grants_role"),))
_IDENTITY_NO_ALLOW = Step("identity", "implicit_deny", (Reason("no_identity_or_resource_allow"),))
_IDENTITY_NO_ALLOW_OF_ITS_OWN = Step("identity", "implicit_deny", (Reason("no_identity_allow"),))
_BOUNDARY_NONE = Step("boundary", "not_applicable", (Reason("no_permissions_boundary"),))
_BOUNDARY_CONTINUE = Step("boundary", "continue")
_BOUNDARY_NO_ALLOW = Step("boundary", "implicit_deny", (Reason("no_allow_in_boundary"),))
_SESSION_FEDERATED = Step(
    "session_policy", "implicit_deny", (Reason("federated_user_without_session_policy"),)
)
_SESSION_NONE = Step("session_policy", "not_applicable", (Reason("no_session_policy"),))
_SESSION_CONTINUE = Step("session_policy", "continue")
_SESSION_NO_ALLOW = Step("session_policy", "implicit_deny", (Reason("no_allow_in_session_policy"),))
_CONSTANT_STEPS = (
    _EXPLICIT_DENY_CONTINUE,
    _RCP_NO_LEVELS,
    _RCP_SLR_EXEMPT,
    _SCP_CONTINUE,
    _RESOURCE_ALLOW,
    _RESOURCE_NONE,
    _RESOURCE_NO_ALLOW,
    _IDENTITY_CONTINUE,
    _IDENTITY_GRANTS_ROLE,
    _IDENTITY_NO_ALLOW,
    _IDENTITY_NO_ALLOW_OF_ITS_OWN,
    _BOUNDARY_NONE,
    _BOUNDARY_CONTINUE,
    _BOUNDARY_NO_ALLOW,
    _SESSION_FEDERATED,
    _SESSION_NONE,
    _SESSION_CONTINUE,
    _SESSION_NO_ALLOW,
)
# By the identity of a constant step (they live as long as the module): its forms.
_ALLOWED = {id(s): Step(s.name, "allow", s.reasons) for s in _CONSTANT_STEPS}
_UNREACHED = {
    id(s): Step(s.name, s.outcome, s.reasons, reached=False)
    for s in (*_CONSTANT_STEPS, *(_ALLOWED.values()))
}


def _allowed(step: Step) -> Step:
    return _ALLOWED.get(id(step)) or Step(step.name, "allow", step.reasons)


def _unreached(step: Step) -> Step:
    return _UNREACHED.get(id(step)) or Step(step.name, step.outcome, step.reasons, reached=False)


def _explicit_deny_box(f: _Facts) -> Step:
    # evaluation-logic: an explicit deny in any applicable policy overrides any allow.
    if f.denies:
        reasons: tuple[Reason, ...] = (Reason("explicit_deny", {"count": len(f.denies)}),)
        if f.boundary_beat_notprincipal:
            # The Deny's NotPrincipal lists the caller: without this the step would not say why
            # it applied anyway (reference_policies_elements_notprincipal, key points).
            reasons += (Reason("notprincipal_with_boundary"),)
        return Step("explicit_deny", "deny", reasons)
    return _EXPLICIT_DENY_CONTINUE


def _rcp_box(f: _Facts) -> Step:
    if f.rcp_applies:  # RCPFullAWSAccess is implied at every level: only a Deny can stop here
        levels = len(f.case.rcp_levels)
        return Step("rcp", "continue", (Reason("rcp_full_aws_access_implied", {"levels": levels}),))
    if not f.case.rcp_levels:
        return _RCP_NO_LEVELS
    if f.rcp_exempt:
        return _RCP_SLR_EXEMPT
    return Step("rcp", "not_applicable", (_rcp_not_governed(f.case.request),))


def _rcp_not_governed(request: Request) -> Reason:
    """Why no RCP takes part: the action's service is not on AWS's list, or the action is one
    RCPs never govern in a service that is (kms:RetireGrant), which "only some services" would
    contradict."""
    data = {"action": request.action}
    if request.action_folded in RCP_INEFFECTIVE_ACTIONS:
        data["exempt_action"] = request.action
    return Reason("rcp_service_not_governed", data)


def _scp_box(f: _Facts) -> Step:
    # orgs_manage_policies_scps_evaluation: every level from the root to the account must allow.
    if not f.scp_applies:
        code = "no_scp_levels" if not f.case.scp_levels else "scp_not_applicable_to_caller"
        return Step("scp", "not_applicable", (Reason(code, {"caller_kind": f.kind}),))
    missing = f.scp_missing
    if missing:
        reasons = tuple(Reason("no_allow_at_scp_level", {"level": lvl}) for lvl in missing)
        return Step("scp", "implicit_deny", reasons)
    return _SCP_CONTINUE


def _resource_policy_box(f: _Facts) -> Step:
    grant = f.grant
    special = f.own_policy.resource_type if f.own_policy is not None else None
    name = "resource_policy"
    if f.only_resource_policy:
        if grant is not None:
            return _RESOURCE_ALLOW
        return Step(
            name, "implicit_deny", (Reason("resource_policy_must_allow", {"caller_kind": f.kind}),)
        )
    if not f.same_account:
        if grant is not None:
            reason = Reason("resource_policy_allows_cross_account", {"grant": grant, **f.accounts})
            return Step(name, "continue", (reason,))
        reasons: tuple[Reason, ...] = (
            Reason("cross_account_needs_both", {"missing": "resource_policy", **f.accounts}),
        )
        if special:
            reasons += (Reason("resource_policy_must_allow", {"resource_type": special}),)
        return Step(name, "implicit_deny", reasons)
    if grant in _DIRECT and f.trust_boundary:
        reason = Reason("trust_policy_names_caller_boundary_applies", {"grant": grant})
        return Step(name, "continue", (reason,))
    if grant in _DIRECT:
        data: dict[str, Any] = {"grant": grant}
        if grant == "everyone":  # "*" (or an Allow's NotPrincipal): the caller is not named
            data["principal"] = f.caller.text
        return Step(name, "allow", (Reason("resource_policy_grants_caller", data),))
    if f.ignored_resource_denies:
        reason = Reason("bucket_owner_root_keeps_policy_access", {"action": f.case.request.action})
        return Step(name, "continue", (reason,))
    if grant == "role":
        return Step(name, "continue", (Reason("resource_policy_grants_role", {"grant": grant}),))
    if grant == "federating_user":
        return Step(name, "continue", (_federating_reason(f),))
    if grant == "account":
        reason = Reason("resource_policy_delegates_to_account", {"account": f.caller.account})
        return Step(name, "continue", (reason,))
    if special is not None:
        return Step(
            name,
            "implicit_deny",
            (Reason("resource_policy_must_allow", {"resource_type": special}),),
        )
    if f.case.resource_policy is None:
        return _RESOURCE_NONE
    return _RESOURCE_NO_ALLOW


def _identity_box(f: _Facts) -> Step:
    kind = f.kind
    if not f.iam_identity and kind != "root":
        reason = Reason("identity_policies_not_applicable", {"caller_kind": kind})
        return Step("identity", "not_applicable", (reason,))
    if kind == "root":
        reason = Reason("root_user_full_access", {"account": f.caller.account})
        return Step("identity", "continue", (reason,))
    if f.same_account and f.grant == "role":
        return _IDENTITY_GRANTS_ROLE
    if f.same_account and f.grant == "federating_user":
        return Step("identity", "not_applicable", (_federating_reason(f),))
    if f.same_account and f.grant in _DIRECT and f.trust_boundary:
        reason = Reason("trust_policy_names_caller_boundary_applies", {"grant": f.grant})
        return Step("identity", "not_applicable", (reason,))
    if f.identity_ok:
        return _IDENTITY_CONTINUE
    if f.same_account and f.grant in _DIRECT:
        # The grant allowed it at the resource-based policy's box: this one is not reached,
        # and what it would say is of the identity-based policies alone.
        return _IDENTITY_NO_ALLOW_OF_ITS_OWN
    if f.same_account:
        return _IDENTITY_NO_ALLOW
    reason = Reason("cross_account_needs_both", {"missing": "identity_policy", **f.accounts})
    return Step("identity", "implicit_deny", (reason,))


def _federating_reason(f: _Facts) -> Reason:
    """A grant to the IAM user who created the caller's federated user session."""
    return Reason(
        "resource_policy_grants_federating_user",
        {"grant": "federating_user", "user": f.caller.federated_by, "principal": f.caller.text},
    )


def _boundary_box(f: _Facts) -> Step:
    if not f.has_boundary:
        if f.case.permissions_boundary is not None:  # given, but this caller cannot have one
            reason = Reason("boundary_not_applicable", {"caller_kind": f.kind})
            return Step("boundary", "not_applicable", (reason,))
        return _BOUNDARY_NONE
    if f.boundary_ok:
        return _BOUNDARY_CONTINUE
    return _BOUNDARY_NO_ALLOW


def _session_box(f: _Facts) -> Step:
    if f.federated_without_session:
        return _SESSION_FEDERATED
    if not f.has_session:
        if f.case.session_policy is not None:  # given, but this caller is not a session
            reason = Reason("session_policy_not_applicable", {"caller_kind": f.kind})
            return Step("session_policy", "not_applicable", (reason,))
        return _SESSION_NONE
    if f.session_ok:
        return _SESSION_CONTINUE
    return _SESSION_NO_ALLOW


# AWS's flowchart, in order. The first four always take part; after the resource-based policy,
# `_Facts.route` says which of the others do.
FLOWCHART: tuple[Callable[[_Facts], Step], ...] = (
    _explicit_deny_box,
    _rcp_box,
    _scp_box,
    _resource_policy_box,
    _identity_box,
    _boundary_box,
    _session_box,
)
_ALWAYS = frozenset({"explicit_deny", "rcp", "scp", "resource_policy"})
_DECIDING = {"deny": "ExplicitDeny", "implicit_deny": "ImplicitDeny", "allow": "Allow"}


def _walk(f: _Facts) -> tuple[DecisionValue, tuple[StatementRef, ...], tuple[Step, ...]]:
    """Draw every box once, then walk them in order: the first box taking part that denies or
    allows decides; when every box lets the request through, it is allowed, and the last box
    that let it through says so, while the boxes taking part after it that found nothing in
    force (no boundary, no session policy) are kept as passed: AWS's flowchart still goes
    through them (policy-eval-denyallow). Boxes after those are marked as not reached."""
    steps = [box(f) for box in FLOWCHART]
    taking_part = _ALWAYS | set(f.route())
    decision: DecisionValue = "Allow"
    decided_at: int | None = None
    for pos, step in enumerate(steps):
        if step.name in taking_part and step.outcome in _DECIDING:
            decision = _DECIDING[step.outcome]  # type: ignore[assignment]
            decided_at = pos
            break
    if decided_at is None:
        decided_at = len(steps) - 1
        for pos in range(len(steps) - 1, 2, -1):  # the last box that let it through allows
            if steps[pos].outcome == "continue":
                steps[pos] = _allowed(steps[pos])
                decided_at = pos
                break
        while (
            decided_at + 1 < len(steps)
            and steps[decided_at + 1].name in taking_part
            and steps[decided_at + 1].outcome == "not_applicable"
        ):
            decided_at += 1
    final = (*steps[: decided_at + 1], *map(_unreached, steps[decided_at + 1 :]))
    return decision, _decisive(f, decision, taking_part), final


def _decisive(
    f: _Facts, decision: DecisionValue, taking_part: set[str] | frozenset[str]
) -> tuple[StatementRef, ...]:
    """The statements that decided: every applicable Deny, or the Allows of every box that
    took part in an allow."""
    if decision == "ExplicitDeny":
        return tuple(f.denies)
    if decision != "Allow":
        return ()
    refs = list(f.scp_allows) if f.scp_applies else []
    if f.grant is not None:
        refs.extend(_deciding_resource_allows(f))
    if "identity" in taking_part and f.iam_identity:
        refs.extend(f.identity_allows)
    if "boundary" in taking_part and f.has_boundary:
        refs.extend(f.boundary_allows)
    if "session_policy" in taking_part and f.has_session:
        refs.extend(f.session_allows)
    return tuple(refs)


def _deciding_resource_allows(f: _Facts) -> list[StatementRef]:
    """The resource-policy Allows that decided. In the same account a grant naming the caller
    (or its role) decides by itself (policy-eval-basics); a statement beside it that grants only
    the account delegates to IAM policies and decides nothing. Across accounts every matching
    Allow is the resource side that the identity side needs."""
    if not f.same_account or f.grant == "account":
        return f.resource_allows
    kinds = _DIRECT if f.grant in _DIRECT else frozenset({f.grant})
    return [
        ref
        for ref, grant in zip(f.resource_allows, f.resource_allow_grants, strict=True)
        if grant in kinds
    ]
