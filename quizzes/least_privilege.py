"""Grade a least-privilege challenge: does the learner's policy do the job, and no more?

Two checks, both by the evaluation engine:

1. **Requests.** Each `must_allow` and `must_deny` entry becomes one case (the challenge's
   principal, the action and resource, the optional `resource_account` and request `context`
   (condition keys such as `aws:MultiFactorAuthPresent`), the learner's policy as
   the only identity policy). Each gets the outcome the task wants or not (Allow for
   must-allow; ExplicitDeny or ImplicitDeny for must-deny). The request score is the must-allow
   requests allowed, out of every request that must be allowed or is allowed wrongly
   (`let_through_score`): a policy that allows nothing scores 0, not the share of must-denies.

2. **Over-permission.** Every action the policy's Allow statements could grant is probed
   against every `scope` resource (`probe_scope`: a challenge that names none is probed on the
   resources its own requests name, so `"Action": "*"` is never a right answer):
   - `Action` patterns are expanded with the catalogue (`catalog.expand`); a `NotAction`
     statement grants every catalogue action of the services involved except those it lists;
   - only actions of the services involved are probed (the services of the requests' actions
     and of the scope ARNs): `ec2:*` cannot act on an S3 ARN;
   - a scope entry with wildcards stands for one concrete resource inside it
     (`arn:aws:s3:::reports/*` → `arn:aws:s3:::reports/example`);
   - probes run in the request context of each must-allow request (so a grant that needs MFA
     still counts when the task's requests carry MFA);
   - an action is not probed on a resource none of its resource types' ARN formats fits
     (s3:GetBucketPolicy on `reports/example`): granting it there grants nothing; an action
     with no resource type (s3:ListAllMyBuckets) is probed on `*`, as AWS authorises it;
   - a probe the engine allows is an **overgrant** unless a must-allow request needs it
     (same action, and the must-allow resource, read as a pattern, covers the probe resource).
   Each overgrant weighs by its access level: Permissions management 3, Write 2, anything
   else (Read, List, Tagging) 1.

   score = request score × (1 − min(1, weighted overgrants / 10))

so ten read-only overgrants, or four writes, or a handful of permission changes, take the score
to zero. The answer is right only when every request passes and nothing is overgranted.

Bounded work: expansions and probes are charged to a work budget (`srm_trainer.iam.budget`),
and probes run riskiest access level first. When the budget runs out after the weighted
overgrants reached the scale, the score is exact (it is 0 already) and the count reads "at
least". When it runs out before, the policy is not given the benefit of the doubt: its
over-permission factor is 0 and the feedback asks for a narrower Action list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from srm_trainer.iam import PolicyError, arnfit, catalog, evaluate, parse_policy
from srm_trainer.iam.budget import Budget, on_fresh_frame_chunk
from srm_trainer.iam.catalog import BudgetExhausted
from srm_trainer.iam.wildcard import fold_case, wildcard_match

ACCESS_WEIGHTS = {"Permissions management": 3, "Write": 2}
PENALTY_SCALE = 10  # weighted overgrants that take the score to zero
PROBE_FILLER = "example"
PROBE_UNITS = 40  # one probe: build the case and evaluate it, plus one unit per policy element
# Condition comparisons (policy values × context values) over all the task's requests: ~0.5 µs
# each. The must-allow and must-deny requests are always evaluated, so this bounds them.
MAX_REQUEST_COMPARISONS = 100_000


def let_through_score(outcomes: Iterable[tuple[bool, bool]]) -> float:
    """The request score, from (wanted through, as wanted) for each request (here) or flow (the
    network fix, `quizzes.kinds.flow_fix`): the wanted ones let through, out of every one wanted
    or let through, as route-the-findings scores a pattern. Counting every request alike gave an
    answer that lets nothing through the share of must-deny requests: 80% for a policy that
    does none of the job. With nothing wanted through, the share as wanted."""
    pairs = list(outcomes)
    wanted = sum(1 for want, _ in pairs if want)
    if not wanted:
        return sum(1 for _, ok in pairs if ok) / len(pairs) if pairs else 1.0
    through = sum(1 for want, ok in pairs if want and ok)
    unwanted = sum(1 for want, ok in pairs if not want and not ok)
    return through / (wanted + unwanted)


@dataclass(frozen=True)
class RequestResult:
    action: str
    resource: str
    want: str  # "Allow" | "Deny"
    decision: str  # the engine's decision

    @property
    def ok(self) -> bool:
        return (self.decision == "Allow") == (self.want == "Allow")


@dataclass(frozen=True)
class Overgrant:
    action: str
    resource: str
    access_level: str
    weight: int


@dataclass(frozen=True)
class ChallengeResult:
    requests: tuple[RequestResult, ...]
    overgrants: tuple[Overgrant, ...] = field(default=())
    # False when probing stopped early: at the scale ("at least" this many), or out of budget
    complete: bool = True
    unchecked: bool = False  # the budget ran out before the over-grants could be ruled out

    @property
    def request_score(self) -> float:
        return let_through_score((r.want == "Allow", r.ok) for r in self.requests)

    @property
    def weighted_overgrants(self) -> int:
        return sum(o.weight for o in self.overgrants)

    @property
    def score(self) -> float:
        if self.unchecked:
            return 0.0
        return self.request_score * (1 - min(1.0, self.weighted_overgrants / PENALTY_SCALE))

    @property
    def correct(self) -> bool:
        return self.request_score == 1.0 and not self.overgrants and not self.unchecked

    def counterexample(self) -> dict | None:
        """The one concrete request worth telling the learner about first."""
        for r in self.requests:
            if not r.ok and r.want == "Deny":
                return {"kind": "should_deny", "action": r.action, "resource": r.resource}
        for r in self.requests:
            if not r.ok:
                return {"kind": "should_allow", "action": r.action, "resource": r.resource}
        if self.overgrants:
            # the riskiest access level first, then the first in alphabetical order
            worst = min(self.overgrants, key=lambda o: (-o.weight, o.action, o.resource))
            return {"kind": "overgrant", "action": worst.action, "resource": worst.resource}
        return None

    def to_dict(self) -> dict:
        return {
            "requests": [
                {
                    "action": r.action,
                    "resource": r.resource,
                    "want": r.want,
                    "decision": r.decision,
                    "ok": r.ok,
                }
                for r in self.requests
            ],
            "request_score": self.request_score,
            "overgrant_count": len(self.overgrants),
            "overgrant_count_complete": self.complete,
            "unchecked": self.unchecked,
            "weighted_overgrants": self.weighted_overgrants,
            # a sample is enough to show; the count says how many there are
            "overgrants": [
                {"action": o.action, "resource": o.resource, "access_level": o.access_level}
                for o in sorted(self.overgrants, key=lambda o: (-o.weight, o.action, o.resource))[
                    :10
                ]
            ],
            "counterexample": self.counterexample(),
        }


def request_case(
    challenge: dict, action: str, resource: str, policy: str | dict, context: dict | None = None
) -> dict:
    """One request of a challenge as a case, with the learner's policy as the only policy."""
    request = {"principal": challenge["principal"], "action": action, "resource": resource}
    if challenge.get("resource_account"):
        request["resource_account"] = str(challenge["resource_account"])
    if context:
        request["context"] = context
    return {"request": request, "identity_policies": [policy]}


def probe_contexts(challenge: dict) -> list[dict]:
    """The request contexts the over-permission probes run in: those of the must-allow requests
    (a grant gated by MFA still counts when the task's own requests carry MFA)."""
    contexts: list[dict] = []
    for entry in challenge.get("must_allow", []):
        context = entry.get("context") or {}
        if context not in contexts:
            contexts.append(context)
    return contexts or [{}]


def probe_resource(scope_entry: str) -> str:
    """A concrete resource inside a scope entry (wildcards filled in)."""
    return scope_entry.replace("*", PROBE_FILLER).replace("?", "x")


def probe_scope(challenge: dict) -> list[str]:
    """The resources probed for over-grants: the challenge's `scope`, or, when it names none,
    the resources of its must-allow and must-deny requests. Without a scope nothing was
    probed, so `"Action": "*", "Resource": "*"` passed a task with no must-deny request at
    full marks, and the editor's check of a reference solution counted 0 over-grants."""
    scope = [s for s in challenge.get("scope") or [] if isinstance(s, str)]
    if scope:
        return scope
    named: list[str] = []
    for entry in [*challenge.get("must_allow", []), *challenge.get("must_deny", [])]:
        resource = entry.get("resource")
        if isinstance(resource, str) and resource not in named:
            named.append(resource)
    return named


def involved_services(challenge: dict) -> set[str]:
    services = set()
    for entry in [*challenge.get("must_allow", []), *challenge.get("must_deny", [])]:
        services.add(entry["action"].split(":", 1)[0].lower())
    for resource in probe_scope(challenge):
        parts = resource.split(":", 5)
        if len(parts) >= 3 and parts[0] == "arn" and parts[2]:
            services.add(parts[2].lower())
    return services


def granted_actions(
    policy_text: str | dict, services: set[str], *, budget: Budget | None = None
) -> set[str]:
    """Every catalogue action of `services` that some Allow statement's actions cover.

    Raises BudgetExhausted when `budget` cannot pay for the expansions."""
    policy = parse_policy(policy_text, kind="identity")
    granted: set[str] = set()
    for statement in policy.statements:
        if not statement.is_allow:
            continue
        block = statement.action
        if block.negated:
            for service in services:
                names = catalog.actions(service)
                if budget is not None and not budget.take(len(names)):
                    raise BudgetExhausted
                granted.update(a for a in names if not block.matches_any(fold_case(a)))
        else:
            for pattern in block.texts:
                granted.update(catalog.expand(pattern, services=services, budget=budget))
    return granted


def _acts_on(action: str, resource: str) -> bool:
    """Could `action` act on `resource` at all? Not when the action has resource types and the
    resource fits none of their ARN formats (s3:GetBucketPolicy on an object ARN): a policy
    granting it there grants nothing, so it is no over-grant. The effective-permissions
    summary applies the same rule (`arnfit`). An action with no resource type counts as yes;
    the probe decides."""
    formats = catalog.arn_formats(action)
    return not formats or any(arnfit.can_match(resource, f) for f in formats)


def _needed(challenge: dict, action: str, scope_entry: str, probe: str) -> bool:
    """Does the task need `action` on this part of the scope? It does when a must-allow request
    uses the action on a resource inside the scope entry (granting `reports/*` for a task that
    reads `reports/q1.csv` is the expected answer, not an over-grant)."""
    folded = fold_case(action)
    return any(
        fold_case(entry["action"]) == folded
        and (
            wildcard_match(scope_entry, entry["resource"])
            or wildcard_match(entry["resource"], probe)
        )
        for entry in challenge.get("must_allow", [])
    )


def check_policy(
    challenge: dict,
    policy_text: str | dict,
    *,
    budget: Budget | None = None,
    first_fault: bool = False,
) -> ChallengeResult:
    """Grade one policy against a challenge. Raises PolicyError (with line/column) when the
    text is not a valid identity policy. The work is charged to `budget` (a fresh `Budget()`
    when none is given).

    With `first_fault`, grading stops at the first request that comes out wrong or the first
    over-grant: the result says whether the policy is `correct`, and nothing more (its score
    and counts are partial). That is the question a challenge's start policy is asked ("does
    it solve the task already?"), and a broad one (`s3:*`) otherwise cost ~290 probes."""
    if budget is None:
        budget = Budget()
    # its loops of evaluations run clear of frame-chunk ends, as the sandbox's analysis does
    return on_fresh_frame_chunk(_check_policy, challenge, policy_text, budget, first_fault)


def _condition_units(policy, context: dict) -> tuple[int, Any]:
    """Comparisons the policy's conditions may make in a request of `context` (each value a
    clause lists meets each value the request carries for its key), and the costliest clause."""
    lengths = {str(k).lower(): len(v) if isinstance(v, list) else 1 for k, v in context.items()}
    total, worst, worst_units = 0, None, -1
    for st in policy.statements:
        for clause in st.conditions:
            units = len(clause.values) * lengths.get(clause.key.lower(), 1)
            total += units
            if units > worst_units:
                worst, worst_units = (st, clause), units
    return total, worst


def _refuse_costly_conditions(policy, contexts: list[dict]) -> None:
    """Every must-allow and must-deny request is evaluated whatever the budget: a policy whose
    conditions would compare more than `MAX_REQUEST_COMPARISONS` values across them is refused
    at its costliest condition, as a mistake in the policy is (a thousand ArnLike patterns
    against a challenge's 50-value context key cost 7 s of CPU for one answer)."""
    total, worst = 0, None
    for context in contexts:
        units, clause = _condition_units(policy, context)
        total += units
        worst = worst or clause
    if total <= MAX_REQUEST_COMPARISONS or worst is None:
        return
    st, clause = worst
    listed = sum(len(c.values) for s in policy.statements for c in s.conditions)
    raise PolicyError(
        "too_costly",
        f"The conditions list {listed:,} values, which the task's requests would compare "
        f"{total:,} times; an answer may take at most {MAX_REQUEST_COMPARISONS:,}. List only "
        "the few values the task needs.",
        path=clause.path,
        line=st.line,
        column=getattr(st, "column", None),
    )


def _check_policy(
    challenge: dict, policy_text: str | dict, budget: Budget, first_fault: bool = False
) -> ChallengeResult:
    policy = parse_policy(policy_text, kind="identity")  # fail early, at the learner's line/column
    # what one probe costs: evaluation walks every statement's patterns and conditions
    base_units = PROBE_UNITS + sum(
        len(st.action.patterns) + (len(st.resource.patterns) if st.resource else 0)
        for st in policy.statements
    )
    entries = [
        (want, entry)
        for want, key in (("Allow", "must_allow"), ("Deny", "must_deny"))
        for entry in challenge.get(key, [])
    ]
    _refuse_costly_conditions(policy, [entry.get("context") or {} for _, entry in entries])
    requests = []
    for want, entry in entries:
        case = request_case(
            challenge, entry["action"], entry["resource"], policy_text, entry.get("context")
        )
        requests.append(
            RequestResult(entry["action"], entry["resource"], want, evaluate(case).decision)
        )
    if first_fault and not all(r.ok for r in requests):
        return ChallengeResult(tuple(requests), complete=False)
    overgrants: list[Overgrant] = []
    probes = [(entry, probe_resource(entry)) for entry in probe_scope(challenge)]
    contexts = probe_contexts(challenge)
    probe_units = base_units + max(_condition_units(policy, ctx)[0] for ctx in contexts)
    if not probes:
        return ChallengeResult(tuple(requests))
    try:
        granted = granted_actions(policy_text, involved_services(challenge), budget=budget)
    except BudgetExhausted:
        return ChallengeResult(tuple(requests), complete=False, unchecked=True)
    weighed = [(a, catalog.access_level(a) or "Unknown") for a in granted]
    weighed.sort(key=lambda item: (-ACCESS_WEIGHTS.get(item[1], 1), item[0]))
    weight = 0
    probed: set[tuple[str, str]] = set()
    for action, level in weighed:
        # an action with no resource type is authorised against "*" whatever the scope
        unscoped = not catalog.resource_types(action)
        for scope_entry, scope_probe in probes:
            resource = "*" if unscoped else scope_probe
            if (action, resource) in probed:
                continue
            probed.add((action, resource))
            if _needed(challenge, action, scope_entry, resource):
                continue
            if not _acts_on(action, resource):
                continue
            if not budget.take(probe_units * len(contexts)):
                return ChallengeResult(
                    tuple(requests),
                    tuple(overgrants),
                    complete=False,
                    unchecked=weight < PENALTY_SCALE,
                )
            if any(
                evaluate(request_case(challenge, action, resource, policy_text, ctx)).allowed
                for ctx in contexts
            ):
                overgrants.append(Overgrant(action, resource, level, ACCESS_WEIGHTS.get(level, 1)))
                weight += ACCESS_WEIGHTS.get(level, 1)
                if first_fault:
                    return ChallengeResult(tuple(requests), tuple(overgrants), complete=False)
    return ChallengeResult(tuple(requests), tuple(overgrants))
