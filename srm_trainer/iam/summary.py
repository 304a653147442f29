"""Effective-permissions summary: what a set of policies lets a principal do, per service and
access level, like the policy summary in AWS's console — but decided by the engine.

Every action of every service the policies name is decided by the engine (`simulate.decide`, the
same flowchart as a single request: identity policies, boundary, SCPs, session policy, denies).
Actions the engine cannot tell apart (the same statements match them, no built-in rule names
them: `_signature`) share one evaluation and one explanation, so a service costs a few
evaluations, not one per action:

* **full**: allowed on Resource `*` with no condition keys in the request, and no Deny that could
  apply under some resource or condition;
* **partial**: allowed only for some resources or only under conditions (a probe with an example
  resource built from the blocking Allow's pattern confirms it), or allowed on `*` except where a
  conditional / resource-limited Deny applies. `resources` and `conditions` say which;
* **none**: no request of the kind is allowed (no Allow could apply, or an unconditional Deny).

Conditions cannot be satisfied in general, so an action limited only by a condition counts as
partial when every layer that must allow it (identity, boundary, each SCP level, session policy)
has an Allow whose only failing element is a condition or the resource.

Cost is bounded: only the services the policies name (or those asked for, `*` for all) are
summarised, and at most `max_actions` actions; services beyond the cap are listed in
`Summary.skipped`, never half-counted.

What it considers: identity policies, permissions boundary, session policy, SCP and RCP levels.
Not a resource-based policy: it belongs to one resource, and applied to `*` and to every probe
it would read as a grant everywhere. A case that carries one gets it back in `Summary.ignored`
(ask about that resource with `simulate` instead).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import compress, islice
from operator import attrgetter
from typing import Any, Literal

from .arn import COMPLETING_KINDS, complete_arn
from .arnfit import fits as _fits
from .case import Case, parse_case
from .decision import (
    Decision,
    PolicyExplanation,
    Reason,
    StatementExplanation,
    StatementRef,
    Step,
)
from .errors import CaseError
from .jsontext import load_json
from .model import Policy
from .signature import RULE_SERVICES as _RULE_SERVICES
from .signature import candidates as _candidates
from .signature import signatures as _signatures
from .signature import uniform as _uniform
from .simulate import decide

Access = Literal["full", "partial", "none"]
ACCESS_LEVELS: tuple[str, ...] = ("List", "Read", "Write", "Permissions management", "Tagging")
RANK: dict[str, int] = {"none": 0, "partial": 1, "full": 2}
MAX_ACTIONS = 25_000  # the whole catalogue (~20,500 actions): about 50 ms of CPU
MAX_MATCHES = 60_000  # actions visited telling actions apart (wildcards, NotAction visit all)
MAX_CHECKS = 6_000  # statements explained by the decisions (~5-8 µs each)
# Resource entries tried against ARN formats to part a service's actions by resource type (one
# unit an entry and format, ~5 µs when new, for an entry of up to 63 characters and 7 wildcards;
# more for a longer one: `fit_units`). An entry whose service field is a wildcard
# (`arn:aws:*:*:*:x*`) is tried against every service's ~2,000 formats: a thousand of them over
# every service cost 25 s of CPU before this cap; it lets 6 such entries through whole.
MAX_FITS = 12_000
DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:role/summary"
NOT_SUMMARISED = ("resource_policy",)
# The fields of a case that hold policies: a body with one of them is a set of policies, one
# without any is taken as one policy document (`policy_set`). The summary reads `request` and
# `services` beside them (tests/iam/test_summary_diff_properties.py breaks each in turn).
POLICY_FIELDS: tuple[str, ...] = (
    "identity_policies",
    "permissions_boundary",
    "session_policy",
    "scp_levels",
    "rcp_levels",
    "resource_policy",
)
_ACTION_CODES = frozenset({"action_not_matched", "notaction_matched"})
_RESOURCE_CODES = frozenset(
    {"resource_not_matched", "notresource_matched", "policy_variable_no_value"}
)
_CONDITION_CODES = frozenset({"condition_key_missing", "condition_value_mismatch"})
_LIMIT_CODES = _RESOURCE_CODES | _CONDITION_CODES
# Layers that must allow an identity-based request (the resource policy is not one of them here:
# the summary is about the principal's own policies).
_REQUIRED_KINDS = ("identity", "boundary", "scp", "session")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the engine found for a group of actions (see `_signature`): `resources`/`conditions`
    say what limits a partial one; `denied` the Deny statements that limit or block it; `by` the
    Allow statements that grant it; `step` and `why` the box of the flowchart that decided a
    request on Resource `*` and its reasons (e.g. no Allow in the permissions boundary)."""

    access: Access
    resources: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    by: tuple[StatementRef, ...] = ()
    denied: tuple[StatementRef, ...] = ()
    step: str = ""
    why: tuple[Reason, ...] = ()
    unfit: tuple[str, ...] = ()  # Resource entries of Allows that match the action by name
    # but cannot name a resource of a type it acts on (see `arnfit`): they grant it nothing


_ACCESS_OF = attrgetter("access")

# What one answer lists in full, in characters of JSON: each listed action repeats its verdict's
# resources, conditions and statements, so a 58 KB request (three policies whose one Allow on `*`
# holds ~1,300 condition values each) listed 1,000 actions in 45 MB of JSON (~0.6 s to make and
# hold in memory, for one anonymous request). Past it, the rest are counted as past `max_listed`.
MAX_LISTED_CHARS = 2_000_000


class Listing:
    """Room left in one answer's lists: entries, and characters of their JSON. A verdict's part
    is measured once (`size`), whatever number of actions share it."""

    __slots__ = ("room", "chars", "_sizes")

    def __init__(self, room: int | None, chars: int | None = MAX_LISTED_CHARS) -> None:
        self.room = room
        self.chars = chars
        self._sizes: dict[tuple[int, ...], int] = {}

    def take(self, key: tuple[int, ...], part: Callable[[], Any], name: str) -> bool:
        """Whether one more entry fits (and if so, count it): `part` is the entry's shared part,
        `key` names it (the ids of the verdicts it comes from), `name` its own words."""
        if self.room is not None and self.room <= 0:
            return False
        if self.chars is not None:
            size = self._sizes.get(key)
            if size is None:
                size = self._sizes[key] = len(json.dumps(part()))
            size += len(name) + 80  # the action, its service and level, and the punctuation
            if size > self.chars:
                self.chars = 0
                return False
            self.chars -= size
        if self.room is not None:
            self.room -= 1
        return True


class ActionAccess:
    """One action's verdict: the action, its access level and a `Verdict` shared by every
    action the engine cannot tell apart (a plain slotted class: a whole-account summary makes
    20,000 of them)."""

    __slots__ = ("action", "service", "level", "verdict")

    def __init__(self, action: str, service: str, level: str, verdict: Verdict) -> None:
        self.action = action
        self.service = service
        self.level = level
        self.verdict = verdict

    access = property(lambda self: self.verdict.access)
    resources = property(lambda self: self.verdict.resources)
    conditions = property(lambda self: self.verdict.conditions)
    by = property(lambda self: self.verdict.by)
    denied = property(lambda self: self.verdict.denied)
    step = property(lambda self: self.verdict.step)
    why = property(lambda self: self.verdict.why)

    def __repr__(self) -> str:
        return f"ActionAccess({self.action!r}, {self.level!r}, {self.verdict.access!r})"

    def to_dict(self, words: dict[int, Any] | None = None) -> dict[str, Any]:
        v = self.verdict
        said = None if words is None else words.get(id(v))
        if said is None:
            said = {
                "access": v.access,
                "resources": list(v.resources),
                "conditions": list(v.conditions),
                "by": [r.to_dict() for r in v.by],
                "denied": [r.to_dict() for r in v.denied],
                "step": v.step,
                "why": [r.to_dict() for r in v.why],
                "unfit_resources": list(v.unfit),
            }
            if words is not None:
                words[id(v)] = said
        return {"action": self.action, "service": self.service, "level": self.level, **said}


@dataclass(frozen=True, slots=True)
class LevelSummary:
    """One access level of one service: `access` is full when every action is, none when no
    action is allowed, else partial; the counts say how many of each."""

    level: str
    access: Access
    full: int
    partial: int
    none: int

    @property
    def total(self) -> int:
        return self.full + self.partial + self.none

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "access": self.access,
            "full": self.full,
            "partial": self.partial,
            "none": self.none,
        }


class ServiceSummary:
    """One service: its access levels, and each action's verdict. `verdicts` runs parallel to
    `levelled` (the catalogue's (action, level) pairs); the `ActionAccess` objects of `actions`
    are made when first read (a diff of every service compares verdicts and never needs most
    of them)."""

    __slots__ = ("prefix", "name", "levels", "levelled", "verdicts", "_actions")

    def __init__(
        self,
        prefix: str,
        name: str,
        levels: tuple[LevelSummary, ...],
        levelled: Sequence[tuple[str, str]],
        verdicts: Sequence[Verdict],
    ) -> None:
        self.prefix = prefix
        self.name = name
        self.levels = levels
        self.levelled = levelled
        self.verdicts = verdicts
        self._actions: tuple[ActionAccess, ...] | None = None

    def __repr__(self) -> str:
        return f"ServiceSummary({self.prefix!r}, {len(self.levelled)} actions)"

    @property
    def actions(self) -> tuple[ActionAccess, ...]:
        if self._actions is None:
            prefix = self.prefix
            self._actions = tuple(
                ActionAccess(action, prefix, level, verdict)
                for (action, level), verdict in zip(self.levelled, self.verdicts, strict=True)
            )
        return self._actions

    @property
    def allowed(self) -> tuple[ActionAccess, ...]:
        return tuple(a for a in self.actions if a.verdict.access != "none")

    def to_dict(
        self, room: int | Listing | None = None, words: dict[int, Any] | None = None
    ) -> dict[str, Any]:
        """`room`: how many allowed actions to list in full, or a `Listing` that also bounds
        their size (the rest are counted in `allowed_more`); `words` keeps each shared
        verdict's dict, built once."""
        listing = room if isinstance(room, Listing) else Listing(room, None)
        words = {} if words is None else words
        listed, count = self._allowed_up_to(listing.room)
        allowed = []
        for a in listed:
            if not listing.take((id(a.verdict),), partial(a.to_dict, words), a.action):
                break
            allowed.append(a.to_dict(words))
        out: dict[str, Any] = {
            "service": self.prefix,
            "name": self.name,
            "levels": [lv.to_dict() for lv in self.levels],
            "allowed": allowed,
        }
        if len(allowed) < count:
            out["allowed_more"] = count - len(allowed)
        return out

    def _allowed_up_to(self, room: int | None) -> tuple[Sequence[ActionAccess], int]:
        """The first `room` allowed actions (all when None) and how many are allowed. A summary
        of every service lists a thousand and counts the rest: the rest are counted over the
        verdicts in C, with no ActionAccess made for them (~20,000 of them otherwise)."""
        if self._actions is not None or room is None:
            allowed = self.allowed
            return (allowed if room is None else allowed[: max(room, 0)]), len(allowed)
        access = list(map(_ACCESS_OF, self.verdicts))
        count = len(access) - access.count("none")
        prefix = self.prefix
        levelled, verdicts = self.levelled, self.verdicts
        listed = []
        for k in islice(compress(range(len(access)), map("none".__ne__, access)), max(room, 0)):
            action, level = levelled[k]
            listed.append(ActionAccess(action, prefix, level, verdicts[k]))
        return listed, count


@dataclass(frozen=True, slots=True)
class Summary:
    services: tuple[ServiceSummary, ...]
    evaluated: int  # actions evaluated
    skipped: tuple[str, ...] = ()  # services left out at the cap
    unknown: tuple[str, ...] = ()  # service prefixes the catalogue does not know
    every_service: bool = False  # some Allow covers every service (`*`, NotAction)
    ignored: tuple[str, ...] = ()  # case fields given but not part of a summary
    _by_action: dict[str, ActionAccess] = field(default_factory=dict, compare=False, repr=False)

    @property
    def by_action(self) -> dict[str, ActionAccess]:
        """Every summarised action's verdict by name (made when first read)."""
        if not self._by_action and self.evaluated:
            self._by_action.update((a.action, a) for svc in self.services for a in svc.actions)
        return self._by_action

    def _services_dict(self, max_listed: int | None) -> list[dict[str, Any]]:
        words: dict[int, Any] = {}
        listing = Listing(max_listed, None if max_listed is None else MAX_LISTED_CHARS)
        return [svc.to_dict(listing, words) for svc in self.services]

    def service(self, prefix: str) -> ServiceSummary:
        for svc in self.services:
            if svc.prefix == prefix:
                return svc
        raise KeyError(prefix)

    def to_dict(self, max_listed: int | None = None) -> dict[str, Any]:
        """`max_listed`: list at most that many allowed actions in full over all services
        (a summary of every service allows thousands), and at most `MAX_LISTED_CHARS` of them;
        each service counts the rest in `allowed_more`. The level counts are always complete."""
        return {
            "services": self._services_dict(max_listed),
            "evaluated": self.evaluated,
            "skipped_services": list(self.skipped),
            "unknown_services": list(self.unknown),
            "every_service": self.every_service,
            "ignored": list(self.ignored),
        }


# --- input -------------------------------------------------------------------------------------


def policy_set(raw: Any, path: str = "") -> dict[str, Any]:
    """A case-shaped dict from what a caller gives: a case (`identity_policies`, ...), one policy
    document (taken as the only identity policy) or JSON text of either."""
    where = path or "body"
    if isinstance(raw, str):
        try:
            raw = load_json(raw, error=CaseError, what=where)
        except CaseError as exc:  # its line and column are in this text: name the field it is
            inside = ".".join(p for p in (path, exc.path) if p)
            raise exc.with_location(path=inside, line=exc.line, column=exc.column) from None
    if not isinstance(raw, dict):
        raise CaseError(
            "invalid_case", f"{where} must be a policy or a set of policies (an object)", path=path
        )
    if "Statement" in raw or "document" in raw:
        return {"identity_policies": [raw]}
    if not any(raw.get(k) is not None for k in POLICY_FIELDS):
        raise CaseError(
            "missing_field",
            f"{where} holds no policies: give identity_policies (and optionally "
            "permissions_boundary, scp_levels, session_policy) or one policy document",
            path=path,
        )
    return raw


def _services_named(case: dict[str, Any]) -> tuple[set[str], bool]:
    """Service prefixes named literally in the policies' Allow statements (identity first), and
    whether some identity Allow covers every service."""
    return _named_in(_parsed(case))


def _parsed(case: dict[str, Any]) -> Case:
    return parse_case({**case, "request": _request(case, "sts:GetCallerIdentity", "*")})


def _named_in(parsed: Case) -> tuple[set[str], bool]:
    named: set[str] = set()
    every = False
    for policy in parsed.identity_policies + (
        (parsed.session_policy,) if parsed.session_policy else ()
    ):
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            if st.action_negated:
                every = True
                continue
            for text in st.action_texts:
                service, colon, _ = text.partition(":")
                if not colon or "*" in service or "?" in service:
                    every = True
                else:
                    named.add(service.lower())
    return named, every


def _request(case: dict[str, Any], action: str, resource: str) -> dict[str, Any]:
    given = case.get("request")
    base = dict(given) if isinstance(given, dict) else {}
    base.setdefault("principal", DEFAULT_PRINCIPAL)
    for key in ("action", "actions", "resource", "resources"):
        base.pop(key, None)
    base["action"], base["resource"] = action, resource
    return base


# --- evaluation --------------------------------------------------------------------------------


def _deciding_step(decision: Decision) -> Step | None:
    """The box of the flowchart that decided."""
    return decision.deciding_step()


Fit = Callable[[str], bool]


def _fit_all(pattern: str) -> bool:
    return True


def _limited_only(st: StatementExplanation, fit: Fit = _fit_all) -> bool:
    """The statement matched the action and failed only on its resource or conditions, and its
    Resource can name a resource of a type the action acts on (`fit`): a statement whose every
    Resource entry cannot (`s3:GetBucketAcl` on `arn:aws:s3:::reports/*`) never applies to it."""
    reasons = st.reasons
    if not reasons or reasons[0].code in _ACTION_CODES:  # most statements: not this action
        return False
    codes = {r.code for r in reasons}
    if not codes <= _LIMIT_CODES:
        return False
    if fit is _fit_all:
        return True
    return all(
        any(fit(p) for p in _read_patterns(st, r))
        for r in st.reasons
        if r.code == "resource_not_matched"
    )


def _unfit_patterns(decision: Decision, fit: Fit) -> list[str]:
    """The Resource entries of identity Allows that match the action but name no resource of
    its types (the statements that failed on their Action are passed over first, cheaply)."""
    out: list[str] = []
    for pol in decision.explanations:
        if pol.kind != "identity":
            continue
        for st in pol.statements:
            if st.ref.effect != "Allow" or st.applies:
                continue
            reasons = st.reasons
            if not reasons or reasons[0].code in _ACTION_CODES:
                continue
            out.extend(_unfit_only(st, fit))
    return out


def _unfit_only(st: StatementExplanation, fit: Fit) -> list[str]:
    """The Resource entries of a statement that matched the action and missed only because no
    entry can name a resource of its types (empty when that is not why it missed)."""
    codes = {r.code for r in st.reasons}
    if not codes or not codes <= _LIMIT_CODES or _limited_only(st, fit):
        return []
    return [
        str(p)
        for r in st.reasons
        if r.code == "resource_not_matched"
        for p in (r.data or {}).get("patterns", ())
    ]


def _statements(decision: Decision, effect: str) -> Iterable[tuple[PolicyExplanation, Any]]:
    for pol in decision.explanations:
        for st in pol.statements:
            if st.ref.effect == effect:
                yield pol, st


def example_resource(pattern: str) -> str:
    """A resource a pattern matches: wildcards and variables filled with `example`."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("${", i) and "}" in pattern[i:]:
            out.append("example")
            i = pattern.index("}", i) + 1
            continue
        ch = pattern[i]
        out.append("example" if ch == "*" else "x" if ch == "?" else ch)
        i += 1
    return "".join(out)


def _condition_text(data: dict[str, Any]) -> str:
    expected = data.get("expected")
    values = ", ".join(str(v) for v in expected) if isinstance(expected, list) else str(expected)
    return f"{data.get('operator', '?')} {data.get('key', '?')} {values}".strip()


def _as_completed(text: str) -> str:
    return complete_arn(text, "${" in text) or text


def _read_patterns(st: StatementExplanation, reason: Reason) -> list[str]:
    """A reason's Resource entries as the engine reads them in the statement's policy."""
    named = [str(p) for p in (reason.data or {}).get("patterns", ())]
    if st.ref.policy_kind in COMPLETING_KINDS:
        return [_as_completed(p) for p in named]
    return named


def _limits(
    statements: Iterable[StatementExplanation], fit: Fit = _fit_all
) -> tuple[list[str], list[str]]:
    resources: list[str] = []
    conditions: list[str] = []
    for st in statements:
        for reason in st.reasons:
            data = reason.data or {}
            if reason.code == "resource_not_matched":
                resources.extend(p for p in _read_patterns(st, reason) if fit(p))
            elif reason.code == "notresource_matched":
                resources.extend(f"all except {p}" for p in data.get("patterns", ()))
            elif reason.code in _CONDITION_CODES:
                conditions.append(_condition_text(data))
    return list(dict.fromkeys(resources)), list(dict.fromkeys(conditions))


def _layers_open(decision: Decision, fit: Fit = _fit_all) -> bool:
    """Every layer that must allow has an Allow that applies or fails only on resource or
    conditions (explicit denies aside: the caller checks those)."""
    groups: dict[tuple[str, int | None], bool] = {}
    for pol in decision.explanations:
        if pol.kind not in _REQUIRED_KINDS or pol.result == "not_applicable":
            continue
        key = (pol.kind, pol.level if pol.kind == "scp" else None)
        ok = any(
            st.ref.effect == "Allow" and (st.applies or _limited_only(st, fit))
            for st in pol.statements
        )
        groups[key] = groups.get(key, False) or ok
    return bool(groups) and all(groups.values()) and ("identity", None) in groups


def _policy_of(case: Case, ref: StatementRef) -> Policy | None:
    """The parsed policy a statement reference points into."""
    try:
        if ref.policy_kind == "identity":
            return case.identity_policies[ref.policy_index]
        if ref.policy_kind == "boundary":
            return case.permissions_boundary
        if ref.policy_kind == "session":
            return case.session_policy
        if ref.policy_kind == "resource":
            return case.resource_policy
        levels = {"scp": case.scp_levels, "rcp": case.rcp_levels}.get(ref.policy_kind)
        if levels is not None and ref.level is not None:
            return levels[ref.level][ref.policy_index]
    except IndexError:
        return None
    return None


def _deny_conditions(case: Case, refs: Iterable[StatementRef]) -> list[str]:
    """The conditions of deciding Deny statements (a conditional Deny only blocks sometimes:
    a negated operator matches a missing key, so it decides a request without context)."""
    out: list[str] = []
    for ref in refs:
        policy = _policy_of(case, ref)
        if policy is None:
            continue
        for st in policy.statements:
            if st.index == ref.statement_index:
                out.extend(f"{c.operator} {c.key} {', '.join(c.values)}" for c in st.conditions)
    return out


def _judge(
    case: Case, first: Decision, probes: dict[str, Decision], fit: Fit = _fit_all
) -> Verdict:
    """The verdict for one signature group: `first` is the decision on Resource `*`, `probes`
    those on example resources; `fit` says which Resource entries can name a resource of a
    type the group's actions act on (the others grant and deny nothing here)."""
    step = _deciding_step(first)

    def verdict(access: Access, **fields: Any) -> Verdict:
        if step is None:
            return Verdict(access, **fields)
        return Verdict(access, step=step.name, why=step.reasons, **fields)

    if first.decision == "ExplicitDeny":
        conds = _deny_conditions(case, first.decisive)
        conditional = all(_deny_conditions(case, [ref]) for ref in first.decisive)
        if conds and conditional and _layers_open(first, fit):
            return verdict(
                "partial",
                conditions=tuple(f"unless {c}" for c in dict.fromkeys(conds)),
                denied=first.decisive,
            )
        return verdict("none", denied=first.decisive)
    deny_limits = [st for _, st in _statements(first, "Deny") if _limited_only(st, fit)]
    if first.decision == "Allow":
        if not deny_limits:
            return verdict("full", by=first.decisive)
        res, cond = _limits(deny_limits, fit)
        return verdict(
            "partial",
            resources=tuple(f"except {r}" for r in res),
            conditions=tuple(f"unless {c}" for c in cond),
            by=first.decisive,
            denied=tuple(st.ref for st in deny_limits),
        )
    resources: list[str] = []
    conditions: list[str] = []
    by: list[StatementRef] = []
    patterns = (
        {example_resource(p): p for p in _limits(_identity_limited(first, fit), fit)[0]}
        if probes
        else {}
    )
    for resource, probe in probes.items():
        if probe.decision == "ExplicitDeny":
            continue
        if probe.decision == "Allow":
            resources.append(patterns.get(resource, resource))
            by.extend(probe.decisive)
            continue
        if _layers_open(probe, fit):
            limited = [
                st
                for pol, st in _statements(probe, "Allow")
                if pol.kind == "identity" and _limited_only(st, fit)
            ]
            res, cond = _limits(limited, fit)
            if cond or res:
                conditions.extend(cond)
                resources.extend(res if resource == "*" else [patterns.get(resource, resource)])
                by.extend(st.ref for st in limited)
    if not resources and not conditions:
        unfit = [] if fit is _fit_all else _unfit_patterns(first, fit)
        if unfit and step is not None:
            patterns_text = tuple(dict.fromkeys(unfit))
            mismatch = Reason("resource_type_mismatch", {"patterns": list(patterns_text)})
            return Verdict(
                "none", step=step.name, why=(mismatch, *step.reasons), unfit=patterns_text
            )
        return verdict("none")
    return verdict(
        "partial",
        resources=tuple(dict.fromkeys(resources)),
        conditions=tuple(dict.fromkeys(conditions)),
        by=tuple(dict.fromkeys(by)),
    )


def _identity_limited(decision: Decision, fit: Fit = _fit_all) -> list[StatementExplanation]:
    return [
        st
        for pol, st in _statements(decision, "Allow")
        if pol.kind == "identity" and _limited_only(st, fit)
    ]


def _probe_resources(first: Decision, fit: Fit = _fit_all) -> list[str]:
    """Resources to try for an implicitly denied action: an example of each blocking identity
    Allow's resource pattern that can name a resource of the action's types, or `*` again when
    only conditions blocked it."""
    out: list[str] = []
    for st in _identity_limited(first, fit):
        res, _ = _limits([st], fit)
        plain = [r for r in res if not r.startswith("all except ")]
        if plain:
            out.extend(example_resource(r) for r in plain)
        else:
            out.append("*")
    return list(dict.fromkeys(out))[:4]  # a few examples say enough, and bound the probes


def _aggregate(
    prefix: str, levelled: Sequence[tuple[str, str]], verdicts: Sequence[Verdict]
) -> ServiceSummary:
    from . import catalog

    counts: dict[str, dict[str, int]] = {}
    if verdicts and len(set(map(id, verdicts))) == 1:
        # One verdict for the whole service: count the levels, not the actions one by one.
        shared = verdicts[0].access
        for level, n in _level_counts(prefix, levelled).items():
            counts[level] = {"full": 0, "partial": 0, "none": 0, shared: n}
    else:
        for (_, level), verdict in zip(levelled, verdicts, strict=True):
            at = counts.get(level)
            if at is None:
                at = counts[level] = {"full": 0, "partial": 0, "none": 0}
            at[verdict.access] += 1
    levels = []
    for level in ACCESS_LEVELS:
        at = counts.get(level)
        if not at:
            continue
        total = at["full"] + at["partial"] + at["none"]
        access: Access = (
            "full" if at["full"] == total else "none" if at["none"] == total else "partial"
        )
        levels.append(LevelSummary(level, access, at["full"], at["partial"], at["none"]))
    return ServiceSummary(
        prefix, catalog.service_name(prefix) or prefix, tuple(levels), levelled, verdicts
    )


_LEVEL_COUNTS: dict[str, tuple[Sequence[tuple[str, str]], dict[str, int]]] = {}


def _level_counts(prefix: str, levelled: Sequence[tuple[str, str]]) -> dict[str, int]:
    """How many actions of the service each access level has (kept per catalogue tuple)."""
    found = _LEVEL_COUNTS.get(prefix)
    if found is None or found[0] is not levelled:
        counts: dict[str, int] = {}
        for _, level in levelled:
            counts[level] = counts.get(level, 0) + 1
        found = _LEVEL_COUNTS[prefix] = (levelled, counts)
    return found[1]


def summarize(
    source: dict[str, Any] | str,
    *,
    services: Iterable[str] | None = None,
    max_actions: int = MAX_ACTIONS,
    share: float = 1.0,
) -> Summary:
    """The summary of a policy set (see the module docstring). `services` (prefixes, or `*` for
    every service the catalogue knows) overrides the services named in the policies; `source`
    may carry them as `"services": [...]`. `share` scales the work caps (a diff runs two
    summaries in one request's budget)."""
    from . import catalog

    case = policy_set(source)
    asked = services if services is not None else case.get("services")
    # A resource-based policy belongs to one resource: applied to every probe it would read as a
    # grant on all of them. The summary is about the principal's own policies (NOT_SUMMARISED).
    ignored = tuple(k for k in NOT_SUMMARISED if case.get(k) is not None)
    case = {k: v for k, v in case.items() if k != "services" and k not in NOT_SUMMARISED}
    parsed = _parsed(case)
    named, every = _named_in(parsed)
    if asked is not None:
        if not isinstance(asked, list | tuple | set) or not all(
            isinstance(s, str) and s for s in asked
        ):
            raise CaseError(
                "invalid_case", "services must be a list of service prefixes", path="services"
            )
        wanted = {s.lower() for s in asked}
        if "*" in wanted:
            wanted = (wanted - {"*"}) | set(catalog.services())
    else:
        wanted = named
    if not wanted:
        raise CaseError(
            "missing_field",
            "The policies name no service (an Allow of `*` covers all of them): give services, "
            'e.g. "services": ["s3"], or "*" for every service, to say which to summarise',
            path="services",
        )
    unknown = sorted(s for s in wanted if not catalog.is_known_service(s))
    chosen: dict[str, Sequence[tuple[str, str]]] = {}
    skipped: list[str] = []
    count = 0
    for prefix in sorted(wanted - set(unknown)):
        names = catalog.levelled_actions(prefix)
        if count + len(names) > max_actions:
            skipped.append(prefix)
            continue
        chosen[prefix] = names
        count += len(names)
    request = case.get("request")  # any value: _request above keeps only a dict's fields
    given = isinstance(request, dict) and "resource_account" in request
    grouped, over = _evaluate_all(
        parsed,
        given,
        chosen,
        int(MAX_MATCHES * share),
        int(MAX_CHECKS * share),
        int(MAX_FITS * share),
    )
    return Summary(
        services=tuple(_aggregate(p, chosen[p], verdicts) for p, verdicts in grouped.items()),
        evaluated=sum(len(verdicts) for verdicts in grouped.values()),
        skipped=tuple(sorted(skipped + over)),
        unknown=tuple(unknown),
        every_service=every,
        ignored=ignored,
    )


def _evaluate_all(
    parsed: Case,
    account_given: bool,
    services: dict[str, Sequence[tuple[str, str]]],
    max_matches: int = MAX_MATCHES,
    max_checks: int = MAX_CHECKS,
    max_fits: int = MAX_FITS,
) -> tuple[dict[str, Sequence[Verdict]], list[str]]:
    """Every action's verdict, per service (parallel to its levelled actions), and the services
    left out over the work caps.

    Actions are grouped by `_signature` first, and each group is evaluated once (on `*`, then
    on its probe resources): a service of hundreds of actions usually falls into a handful of
    groups, so the cost follows the policies, not the catalogue. A service every statement
    treats alike (`*`, `s3:*`, or not named at all) is one group without looking at its
    actions. Policies built to split every action apart meet `MAX_MATCHES` (actions visited to
    group them) and `MAX_CHECKS` (statements read by the evaluations): the services beyond
    them are skipped whole, never half-counted; so do Resource entries that must each be tried
    against the ARN formats of many services (`MAX_FITS`, `_FitWork`)."""
    from . import catalog

    policies = [slot.policy for slot in parsed.policies()]
    verdicts: dict[tuple[Any, ...], Verdict] = {}
    out: dict[str, Sequence[Verdict]] = {}
    skipped: list[str] = []
    matches = checks = 0
    fitting = _FitWork(max_fits)
    # A verdict reads the decisions' explanations, which cover every statement of the case.
    per_decision = sum(len(policy.statements) for policy in policies) + 1
    by_field = _resource_texts(policies)
    for prefix, levelled in services.items():
        candidates = _candidates(policies, prefix)
        formats: Sequence[tuple[str, ...] | None] = catalog.levelled_formats(prefix)
        if len(formats) != len(levelled):
            formats = [None] * len(levelled)  # not the catalogue's list: no resource-type rule
        texts = _texts_for(by_field, _service_fields(prefix, formats))
        if texts:
            # Only the statements that may match an action of the service matter.
            texts = {(i, j): texts[(i, j)] for i, j, _ in candidates if (i, j) in texts}
        same = _uniform(candidates, prefix)
        signed: Sequence[tuple[Any, ...]] | None = None
        if same is not None and levelled and prefix not in _RULE_SERVICES:
            fitted = _fit_keys(same, texts, formats, fitting)
            if fitted is None:
                skipped.append(prefix)
                continue
            if len(set(fitted)) == 1:
                # One group: decided once (or found), every action shares its verdict.
                key = (same, fitted[0]) if fitted[0] else same
                verdict = verdicts.get(key)
                if verdict is None:
                    if checks > max_checks:
                        skipped.append(prefix)
                        continue
                    verdict, decisions = _verdict(parsed, account_given, levelled[0][0], formats[0])
                    verdicts[key] = verdict
                    checks += decisions * per_decision
                out[prefix] = (verdict,) * len(levelled)
                continue
            # Every action has the same signature; only their resource types part them.
            signed = [same] * len(levelled)
        if signed is None:
            if matches > max_matches:
                skipped.append(prefix)
                continue
            signed, work = _signatures(candidates, levelled)
            matches += work
        # Actions of one signature but different resource types part when the Resource entries
        # of their statements that can name their resources differ (`s3:Get*` on `reports/*`):
        # the key is then (signature, those entries), else the signature alone (no such pair
        # equals a signature: its parts are not pairs of positions). Within the service an
        # action is looked up by (signature, its formats' identity): one hash per action.
        # A signature's hash is not cached, so each distinct key is looked up once per service.
        seen: dict[tuple[Any, ...], Verdict] = {}
        row: list[Verdict] = []
        over = False
        for k, (sig, (action, _)) in enumerate(zip(signed, levelled, strict=True)):
            fmts = formats[k]
            at = (sig, id(fmts)) if texts else sig
            verdict = seen.get(at)
            if verdict is None:
                fit = fitting.key(sig, texts, fmts) if texts else ()
                if fit is None:
                    over = True
                    break
                key = (sig, fit) if fit else sig
                verdict = verdicts.get(key)
                if verdict is None:
                    if checks > max_checks:
                        over = True
                        break
                    verdict, decisions = _verdict(parsed, account_given, action, fmts)
                    verdicts[key] = verdict
                    checks += decisions * per_decision
                seen[at] = verdict
            row.append(verdict)
        if over:
            skipped.append(prefix)
            continue
        out[prefix] = row
    return out, skipped


def _verdict(
    parsed: Case, account_given: bool, action: str, formats: tuple[str, ...] | None = None
) -> tuple[Verdict, int]:
    """One action decided on Resource `*` and, when implicitly denied, on examples of the
    resources its Allows name that can be of its resource types (`formats`, its ARN formats;
    empty: it takes only `*`; None: every entry counts); and how many decisions that took."""

    def fit(pattern: str) -> bool:
        return formats is None or _fits(pattern, formats)

    first = decide(parsed, action, "*", account_given=account_given)
    probes: dict[str, Decision] = {}
    if first.decision == "ImplicitDeny":
        for resource in _probe_resources(first, fit):
            probes[resource] = decide(parsed, action, resource, account_given=account_given)
    return _judge(parsed, first, probes, fit), 1 + len(probes)


Texts = dict[tuple[int, int], tuple[str, ...]]


def _resource_texts(policies: Sequence[Policy]) -> dict[str, Texts]:
    """By the service field they name (`s3`; `*` when not plain), (policy position, statement
    index) -> the statement's Resource entries other than `*`. Read once per summary; a service
    takes the entries of its own field and `*` (`_texts_for`): an entry of another service's
    field fits none of its actions, so it is in no key. NotResource is left to the engine: such
    a statement applies to every resource it does not list, which for nearly every action
    includes resources of its types."""
    out: dict[str, Texts] = {}
    for i, policy in enumerate(policies):
        complete = policy.kind in COMPLETING_KINDS
        for st in policy.statements:
            block = st.resource
            if block is None or block.negated:
                continue
            for text in block.texts:
                if complete:
                    text = _as_completed(text)
                if text != "*":
                    at = out.setdefault(_service_of(text), {})
                    key = (i, st.index)
                    at[key] = (*at.get(key, ()), text)
    return out


def _texts_for(by_field: dict[str, Texts], fields: frozenset[str] | None) -> Texts:
    """The entries a service's actions may fit (`fields`: its formats' service fields and `*`;
    None: all)."""
    if not by_field:
        return {}
    chosen = [t for f, t in by_field.items() if fields is None or f in fields]
    if len(chosen) == 1:
        return chosen[0]
    merged: Texts = {}
    for texts in chosen:
        for key, named in texts.items():
            merged[key] = (*merged.get(key, ()), *named)
    return merged


@lru_cache(maxsize=4096)
def _service_of(text: str) -> str:
    """The service field of a Resource entry when plain (`s3`), else `*` (it may be any)."""
    parts = text.split(":", 3)
    if len(parts) < 4 or parts[0] != "arn" or any(c in parts[2] for c in "*?$"):
        return "*"
    return parts[2]


_FIELDS: dict[str, tuple[Sequence[Any], frozenset[str] | None]] = {}


def _service_fields(
    prefix: str, formats: Sequence[tuple[str, ...] | None]
) -> frozenset[str] | None:
    """The service fields of the service's ARN formats, and `*` (an entry whose service field
    is not plain may name any); None when some format's is not plain (no filtering)."""
    found = _FIELDS.get(prefix)
    if found is None or found[0] is not formats:
        fields = {"*"}
        plain = True
        for fmts in formats:
            for fmt in fmts or ():
                parts = fmt.split(":", 3)
                if len(parts) < 4 or any(c in parts[2] for c in "*?$"):
                    plain = False
                else:
                    fields.add(parts[2])
        found = _FIELDS[prefix] = (formats, frozenset(fields) if plain else None)
    return found[1]


def _fit_key(
    sig: tuple[Any, ...],
    texts: dict[tuple[int, int], tuple[str, ...]],
    formats: tuple[str, ...] | None,
) -> tuple[str, ...]:
    """The Resource entries of the statements in `sig` that can name a resource of `formats`
    (part of the grouping key: actions that differ in it get verdicts of their own)."""
    if not texts or formats is None:
        return ()
    return tuple(text for entry in sig for text in texts.get(entry, ()) if _fits(text, formats))


def fit_units(text: str) -> int:
    """What trying Resource entry `text` against one ARN format costs, in `MAX_FITS` units.
    The fit (`arnfit`) steps through the entry's positions for each of the format's, so its time
    grows with the entry's wildcards, and with the square of its length: one entry of 900 `*a`
    (1.8 KB) took 0.4 ms a format, 0.8 s over every service, and ten of them 3 s, where each
    counted one unit. The units keep a summary's fits within ~75 ms whatever the entries."""
    wildcards = text.count("*") + text.count("?")
    return 1 + wildcards // 8 + (len(text) // 64) ** 2


class _FitWork:
    """`_fit_key` within one summary's share of `MAX_FITS`: each (entry, ARN format) pair new
    to the summary costs `fit_units` of the entry (the catalogue has ~2,000 formats); `key`
    answers None once the share is spent."""

    def __init__(self, cap: int) -> None:
        self.left = cap
        self.seen: set[tuple[str, str]] = set()

    def key(
        self,
        sig: tuple[Any, ...],
        texts: dict[tuple[int, int], tuple[str, ...]],
        formats: tuple[str, ...] | None,
    ) -> tuple[str, ...] | None:
        if texts and formats is not None:
            for entry in sig:
                for text in texts.get(entry, ()):
                    if self.left < 0:
                        return None
                    units = fit_units(text)
                    for fmt in formats or ("",):
                        pair = (text, fmt)
                        if pair not in self.seen:
                            self.seen.add(pair)
                            self.left -= units
            if self.left < 0:
                return None
        return _fit_key(sig, texts, formats)


def _fit_keys(
    sig: tuple[Any, ...],
    texts: dict[tuple[int, int], tuple[str, ...]],
    formats: Sequence[tuple[str, ...] | None],
    work: _FitWork,
) -> list[tuple[str, ...]] | None:
    """`_fit_key` for each distinct set of formats of a service (the same for all when no
    statement in `sig` names resources); None over the work cap."""
    if not texts or not any(entry in texts for entry in sig):
        return [()]
    found: dict[int, tuple[str, ...]] = {}
    for fmts in formats:
        if id(fmts) not in found:
            key = work.key(sig, texts, fmts)
            if key is None:
                return None
            found[id(fmts)] = key
    return list(found.values())


def not_granted_by_resource(summary: Summary, limit: int = 8) -> tuple[int, list[str], list[str]]:
    """The actions an Allow names by Action but cannot grant because its Resource cannot name
    a resource of a type they act on: how many, the first `limit` of them, and those Resource
    entries (for a note under the summary or the comparison, so a learner sees why
    `s3:GetBucketAcl` is missing from `s3:Get*` on `arn:aws:s3:::reports/*`)."""
    count = 0
    names: list[str] = []
    patterns: dict[str, None] = {}
    for svc in summary.services:
        for (action, _), verdict in zip(svc.levelled, svc.verdicts, strict=True):
            if verdict.access == "none" and verdict.unfit:
                count += 1
                if len(names) < limit:
                    names.append(action)
                patterns.update(dict.fromkeys(verdict.unfit))
    return count, names, list(patterns)
