"""The answer to a case and its reasons, as light immutable objects.

The engine speaks in stable codes with the values involved (`Reason.code`, `Reason.data`);
turning them into sentences is the templates' job. `Decision.to_dict()` is the JSON shape the
API, the CLI and the sandbox share:

    {"decision": "Allow" | "ExplicitDeny" | "ImplicitDeny",
     "decisive": [StatementRef...],        the statements that decided it
     "steps": [Step...],                   AWS's order: explicit_deny, rcp, scp, resource_policy,
                                           identity, boundary, session_policy; preceded by
                                           an "aws_rule" step when one of AWS's built-in rules
                                           (aws_rules.py) decided, the others then unreached
     "explanations": [PolicyExplanation...]}   every policy and statement considered
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .fastinit import fast_init

DecisionValue = Literal["Allow", "ExplicitDeny", "ImplicitDeny"]
PolicyResult = Literal["deny", "allow", "no_match", "not_applicable"]
StepOutcome = Literal["deny", "allow", "implicit_deny", "continue", "not_applicable"]

STEP_NAMES: tuple[str, ...] = (
    "explicit_deny",
    "rcp",
    "scp",
    "resource_policy",
    "identity",
    "boundary",
    "session_policy",
)


@fast_init
@dataclass(frozen=True, slots=True)
class Reason:
    """A stable code and the values involved (JSON-ready: strings, numbers, lists, dicts)."""

    code: str
    data: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "data": dict(self.data) if self.data else {}}


@fast_init
@dataclass(frozen=True, slots=True)
class StatementRef:
    """Where a statement lives: enough for a page to point at it (and its line, when known)."""

    policy_kind: str
    policy_index: int
    policy_name: str | None
    level: int | None  # the organization level for SCPs/RCPs (0 = root), else None
    statement_index: int
    sid: str | None
    effect: str
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_kind": self.policy_kind,
            "policy_index": self.policy_index,
            "policy_name": self.policy_name,
            "level": self.level,
            "statement_index": self.statement_index,
            "sid": self.sid,
            "effect": self.effect,
            "line": self.line,
        }


@fast_init
@dataclass(frozen=True, slots=True)
class StatementExplanation:
    """Did one statement apply to the request, and if not, why (`reasons`, the first element that
    failed: action, then resource, then principal, then every failing condition).

    `principal_match` says how a resource/RCP statement's Principal named the caller
    (`user`, `role`, `session`, `account`, `everyone`, ...), None when it has no Principal.
    """

    ref: StatementRef
    applies: bool
    reasons: tuple[Reason, ...] = ()
    principal_match: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.ref.to_dict()
        out["applies"] = self.applies
        out["reasons"] = [r.to_dict() for r in self.reasons]
        if self.principal_match is not None:
            out["principal_match"] = self.principal_match
        return out


@fast_init
@dataclass(frozen=True, slots=True)
class PolicyExplanation:
    """One policy's verdict on the request: `result` is `deny` (an applicable Deny), `allow` (an
    applicable Allow and no Deny), `no_match` (nothing applied) or `not_applicable` (the policy
    kind does not apply to this caller; then `reason` says why and `statements` is empty)."""

    kind: str
    index: int
    name: str | None
    level: int | None
    result: PolicyResult
    statements: tuple[StatementExplanation, ...]
    reason: Reason | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "index": self.index,
            "name": self.name,
            "level": self.level,
            "result": self.result,
            "reason": self.reason.to_dict() if self.reason else None,
            "statements": [s.to_dict() for s in self.statements],
        }


@fast_init
@dataclass(frozen=True, slots=True)
class Step:
    """One box of AWS's evaluation flowchart and what it concluded.

    `reached` is False for steps after the one that decided (their outcome is still computed so
    a page can show what they would have said).
    """

    name: str
    outcome: StepOutcome
    reasons: tuple[Reason, ...] = ()
    reached: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "reached": self.reached,
            "reasons": [r.to_dict() for r in self.reasons],
        }


class Decision:
    """The result of `evaluate(case)`: `decision`, `decisive`, `steps`, `explanations`.

    `explanations` is built on first access (from compact per-statement records the evaluator
    keeps), so a caller that only needs the answer does not pay for the full explanation.
    """

    __slots__ = ("decision", "decisive", "steps", "_explanations", "_explain")

    def __init__(
        self,
        decision: DecisionValue,
        decisive: tuple[StatementRef, ...],
        steps: tuple[Step, ...],
        explanations: tuple[PolicyExplanation, ...] | None = None,
        *,
        explain: Callable[[], tuple[PolicyExplanation, ...]] | None = None,
    ) -> None:
        self.decision = decision
        self.decisive = decisive
        self.steps = steps
        self._explanations = explanations
        self._explain = explain

    @property
    def explanations(self) -> tuple[PolicyExplanation, ...]:
        if self._explanations is None:
            self._explanations = self._explain() if self._explain is not None else ()
            self._explain = None
        return self._explanations

    @property
    def allowed(self) -> bool:
        return self.decision == "Allow"

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def deciding_step(self) -> Step | None:
        """The box of the flowchart that decided: the last one reached that allowed or denied
        (boxes passed after an Allow, finding nothing in force, are reached too)."""
        reached = [step for step in self.steps if step.reached]
        for step in reversed(reached):
            if step.outcome in ("allow", "deny", "implicit_deny"):
                return step
        return reached[-1] if reached else None

    def __repr__(self) -> str:
        return f"Decision({self.decision!r}, decisive={len(self.decisive)} statement(s))"

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "decisive": [ref.to_dict() for ref in self.decisive],
            "steps": [s.to_dict() for s in self.steps],
            "explanations": [p.to_dict() for p in self.explanations],
        }
