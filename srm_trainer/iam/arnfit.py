"""Can a Resource entry name a resource an action acts on? (the summary's resource-type rule)

AWS's service authorization reference lists, for every action, the resource types it accepts and
each type's ARN format; an action whose Resource types column is empty supports no resource-level
permissions, and a statement must give Resource `*` for it. The summary therefore counts a
statement for an action only when one of its Resource entries can match a resource of a type
that action accepts: `s3:Get*` on `arn:aws:s3:::reports/*` grants the object actions
(`s3:GetObject`), not the bucket ones (`s3:GetBucketAcl`, whose format is
`arn:${Partition}:s3:::${BucketName}`) nor the account-level ones that take only `*`.

"Can match" is decided exactly for the two wildcard languages: some ARN must be matched by the
entry and fit the format. Both are split into their six colon-delimited parts and compared part
by part, as the engine matches ARNs (`arn.py`: a wildcard before the resource part never crosses
a `:`; an entry of fewer than six parts only when it ends in `*`, its last part taking the rest).
In the entry, `*` is any text, `?` one character, and a policy variable (`${aws:username}`) any
text (its value is not known here); `${*}`, `${?}` and `${$}` are the literal characters. In the
format, `*` is any text and a placeholder (`${BucketName}`) is one or more characters, never `/`
(a bucket name holds none, so `reports/*` cannot be a bucket) unless its name says it holds a
path or key (`ObjectName`, `RoleNameWithPath`, `ResourcePath`, `KeyName`, ...), and never `:`
in partition, region or account nor in an IAM name with its path. Each part is decided by
reading the format while a bit set tracks the entry positions some text so far can reach: a few
integer operations per format character.

`fits(entry, formats)`: `formats` empty means the action takes only `*`. An entry fits it when it
matches the text `*` itself, or names the whole of a service's resources (its resource part only
`*`, as `arn:aws:s3:::*`): AWS's own example policies grant `s3:ListAllMyBuckets` with
`arn:aws:s3:::*`, while a narrower entry (`arn:aws:s3:::reports/*`) does not grant it. The caller
passes only entries whose service field can be the action's (`summary._texts_for`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Token kinds: a literal character is itself (a one-character str); the others are these.
_ANY = 0  # any text, possibly empty (`*` in either, a policy variable in a pattern)
_ONE = 1  # exactly one character (`?` in a pattern)
_PART = 2  # a placeholder: one or more characters, no `/`
_PATH = 3  # a placeholder that may hold `/` (a path or key)
_FIELD = 4  # a placeholder in the ARN's first fields: no `/`, no `:`
_NAMEPATH = 5  # an IAM name with its path (`RoleNameWithPath`): `/` but no `:`

_PATHLIKE = re.compile(r"Path|ObjectName|KeyName|Key$|Prefix$", re.IGNORECASE)
_ESCAPES = {"${*}": "*", "${?}": "?", "${$}": "$"}
_EXCLUDED = {_PART: "/", _PATH: "", _FIELD: "/:", _NAMEPATH: ":"}


@lru_cache(maxsize=4096)
def _pattern_tokens(pattern: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("${", i) and "}" in pattern[i:]:
            end = pattern.index("}", i) + 1
            piece = pattern[i:end]
            literal = _ESCAPES.get(piece)
            out.append(literal if literal is not None else _ANY)
            i = end
            continue
        ch = pattern[i]
        out.append(_ANY if ch == "*" else _ONE if ch == "?" else ch)
        i += 1
    return tuple(out)


_HEADER_NAMES = frozenset({"Partition", "Region", "Account"})


@lru_cache(maxsize=4096)
def _format_tokens(fmt: str, header: bool = False) -> tuple[str | int, ...]:
    """Tokens of (a part of) an ARN format; `header`: one of its first five parts."""
    out: list[str | int] = []
    i = 0
    while i < len(fmt):
        if fmt.startswith("${", i) and "}" in fmt[i:]:
            end = fmt.index("}", i) + 1
            name = fmt[i + 2 : end - 1]
            if header or name in _HEADER_NAMES:
                out.append(_FIELD)
            elif name.endswith("WithPath"):
                out.append(_NAMEPATH)
            elif _PATHLIKE.search(name):
                out.append(_PATH)
            else:
                out.append(_PART)
            i = end
            continue
        ch = fmt[i]
        out.append(_ANY if ch == "*" else ch)
        i += 1
    return tuple(out)


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, ...]:
    """At the first five `:`, a `:` inside `${...}` not counting (as `arn._split_parts`).
    Kept: `can_match` splits each pattern and each of ~2,000 ARN formats again per pair."""
    parts: list[str] = []
    start = i = 0
    while i < len(text) and len(parts) < 5:
        if text.startswith("${", i) and "}" in text[i:]:
            i = text.index("}", i) + 1
            continue
        if text[i] == ":":
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return tuple(parts)


def _step_ok(p: str | int, f: str | int) -> bool:
    """Some one character satisfies both labels (neither is `_ANY`' s empty move)."""
    if isinstance(p, str):
        if isinstance(f, str):
            return p == f
        return f == _ANY or p not in _EXCLUDED[f]
    if isinstance(f, str):
        return True
    return True  # two wildcard classes always share a character (a letter)


def _service_field(text: str) -> str | None:
    """The ARN's service field when it and what comes before it are plain text."""
    parts = text.split(":", 3)
    if len(parts) < 4 or parts[0] != "arn":
        return None
    head = ":".join(parts[:3])
    if "*" in head or "?" in head or "$" in parts[2]:
        return None
    return parts[2]


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> tuple[int, int, int, dict[str, int], int, int]:
    """The pattern as bit masks over its positions (bit i: before token i): `stars` (a `*`
    there), `ones` (a `?`), `literal` (a character), the positions of each character, and
    the accepting bit; plus its length."""
    tokens = _pattern_tokens(pattern)
    stars = ones = literal = 0
    chars: dict[str, int] = {}
    for i, t in enumerate(tokens):
        bit = 1 << i
        if t == _ANY:
            stars |= bit
        elif t == _ONE:
            ones |= bit
        else:
            literal |= bit
            chars[str(t)] = chars.get(str(t), 0) | bit
    return stars, ones, literal, chars, 1 << len(tokens), len(tokens)


@lru_cache(maxsize=65536)
def can_match(pattern: str, fmt: str) -> bool:
    """Some ARN is matched by Resource `pattern` and has the shape of ARN format `fmt`.

    Each part's format is read token by token while a bit set tracks every pattern position some text
    of the format so far can reach (a subset construction over the pattern's positions): the
    cost is a few integer operations per format character, and most formats are ruled out
    within their first fields."""
    if pattern == "*":
        return True
    ps, fs = _service_field(pattern), _service_field(fmt)
    if ps is not None and fs is not None and ps != fs:
        return False
    # As the engine matches ARNs (`arn.py`): part by part, so a wildcard before the resource
    # part never crosses a `:`; a pattern of fewer than six parts only when it ends in `*`,
    # its last part then taking the rest of the ARN.
    pparts, fparts = _split(pattern), _split(fmt)
    if len(fparts) < 6:
        return _intersects(pattern, fmt, False)
    if len(pparts) < 6:
        if not pattern.endswith("*"):
            return False
        k = len(pparts) - 1
        return all(
            _intersects(p, f, True) for p, f in zip(pparts[:k], fparts[:k], strict=True)
        ) and _intersects(pparts[k], ":".join(fparts[k:]), False)
    return all(
        _intersects(p, f, k < 5) for k, (p, f) in enumerate(zip(pparts, fparts, strict=True))
    )


@lru_cache(maxsize=65536)
def _intersects(pattern: str, fmt: str, header: bool) -> bool:
    """Some text is matched by `pattern` and fits `fmt` (tokens as in the module docstring)."""
    stars, ones, literal, chars, accept, _ = _compiled(pattern)

    def close(states: int) -> int:
        while True:
            grown = states | ((states & stars) << 1)
            if grown == states:
                return states
            states = grown

    def step(states: int, movers: int) -> int:
        return close(((states & movers) << 1) | (states & stars))

    def repeat(states: int, movers: int, at_least_one: bool) -> int:
        reached = step(states, movers) if at_least_one else states
        seen = reached
        while True:
            more = seen | step(seen, movers)
            if more == seen:
                return seen
            seen = more

    states = close(1)
    for token in _format_tokens(fmt, header):
        if isinstance(token, str):
            states = step(states, ones | chars.get(token, 0))
        elif token == _ANY:
            states = repeat(states, ones | literal, at_least_one=False)
        else:
            excluded = _EXCLUDED[token]
            movers = ones | literal
            for ch in excluded:
                movers &= ~chars.get(ch, 0)
            states = repeat(states, movers, at_least_one=True)
        if not states:
            return False
    return bool(states & accept)


@lru_cache(maxsize=65536)
def fits(pattern: str, formats: tuple[str, ...]) -> bool:
    """Resource `pattern` can name a resource of one of `formats` (empty: the action takes only
    `*`, and the pattern must match the text `*` or name all of a service: module docstring)."""
    if pattern == "*":
        return True
    if not formats:
        return (can_match(pattern, "*") and _matches_star(pattern)) or _whole_service(pattern)
    return any(can_match(pattern, fmt) for fmt in formats)


def _whole_service(pattern: str) -> bool:
    """An ARN pattern whose resource part is only `*` (`arn:aws:s3:::*`, `arn:aws:ec2:*:*:*`;
    with fewer than six parts, its last part takes the rest and must be only `*`)."""
    parts = _split(pattern)
    if not parts[0] or not set(parts[0]) <= set("arn*?"):
        return False
    rest = ":".join(parts[5:]) if len(parts) >= 6 else parts[-1]
    return bool(rest) and set(rest) == {"*"}


def _matches_star(pattern: str) -> bool:
    """The pattern matches the one-character text `*` (e.g. `*`, `?`, `**`)."""
    tokens = _pattern_tokens(pattern)
    return sum(t == _ONE or t == "*" for t in tokens) <= 1 and all(
        t in (_ANY, _ONE, "*") for t in tokens
    )
