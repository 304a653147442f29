"""AWS's policy evaluation logic over a parsed `Case`, with its reasons.

One analysis per policy kind (`_analyse`: which statements apply, and why the others do not),
then one small function, `_decide`, whose branches follow AWS's flowchart in order:
explicit deny → RCPs → SCPs → resource-based policy → identity-based policies → permissions
boundary → session policy.
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
- Service-linked roles are not limited by SCPs or RCPs (recognised by the
  `role/aws-service-role/` path or an `AWSServiceRoleFor` name).
"""

from __future__ import annotations

from typing import Any

from .aws_rules import AwsRule, matching_rule
from .case import Case, Request, parse_case
from .conditions import evaluate_conditions
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

# How a resource-policy grant to the caller combines with the caller's other policies.
_DIRECT = frozenset({"user", "session", "federated_user", "service", "other", "everyone"})
_TRUST_ACTIONS = ("sts:assumerole", "sts:tagsession", "sts:setsourceidentity")
_IAM_IDENTITY = frozenset({"user", "role_session", "federated_user"})
_ORG_MEMBER_CALLERS = frozenset({"user", "role_session", "federated_user", "root"})


class _Analysis:
    """What one policy says about the request.

    `records` holds one compact tuple per statement, `(statement, code, failures, grant)`, where
    `code` is None when the statement applies; the explanation objects are built from them only
    when someone reads `Decision.explanations`.
    """

    __slots__ = ("policy", "kind", "index", "level", "records", "allows", "denies", "best_grant")

    def __init__(self, policy: Policy, kind: str, index: int, level: int | None) -> None:
        self.policy = policy
        self.kind = kind
        self.index = index
        self.level = level
        self.records: list[tuple[Any, ...]] = []
        self.allows: list[StatementRef] = []
        self.denies: list[StatementRef] = []
        self.best_grant: str | None = None  # resource policies: strongest grant to the caller

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

    def explain(self, request: Request) -> PolicyExplanation:
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
        )


def _reasons(code: str, failures: Any, st: Statement, request: Request) -> tuple[Reason, ...]:
    """The reason objects for a statement that did not apply (built lazily)."""
    if code in ("action_not_matched", "notaction_matched"):
        return (Reason(code, {"action": request.action, "patterns": list(st.action.texts)}),)
    if code in ("resource_not_matched", "notresource_matched", "policy_variable_no_value"):
        assert st.resource is not None
        data: dict[str, Any] = {"resource": request.resource, "patterns": list(st.resource.texts)}
        if code == "policy_variable_no_value":
            data["variables"] = [p.text for p in st.resource.patterns if p.has_variable]
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
        else:
            out.allows.append(out.ref(st))
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
    return data


def _skipped(
    policy: Policy, kind: str, index: int, level: int | None, reason: Reason
) -> PolicyExplanation:
    return PolicyExplanation(kind, index, policy.name, level, "not_applicable", (), reason)


def _is_service_linked(caller: Caller) -> bool:
    text = caller.text
    return caller.kind == "role_session" and (
        ":role/aws-service-role/" in text or (caller.name or "").startswith("AWSServiceRoleFor")
    )


def _special_resource(request: Request) -> str | None:
    """`trust` (a role's trust policy decides) or `kms` (a key policy decides), else None."""
    resource = request.resource
    parts = resource.split(":", 5)
    if len(parts) != 6:
        return None
    if (
        parts[2] == "iam"
        and parts[5].startswith("role/")
        and request.action_folded.startswith(_TRUST_ACTIONS)
    ):
        return "trust"
    if (
        parts[2] == "kms"
        and parts[5].startswith("key/")
        and request.action_folded.startswith("kms:")
    ):
        # key-policies: a key policy governs the KMS operations on its key. Another service's
        # action whose resource is a key ARN (kinesis:StartStreamEncryption) is decided by the
        # caller's policies like any other.
        return "kms"
    return None


def evaluate(case: Case | dict[str, Any] | str) -> Decision:
    """Decide a case like AWS would and say why. `case`: a dict, JSON text or a parsed `Case`."""
    parsed = parse_case(case)
    return _evaluate(parsed)


def _evaluate(case: Case) -> Decision:
    request = case.request
    caller = request.caller
    slr = _is_service_linked(caller)
    iam_identity = caller.kind in _IAM_IDENTITY
    explanations: list[_Analysis | PolicyExplanation] = []
    denies: list[StatementRef] = []

    # RCPs: every caller except service-linked roles, when the resource's account is in an org.
    rcp_applies = bool(case.rcp_levels) and not slr
    for lvl, level in enumerate(case.rcp_levels):
        for i, policy in enumerate(level):
            if rcp_applies:
                a = _analyse(policy, "rcp", i, lvl, request)
                explanations.append(a)
                denies.extend(a.denies)
            else:
                explanations.append(
                    _skipped(policy, "rcp", i, lvl, Reason("service_linked_role_exempt"))
                )

    # SCPs: IAM principals (and the root user) of member accounts, not service-linked roles.
    scp_applies = bool(case.scp_levels) and caller.kind in _ORG_MEMBER_CALLERS and not slr
    scp_missing: list[int] = []
    scp_allows: list[StatementRef] = []
    for lvl, level in enumerate(case.scp_levels):
        level_allows = False
        for i, policy in enumerate(level):
            if scp_applies:
                a = _analyse(policy, "scp", i, lvl, request)
                explanations.append(a)
                denies.extend(a.denies)
                scp_allows.extend(a.allows)
                level_allows = level_allows or bool(a.allows)
            else:
                code = "service_linked_role_exempt" if slr else "scp_not_applicable_to_caller"
                explanations.append(
                    _skipped(policy, "scp", i, lvl, Reason(code, {"caller_kind": caller.kind}))
                )
        if scp_applies and not level_allows:
            scp_missing.append(lvl)

    boundary = case.permissions_boundary
    has_boundary = boundary is not None and iam_identity

    resource_grant: str | None = None
    resource_allows: list[StatementRef] = []
    if case.resource_policy is not None:
        a = _analyse(
            case.resource_policy, "resource", 0, None, request, boundary_present=has_boundary
        )
        explanations.append(a)
        denies.extend(a.denies)
        resource_allows = a.allows
        resource_grant = a.best_grant

    identity_allows: list[StatementRef] = []
    for i, policy in enumerate(case.identity_policies):
        if iam_identity:
            a = _analyse(policy, "identity", i, None, request)
            explanations.append(a)
            denies.extend(a.denies)
            identity_allows.extend(a.allows)
        else:
            explanations.append(
                _skipped(
                    policy,
                    "identity",
                    i,
                    None,
                    Reason("identity_policies_not_applicable", {"caller_kind": caller.kind}),
                )
            )

    boundary_allows: list[StatementRef] = []
    if boundary is not None:
        if has_boundary:
            a = _analyse(boundary, "boundary", 0, None, request)
            explanations.append(a)
            denies.extend(a.denies)
            boundary_allows = a.allows
        else:
            explanations.append(
                _skipped(
                    boundary,
                    "boundary",
                    0,
                    None,
                    Reason("boundary_not_applicable", {"caller_kind": caller.kind}),
                )
            )

    session = case.session_policy
    has_session = session is not None and iam_identity
    session_allows: list[StatementRef] = []
    if session is not None:
        if has_session:
            a = _analyse(session, "session", 0, None, request)
            explanations.append(a)
            denies.extend(a.denies)
            session_allows = a.allows
        else:
            explanations.append(
                _skipped(
                    session,
                    "session",
                    0,
                    None,
                    Reason("session_policy_not_applicable", {"caller_kind": caller.kind}),
                )
            )

    decision, decisive, steps = _decide(
        case=case,
        denies=denies,
        rcp_applies=rcp_applies,
        scp_applies=scp_applies,
        scp_missing=scp_missing,
        scp_allows=scp_allows,
        resource_grant=resource_grant,
        resource_allows=resource_allows,
        identity_allows=identity_allows,
        has_boundary=has_boundary,
        boundary_allows=boundary_allows,
        has_session=has_session,
        session_allows=session_allows,
    )

    rule = matching_rule(request)
    if rule is not None:
        decision, decisive, steps = _apply_aws_rule(rule, request, steps)

    def explain() -> tuple[PolicyExplanation, ...]:
        return tuple(
            item.explain(request) if isinstance(item, _Analysis) else item for item in explanations
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
    rest = tuple(Step(s.name, s.outcome, s.reasons, reached=False) for s in steps)
    return ("Allow" if rule.effect == "Allow" else "ExplicitDeny"), (), (first, *rest)


def _decide(
    *,
    case: Case,
    denies: list[StatementRef],
    rcp_applies: bool,
    scp_applies: bool,
    scp_missing: list[int],
    scp_allows: list[StatementRef],
    resource_grant: str | None,
    resource_allows: list[StatementRef],
    identity_allows: list[StatementRef],
    has_boundary: bool,
    boundary_allows: list[StatementRef],
    has_session: bool,
    session_allows: list[StatementRef],
) -> tuple[DecisionValue, tuple[StatementRef, ...], tuple[Step, ...]]:
    """Combine the per-kind analyses the way AWS's flowchart does; also draw each step."""
    request = case.request
    caller = request.caller
    kind = caller.kind
    special = _special_resource(request)
    same_account = caller.account is not None and caller.account == request.resource_account
    accounts = {"principal_account": caller.account, "resource_account": request.resource_account}

    # --- what each step says on its own -------------------------------------------------
    s_deny = Step(
        "explicit_deny",
        "deny" if denies else "continue",
        (Reason("explicit_deny", {"count": len(denies)}),) if denies else (),
    )
    if rcp_applies:  # RCPFullAWSAccess is implied at every level: only a Deny can stop here
        s_rcp = Step(
            "rcp",
            "continue",
            (Reason("rcp_full_aws_access_implied", {"levels": len(case.rcp_levels)}),),
        )
    else:
        s_rcp = Step(
            "rcp",
            "not_applicable",
            (Reason("no_rcp_levels" if not case.rcp_levels else "service_linked_role_exempt"),),
        )
    if not scp_applies:
        s_scp = Step(
            "scp",
            "not_applicable",
            (
                Reason(
                    "no_scp_levels" if not case.scp_levels else "scp_not_applicable_to_caller",
                    {"caller_kind": kind},
                ),
            ),
        )
    elif scp_missing:
        s_scp = Step(
            "scp",
            "implicit_deny",
            tuple(Reason("no_allow_at_scp_level", {"level": lvl}) for lvl in scp_missing),
        )
    else:
        s_scp = Step("scp", "continue")

    iam_identity = kind in _IAM_IDENTITY
    # The identity side: identity policies ∩ boundary ∩ session policy (root: full access).
    identity_ok = kind == "root" or bool(identity_allows)
    boundary_ok = not has_boundary or bool(boundary_allows)
    federated_without_session = kind == "federated_user" and not has_session
    session_ok = (not has_session or bool(session_allows)) and not federated_without_session

    grant = resource_grant
    trust_boundary = special == "trust" and has_boundary
    only_resource_policy = kind in ("anonymous", "service", "web_identity")

    # --- the flowchart ---------------------------------------------------------------------
    decisive: tuple[StatementRef, ...] = ()
    decision: DecisionValue
    uses_identity = uses_boundary = uses_session = False
    if denies:
        # evaluation-logic: an explicit deny in any applicable policy overrides any allow.
        decision, decided_at = "ExplicitDeny", "explicit_deny"
        decisive = tuple(denies)
    elif scp_applies and scp_missing:
        # orgs_manage_policies_scps_evaluation: every level from the root to the account must allow.
        decision, decided_at = "ImplicitDeny", "scp"
    elif only_resource_policy:
        # Anonymous callers, services and web identities carry no IAM policies: only the
        # resource-based policy (trust policy) can allow them.
        decision = "Allow" if grant is not None else "ImplicitDeny"
        decided_at = "resource_policy"
    elif not same_account:
        # evaluation-logic-cross-account: the resource policy AND the identity side must allow.
        uses_identity = uses_boundary = uses_session = True
        if grant is None:
            decision, decided_at = "ImplicitDeny", "resource_policy"
        else:
            decision, decided_at = _identity_chain(identity_ok, boundary_ok, session_ok, "identity")
    elif grant in _DIRECT and trust_boundary:
        # id_roles_update-role-trust-policy: a trust policy that names the caller does not lift
        # the caller's permissions boundary: the boundary must allow sts:AssumeRole too.
        uses_boundary = True
        decision, decided_at = _identity_chain(True, boundary_ok, True, "boundary")
    elif grant in _DIRECT:
        # policy-eval-basics: a same-account grant to the user, role session or federated user
        # ARN is not limited by an implicit deny in identity policies, boundary or session policy.
        decision, decided_at = "Allow", "resource_policy"
    elif grant == "role":
        # access_policies_boundaries: a grant to the role ARN is limited by the role's permissions
        # boundary and session policy (identity policies are not needed).
        uses_boundary = uses_session = True
        decision, decided_at = _identity_chain(True, boundary_ok, session_ok, "boundary")
    elif grant is None and special is not None:
        # id_roles / key-policies: the trust policy or key policy itself must allow the caller.
        decision, decided_at = "ImplicitDeny", "resource_policy"
    else:
        # Same account, no direct grant (or a grant to the account, which delegates to IAM):
        # identity policies must allow, within the boundary and the session policy.
        uses_identity = uses_boundary = uses_session = True
        decision, decided_at = _identity_chain(identity_ok, boundary_ok, session_ok, "identity")

    if decision == "Allow":
        refs = list(scp_allows) if scp_applies else []
        if grant is not None:
            refs.extend(resource_allows)
        if uses_identity and iam_identity:
            refs.extend(identity_allows)
        if uses_boundary and has_boundary:
            refs.extend(boundary_allows)
        if uses_session and has_session:
            refs.extend(session_allows)
        decisive = tuple(refs)

    # --- the resource-policy, identity, boundary and session steps --------------------------
    if only_resource_policy:
        s_res = (
            Step("resource_policy", "allow")
            if grant is not None
            else Step(
                "resource_policy",
                "implicit_deny",
                (Reason("resource_policy_must_allow", {"caller_kind": kind}),),
            )
        )
    elif not same_account:
        s_res = (
            Step(
                "resource_policy",
                "continue",
                (Reason("resource_policy_allows_cross_account", {"grant": grant, **accounts}),),
            )
            if grant is not None
            else Step(
                "resource_policy",
                "implicit_deny",
                (Reason("cross_account_needs_both", {"missing": "resource_policy", **accounts}),)
                + (
                    (Reason("resource_policy_must_allow", {"resource_type": special}),)
                    if special
                    else ()
                ),
            )
        )
    elif grant in _DIRECT and trust_boundary:
        s_res = Step(
            "resource_policy",
            "continue",
            (Reason("trust_policy_names_caller_boundary_applies", {"grant": grant}),),
        )
    elif grant in _DIRECT:
        s_res = Step(
            "resource_policy", "allow", (Reason("resource_policy_grants_caller", {"grant": grant}),)
        )
    elif grant == "role":
        s_res = Step(
            "resource_policy",
            "continue",
            (Reason("resource_policy_grants_role", {"grant": grant}),),
        )
    elif grant == "account":
        s_res = Step(
            "resource_policy",
            "continue",
            (Reason("resource_policy_delegates_to_account", {"account": caller.account}),),
        )
    elif special is not None:
        s_res = Step(
            "resource_policy",
            "implicit_deny",
            (Reason("resource_policy_must_allow", {"resource_type": special}),),
        )
    elif case.resource_policy is None:
        s_res = Step("resource_policy", "not_applicable", (Reason("no_resource_policy"),))
    else:
        s_res = Step("resource_policy", "continue", (Reason("no_resource_policy_allow"),))

    if not iam_identity and kind != "root":
        s_id = Step(
            "identity",
            "not_applicable",
            (Reason("identity_policies_not_applicable", {"caller_kind": kind}),),
        )
    elif kind == "root":
        s_id = Step(
            "identity", "continue", (Reason("root_user_full_access", {"account": caller.account}),)
        )
    elif same_account and grant == "role":
        s_id = Step("identity", "not_applicable", (Reason("resource_policy_grants_role"),))
    elif same_account and grant in _DIRECT and trust_boundary:
        s_id = Step(
            "identity",
            "not_applicable",
            (Reason("trust_policy_names_caller_boundary_applies", {"grant": grant}),),
        )
    elif identity_ok:
        s_id = Step("identity", "continue")
    elif same_account:
        s_id = Step("identity", "implicit_deny", (Reason("no_identity_or_resource_allow"),))
    else:
        s_id = Step(
            "identity",
            "implicit_deny",
            (Reason("cross_account_needs_both", {"missing": "identity_policy", **accounts}),),
        )

    if not has_boundary:
        s_pb = Step("boundary", "not_applicable")
    elif boundary_ok:
        s_pb = Step("boundary", "continue")
    else:
        s_pb = Step("boundary", "implicit_deny", (Reason("no_allow_in_boundary"),))

    if federated_without_session:
        s_sp = Step(
            "session_policy", "implicit_deny", (Reason("federated_user_without_session_policy"),)
        )
    elif not has_session:
        s_sp = Step("session_policy", "not_applicable")
    elif session_ok:
        s_sp = Step("session_policy", "continue")
    else:
        s_sp = Step("session_policy", "implicit_deny", (Reason("no_allow_in_session_policy"),))

    steps = [s_deny, s_rcp, s_scp, s_res, s_id, s_pb, s_sp]
    if decision == "Allow" and decided_at != "resource_policy":
        # The last box that took part says "allow".
        for pos in range(len(steps) - 1, 2, -1):
            if steps[pos].outcome == "continue":
                steps[pos] = Step(steps[pos].name, "allow", steps[pos].reasons)
                decided_at = steps[pos].name
                break
    cut = next(i for i, s in enumerate(steps) if s.name == decided_at)
    final = tuple(
        s if i <= cut else Step(s.name, s.outcome, s.reasons, reached=False)
        for i, s in enumerate(steps)
    )
    return decision, decisive, final


def _identity_chain(
    identity_ok: bool, boundary_ok: bool, session_ok: bool, first: str
) -> tuple[DecisionValue, str]:
    """Identity policies, then the boundary, then the session policy: the first without an
    Allow decides (an implicit deny); all three allowing lets the request through."""
    if not identity_ok:
        return "ImplicitDeny", first
    if not boundary_ok:
        return "ImplicitDeny", "boundary"
    if not session_ok:
        return "ImplicitDeny", "session_policy"
    return "Allow", "session_policy"
