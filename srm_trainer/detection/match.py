"""Matching an event against a parsed pattern, with the reason for every field.

The rules, each from the Amazon EventBridge User Guide (the `rule` of each step names it):

- structure ("Event patterns"): every field the pattern names must be in the event, at the
  same place; fields the pattern does not name are ignored; all fields must match (and);
- a field's list ("Match values"): any entry matching is enough (or);
- arrays ("Arrays in event patterns"): when the event's value is a list, the field matches if
  any of its values matches any entry;
- exact values ("Event patterns"; "null values and empty strings"): strings character by
  character, case included; numbers by their text, so 8 and 8.0 differ; `null` matches only
  null and `""` only the empty string;
- the operators ("Content filtering"): prefix, suffix, equals-ignore-case, wildcard,
  anything-but, numeric, cidr, exists; `$or`.

Some behaviours the guide does not settle; the engine answers them "undecided" instead of
guessing (`Outcome.UNDECIDED`, FORMAT.md): `exists` on an empty list, `exists: false` inside a
list of several objects, `anything-but` against a value of another JSON type, a number beyond
numeric matching's documented range or precision, case-insensitive comparison of letters
outside A–Z. An undecided part makes the whole undecided only where it could change the result.

Cost: each pattern node is compared with the event values at its place, once per element of
the lists on the way; a wildcard is matched left to right without backtracking (linear in the
value times the wildcard). Steps recorded per event are capped at MAX_STEPS.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from .jsontext import Num, fraction_digits
from .pattern import (
    NUMERIC_DECIMALS,
    NUMERIC_LIMIT,
    Field,
    Matcher,
    ObjectPattern,
    Pattern,
    brief,
    quoted,
    show,
)

MAX_STEPS = 200

DOCS = {
    "structure": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html",
    "value": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html",
    "arrays": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html",
    "null": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html",
    "operators": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html",
    "filtering": (
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/"
        "eb-event-patterns-content-based-filtering.html"
    ),
}
# Which page each step's rule is on.
RULE_PAGE = {
    "structure": "structure",
    "value": "value",
    "null": "null",
    "arrays": "arrays",
    "or": "filtering",
}


RULE_NAMES = {
    "structure": "fields and nesting",
    "value": "exact values",
    "null": "null and empty values",
    "arrays": "arrays",
    "or": "$or matching",
    "anything-but": "anything-but matching",
    "equals-ignore-case": "equals-ignore-case matching",
    "cidr": "IP address matching",
}


class Outcome(Enum):
    MATCH = "match"
    NO_MATCH = "no match"
    UNDECIDED = "undecided"

    def __bool__(self) -> bool:  # only a match is a match
        return self is Outcome.MATCH


def any_of(outcomes: list[Outcome]) -> Outcome:
    if Outcome.MATCH in outcomes:
        return Outcome.MATCH
    return Outcome.UNDECIDED if Outcome.UNDECIDED in outcomes else Outcome.NO_MATCH


def all_of(outcomes: list[Outcome]) -> Outcome:
    if Outcome.NO_MATCH in outcomes:
        return Outcome.NO_MATCH
    return Outcome.UNDECIDED if Outcome.UNDECIDED in outcomes else Outcome.MATCH


@dataclass(frozen=True)
class Step:
    """One line of an explanation: `depth` for indentation under an `$or` or a list element."""

    depth: int
    outcome: Outcome
    path: str
    text: str
    rule: str  # "structure", "value", "null", "arrays", "or", or an operator's name
    found: str = ""  # the event's value at `path` as JSON ("missing" when absent), for a leaf

    @property
    def doc(self) -> str:
        return DOCS[RULE_PAGE.get(self.rule, "filtering")]

    @property
    def indent(self) -> int:
        """`depth` for drawing, capped: a deeper step is drawn at the deepest indent."""
        return min(self.depth, 6)

    @property
    def rule_name(self) -> str:
        """The rule in a few words: the text of its link to the guide."""
        return RULE_NAMES.get(self.rule, f"{self.rule} matching")


def rules_used(results: Iterable[Result]) -> list[tuple[str, str]]:
    """Each rule the steps of `results` name, once, in order of first use, with its page in AWS's
    guide: a page lists these once instead of a link on every step, which a keyboard user would
    tab through one by one (forty and more for the lab's ten findings)."""
    seen: dict[str, str] = {}
    for result in results:
        for step in result.steps:
            seen.setdefault(step.rule_name, step.doc)
    return list(seen.items())


@dataclass
class Result:
    outcome: Outcome
    steps: list[Step] = field(default_factory=list)
    more: int = 0  # steps left out past MAX_STEPS

    @property
    def matched(self) -> bool:
        return self.outcome is Outcome.MATCH


MISSING = object()


def _shown(value: Any) -> str:
    if value is MISSING:
        return "missing"
    return brief(value)


def _leaves(value: Any) -> list[Any]:
    """The scalar values at a place: the value itself, or every scalar of a list (lists in
    lists included: they are flattened, objects in them left out)."""
    if value is MISSING or isinstance(value, dict):
        return []
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            out.extend(_leaves(v) if isinstance(v, list) else ([] if isinstance(v, dict) else [v]))
        return out
    return [value]


class _Run:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.more = 0

    def add(self, step: Step) -> None:
        if len(self.steps) < MAX_STEPS:
            self.steps.append(step)
        else:
            self.more += 1

    def obj(
        self, pattern: ObjectPattern, event: Any, where: str, depth: int, crowded: bool
    ) -> Outcome:
        """`pattern` against the object `event` (MISSING when there is none at `where`).
        `crowded`: inside a list of several objects, where `exists: false` is left open."""
        outcomes = [self.field(f, event, where, depth, crowded) for f in pattern.fields]
        if pattern.alternatives:
            outcomes.append(self.alternatives(pattern, event, where, depth, crowded))
        return all_of(outcomes)

    def alternatives(
        self, pattern: ObjectPattern, event: Any, where: str, depth: int, crowded: bool
    ) -> Outcome:
        mark = len(self.steps)
        self.add(Step(depth, Outcome.NO_MATCH, _at(where, "$or"), "", "or"))
        results = []
        for i, alt in enumerate(pattern.alternatives, 1):
            head = len(self.steps)
            self.add(Step(depth + 1, Outcome.NO_MATCH, _at(where, "$or"), f"alternative {i}", "or"))
            outcome = self.obj(alt, event, where, depth + 2, crowded)
            results.append(outcome)
            self._settle(head, outcome, f"alternative {i}: {_words(outcome)}")
        outcome = any_of(results)
        n = len(pattern.alternatives)
        text = {
            Outcome.MATCH: f"at least one of the {n} alternatives matches",
            Outcome.NO_MATCH: f"none of the {n} alternatives matches",
            Outcome.UNDECIDED: "no alternative surely matches, and one is undecided",
        }[outcome]
        self._settle(mark, outcome, text)
        return outcome

    def _settle(self, index: int, outcome: Outcome, text: str) -> None:
        if index < len(self.steps):
            old = self.steps[index]
            self.steps[index] = Step(old.depth, outcome, old.path, text, old.rule, old.found)

    def field(self, f: Field, event: Any, where: str, depth: int, crowded: bool) -> Outcome:
        path = _at(where, f.key)
        value = event.get(f.key, MISSING) if isinstance(event, dict) else MISSING
        if f.nested is not None:
            return self.nested(f, value, path, depth, crowded)
        outcome, text, rule = self.leaf(f.matchers, value, crowded)
        self.add(Step(depth, outcome, path, text, rule, _shown(value)))
        return outcome

    def nested(self, f: Field, value: Any, path: str, depth: int, crowded: bool) -> Outcome:
        assert f.nested is not None
        if isinstance(value, dict):
            return self.obj(f.nested, value, path, depth, crowded)
        objects = [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
        if not objects:
            # Nothing to descend into: every field below is missing (an `exists: false` below
            # still matches, as the field it names is not in the event).
            mark = len(self.steps)
            what = "is missing" if value is MISSING else f"is {_shown(value)}, not an object"
            self.add(Step(depth, Outcome.NO_MATCH, path, what, "structure"))
            outcome = self.obj(f.nested, MISSING, path, depth + 1, crowded)
            self._settle(mark, outcome, f"{what}, so {_below(outcome)}")
            return outcome
        # A list of objects: the pattern below must match within one element ("Arrays in
        # event patterns"; FORMAT.md says how the lab reads it).
        several = len(objects) > 1
        results = []
        for i, element in enumerate(value):
            if not isinstance(element, dict):
                continue
            here = f"{path}[{i}]"
            head = len(self.steps)
            self.add(Step(depth, Outcome.NO_MATCH, here, "", "arrays"))
            outcome = self.obj(f.nested, element, here, depth + 1, crowded or several)
            results.append(outcome)
            self._settle(head, outcome, f"object {len(results)} of {len(objects)} in the list: "
                         f"{_words(outcome)}")  # fmt: skip
            if outcome is Outcome.MATCH:
                break  # one element is enough; the rest are not read
        return any_of(results)

    def leaf(
        self, matchers: tuple[Matcher, ...], value: Any, crowded: bool
    ) -> tuple[Outcome, str, str]:
        results = [_one(m, value, crowded) for m in matchers]
        outcome = any_of([r[0] for r in results])
        if outcome is Outcome.MATCH:
            hit = next(r for r in results if r[0] is Outcome.MATCH)
            return outcome, hit[1], hit[2]
        if len(results) == 1:
            return outcome, results[0][1], results[0][2]
        undecided = [r for r in results if r[0] is Outcome.UNDECIDED]
        if undecided:
            return outcome, f"no entry matches surely; {undecided[0][1]}", undecided[0][2]
        listed = ", ".join(m.written for m in matchers[:6]) + (", …" if len(matchers) > 6 else "")
        # A reason that teaches something (8.0 is not 8 "as written") is worth repeating.
        hint = next((r for r in results if ": " in r[1]), None)
        if hint is not None:
            return outcome, f"matches none of {listed}; {hint[1]}", hint[2]
        return outcome, f"matches none of {listed}", results[0][2]


def _at(where: str, key: str) -> str:
    plain = key and all(ch.isalnum() or ch in "-_$" for ch in key)
    step = key if plain else "[" + quoted(key) + "]"
    if not where:
        return step
    return f"{where}.{step}" if plain else f"{where}{step}"


def _words(outcome: Outcome) -> str:
    return {Outcome.MATCH: "matches", Outcome.NO_MATCH: "does not match",
            Outcome.UNDECIDED: "undecided"}[outcome]  # fmt: skip


def _below(outcome: Outcome) -> str:
    return {
        Outcome.MATCH: "the pattern asks only for fields to be absent below it, and they are",
        Outcome.NO_MATCH: "the fields the pattern names below it are not there either",
        Outcome.UNDECIDED: "undecided",
    }[outcome]


# --- one entry of a list against the value(s) at its place ---------------------------------


def _one(m: Matcher, value: Any, crowded: bool) -> tuple[Outcome, str, str]:
    if m.kind == "exists":
        return _exists(m, value, crowded)
    leaves = _leaves(value)
    if not leaves:
        if value is MISSING:
            return (
                Outcome.NO_MATCH,
                "the field is not in the event, and the pattern names it",
                "structure",
            )
        if isinstance(value, dict):
            return Outcome.NO_MATCH, f"an object, where {m.written} compares a value", "structure"
        return Outcome.NO_MATCH, "an empty list: no value to compare", "arrays"
    results = [_scalar(m, v) for v in leaves]
    outcome = any_of([r[0] for r in results])
    rule = m.kind if m.kind != "value" else ("null" if m.arg is None or m.arg == "" else "value")
    if isinstance(value, list) and len(leaves) > 1:
        rule = "arrays" if m.kind == "value" else rule
        if outcome is Outcome.MATCH:
            hit = next(r for r, v in zip(results, leaves, strict=True) if r[0] is Outcome.MATCH)
            return outcome, f"one of its values matches: {hit[1]}", rule
        if outcome is Outcome.UNDECIDED:
            return outcome, next(r[1] for r in results if r[0] is Outcome.UNDECIDED), rule
        return outcome, f"none of its {len(leaves)} values matches {m.written}", rule
    result = (
        results[0]
        if outcome is not Outcome.MATCH
        else next(r for r in results if r[0] is Outcome.MATCH)
    )
    return result[0], result[1], rule


def _exists(m: Matcher, value: Any, crowded: bool) -> tuple[Outcome, str, str]:
    want = bool(m.arg)
    if value is MISSING:
        present, why = False, "the field is not in the event"
    elif isinstance(value, dict):
        present, why = False, "the field is an object, and exists only counts leaf values"
    elif isinstance(value, list) and not value:
        return (
            Outcome.UNDECIDED,
            "the field is an empty list: the guide does not say whether that exists",
            "exists",
        )
    elif isinstance(value, list) and not _leaves(value):
        present, why = False, "the field is a list of objects, and exists only counts leaf values"
    else:
        present, why = True, "the field is in the event"
    if not want and crowded:
        return (Outcome.UNDECIDED, "exists: false inside a list of several objects: the guide does not say "
                "how each element counts", "exists")  # fmt: skip
    ok = present == want
    return (
        (Outcome.MATCH if ok else Outcome.NO_MATCH),
        f"{why}, and the pattern asks exists: {json.dumps(want)}",
        "exists",
    )


def _same(a: Any, b: Any) -> bool:
    """Exact equality as EventBridge compares values: same JSON type, numbers by their text."""
    if isinstance(a, Num) or isinstance(b, Num):
        return isinstance(a, Num) and isinstance(b, Num) and a.text == b.text
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if a is None or b is None:
        return a is None and b is None
    return isinstance(a, str) and isinstance(b, str) and a == b


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "true/false"
    if v is None:
        return "null"
    return "a number" if isinstance(v, Num) else "a string" if isinstance(v, str) else "a value"


def _scalar(m: Matcher, v: Any) -> tuple[Outcome, str]:
    shown = _shown(v)
    if m.kind == "value":
        if _same(m.arg, v):
            return Outcome.MATCH, f"equals {m.written}"
        if isinstance(m.arg, Num) and isinstance(v, Num) and m.arg.value == v.value:
            return Outcome.NO_MATCH, (f"{shown} is not {m.written}: exact values compare numbers as written; "
                                      '"numeric" compares their values')  # fmt: skip
        if isinstance(m.arg, str) and isinstance(v, str) and m.arg.lower() == v.lower():
            return Outcome.NO_MATCH, f"{shown} is not {m.written}: exact values compare case too"
        if (m.arg is None and v == "") or (m.arg == "" and v is None):
            return (
                Outcome.NO_MATCH,
                f"{shown} is not {m.written}: null and the empty string are not interchangeable",
            )
        return Outcome.NO_MATCH, f"{shown} is not {m.written}"
    if m.kind in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        if not isinstance(v, str):
            return Outcome.NO_MATCH, f"{m.kind} compares strings, and this is {_kind(v)}"
        outcome = _text_test(m.kind, str(m.arg), v, m.ignore_case)
        how = {"prefix": "starts with", "suffix": "ends with", "equals-ignore-case": "equals, ignoring case,",
               "wildcard": "fits the wildcard"}[m.kind]  # fmt: skip
        case = " (ignoring case)" if m.ignore_case and m.kind != "equals-ignore-case" else ""
        arg = quoted(str(m.arg))
        if outcome is Outcome.UNDECIDED:
            return (
                outcome,
                "comparing letters outside A–Z without case: the lab does not decide that",
            )
        if outcome:
            return outcome, f"{how} {arg}{case}"
        return outcome, f"{shown} does not {_negative(how)} {arg}{case}"
    if m.kind == "numeric":
        return _numeric(m, v)
    if m.kind == "cidr":
        return _cidr(m, v)
    if m.kind == "anything-but":
        return _anything_but(m, v)
    raise AssertionError(m.kind)  # pragma: no cover - the parser admits no other kind


def _negative(how: str) -> str:
    return {"starts with": "start with", "ends with": "end with", "equals, ignoring case,":
            "equal, ignoring case,", "fits the wildcard": "fit the wildcard"}[how]  # fmt: skip


def _text_test(kind: str, arg: str, v: str, ignore_case: bool) -> Outcome:
    if ignore_case:
        lowered = _plain_test(kind, arg.lower(), v.lower())
        if not (arg.isascii() and v.isascii()) and lowered != _plain_test(
            kind, arg.casefold(), v.casefold()
        ):
            return Outcome.UNDECIDED  # ways of folding case disagree: not settled by the guide
        return Outcome.MATCH if lowered else Outcome.NO_MATCH
    return Outcome.MATCH if _plain_test(kind, arg, v) else Outcome.NO_MATCH


def _plain_test(kind: str, arg: str, v: str) -> bool:
    if kind == "prefix":
        return v.startswith(arg)
    if kind == "suffix":
        return v.endswith(arg)
    if kind == "equals-ignore-case":
        return v == arg
    return wildcard_match(arg, v)


def _wildcard_parts(pattern: str) -> list[str]:
    """The literal runs between unescaped `*` (escapes resolved): "a*b\\*c" → ["a", "b*c"]."""
    parts, run, i = [], [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            run.append(pattern[i + 1])
            i += 2
            continue
        if ch == "*":
            parts.append("".join(run))
            run = []
        else:
            run.append(ch)
        i += 1
    parts.append("".join(run))
    return parts


def wildcard_match(pattern: str, text: str) -> bool:
    """Does `text` fit `pattern` (`*` any run of characters)? Greedy left to right: the first
    part must start the text, the last end it, and each part between is taken at its first
    place after the previous one, which is always safe for `*`-only patterns: no backtracking,
    so the cost is at most the text's length times the pattern's."""
    parts = _wildcard_parts(pattern)
    if len(parts) == 1:
        return text == parts[0]
    first, *middle, last = parts
    if not text.startswith(first) or len(text) < len(first) + len(last):
        return False
    pos, end = len(first), len(text) - len(last)
    for part in middle:
        found = text.find(part, pos, end)
        if found < 0:
            return False
        pos = found + len(part)
    return text.endswith(last) and pos <= end


def _numeric(m: Matcher, v: Any) -> tuple[Outcome, str]:
    if not isinstance(v, Num):
        return Outcome.NO_MATCH, f"numeric compares JSON numbers, and this is {_kind(v)}"
    if v.value.copy_abs() > NUMERIC_LIMIT or fraction_digits(v.value) > NUMERIC_DECIMALS:
        return Outcome.UNDECIDED, (f"{v.text} is beyond the range or precision numeric matching is "
                                   "documented for")  # fmt: skip
    checks = []
    for op, bound in m.arg:
        ok = _compare(v.value, op, bound)
        checks.append((ok, f"{v.text} {_sign(op)} {_plain(bound)}"))
    if all(ok for ok, _ in checks):
        return Outcome.MATCH, "numeric: " + " and ".join(t for _, t in checks)
    failed = next(t for ok, t in checks if not ok)
    return Outcome.NO_MATCH, f"numeric: {failed} is false"


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sign(op: str) -> str:
    return {"<": "<", "<=": "≤", "=": "=", ">": ">", ">=": "≥"}[op]


def _compare(value: Decimal, op: str, bound: Decimal) -> bool:
    return {
        "<": value < bound,
        "<=": value <= bound,
        "=": value == bound,
        ">": value > bound,
        ">=": value >= bound,
    }[op]


def _cidr(m: Matcher, v: Any) -> tuple[Outcome, str]:
    if not isinstance(v, str):
        return (
            Outcome.NO_MATCH,
            f"cidr compares IP addresses written as strings, and this is {_kind(v)}",
        )
    try:
        address = ipaddress.ip_address(v)
    except ValueError:
        return Outcome.NO_MATCH, f"{_shown(v)} is not an IP address"
    network = m.arg
    if address.version == network.version and address in network:
        return Outcome.MATCH, f"{v} is inside {network}"
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None and isinstance(network, ipaddress.IPv4Network) and mapped in network:
        # The guide names IPv4 and IPv6 but not an IPv4 address written in IPv6 (::ffff:...).
        # AWS's Event Ruler takes ::ffff:a00:1 as the IPv4 address and ::ffff:10.0.0.1 as no
        # address at all; Python's ipaddress takes both as IPv6.
        return Outcome.UNDECIDED, (f"{v} is the IPv4-mapped form of an address inside {network}: the "
                                   "guide does not say whether cidr counts it")  # fmt: skip
    return Outcome.NO_MATCH, f"{v} is outside {network}"


def _anything_but(m: Matcher, v: Any) -> tuple[Outcome, str]:
    shown = _shown(v)
    if m.sub == "values":
        values = m.arg
        wants_numbers = isinstance(values[0], Num)
        if (wants_numbers and not isinstance(v, Num)) or (
            not wants_numbers and not isinstance(v, str)
        ):
            return Outcome.UNDECIDED, (f"anything-but lists {'numbers' if wants_numbers else 'strings'} and "
                                       f"this is {_kind(v)}: the guide does not say how they compare")  # fmt: skip
        hit = next((x for x in values if _same(x, v)), None)
        if hit is not None:
            return Outcome.NO_MATCH, f"anything-but excludes {shown}"
        if wants_numbers and any(x.value == v.value for x in values):
            # Exact values compare numbers as written; whether anything-but does is not said.
            return Outcome.UNDECIDED, (f"{shown} equals a listed number but is written otherwise: the "
                                       "guide does not say which anything-but compares")  # fmt: skip
        listed = ", ".join(show(x) for x in values[:6]) + (", …" if len(values) > 6 else "")
        return Outcome.MATCH, f"anything-but: {shown} is not {listed}"
    if not isinstance(v, str):
        return Outcome.UNDECIDED, (f"anything-but {m.sub} compares strings and this is {_kind(v)}: "
                                   "the guide does not say how they compare")  # fmt: skip
    kind = m.sub
    how = {"prefix": "starts with", "suffix": "ends with", "equals-ignore-case": "equals, ignoring case,",
           "wildcard": "fits the wildcard"}[kind]  # fmt: skip
    tests = [(_text_test(kind, text, v, m.ignore_case), text) for text in m.arg]
    hit = next((text for outcome, text in tests if outcome is Outcome.MATCH), None)
    if hit is not None:
        return (
            Outcome.NO_MATCH,
            f"anything-but excludes it: it {how} {quoted(hit)}",
        )
    if any(outcome is Outcome.UNDECIDED for outcome, _ in tests):
        return (
            Outcome.UNDECIDED,
            "comparing letters outside A–Z without case: the lab does not decide that",
        )
    listed = ", ".join(quoted(t) for t in m.arg[:6]) + (", …" if len(m.arg) > 6 else "")
    return Outcome.MATCH, f"anything-but: it does not {_negative(how)} {listed}"


def match(pattern: Pattern, event: dict[str, Any]) -> Result:
    """Does `event` (as `read_event` returns it) match `pattern`, and why, field by field."""
    run = _Run()
    outcome = run.obj(pattern.root, event, "", 0, False)
    return Result(outcome, run.steps, run.more)
