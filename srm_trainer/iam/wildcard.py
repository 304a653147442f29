"""Linear-time `*`/`?` matching for actions, ARNs and StringLike values.

Why not `re` or `fnmatch`: both compile user text into a backtracking regex, and a policy like
`*a*a*a…*b` against a long ARN then takes exponential time. Here a pattern is split on `*`
into fixed-length *segments*; the first is anchored at the start, the last at the end, and the
middle ones are placed left to right at their leftmost occurrence. For this pattern class
(only `*` and `?`) greedy leftmost placement is correct: if any placement works, the leftmost
one leaves the most room for what follows.

Finding a segment is `str.find` when it has no `?`; with a few `?` it searches for the
longest literal piece and checks the others at fixed offsets; with many `?` it runs a
bit-parallel Shift-And scan (a Python int as the bit vector), so the cost stays
O(len(value) * len(segment) / word size) in the worst case.

A pattern is built from *tokens* so literal `*` and `?` (the `${*}` and `${?}` escapes,
or substituted variable values) can sit next to real wildcards: `compile_tokens`.
`compile_pattern(text)` is the common case where every `*` and `?` in `text` is a wildcard.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from typing import ParamSpec, TypeVar

__all__ = [
    "ANY_CHAR",
    "STAR",
    "Pattern",
    "Wildcard",
    "compile_pattern",
    "compile_tokens",
    "fold_case",
    "has_wildcard",
    "text_cache",
    "text_tokens",
    "wildcard_match",
]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _size(arg: object) -> int:
    if isinstance(arg, str):
        return len(arg)
    if isinstance(arg, tuple):
        return sum(len(a) if isinstance(a, str) else 1 for a in arg)
    return 0


def text_cache(
    maxsize: int, *, max_len: int = 512
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """`lru_cache` for functions of policy text that skips long inputs.

    Policies repeat short patterns (cache them), while a sandbox user can send thousands of
    distinct 6 KB patterns: caching those would hold hundreds of MB per worker for no gain.
    The first positional argument decides.
    """

    def decorate(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        # lru_cache wants Hashable arguments, which ParamSpec cannot express: every function
        # decorated here takes only text, tuples of tokens and flags.
        cached: Callable[_P, _R] = lru_cache(maxsize=maxsize)(fn)  # type: ignore[assignment]

        @wraps(fn)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if _size(args[0]) > max_len:
                return fn(*args, **kwargs)
            return cached(*args, **kwargs)

        return wrapper

    return decorate


class Wildcard(enum.Enum):
    """A wildcard token; plain `str` tokens are literal text."""

    STAR = "*"
    ANY_CHAR = "?"


STAR = Wildcard.STAR
ANY_CHAR = Wildcard.ANY_CHAR

Token = str | Wildcard

# A segment with more literal pieces than this is searched with Shift-And instead of
# "find the longest piece, verify the rest" (whose worst case is len(value) * pieces).
_MAX_PIECES_FOR_ANCHOR_SEARCH = 4


def fold_case(text: str) -> str:
    """Lower-case `text` without changing its length (so `?` still means one character).

    `str.lower` maps a few characters (e.g. U+0130) to two code points; those are kept
    as they are rather than shifting every later position.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in text)


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


class _Segment:
    """A fixed-length run between two `*`: literal pieces at offsets, `?` elsewhere."""

    __slots__ = ("length", "pieces", "literal", "anchor", "others", "masks", "default_mask", "hit")

    def __init__(self, items: list[str | None]) -> None:
        # items: literal runs (str) and None for each `?`.
        pieces: list[tuple[int, str]] = []
        pos = 0
        for item in items:
            if item is None:
                pos += 1
            elif item:
                if pieces and pieces[-1][0] + len(pieces[-1][1]) == pos:
                    pieces[-1] = (pieces[-1][0], pieces[-1][1] + item)
                else:
                    pieces.append((pos, item))
                pos += len(item)
        self.length = pos
        self.pieces = tuple(pieces)
        # A segment without `?`: plain substring search.
        if not pieces and pos == 0:
            self.literal: str | None = ""
        elif len(pieces) == 1 and len(pieces[0][1]) == pos:
            self.literal = pieces[0][1]
        else:
            self.literal = None
        self.anchor: tuple[int, str] | None = None
        self.others: tuple[tuple[int, str], ...] = ()
        self.masks: dict[str, int] | None = None
        self.default_mask = 0
        self.hit = 0
        if self.literal is None and pieces:
            if len(pieces) <= _MAX_PIECES_FOR_ANCHOR_SEARCH:
                anchor = max(pieces, key=lambda p: len(p[1]))
                self.anchor = anchor
                self.others = tuple(p for p in pieces if p is not anchor)
            else:
                literal_mask = 0
                masks: dict[str, int] = {}
                for off, text in pieces:
                    for i, ch in enumerate(text, off):
                        bit = 1 << i
                        literal_mask |= bit
                        masks[ch] = masks.get(ch, 0) | bit
                any_mask = ((1 << pos) - 1) & ~literal_mask
                self.masks = {ch: m | any_mask for ch, m in masks.items()}
                self.default_mask = any_mask
                self.hit = 1 << (pos - 1)

    @classmethod
    def of_literal(cls, text: str) -> _Segment:
        """The common case, built without the general bookkeeping (compiles stay cheap)."""
        self = cls.__new__(cls)
        self.length = len(text)
        self.pieces = ((0, text),) if text else ()
        self.literal = text
        self.anchor = None
        self.others = ()
        self.masks = None
        self.default_mask = 0
        self.hit = 0
        return self

    def match_at(self, value: str, pos: int) -> bool:
        """Whether the segment matches `value` at `pos` (the caller checked the length)."""
        if self.literal is not None:
            return value.startswith(self.literal, pos)
        return all(value.startswith(text, pos + off) for off, text in self.pieces)

    def find(self, value: str, start: int, end: int) -> int:
        """Leftmost p with start <= p and p + length <= end where the segment matches, or -1."""
        if self.literal is not None:
            return value.find(self.literal, start, end)
        length = self.length
        if start + length > end:
            return -1
        if not self.pieces:  # only `?`: any position with room
            return start
        if self.anchor is not None:
            a_off, a_text = self.anchor
            others = self.others
            # The anchor must lie within [start + a_off, end - length + a_off + len(a_text)).
            lo = start + a_off
            hi = end - length + a_off + len(a_text)
            while True:
                q = value.find(a_text, lo, hi)
                if q < 0:
                    return -1
                p = q - a_off
                for off, text in others:
                    if not value.startswith(text, p + off):
                        break
                else:
                    return p
                lo = q + 1
        # Shift-And: bit i of state set <=> chars[0..i] match the text ending here.
        masks = self.masks
        default = self.default_mask
        hit = self.hit
        state = 0
        assert masks is not None  # a segment searched here has pieces and no anchor
        get = masks.get
        for i in range(start, end):
            state = ((state << 1) | 1) & get(value[i], default)
            if state & hit:
                return i - length + 1
        return -1


class Pattern:
    """A compiled wildcard pattern; `match(value)` tests the whole value."""

    __slots__ = (
        "source",
        "ignore_case",
        "_exact",
        "_first",
        "_last",
        "_middle",
        "_min_len",
        "_single",
        "_matches_all",
    )

    def __init__(
        self, tokens: Iterable[Token], *, ignore_case: bool = False, source: str = ""
    ) -> None:
        self.source = source
        self.ignore_case = ignore_case
        segments: list[list[str | None]] = [[]]
        for tok in tokens:
            if tok is STAR:
                segments.append([])
            elif tok is ANY_CHAR:
                segments[-1].append(None)
            elif isinstance(tok, str) and tok:
                segments[-1].append(fold_case(tok) if ignore_case else tok)
        self._setup(segments)

    def _setup(self, segments: list[list[str | None]]) -> None:
        self._matches_all = len(segments) > 1 and not any(
            item is None or item for items in segments for item in items
        )
        self._exact: str | None = None
        self._single: _Segment | None = None
        self._first: _Segment | None = None
        self._last: _Segment | None = None
        self._middle: tuple[str | _Segment, ...] = ()
        if len(segments) == 1:
            only = segments[0]
            texts = [item for item in only if item is not None]
            if len(texts) == len(only):
                self._exact = "".join(texts)
                self._min_len = len(self._exact)
            else:
                self._single = _Segment(only)
                self._min_len = self._single.length
        else:
            of_literal = _Segment.of_literal

            def edge(items: list[str | None]) -> _Segment:
                if len(items) == 1 and items[0] is not None:
                    return of_literal(items[0])
                return _Segment(items)

            self._first = first = edge(segments[0])
            self._last = last = edge(segments[-1])
            # Middle segments without `?` stay plain strings: `str.find` needs nothing more,
            # and a 6,144-character pattern then compiles without thousands of objects.
            middle: list[str | _Segment] = []
            min_len = first.length + last.length
            for items in segments[1:-1]:
                if len(items) == 1 and items[0] is not None:
                    if items[0]:
                        middle.append(items[0])
                        min_len += len(items[0])
                elif items:
                    segment = _Segment(items)
                    if segment.length:
                        middle.append(segment)
                        min_len += segment.length
            self._middle = tuple(middle)
            self._min_len = min_len

    @classmethod
    def from_text(cls, text: str, *, ignore_case: bool = False) -> Pattern:
        """Every `*` and `?` in `text` is a wildcard (the fast path for plain policy text)."""
        self = cls.__new__(cls)
        self.source = text
        self.ignore_case = ignore_case
        body = fold_case(text) if ignore_case else text
        segments: list[list[str | None]] = []
        for seg in body.split("*"):
            if "?" not in seg:
                segments.append([seg])
            else:
                items: list[str | None] = []
                for i, run in enumerate(seg.split("?")):
                    if i:
                        items.append(None)
                    items.append(run)
                segments.append(items)
        self._setup(segments)
        return self

    def __repr__(self) -> str:
        return f"Pattern({self.source!r}, ignore_case={self.ignore_case})"

    @property
    def is_literal(self) -> bool:
        """True when the pattern has no wildcard (then `literal` is the text to compare)."""
        return self._exact is not None

    @property
    def literal(self) -> str | None:
        return self._exact

    def match(self, value: str) -> bool:
        if self._matches_all:
            return True
        if self.ignore_case:
            value = fold_case(value)
        exact = self._exact
        if exact is not None:
            return value == exact
        n = len(value)
        single = self._single
        if single is not None:
            return n == single.length and single.match_at(value, 0)
        if n < self._min_len:
            return False
        first = self._first
        last = self._last
        # Neither exact nor single: `_setup` made the edge segments.
        assert first is not None and last is not None
        if first.length and not first.match_at(value, 0):
            return False
        end = n - last.length
        if last.length and not last.match_at(value, end):
            return False
        pos = first.length
        for seg in self._middle:
            if isinstance(seg, str):
                p = value.find(seg, pos, end)
                if p < 0:
                    return False
                pos = p + len(seg)
            else:
                p = seg.find(value, pos, end)
                if p < 0:
                    return False
                pos = p + seg.length
        return True

    __call__ = match


def text_tokens(text: str) -> tuple[Token, ...]:
    """Tokens for policy text in which every `*` and `?` is a wildcard."""
    tokens: list[Token] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "*" or ch == "?":
            if i > start:
                tokens.append(text[start:i])
            tokens.append(STAR if ch == "*" else ANY_CHAR)
            start = i + 1
    if start < len(text):
        tokens.append(text[start:])
    return tuple(tokens)


@text_cache(8192)
def compile_pattern(text: str, *, ignore_case: bool = False) -> Pattern:
    """Compile `text` where every `*` and `?` is a wildcard. Cached: call it freely."""
    return Pattern.from_text(text, ignore_case=ignore_case)


@text_cache(4096)
def _compile_token_tuple(tokens: tuple[Token, ...], ignore_case: bool) -> Pattern:
    source = "".join(t.value if isinstance(t, Wildcard) else t for t in tokens)
    return Pattern(tokens, ignore_case=ignore_case, source=source)


def compile_tokens(tokens: Iterable[Token], *, ignore_case: bool = False) -> Pattern:
    """Compile a token sequence: `STAR`/`ANY_CHAR` are wildcards, `str` tokens are literal."""
    return _compile_token_tuple(tuple(tokens), ignore_case)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether `value` matches `pattern` (`*` any run, `?` one character) as a whole."""
    return compile_pattern(pattern, ignore_case=ignore_case).match(value)
