"""Can a Resource pattern name a resource an action acts on? (the summary's resource-type rule)

AWS's service authorization reference lists, for every action, the resource types it accepts and
each type's ARN format; an action whose Resource types column is empty supports no resource-level
permissions, and a statement must give Resource `*` for it. The IAM console's policy summary
therefore counts a statement as granting an action only when one of its Resource entries can
match a resource of a type that action accepts: `s3:Get*` on `arn:aws:s3:::reports/*` grants the
object actions (`s3:GetObject`), not the bucket ones (`s3:GetBucketAcl`, whose format is
`arn:${Partition}:s3:::${BucketName}`) nor the account-level ones that take only `*`.

"Can match" is decided exactly for the two wildcard languages, by walking both at once (a
product automaton, linear in the product of the two lengths): some ARN must be matched by the
policy pattern and fit the format. In the pattern, `*` is any text, `?` one character, and a
policy variable (`${aws:username}`) any text (its value is not known here); `${*}`, `${?}` and
`${$}` are the literal characters. In the format, `*` is any text and a placeholder
(`${BucketName}`) is one or more characters, never `/` (a bucket name holds none, so
`reports/*` cannot be a bucket) unless its name says it holds a path or key (`ObjectName`,
`RoleNameWithPath`, `ResourcePath`, `KeyName`, ...), and never `:` in the ARN's first five
fields (partition, service, region, account) nor in an IAM name with its path (so
`arn:aws:iam::*:user/*` cannot be a role: its `*` would have to hold `:role/`).

`fits(pattern, formats)`: `formats` empty means the action takes only `*`, which a pattern fits
when it matches the text `*` itself (`*`, not `arn:aws:s3:::*`).
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


@lru_cache(maxsize=4096)
def _format_tokens(fmt: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    colons = 0
    i = 0
    while i < len(fmt):
        if fmt.startswith("${", i) and "}" in fmt[i:]:
            end = fmt.index("}", i) + 1
            name = fmt[i + 2 : end - 1]
            if colons < 5:
                out.append(_FIELD)
            else:
                out.append(
                    _NAMEPATH
                    if name.endswith("WithPath")
                    else _PATH
                    if _PATHLIKE.search(name)
                    else _PART
                )
            i = end
            continue
        ch = fmt[i]
        colons += ch == ":"
        out.append(_ANY if ch == "*" else ch)
        i += 1
    return tuple(out)


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

    The format is read token by token while a bit set tracks every pattern position some text
    of the format so far can reach (a subset construction over the pattern's positions): the
    cost is a few integer operations per format character, and most formats are ruled out
    within their first fields."""
    if pattern == "*":
        return True
    ps, fs = _service_field(pattern), _service_field(fmt)
    if ps is not None and fs is not None and ps != fs:
        return False
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
    for token in _format_tokens(fmt):
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
    `*`, and the pattern must match the text `*`)."""
    if pattern == "*":
        return True
    if not formats:
        return can_match(pattern, "*") and _matches_star(pattern)
    return any(can_match(pattern, fmt) for fmt in formats)


def _matches_star(pattern: str) -> bool:
    """The pattern matches the one-character text `*` (e.g. `*`, `?`, `**`)."""
    tokens = _pattern_tokens(pattern)
    return sum(t == _ONE or t == "*" for t in tokens) <= 1 and all(
        t in (_ANY, _ONE, "*") for t in tokens
    )
