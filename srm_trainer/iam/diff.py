"""Policy diff: what a new policy (or set) allows that the old one did not, and the reverse —
the question Access Analyzer's "check no new access" answers, decided by the engine.

Both sides are summarised (`summary.summarize`) over the same services: the union of those
either side names, or those asked for. An action is *gained* when the new side's access ranks
higher (none < partial < full) or, both partial, when the new side allows resources or
conditions the old did not list; *lost* is the same read the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress
from typing import Any

from .errors import CaseError
from .fastinit import fast_init
from .jsontext import load_json
from .summary import (
    MAX_ACTIONS,
    MAX_LISTED_CHARS,
    RANK,
    ActionAccess,
    Listing,
    Summary,
    Verdict,
    policy_set,
    summarize,
)
from .summary import _services_named as services_named


@fast_init  # a diff of every service makes one for each of ~20,000 actions
@dataclass(frozen=True, slots=True)
class Change:
    """One action whose access differs: `old` and `new` are the two verdicts."""

    old: ActionAccess
    new: ActionAccess

    @property
    def action(self) -> str:
        return self.new.action

    @property
    def service(self) -> str:
        return self.new.service

    @property
    def level(self) -> str:
        return self.new.level

    def to_dict(self, grants: str = "new") -> dict[str, Any]:
        """`grants`: the side whose access is wider ("new" for a gain, "old" for a loss); its
        `by`, `denied`, `step` and `why` say why, as a summary's allowed action does."""
        side = self.new if grants == "new" else self.old
        return {
            "action": self.action,
            "service": self.service,
            "level": self.level,
            "old": self.old.access,
            "new": self.new.access,
            "resources": list(self.new.resources or self.old.resources),
            "conditions": list(self.new.conditions or self.old.conditions),
            "grants": grants,
            "by": [r.to_dict() for r in side.by],
            "denied": [r.to_dict() for r in side.denied],
            "step": side.step,
            "why": [r.to_dict() for r in side.why],
        }


def _fitting(changes: Iterable[Change], grants: str, listing: Listing) -> list[Change]:
    """The first changes whose JSON fits in what `listing` has left (each pair of verdicts is
    measured once, whatever number of actions share it)."""
    out = []
    for c in changes:
        if not listing.take(
            (id(c.old.verdict), id(c.new.verdict)), partial(c.to_dict, grants), c.action
        ):
            break
        out.append(c)
    return out


@dataclass(frozen=True, slots=True)
class Diff:
    gained: tuple[Change, ...]  # the new side allows more
    lost: tuple[Change, ...]  # the old side allowed more
    old: Summary
    new: Summary

    @property
    def no_new_access(self) -> bool:
        return not self.gained

    @property
    def skipped(self) -> tuple[str, ...]:
        """Services not compared: over the work cap on either side."""
        return tuple(sorted(set(self.old.skipped) | set(self.new.skipped)))

    def to_dict(self, max_listed: int | None = None) -> dict[str, Any]:
        """`max_listed`: list at most that many changes each way, and at most
        `summary.MAX_LISTED_CHARS` of them in all (`gained_more` and `lost_more` count the
        rest)."""
        gained: Sequence[Change] = self.gained if max_listed is None else self.gained[:max_listed]
        lost: Sequence[Change] = self.lost if max_listed is None else self.lost[:max_listed]
        if max_listed is not None:  # one budget of characters for both lists, gains first
            listing = Listing(None, MAX_LISTED_CHARS)
            gained = _fitting(gained, "new", listing)
            lost = _fitting(lost, "old", listing)
        out = {
            "no_new_access": self.no_new_access,
            "gained": [c.to_dict("new") for c in gained],
            "lost": [c.to_dict("old") for c in lost],
            "evaluated": self.new.evaluated,
            "skipped_services": list(self.skipped),
            "ignored": sorted(set(self.old.ignored) | set(self.new.ignored)),
        }
        if len(gained) < len(self.gained):
            out["gained_more"] = len(self.gained) - len(gained)
        if len(lost) < len(self.lost):
            out["lost_more"] = len(self.lost) - len(lost)
        return out


def _wider(a: Verdict, b: Verdict) -> bool:
    """Whether `a` allows something `b` does not."""
    if a.access != b.access:
        return RANK[a.access] > RANK[b.access]
    if a.access != "partial":
        return False
    return not set(a.resources) <= set(b.resources) or not set(a.conditions) <= set(b.conditions)


def diff(
    old: Any,
    new: Any,
    *,
    services: Iterable[str] | None = None,
    max_actions: int = MAX_ACTIONS,
) -> Diff:
    """Compare two policy sets (each a case-shaped dict, one policy, or JSON text of either)."""
    old_set = policy_set(old, "old")
    new_set = policy_set(new, "new")
    if services is None:
        named_old, _ = services_named(old_set)
        named_new, _ = services_named(new_set)
        services = sorted(named_old | named_new)
    wanted = list(services)
    # Both sides share one request's work caps; a service either side skipped is not compared.
    old_sum = summarize(old_set, services=wanted, max_actions=max_actions, share=0.5)
    new_sum = summarize(new_set, services=wanted, max_actions=max_actions, share=0.5)
    gained: list[Change] = []
    lost: list[Change] = []
    olds = {svc.prefix: svc for svc in old_sum.services}
    # Verdicts are shared by the actions of a group: each pair of them is compared once, and
    # an action's ActionAccess objects are only read when it changed.
    wider: dict[tuple[int, int], tuple[bool, bool]] = {}
    for after_svc in new_sum.services:
        before_svc = olds.get(after_svc.prefix)
        if before_svc is None:
            continue
        befores, afters = before_svc.verdicts, after_svc.verdicts
        # Most services differ nowhere: compare their few distinct pairs of verdicts first
        # (passes over the actions in C), and look at each action only where some pair differs.
        by_id = dict(zip(map(id, befores), befores, strict=True))
        by_id.update(zip(map(id, afters), afters, strict=True))
        differ = False
        for pair in set(zip(map(id, befores), map(id, afters), strict=True)):
            found = wider.get(pair)
            if found is None:
                before, after = by_id[pair[0]], by_id[pair[1]]
                found = wider[pair] = (_wider(after, before), _wider(before, after))
            differ = differ or found[0] or found[1]
        if not differ:
            continue
        # Each action's (more, less), read in C: every pair was compared above.
        pairs = zip(map(id, befores), map(id, afters), strict=True)
        found_at = list(map(wider.__getitem__, pairs))
        changed = list(compress(range(len(found_at)), map(any, found_at)))
        if not changed:
            continue
        before_actions, after_actions = before_svc.actions, after_svc.actions
        for k in changed:
            more, less = found_at[k]
            change = Change(before_actions[k], after_actions[k])
            if more:
                gained.append(change)
            if less:
                lost.append(change)
    return Diff(tuple(gained), tuple(lost), old_sum, new_sum)


def diff_request(source: dict[str, Any] | str, *, max_actions: int = MAX_ACTIONS) -> Diff:
    """`{"old": ..., "new": ..., "services": [...]?}` (the API and CLI body) → a Diff."""
    raw = load_json(source, error=CaseError, what="body") if isinstance(source, str) else source
    if not isinstance(raw, dict):
        raise CaseError("invalid_case", 'The body must be {"old": ..., "new": ...}', path="")
    for side in ("old", "new"):
        if raw.get(side) is None:
            raise CaseError("missing_field", f"{side} is required (a policy or a set)", path=side)
    services = raw.get("services")
    if services is not None and (
        not isinstance(services, list) or not all(isinstance(s, str) and s for s in services)
    ):
        raise CaseError(
            "invalid_case", "services must be a list of service prefixes", path="services"
        )
    return diff(raw["old"], raw["new"], services=services, max_actions=max_actions)
