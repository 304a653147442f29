"""Batch simulation: many actions × many resources against one set of policies, like the IAM
Policy Simulator's action list.

The input is a case in the shared format whose `request` carries `actions` and `resources`
lists instead of `action` and `resource`. Actions may hold wildcards (`s3:Get*`): they are
expanded with the catalogue. The policies are parsed once; each pair gets its own request
(the caller and context are shared) and its own decision, and actions the engine cannot tell
apart (`signature.py`) are evaluated once per resource. Results come in a stable order:
actions as expanded (sorted within a pattern), each against every resource in the order given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .case import Case, Request, parse_case
from .decision import Decision, PolicyExplanation
from .errors import CaseError
from .evaluate import _evaluate
from .jsontext import load_json
from .principals import is_account_id
from .signature import candidates, signatures
from .wildcard import fold_case

MAX_PAIRS = 2_000  # evaluations in one batch: about 0.1 s of CPU for typical policies
MAX_LIST = 500  # entries in `actions` or `resources` as given


@dataclass(frozen=True, slots=True)
class SimulationResult:
    action: str
    resource: str
    decision: Decision

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "decision": self.decision.decision,
            "decisive": [ref.to_dict() for ref in self.decision.decisive],
        }


def _strings(raw: dict[str, Any], key: str) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise CaseError(
            "invalid_case", f"request.{key} must be a non-empty list", path=f"request.{key}"
        )
    if len(value) > MAX_LIST:
        raise CaseError(
            "too_many_pairs",
            f"request.{key} lists {len(value):,} entries; the most is {MAX_LIST}",
            path=f"request.{key}",
        )
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise CaseError(
                "invalid_case",
                f"request.{key}[{i}] must be a non-empty string",
                path=f"request.{key}[{i}]",
            )
    return value


def _expand(actions: list[str], max_pairs: int) -> list[str]:
    from . import catalog

    out: list[str] = []
    for i, pattern in enumerate(actions):
        service, colon, name = pattern.partition(":")
        if not colon or not service or not name:
            raise CaseError(
                "invalid_case",
                f'request.actions[{i}] must be "service:Action" (wildcards allowed), '
                f"not {pattern!r}",
                path=f"request.actions[{i}]",
            )
        if "*" in pattern or "?" in pattern:
            found = catalog.expand(pattern)
            if not found:
                raise CaseError(
                    "invalid_case",
                    f"request.actions[{i}]: {pattern!r} matches no action AWS knows",
                    path=f"request.actions[{i}]",
                )
            out.extend(found)
        else:
            out.append(pattern)
        if len(out) > max_pairs:
            break
    return list(dict.fromkeys(out))


def _target(base: Request, action: str, resource: str, account_given: bool) -> Request:
    if account_given:
        account, source = base.resource_account, "given"
    else:
        parts = resource.split(":", 5)
        arn_account = parts[4] if len(parts) == 6 else ""
        if is_account_id(arn_account):
            account, source = arn_account, "arn"
        elif base.caller.account is not None:
            account, source = base.caller.account, "caller"
        else:
            account, source = None, "none"
    return dataclasses.replace(
        base,
        action=action,
        action_folded=fold_case(action),
        resource=resource,
        resource_account=account,
        resource_account_source=source,
    )


def decide(case: Case, action: str, resource: str, *, account_given: bool = False) -> Decision:
    """One pair of a batch: the parsed case's caller, context and policies, another action and
    resource (the resource's account follows the ARN unless the case gave one)."""
    request = _target(case.request, action, resource, account_given)
    return _evaluate(dataclasses.replace(case, request=request))


def simulate(source: dict[str, Any] | str, *, max_pairs: int = MAX_PAIRS) -> list[SimulationResult]:
    """Decide every action × resource pair of a batch case (see the module docstring);
    more than `max_pairs` pairs is a `too_many_pairs` error."""
    raw = load_json(source, error=CaseError, what="case") if isinstance(source, str) else source
    if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict):
        raise CaseError("missing_field", "request is required (an object)", path="request")
    request = raw["request"]
    actions = _expand(_strings(request, "actions"), max_pairs)
    resources = _strings(request, "resources") if "resources" in request else ["*"]
    for j, resource in enumerate(resources):
        if resource != "*" and not resource.startswith("arn:"):
            raise CaseError(
                "invalid_case",
                f'request.resources[{j}] must be an ARN or "*", not {resource!r}',
                path=f"request.resources[{j}]",
            )
    pairs = len(actions) * len(resources)
    if pairs > max_pairs:
        raise CaseError(
            "too_many_pairs",
            f"{len(actions):,} action{'s' if len(actions) != 1 else ''} × {len(resources):,} "
            f"resource{'s' if len(resources) != 1 else ''} make {pairs:,} requests; "
            f"the most in one batch is {max_pairs:,}",
            path="request",
        )
    single = {k: v for k, v in request.items() if k not in ("actions", "resources")}
    single["action"], single["resource"] = actions[0], resources[0]
    case: Case = parse_case({**raw, "request": single})
    given = "resource_account" in request
    # Actions the engine cannot tell apart (signature.py) share one evaluation per resource;
    # each result still explains its own request, evaluated again only if someone reads it.
    keys = _keys(case, actions)
    shared: dict[tuple[Any, str], Decision] = {}
    out = []
    for action, key in zip(actions, keys, strict=True):
        for resource in resources:
            first = shared.get((key, resource))
            if first is None:
                decision = shared[key, resource] = decide(
                    case, action, resource, account_given=given
                )
            else:
                decision = _alike(first, case, action, resource, given)
            out.append(SimulationResult(action, resource, decision))
    return out


def _keys(case: Case, actions: list[str]) -> list[tuple[Any, ...]]:
    """Each action's signature under the case's policies."""
    policies = [slot.policy for slot in case.policies()]
    folded = [fold_case(action) for action in actions]
    by_service: dict[str, list[str]] = {}
    for name in dict.fromkeys(folded):
        by_service.setdefault(name.partition(":")[0], []).append(name)
    found: dict[str, tuple[Any, ...]] = {}
    for service, names in by_service.items():
        sigs, _ = signatures(candidates(policies, service), [(name, "") for name in names])
        found.update(zip(names, sigs, strict=True))
    return [found[name] for name in folded]


def _alike(first: Decision, case: Case, action: str, resource: str, given: bool) -> Decision:
    """`first`'s answer for another action of its signature: the same decision, deciding
    statements and steps; the explanation (which names the action) is its own, made on
    demand."""

    def explain() -> tuple[PolicyExplanation, ...]:
        return decide(case, action, resource, account_given=given).explanations

    return Decision(first.decision, first.decisive, first.steps, explain=explain)
