"""Request-context values that AWS would never send for their key.

A case may give any text for any key, so a learner can write `aws:SourceIp: "not-an-ip"` and
watch `IpAddress` conditions silently fail. `check_context` names each value that does not fit
its key's documented type (the types in `catalog.condition_key_type`: the IAM User Guide's
global keys and the Service Authorization Reference's), and says what it does to the decision.
It reads every value with the readers the condition operators use (`conditions.CONTEXT_READERS`),
so a warning and the evaluation cannot disagree; it never changes an evaluation.

What the types accept (IAM User Guide, "Condition operators" and "Supported data types"):
- IPAddress: one IPv4 or IPv6 address. A policy value may be a CIDR range; the request carries
  the address it came from, so a range there is no value AWS sends.
- Date: a W3C profile of ISO 8601 date/time, or epoch (UNIX) seconds.
- Numeric: an integer or a decimal.
- Bool: true or false.
- ARN: `arn:partition:service:region:account:resource`.
- ArrayOf<type>: a list, each element of <type>.
A global key (`aws:`) the User Guide lists as single-valued gets a warning when the case gives it
a list. Service keys do not: the Service Authorization Reference types some multivalued keys as
plain String (`cognito-identity.amazonaws.com:amr`, which AWS's own trust policies test with
ForAnyValue:), so a warning there would be wrong.
String keys take any text. Keys the catalogue does not know are left alone.

`check_caller_keys` names a principal key whose value is not the caller's (IAM User Guide,
"AWS global condition context keys", principal properties): aws:username "alice" in a request
made by `user/dana`, aws:PrincipalArn left from the caller a case had before. AWS sets these
from the caller, so no request holds another's; a case that does evaluates conditions and
policy variables (`${aws:username}`) against a caller it does not show. The caller's values are
`principals.default_context`, what the editors pre-fill.

How our engine treats a value its operator cannot read: every comparison with it is false,
negated operators' too (`conditions.py`). AWS documents no outcome for such values (it never
sends them), so the words say "here", in this evaluation.

Linear in the context's size: one catalogue look-up per key and one read per value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import catalog
from .arn import parse_arn
from .budget import Budget
from .conditions import CONTEXT_READERS, is_malformed, read_network
from .context import RequestContext
from .errors import PolicyError
from .findings import TOPIC_CONDITIONS, Finding

__all__ = [
    "CONTEXT_CODES",
    "LIST_ON_SINGLE",
    "NOT_THE_CALLERS",
    "WRONG_TYPE",
    "check_caller_keys",
    "check_context",
]

WRONG_TYPE = "context_value_wrong_type"
LIST_ON_SINGLE = "context_list_on_single_valued_key"
NOT_THE_CALLERS = "context_key_not_the_callers"
CONTEXT_CODES = frozenset({WRONG_TYPE, LIST_ON_SINGLE, NOT_THE_CALLERS})

# What AWS sends for each type, and an example a learner can copy.
_WORDS = {
    "IPAddress": ("an IP address", "203.0.113.10"),
    "Date": ("a date and time", "2026-12-04T12:00:00Z, or 1796385600 in epoch seconds"),
    "Numeric": ("a number", "3600"),
    "Bool": ("true or false", ""),
    "ARN": ("an ARN", "arn:aws:iam::111122223333:user/alice"),
}
# What a value the operators cannot read does to them, in our engine (see the module's doc).
_NEVER_MATCH = {
    "IPAddress": "neither IpAddress nor NotIpAddress conditions match it",
    "Date": "no Date condition matches it, DateNotEquals included",
    "Numeric": "no Numeric condition matches it, NumericNotEquals included",
    "Bool": "a Bool condition on it matches neither true nor false",
    "ARN": "no Arn condition matches it, ArnNotEquals and ArnNotLike included",
}
_NAMES = {"IPAddress": "IP address", "Date": "Date", "Numeric": "Numeric", "Bool": "Bool"}
_SHOWN_CHARS = 60  # a value longer than this is cut in the message
_SHOWN_VALUES = 3  # bad elements of one list named in the message


def _read(context: RequestContext | Mapping[str, Any] | None, path: str) -> RequestContext | None:
    """`context` as the engine reads it; None where the engine refuses it (the evaluation says
    why, so the checks here say nothing)."""
    if isinstance(context, RequestContext):
        return context
    try:
        return RequestContext.from_mapping(context, path=path)
    except PolicyError:
        return None


def check_context(
    context: RequestContext | Mapping[str, Any] | None,
    *,
    path: str = "request.context",
    budget: Budget | None = None,
) -> list[Finding]:
    """Warnings for the values of `context` that do not fit their key's type: at most one per
    key, with the key, the values, the types AWS sends and what they do to conditions.

    A context the engine refuses (`RequestContext.from_mapping` raises) has no findings here:
    the evaluation reports it. `budget.findings`, when given, is spent as `lint` spends it.
    """
    ctx = _read(context, path)
    if ctx is None:
        return []
    found: list[Finding] = []
    for name in ctx:
        if budget is not None and budget.findings <= 0:
            break
        types = catalog.condition_key_type(name)
        if not types:
            continue
        values = ctx.get(name) or ()
        finding = _check_key(name, values, ctx.is_multivalued(name), types, f"{path}.{name}")
        if finding is not None:
            found.append(finding)
            if budget is not None:
                budget.findings -= 1
    return found


def _check_key(
    name: str, values: tuple[str, ...], multi: bool, types: tuple[str, ...], path: str
) -> Finding | None:
    bare = tuple(dict.fromkeys(t.removeprefix("ArrayOf") for t in types))
    multivalued = any(t.startswith("ArrayOf") for t in types)
    if multi and not multivalued and name[:4].lower() == "aws:":
        return _list_on_single(name, values, bare, path)
    if "String" in bare:  # any text is a string
        return None
    checked = [t for t in bare if t in CONTEXT_READERS]
    if not checked:
        return None
    bad = [v for v in values if not any(_fits(t, v) for t in checked)]
    if not bad:
        return None
    return _wrong_type(name, bad, multi, checked, path)


def _fits(key_type: str, value: str) -> bool:
    """Whether AWS could send `value` for a key of `key_type`: the operators read it, and for an
    ARN it is a whole one (`arn:` and six parts; the Arn operators read any six parts)."""
    if is_malformed(CONTEXT_READERS[key_type](value)):
        return False
    return key_type != "ARN" or parse_arn(value) is not None


def _shown(value: str) -> str:
    if len(value) > _SHOWN_CHARS:
        value = value[: _SHOWN_CHARS - 1] + "…"
    return f"“{value}”"


def _expected(types: list[str]) -> tuple[str, str]:
    """The words for what AWS sends ("an IP address") and an example ("such as …")."""
    words = " or ".join(_WORDS[t][0] for t in types)
    examples = [_WORDS[t][1] for t in types if _WORDS[t][1]]
    return words, examples[0] if examples else ""


def _consequence(types: list[str], values: list[str]) -> str:
    """What the unreadable values do to conditions, in our engine."""
    unreadable = [t for t in types if all(is_malformed(CONTEXT_READERS[t](v)) for v in values)]
    if not unreadable:  # an ARN of six parts without `arn:`: compared part by part
        return "Arn conditions still compare it part by part, but no real request holds it."
    if len(unreadable) == 1:
        return f"Here {_NEVER_MATCH[unreadable[0]]}."
    names = " nor ".join(_NAMES.get(t, t) for t in unreadable)
    return f"Here neither {names} conditions match it, negated ones included."


def _wrong_type(name: str, bad: list[str], multi: bool, types: list[str], path: str) -> Finding:
    expected, example = _expected(types)
    value = bad[0]
    such_as = f", such as {example}" if example else ""
    if multi:
        listed = ", ".join(_shown(v) if v else "an empty string" for v in bad[:_SHOWN_VALUES])
        more = len(bad) - _SHOWN_VALUES
        if more > 0:
            listed += f" and {more} more"
        what = f"{name} holds {listed}, not {expected}"
        sends = f"AWS sends {expected} in each of its values{such_as}."
    elif value == "":
        what = f"{name} is empty"
        sends = f"AWS sends {expected} for this key{such_as}."
    elif "IPAddress" in types and "/" in value and not is_malformed(read_network(value)):
        what = f"{name} is {_shown(value)}, a range of addresses"
        sends = f"AWS sends the one address the request came from{such_as}."
    else:
        what = f"{name} is {_shown(value)}, which is not {expected}"
        sends = f"AWS sends {expected} for this key{such_as}."
    return Finding(
        WRONG_TYPE,
        "warning",
        f"{what}: {sends} {_consequence(types, bad)}",
        path,
        data={"key": name, "values": bad, "expected": types, "expected_words": expected},
        topic=TOPIC_CONDITIONS,
    )


def _list_on_single(
    name: str, values: tuple[str, ...], types: tuple[str, ...], path: str
) -> Finding:
    expected = " or ".join(_WORDS.get(t, ("text", ""))[0] for t in types)
    if values:
        what = f"{name} is a list"
        then = (
            "Here only conditions with ForAnyValue: or ForAllValues: read a list; the others "
            "do not match it, negated ones included."
        )
    else:
        what = f"{name} is an empty list, which counts as a missing key"
        then = "Give that value, or remove the key if the request should not carry it."
    return Finding(
        LIST_ON_SINGLE,
        "warning",
        f"{what}, but AWS sends one value for this key ({expected}). {then}",
        path,
        data={"key": name, "values": list(values), "expected": list(types)},
        topic=TOPIC_CONDITIONS,
    )


def check_caller_keys(
    principal: Any,
    context: RequestContext | Mapping[str, Any] | None,
    *,
    path: str = "request.context",
    budget: Budget | None = None,
) -> list[Finding]:
    """A warning for each principal key of `context` (aws:username, aws:PrincipalArn, …) whose
    one value is not what AWS sends for `principal`, the request's caller. Keys the caller's
    ARN does not decide (a user's unique id) and keys the context leaves out are not named; a
    caller or a context the engine refuses has none (the evaluation reports it)."""
    from .principals import default_context

    if not isinstance(principal, str):
        return []
    sends = default_context(principal)
    if not sends:
        return []
    ctx = _read(context, path)
    if ctx is None:
        return []
    found: list[Finding] = []
    for name, value in sends.items():
        if budget is not None and budget.findings <= 0:
            break
        given = ctx.get(name)
        if not given or ctx.is_multivalued(name) or given[0] == value:
            continue  # absent, a list (`check_context` says so), or right
        found.append(
            Finding(
                NOT_THE_CALLERS,
                "warning",
                f"{name} is {_shown(given[0])}, but the caller is {principal}, for whom AWS "
                f"sends “{value}”. Here conditions and policy variables on {name} read "
                f"{_shown(given[0])}: correct it, or remove the row.",
                f"{path}.{name}",
                data={"key": name, "values": [given[0]], "sends": value},
                topic=TOPIC_CONDITIONS,
            )
        )
        if budget is not None:
            budget.findings -= 1
    return found
