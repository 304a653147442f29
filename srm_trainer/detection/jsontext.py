"""Reading JSON text for the engine: numbers kept as written, limits checked before any work.

EventBridge compares an exact number by its text ("300", "300.0" and "3.0e2" are three
different values; Amazon EventBridge User Guide, "Event patterns"), so a number is read as a
`Num` holding both its text and its exact value. Everything else is plain JSON: `str`, `bool`,
`None`, `list`, `dict`.

Cost: one pass over the text to measure its nesting before `json.loads` (a text of 100,000
`[` would otherwise overflow the interpreter's stack), then one walk over the parsed value.
Both are linear in the text, which the caller has already limited in size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from srm_trainer.iam.json_mistakes import syntax_words

from .errors import PatternError


@dataclass(frozen=True)
class Num:
    """A JSON number: `text` as written (what an exact match compares), `value` exactly."""

    text: str
    value: Decimal

    def __str__(self) -> str:
        return self.text


def _num(text: str) -> Num:
    try:
        return Num(text, Decimal(text))
    except InvalidOperation:  # pragma: no cover - json only hands over valid number text
        raise PatternError("invalid_json", f"{text} is not a number") from None


def fraction_digits(value: Decimal) -> int:
    """How many digits `value` has after the decimal point once trailing zeros go (1.50 → 1,
    3.0e2 → 0). Read from the digits themselves: `normalize()` works in the decimal context,
    which rounds 1e-999999999 to 0 and raises on 1e999999999."""
    if not value.is_finite() or value.is_zero():
        return 0
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    zeros = len(digits) - len(bytes(digits).rstrip(b"\0"))
    return max(0, -(exponent + zeros))


def compact(value: Decimal) -> Decimal:
    """`value` without trailing zeros, built from its digits (no context rounding): what an
    explanation prints, so 0e-999999999 is shown as 0, not as a billion zeros."""
    if value.is_zero():
        return Decimal(0)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    kept = bytes(digits).rstrip(b"\0")
    return Decimal((sign, tuple(kept), exponent + len(digits) - len(kept)))


def _constant(name: str) -> Any:
    raise PatternError("invalid_json", f"{name} is not JSON (JSON has no NaN or Infinity)")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise PatternError(
                "duplicate_key", f"the field {json.dumps(key)} is written twice in one object"
            )
        out[key] = value
    return out


class Pairs(dict[str, Any]):
    """A JSON object read with every pair kept (`pairs`, repeats included, in order); as a
    dict it holds the last value of each key. The pattern reader uses the pairs: EventBridge
    takes a field written twice, and uses the last one."""

    pairs: list[tuple[str, Any]]


def _all_pairs(pairs: list[tuple[str, Any]]) -> Pairs:
    out = Pairs(pairs)
    out.pairs = pairs
    return out


def _line_column(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, column


def _deepest(text: str, limit: int) -> int:
    """The position where nesting first goes past `limit`, or -1: brackets inside strings
    do not count."""
    depth = 0
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return i
        elif ch in "]}":
            depth -= 1
    return -1


def read_json(
    text: str, *, what: str, max_chars: int, max_depth: int, repeats: bool = False
) -> Any:
    """`text` as JSON (numbers as `Num`), or a `PatternError` saying what is wrong and at
    which line and column. `what` names the text in messages ("the pattern"). A key written
    twice in one object is refused, unless `repeats`: then objects are `Pairs`."""
    if len(text) > max_chars:
        raise PatternError(
            "too_large", f"{what} is {len(text):,} characters; the lab takes up to {max_chars:,}"
        )
    if not text.strip():
        raise PatternError("empty", f"{what} is empty: write a JSON object, such as "
                           '{"source": ["aws.guardduty"]}')  # fmt: skip
    deep = _deepest(text, max_depth)
    if deep >= 0:
        line, column = _line_column(text, deep)
        raise PatternError(
            "too_deep",
            f"{what} nests lists and objects more than {max_depth} deep here",
            line=line,
            column=column,
            lab_only=True,
        )
    try:
        return json.loads(
            text,
            parse_int=_num,
            parse_float=_num,
            parse_constant=_constant,
            object_pairs_hook=_all_pairs if repeats else _pairs,
        )
    except json.JSONDecodeError as exc:
        # In the words of every JSON box of the site, the likely mistake named; without the
        # final stop, as the engine's other messages (the page ends the sentence).
        raise PatternError(
            "invalid_json", syntax_words(exc).rstrip("."), line=exc.lineno, column=exc.colno
        ) from None
    except PatternError as exc:
        # Raised from a hook: no position from json, so the message names the key or value.
        raise PatternError(exc.code, f"{what}: {exc.message}") from None


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds half of a UTF-16 pair ("\\ud800" in JSON): such a string
    cannot be written back out as UTF-8, so the engine refuses it."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)
