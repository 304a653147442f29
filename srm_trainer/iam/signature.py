"""Which actions the engine cannot tell apart, for a given set of policies.

An action's *signature* is what the evaluator reads of it: the statements whose Action (or
NotAction) match it, and whether one of AWS's built-in rules (`aws_rules`, by exact action) or a
resource whose own policy must allow (`evaluate.OWN_POLICY_RULES`, by action prefix) names it.
With the caller, context and resource held equal, two actions of one signature get the same
decision, the same deciding statements and the same steps; only the explanation's wording of
the action differs. The summary (`summary.py`) and batch simulation (`simulate.py`) evaluate one
action per signature.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import compress, repeat
from operator import contains
from typing import Any

from .aws_rules import RULES
from .evaluate import OWN_POLICY_RULES
from .model import Policy
from .wildcard import fold_case

# Anything besides the statements whose Action matches that reads the action's name: AWS's
# built-in rules (by exact action) and the resources whose own policy must allow (by prefix).
RULE_ACTIONS = frozenset(fold_case(a) for rule in RULES for a in rule.actions)
RULE_SERVICES = frozenset(
    a.partition(":")[0]
    for a in (*RULE_ACTIONS, *(p for rule in OWN_POLICY_RULES for p in rule.actions))
)


def candidates(policies: Sequence[Policy], service: str) -> list[tuple[int, int, Any]]:
    """(policy position, statement index, Action block) of every statement that may match an
    action of `service` (computed once per service)."""
    return [
        (i, st.index, st.action)
        for i, policy in enumerate(policies)
        for st in policy.candidates(service)
    ]


def signatures(
    candidates: list[tuple[int, int, Any]], actions: Sequence[tuple[str, str]]
) -> tuple[list[tuple[Any, ...]], int]:
    """Each action's signature: which statements' Action (or NotAction) match it, and whether a
    built-in or own-policy rule names it. Two actions with the same signature get the same
    decision on any resource (the caller and context are shared), so one of them is evaluated
    for all: the explanation (statements, steps, reasons) is the same too.

    Built per statement, not per action: exact names are looked up, prefixes found by bisection
    in the sorted names, and only wildcard patterns and NotAction visit every action. Returns
    the signatures and the work done (actions visited), which the caller charges."""
    folded = [fold_case(action) for action, _ in actions]
    order = sorted(range(len(folded)), key=folded.__getitem__)
    ordered = [folded[k] for k in order]
    position = {name: k for k, name in enumerate(folded)}
    everyone = range(len(folded))
    sigs: list[list[Any]] = [[] for _ in folded]
    work = len(folded)
    for i, j, block in candidates:
        hit: set[int] | range
        if block.any:
            hit = everyone
        else:
            found: set[int] = set()
            for name in block.exact:
                k = position.get(name)
                if k is not None:
                    found.add(k)
            for prefix in block.prefixes:
                lo = bisect_left(ordered, prefix)
                hi = bisect_left(ordered, prefix + "\U0010ffff", lo)
                found.update(order[lo:hi])
            for pattern in block.wildcards:
                # Only names holding the pattern's longest literal piece can match: that
                # filter runs in C, the matcher on what passes it.
                need = pattern.need
                passed = (
                    compress(everyone, map(contains, folded, repeat(need))) if need else everyone
                )
                found.update(k for k in passed if pattern.matches(folded[k]))
                work += len(folded)
            hit = found
            work += len(block.exact) + len(block.prefixes) + len(found)
        if block.negated:
            hit = set(everyone) - set(hit)
            work += len(folded)
        for k in hit:
            sigs[k].append((i, j))
    for k, name in enumerate(folded):
        if name in RULE_ACTIONS:
            sigs[k].append(name)
        for rule in OWN_POLICY_RULES:
            if name.startswith(rule.actions):
                sigs[k].append(rule.resource_type)
    # A statement's entries were appended in candidate order, so equal sets give equal tuples.
    return [tuple(sig) for sig in sigs], work


def uniform(candidates: list[tuple[int, int, Any]], service: str) -> tuple[Any, ...] | None:
    """The signature every action of `service` shares when each statement matches all of them
    or none (`*`, `s3:*`, `s3:Get*` for ec2), else None (look at each action)."""
    head = service + ":"
    sig: list[Any] = []
    for i, j, block in candidates:
        if block.any or any(head.startswith(p) for p in block.prefixes):
            matches = True
        elif (
            block.wildcards
            or any(p.startswith(head) for p in block.prefixes)
            or any(e.startswith(head) for e in block.exact)
        ):
            return None
        else:
            matches = False
        if matches != block.negated:
            sig.append((i, j))
    return tuple(sig)
