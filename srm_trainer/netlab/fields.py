"""Small readers for JSON input: each checks one field and names its path when it is wrong.

Unknown keys are refused rather than ignored, so a misspelt field (`"sorce"`) is an error a
learner sees instead of a rule that silently does nothing.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable
from typing import Any

from .errors import NetlabError


def obj(
    raw: Any, path: str, *, allowed: Iterable[str], required: Iterable[str] = ()
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise NetlabError("invalid_type", f"{path or 'the input'} must be a JSON object", path=path)
    allowed = set(allowed)
    for key in raw:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise NetlabError(
                "unknown_field",
                f"{join(path, key)} is not a field here (expected one of: {hint})",
                path=join(path, key),
            )
    for key in required:
        if key not in raw:
            raise NetlabError(
                "missing_field", f"{join(path, key)} is required", path=join(path, key)
            )
    return raw


def join(path: str, key: str | int) -> str:
    """`path.key`, or `path[2]` for a list item. A key that would read as more than one step
    (it holds `.`, `[`, `]` or `"`, or is empty: a header named `x.trace`, a misspelt field) is
    written `path["x.trace"]`, JSON-quoted, so the path can be read back step by step."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not key or _NOT_PLAIN.search(key):
        return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
    return f"{path}.{key}" if path else key


_NOT_PLAIN = re.compile(r'[.\[\]"]')


def steps(path: str) -> tuple[str | int, ...]:
    """A path `join` wrote, read back: `network.subnets[1].cidr` is
    `("network", "subnets", 1, "cidr")`, `headers["x.trace"]` is `("headers", "x.trace")`."""
    return tuple(
        int(index) if index else json.loads(quoted) if quoted else name
        for name, index, quoted in _STEP.findall(path or "")
    )


# One step of a path: `.name`, `[2]`, or a key that holds a dot or a bracket, JSON-quoted in
# brackets (`headers["x.trace"]`).
_STEP = re.compile(r'([^.\[\]"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def array(raw: Any, path: str, *, limit: int, what: str = "entries") -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise NetlabError("invalid_type", f"{path} must be a list", path=path)
    if len(raw) > limit:
        raise NetlabError(
            "too_many",
            f"{path} has {len(raw)} {what}; this lab allows at most {limit}",
            path=path,
        )
    return raw


def string(raw: Any, path: str, *, limit: int = 256, choices: Iterable[str] | None = None) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise NetlabError("invalid_type", f"{path} must be a non-empty string", path=path)
    if len(raw) > limit:
        raise NetlabError(
            "too_long", f"{path} is {len(raw)} characters long; at most {limit}", path=path
        )
    if choices is not None:
        options = list(choices)
        if raw not in options:
            raise NetlabError(
                "invalid_value",
                f"{path} must be one of {', '.join(options)}, not {raw!r}",
                path=path,
            )
    return raw


# Unicode's bidirectional controls (embeddings, overrides, isolates and marks): invisible, and
# one in a name (`web\u202eevil`) reverses the text drawn after it, in every sentence, diagram
# box and terminal line that names it. Refused in names, where no one needs them; a request's
# own text (a URI, a User-Agent) may hold them, as an attacker's would.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def name(raw: Any, path: str, *, limit: int) -> str:
    """A non-empty string that names something the explanations will draw: no bidi control."""
    text = string(raw, path, limit=limit)
    for c in text:
        if c in BIDI_CONTROLS:
            raise NetlabError(
                "invalid_name",
                f"{path}: a name cannot hold the invisible direction control U+{ord(c):04X} "
                f"(it would reverse the text after the name): {text!r}",
                path=path,
            )
    return text


def integer(raw: Any, path: str, *, low: int, high: int) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise NetlabError("invalid_type", f"{path} must be a whole number", path=path)
    if not low <= raw <= high:
        raise NetlabError(
            "out_of_range", f"{path} must be between {low} and {high}, not {raw}", path=path
        )
    return raw


def number(raw: Any, path: str, *, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise NetlabError("invalid_type", f"{path} must be a number", path=path)
    if not low <= raw <= high:
        raise NetlabError(
            "out_of_range", f"{path} must be between {low} and {high}, not {raw}", path=path
        )
    return float(raw)


def boolean(raw: Any, path: str) -> bool:
    if not isinstance(raw, bool):
        raise NetlabError("invalid_type", f"{path} must be true or false", path=path)
    return raw


def ipv4(raw: Any, path: str) -> ipaddress.IPv4Address:
    text = string(raw, path, limit=64)
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        raise NetlabError(
            "invalid_address", f"{path}: {text!r} is not an IP address", path=path
        ) from None
    if not isinstance(address, ipaddress.IPv4Address):
        raise NetlabError(
            "ipv6_unsupported", f"{path}: this lab models IPv4 only, not {text!r}", path=path
        )
    return address


_IPV4_CIDR = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}/(?:[0-9]|[12][0-9]|3[0-2])")


def cidr_notation(text: str, path: str) -> None:
    """Refuse an IPv4 range not written as AWS writes one: an address, a slash and a prefix
    length (`10.0.0.0/8`). Python's `ip_network` also reads a bare address as a /32, a netmask
    (`10.0.0.0/255.0.0.0`) or hostmask (`10.0.0.0/0.255.255.255`) and a padded prefix
    (`/08`), forms AWS's API pages never use (one address is "the /32 prefix length": EC2
    IpRange, WAF IPSet); a learner copying such a rule to AWS could meet an error the lab never
    showed. IPv6 text is left to the caller."""
    text = text.strip()
    if ":" in text or _IPV4_CIDR.fullmatch(text):
        return
    address, slash, prefix = text.partition("/")
    try:
        meant = ipaddress.ip_network(text, strict=False) if slash else None
    except ValueError:
        meant = None
    if not slash and _IPV4_CIDR.fullmatch(f"{address}/32"):
        why = f"has no prefix length: a CIDR block ends in /N, such as {address}/32 for this one address"
    elif meant is not None and "." in prefix:
        why = _mask_said(address, prefix, meant)
    elif meant is not None:
        why = f"pads its prefix length: write it as {meant.network_address}/{meant.prefixlen}"
    else:
        return  # not an IPv4 range at all: the caller's own message says what one looks like
    raise NetlabError("invalid_cidr", f"{path}: {text!r} {why}", path=path)


def _mask_said(
    address: str, mask: str, meant: ipaddress.IPv4Network | ipaddress.IPv6Network
) -> str:
    """Why a dotted mask after the slash is refused, naming what was typed: a netmask
    (`255.255.255.0`, ones first) or a wildcard mask, a hostmask as router ACLs write it
    (`0.0.0.255`, zeros first), each with the block `ip_network` read it as. A mask of all
    zeros or all ones reads both ways, the one as /0 and the other as /32: both are said, as
    one reading opens every address where the other meant a single one."""
    bits = int(ipaddress.IPv4Address(mask.strip()))
    if bits in (0, 0xFFFFFFFF):
        as_netmask = ipaddress.ip_network(f"{address}/{32 if bits else 0}", strict=False)
        as_wildcard = ipaddress.ip_network(f"{address}/{0 if bits else 32}", strict=False)
        return (
            f"gives a mask that reads two ways, as a netmask {as_netmask} and as a wildcard "
            f"mask {as_wildcard}: write the prefix length meant"
        )
    kind = "a netmask" if str(meant.netmask) == mask.strip() else "a wildcard (host) mask"
    return (
        f"gives {kind}: write its prefix length instead, {meant.network_address}/{meant.prefixlen}"
    )


def ipv4_network(raw: Any, path: str, *, rule: bool = False) -> ipaddress.IPv4Network:
    """An IPv4 CIDR block. One with host bits set (`10.0.0.5/16`) is refused, though EC2 takes
    it: its API stores the block the address lies in (`10.0.0.0/16`; CreateVpc, CreateSubnet,
    CreateNetworkAclEntry, IpRange). In a `rule` that silently opens the whole block where one
    address was likely meant, so the message says what AWS would store and how to write each."""
    text = string(raw, path, limit=64)
    cidr_notation(text, path)
    try:
        network = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        if "host bits set" in str(exc):
            block = ipaddress.ip_network(text.strip(), strict=False)
            address = text.strip().partition("/")[0]
            said = (
                f"AWS would store the block it lies in, {block} ({block.num_addresses:,} "
                f"addresses), not {address} alone: write {block} for the block, or "
                f"{address}/32 for the one address"
                if rule
                else f"AWS would store it as {block}, the block it lies in: write {block}"
            )
            raise NetlabError(
                "invalid_cidr", f"{path}: {text!r} has host bits set; {said}", path=path
            ) from None
        raise NetlabError(
            "invalid_cidr", f"{path}: {text!r} is not a CIDR block such as 10.0.0.0/16", path=path
        ) from None
    if not isinstance(network, ipaddress.IPv4Network):
        raise NetlabError(
            "ipv6_unsupported", f"{path}: this lab models IPv4 only, not {text!r}", path=path
        )
    return network
