"""What a WAF statement inspects: a request component, text transformations, body limits.

Components and transformations use AWS WAF's own JSON names (`FieldToMatch`, `UriPath`,
`TextTransformations`, `URL_DECODE` ...), so a rule copied from the console's JSON editor reads
the same here. Only the transformations listed in `TRANSFORMS` are modelled; any other is
refused with a message rather than silently skipped.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from . import fields as f
from .errors import NetlabError

MAX_TRANSFORMS = 10  # AWS's limit per statement


def _compress_white_space(text: str) -> str:
    return re.sub(r"[ \t\n\r\f\v\xa0]+", " ", text)


def _base64(text: str) -> str:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=False).decode(
            "utf-8", "replace"
        )
    except (binascii.Error, ValueError):
        return text


def _hex(text: str) -> str:
    try:
        return bytes.fromhex(text).decode("utf-8", "replace")
    except ValueError:
        return text


def _normalize_path(text: str) -> str:
    """NORMALIZE_PATH as the Developer Guide words it: multiple slashes, self-references (`.`)
    and the back-references (`..`) not at the beginning of the input are removed, a
    back-reference with the directory before it. So `../../etc/passwd` keeps its `../../`
    (it was read as `etc/passwd`, hiding the traversal), and `a/../b` is `b`. A `..` that would
    climb above the root of an absolute path (`/../x`) is dropped: the guide does not say."""
    text = re.sub(r"/{2,}", "/", text)
    absolute = text.startswith("/")
    segments = text.split("/")[1:] if absolute else text.split("/")
    out: list[str] = []
    for part in segments:
        if part == ".":
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not absolute:  # at the beginning of a relative path: nothing to remove
                out.append(part)
            continue
        out.append(part)
    return "/" + "/".join(out) if absolute else "/".join(out)


# AWS WAF's LOWERCASE (and CMD_LINE's last step) converts A-Z only: "É" stays "É".
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lowercase(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _cmd_line(text: str) -> str:
    text = re.sub(r"[\\\"'^]", "", text)
    text = re.sub(r"\s+(?=[/(])", "", text)
    text = re.sub(r"[,;]", " ", text)
    return _lowercase(_compress_white_space(text))


_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")


def _percent_u(code: int) -> str:
    """One `%uHHHH`, as the Developer Guide describes URL_DECODE_UNI: a full-width ASCII code
    (FF01-FF5E) becomes its ASCII character, any other keeps its lower byte only."""
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return chr(code & 0xFF)


def _url_decode_uni(text: str) -> str:
    # One pass: what a %u decodes to is not decoded again (%u0025 is "%", not an escape).
    parts = _PERCENT_U.split(text)
    return "".join(unquote(part) if i % 2 == 0 else _percent_u(int(part, 16))
                   for i, part in enumerate(parts))  # fmt: skip


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "NONE": lambda s: s,
    "LOWERCASE": _lowercase,
    "COMPRESS_WHITE_SPACE": _compress_white_space,
    "HTML_ENTITY_DECODE": html.unescape,
    "URL_DECODE": unquote,
    "URL_DECODE_UNI": _url_decode_uni,
    "BASE64_DECODE": _base64,
    "HEX_DECODE": _hex,
    "REMOVE_NULLS": lambda s: s.replace("\x00", ""),
    "NORMALIZE_PATH": _normalize_path,
    "CMD_LINE": _cmd_line,
}


# What one transformation costs a byte of text, in the units of `waf.MAX_INSPECTED` (one unit:
# reading a byte once in C, a match or a regular expression's pass, ~15 ns). The Python ones cost
# more, most of all on the text each is slowest on, which it leaves as it was, so a chain of them
# pays every time: URL_DECODE takes ~1 µs for each byte of "%%%%" (measured 2026-12-06 on 64 KB:
# URL_DECODE 67 ms, URL_DECODE_UNI 59, CMD_LINE 12, COMPRESS_WHITE_SPACE 11, HTML_ENTITY_DECODE
# 10 on "&#&#", NORMALIZE_PATH 6; the C ones under 0.3). Counted as one pass each, ten of them on
# a dozen statements passed the budget and cost 3.6 s of CPU.
TRANSFORM_COST: dict[str, int] = {
    "NONE": 1,
    "LOWERCASE": 1,
    "REMOVE_NULLS": 1,
    "BASE64_DECODE": 1,
    "HEX_DECODE": 1,
    "NORMALIZE_PATH": 8,
    "HTML_ENTITY_DECODE": 12,
    "COMPRESS_WHITE_SPACE": 12,
    "CMD_LINE": 16,
    "URL_DECODE": 70,
    "URL_DECODE_UNI": 70,
}


def transform_cost(kinds: tuple[str, ...]) -> int:
    """What applying `kinds` costs a byte of text (`TRANSFORM_COST`)."""
    return sum(TRANSFORM_COST[kind] for kind in kinds)


def parse_transforms(raw: Any, path: str) -> tuple[str, ...]:
    """Transformations in the order AWS applies them: lowest `Priority` first. At least one,
    as AWS WAF's API requires of every statement that inspects a request component (the
    ByteMatch, RegexMatch, RegexPatternSetReference and SizeConstraint statements: "Minimum
    number of 1 item"); `NONE` says none."""
    items = f.array(raw, path, limit=MAX_TRANSFORMS, what="text transformations")
    if not items:
        raise NetlabError(
            "invalid_value",
            f'{path} needs at least one text transformation: {{"Priority": 0, "Type": "NONE"}} '
            "for none",
            path=path,
        )
    seen: set[int] = set()
    out = []
    for i, item in enumerate(items):
        p = f.join(path, i)
        f.obj(item, p, allowed=("Priority", "Type"), required=("Priority", "Type"))
        priority = f.integer(item["Priority"], f"{p}.Priority", low=0, high=10_000)
        if priority in seen:
            raise NetlabError(
                "duplicate_priority",
                f"{p}.Priority: two transformations have priority {priority}",
                path=f"{p}.Priority",
            )
        seen.add(priority)
        kind = f.string(item["Type"], f"{p}.Type", limit=40)
        if kind not in TRANSFORMS:
            raise NetlabError(
                "unsupported_transformation",
                f"{p}.Type: this lab models {', '.join(TRANSFORMS)}; not {kind!r}",
                path=f"{p}.Type",
            )
        out.append((priority, kind))
    return tuple(kind for _, kind in sorted(out))


def transform(value: str, kinds: tuple[str, ...]) -> str:
    for kind in kinds:
        value = TRANSFORMS[kind](value)
    return value


@dataclass(frozen=True, slots=True)
class Field:
    kind: str  # UriPath | QueryString | SingleHeader | SingleQueryArgument | AllQueryArguments
    #            | Method | Body
    name: str | None = None
    oversize: str = "CONTINUE"

    def describe(self) -> str:
        return {
            "UriPath": "the URI path",
            "QueryString": "the query string",
            "SingleHeader": f"header {self.name}",
            "SingleQueryArgument": f"query argument {self.name}",
            "AllQueryArguments": "every query argument value",
            "Method": "the HTTP method",
            "Body": "the body",
        }[self.kind]


_FIELD_KINDS = (
    "UriPath",
    "QueryString",
    "SingleHeader",
    "SingleQueryArgument",
    "AllQueryArguments",
    "Method",
    "Body",
)


# Request components AWS WAF has and the lab does not inspect: refused as not modelled, not as
# "not a field here", which would tell a learner copying a rule from AWS that it is wrong.
_AWS_ONLY_FIELDS = ("Headers", "Cookies", "JsonBody", "JA3Fingerprint", "JA4Fingerprint",
                    "HeaderOrder", "UriFragment")  # fmt: skip


def parse_field(raw: Any, path: str) -> Field:
    f.obj(raw, path, allowed=_FIELD_KINDS + _AWS_ONLY_FIELDS)
    if len(raw) != 1:
        raise NetlabError(
            "invalid_field_to_match",
            f"{path} names exactly one request component (one of {', '.join(_FIELD_KINDS)})",
            path=path,
        )
    kind, spec = next(iter(raw.items()))
    p = f.join(path, kind)
    if kind not in _FIELD_KINDS:
        raise NetlabError(
            "unsupported_field",
            f"{p}: this lab inspects {', '.join(_FIELD_KINDS)}; not {kind}",
            path=p,
        )
    if kind in ("SingleHeader", "SingleQueryArgument"):
        f.obj(spec, p, allowed=("Name",), required=("Name",))
        return Field(kind, f.string(spec["Name"], f"{p}.Name", limit=64).lower())
    if kind == "Body":
        f.obj(spec, p, allowed=("OversizeHandling",))
        oversize = f.string(
            spec.get("OversizeHandling", "CONTINUE"),
            f"{p}.OversizeHandling",
            choices=("CONTINUE", "MATCH", "NO_MATCH"),
        )
        return Field(kind, None, oversize)
    f.obj(spec, p, allowed=())
    return Field(kind)


def query_pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((name.lower(), value))
    return pairs
