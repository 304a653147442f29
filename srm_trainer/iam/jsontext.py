"""JSON text → Python data, where every way the standard decoder can fail is a located error.

`json.loads` fails in four ways besides a syntax error, none of them a `JSONDecodeError`: a
number with more digits than Python converts (`ValueError`, 4,300 digits by default), nesting
deep enough to exhaust the recursion limit (`RecursionError`), and, silently, a `\\ud800` escape
that decodes to a lone surrogate, which is not a Unicode character and makes any later UTF-8
output (a page, a permalink) fail. `load_json` turns each into a `PolicyError` (or the subclass
the caller names) with a line and column, so every reader of JSON text in the engine and the
web layer refuses such input with a message instead of a traceback; a syntax error in the
words every JSON box uses (`json_mistakes.syntax_words`; `json_mistakes.located` says the
place).

The location scans run only on the failure path (or, for surrogates, only when the text holds a
`\\u` escape at all): valid input costs one `json.loads`.

A key written twice in one object is no error to `json.loads`, which keeps the last value
without a word. `load_json(keys_once=True)` refuses it (`duplicate_key`, at the repeat), for a
reader that cannot tell which value was meant; `repeated_keys` finds every repeat, for one that
accepts the text and says so (the policy linter).
"""

from __future__ import annotations

import json
import math
import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]  # public since 2.6, absent from typeshed
from typing import Any

from .errors import PolicyError
from .json_mistakes import syntax_words


def load_json(
    text: str,
    *,
    error: type[PolicyError] = PolicyError,
    what: str = "JSON",
    max_depth: int = 0,
    keys_once: bool = False,
) -> Any:
    """Decode `text`; `max_depth` (when not 0) also refuses objects and lists nested deeper,
    `keys_once` a key written twice in one object."""
    try:
        data = json.loads(
            text,
            parse_float=_finite,
            parse_constant=_no_constant,
            object_pairs_hook=_keys_once if keys_once else None,
        )
    except _RepeatedKey:
        raise _repeated(text, error, what) from None
    except json.JSONDecodeError as exc:
        raise error(
            "invalid_json",
            syntax_words(exc),
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except _NotFinite as exc:
        raise _not_finite(text, error, what, str(exc)) from None
    except RecursionError:
        raise _too_deep(text, error, what, max_depth or 64) from None
    except ValueError:  # an integer beyond Python's int-string limit
        raise _number_too_long(text, error, what) from None
    if "\\u" in text:
        offset = lone_surrogate_at(text)
        if offset is not None:
            line, column = line_col(text, offset)
            raise error(
                "invalid_unicode",
                f"The {what} holds the escape {text[offset : offset + 6]}, half of a surrogate "
                "pair: it is not a Unicode character.",
                line=line,
                column=column,
            )
    if max_depth and depth_exceeds(data, max_depth):
        raise _too_deep(text, error, what, max_depth)
    return data


class _RepeatedKey(Exception):
    """Raised by `_keys_once` out of `json.loads`: not a ValueError, which means a number."""


def _keys_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _RepeatedKey
    return obj


def _repeated(text: str, error: type[PolicyError], what: str) -> PolicyError:
    found = next(repeated_keys(text), None)
    if found is None:  # pragma: no cover - the decoder has just met one
        return error("duplicate_key", f"The {what} writes a key twice in one object.")
    path, key, first, again = found
    lines = Lines(text)
    line, column = lines(again)
    first_line, first_column = lines(first)
    return error(
        "duplicate_key",
        f"The {what} writes the key {json.dumps(key, ensure_ascii=False)} twice in one object "
        f"(first at line {first_line}, column {first_column}): which value is meant cannot be "
        "told. Write it once.",
        path=path,
        line=line,
        column=column,
    )


# What the walk of `repeated_keys` stops at outside strings (numbers, literals, colons and
# white space are passed over in C).
_STRUCTURE = re.compile(r'["{}\[\],]')


def repeated_keys(text: str) -> Iterator[tuple[str, str, int, int]]:
    """Each key written again in one object of the JSON `text`, in text order: (the path of
    the repeat, the key, the offset where the object first has the key, the repeat's offset).
    Paths are the engine's (`Version`, `Statement[0].Condition.StringEquals`). Iterative, and
    it stops quietly where the text stops being JSON. A walk in Python costs many times a
    decode: for after a decoder has said there is a repeat."""
    # each open object or list: [its keys so far with their offsets (None for a list), its
    # path, its current key or index]
    stack: list[list[Any]] = []
    expect_key = False
    search = _STRUCTURE.search
    i = 0
    while (found := search(text, i)) is not None:
        i = found.start()
        ch = text[i]
        if ch == '"':
            try:
                value, end = scanstring(text, i + 1)
            except ValueError:
                return
            if expect_key:
                frame = stack[-1]
                first = frame[0].setdefault(value, i)
                if first != i:
                    yield (f"{frame[1]}.{value}" if frame[1] else value), value, first, i
                frame[2] = value
                expect_key = False
            i = end
            continue
        i += 1
        if ch == "{" or ch == "[":
            path = _path_in(stack[-1]) if stack else ""
            stack.append([{} if ch == "{" else None, path, 0])
            expect_key = ch == "{"
        elif ch == ",":
            if stack:
                frame = stack[-1]
                if frame[0] is None:
                    frame[2] += 1
                else:
                    expect_key = True
        else:  # } or ]
            if not stack:
                return
            stack.pop()
            expect_key = False


def _path_in(frame: list[Any]) -> str:
    """The path of the value an open object or list (a frame of `repeated_keys`) is at."""
    keys, path, at = frame
    if keys is None:
        return f"{path}[{at}]"
    return f"{path}.{at}" if path else at


class _NotFinite(ValueError):
    """NaN, Infinity or -Infinity (Python's decoder takes them; JSON has none), or a number past
    a float's range, which Python reads as infinity: an engine that then met `inf` called it
    "not float", and 1e400 is a number in JSON."""


def _no_constant(name: str) -> float:
    raise _NotFinite(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotFinite(text)
    return value


def _not_finite(text: str, error: type[PolicyError], what: str, found: str) -> PolicyError:
    constant = found in ("NaN", "Infinity", "-Infinity")
    if constant:  # the admin's JSON boxes' words (admin_json_field), which read with this
        message = f"{found} is not JSON (its numbers are finite): write a number or null."
    else:
        shown = found if len(found) <= 24 else found[:20] + "…"
        message = f"The number {shown} is too large to read: the largest is about 1.8e308."
    for offset, ch, token in _tokens(text):
        if (constant and ch in "NI") or (not constant and token == found):
            if constant and offset and text[offset - 1] == "-":
                offset -= 1
            line, column = line_col(text, offset)
            code = "invalid_json" if constant else "number_too_long"
            return error(code, message, line=line, column=column)
    return error("invalid_json" if constant else "number_too_long", message)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, counted the way `json` counts them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


class Lines:
    """`line_col` for many places in one text: the lines' starts found once, each place then a
    binary search. `line_col` counts from the start of the text every time, and an import
    placing each of 30,000 unknown keys or bad tags in its 512 KB file spent 7-8 s of CPU on it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def __call__(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self.text))]
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


_NEWLINE = re.compile("\n")


def depth_exceeds(data: Any, limit: int) -> bool:
    """Whether an already-loaded object nests deeper than `limit` (iterative: no recursion
    for an attacker to exhaust)."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _tokens(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, first character, token) for every token outside strings; strings are skipped
    with json's own scanner. Stops quietly where the text stops being JSON."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            try:
                _, i = scanstring(text, i + 1)
            except ValueError:
                return
            continue
        if ch in "-0123456789":
            start = i
            i += 1
            while i < n and text[i] in "0123456789.eE+-":
                i += 1
            yield start, ch, text[start:i]
            continue
        yield i, ch, ch
        i += 1


def _too_deep(text: str, error: type[PolicyError], what: str, limit: int) -> PolicyError:
    depth = 0
    for offset, ch, _ in _tokens(text):
        if ch in "[{":
            depth += 1
            if depth > limit:
                line, column = line_col(text, offset)
                return error(
                    "nesting_too_deep",
                    f"The {what} nests objects and lists more than {limit} levels deep.",
                    line=line,
                    column=column,
                )
        elif ch in "]}":
            depth -= 1
    return error("nesting_too_deep", f"The {what} nests objects and lists too deeply.")


def _number_too_long(text: str, error: type[PolicyError], what: str) -> PolicyError:
    limit = sys.get_int_max_str_digits()
    for offset, ch, token in _tokens(text):
        digits = len(token.lstrip("-"))
        if ch in "-0123456789" and limit and digits > limit and token.lstrip("-").isdigit():
            line, column = line_col(text, offset)
            return error(
                "number_too_long",
                f"The {what} holds a number {digits:,} digits long; the most this reads is "
                f"{limit:,}.",
                line=line,
                column=column,
            )
    return error("number_too_long", f"The {what} holds a number too long to read.")


def _surrogate(text: str, at: int) -> int:
    """The code unit of a `\\uXXXX` escape starting at `at` if it is a surrogate, else 0."""
    hexa = text[at + 2 : at + 6]
    if len(hexa) != 4 or not all(c in "0123456789abcdefABCDEF" for c in hexa):
        return 0
    unit = int(hexa, 16)
    return unit if 0xD800 <= unit <= 0xDFFF else 0


def lone_surrogate_at(text: str) -> int | None:
    """Offset of the first `\\uD800`-`\\uDFFF` escape that is not half of a proper pair.

    Only escapes count: `\\\\ud800` is an escaped backslash followed by letters. Linear: each
    run of backslashes is counted once, backwards from the `u` that ends it.
    """
    i = text.find("\\u")
    while i >= 0:
        run = 1
        while i - run >= 0 and text[i - run] == "\\":
            run += 1
        if run % 2 == 1:  # an odd number of backslashes: this one starts an escape
            unit = _surrogate(text, i)
            if 0xD800 <= unit <= 0xDBFF:
                low = _surrogate(text, i + 6) if text.startswith("\\u", i + 6) else 0
                if 0xDC00 <= low <= 0xDFFF:
                    i = text.find("\\u", i + 12)
                    continue
                return i
            if unit:
                return i
        i = text.find("\\u", i + 2)
    return None
