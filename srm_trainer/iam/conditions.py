"""The Condition element: parsing and evaluation of every documented condition operator.

Sources (IAM User Guide):
- operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- AND/OR/NOR logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
- set operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

The rules implemented:
- several operators, and several keys under one operator, are ANDed; several values for one
  key are ORed, and for a negated operator (StringNotEquals, StringNotEqualsIgnoreCase,
  StringNotLike, NumericNotEquals, DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike)
  NORed: the context value must match none of them;
- a key missing from the request context makes the condition false, except for the negated
  operators (true), `...IfExists` (true) and `Null` (which tests exactly that); a key given
  as an empty list has no value and counts as missing (the multivalued-key examples treat
  "context keys with empty values" like missing ones);
- `ForAllValues:` is true when the key is missing or empty (an empty list, or values that are
  all empty strings: "a null data set, such as an empty string") and otherwise needs every context
  value to satisfy the operator; `ForAnyValue:` is false when the key is missing or empty and
  otherwise needs one. A missing key under `ForAnyValue:...IfExists` is still false: AWS
  reports it that way (https://repost.aws/questions/QU9HFmDzP0QGuU-fd7rS6B7w);
- a multivalued context key (a list in the request) needs a set operator; with a plain
  operator the condition does not match (reported as a mismatch);
- key names are case-insensitive, values case-sensitive except the IgnoreCase operators;
  `Bool` compares case-insensitively with "true"/"false";
- policy variables are substituted only for the String, Arn and Bool operators and only when
  the policy's Version allows them; a variable with no value is a null value that no
  ordinary operator matches and every negated operator is satisfied by;
- malformed numbers, dates, IP addresses, base64 or booleans never raise while evaluating:
  the comparison involving them is false (for a negated operator too) and the failure says so;
  so is a request value for an Arn operator that is not six colon-delimited parts, and a
  policy value that is neither six parts, `*`, nor parts cut short by a trailing `*`.

Operator names are matched case-insensitively (`stringequals` is read as `StringEquals`).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import cast

from .arn import ArnMatcher, compile_arn_tokens
from .context import RequestContext, normalise_scalar
from .errors import PolicyError
from .fastinit import fast_init
from .variables import Template, listed_variable_keys, parse_template
from .wildcard import Pattern, compile_pattern, fold_case, text_cache, text_tokens

__all__ = [
    "CONDITION_OPERATORS",
    "CONTEXT_READERS",
    "ConditionClause",
    "ConditionFailure",
    "ConditionResult",
    "evaluate_conditions",
    "is_malformed",
    "parse_condition_block",
    "parse_operator",
]

KEY_MISSING = "condition_key_missing"
VALUE_MISMATCH = "condition_value_mismatch"

# Why a clause's values did not match (`ConditionFailure.shape`), where "the condition wants X
# and the request has Y" would mislead: a negated operator fails when the value IS one of those
# listed, a set operator on some values only, a plain operator on a list whatever it holds.
SHAPES = (
    "negated",  # a negated operator: the request's value matches one of those it excludes
    "all_values",  # ForAllValues: `culprits` are the request values that do not match
    "all_values_negated",  # ForAllValues with a negated operator: `culprits` match an excluded one
    "any_value",  # ForAnyValue: none of the request values (`culprits`) matches
    "any_value_negated",  # ForAnyValue, negated: every request value matches an excluded one
    "multivalued",  # a plain operator on a key the request sends as a list
    "null_data_set",  # ForAnyValue on request values that are all empty strings
    "null_present",  # Null true (the key must be absent), and the request has the key
    "request_unreadable",  # `culprits`: request values the operator cannot read (not a number)
    "policy_unreadable",  # `culprits`: policy values the operator cannot read
    "variable_no_value",  # every policy value holds a variable with no value in this request;
    # `culprits`: the variables' keys that the request sends as lists
)


class _Malformed:
    """Marks a value that could not be read as the operator's type."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<malformed>"


_MALFORMED = _Malformed()

# ---------------------------------------------------------------------------------------------
# Value readers. Fixed regexes only: no user text ever reaches the regex compiler.

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_EPOCH_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")
_DATE_RE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


@text_cache(2048, max_len=256)
def read_number(text: str) -> Decimal | _Malformed:
    """An integer or decimal (as IAM's Numeric operators take them), exactly."""
    if not _NUMBER_RE.fullmatch(text):
        return _MALFORMED
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):  # pragma: no cover - the regex already vetted it
        return _MALFORMED


@text_cache(2048, max_len=256)
def read_date(text: str) -> int | _Malformed:
    """Microseconds since the epoch from a W3C ISO 8601 date/time or epoch seconds.

    Digits only (optionally with a fraction) are epoch seconds; otherwise
    YYYY[-MM[-DD[Thh:mm[:ss[.s]][TZD]]]] with TZD `Z` or `±hh:mm` (UTC when absent).
    """
    try:
        if _EPOCH_RE.fullmatch(text):
            return int((Decimal(text) * 1_000_000).to_integral_value(rounding="ROUND_FLOOR"))
        m = _DATE_RE.fullmatch(text)
        if not m:
            return _MALFORMED
        year, month, day, hour, minute, second, fraction, tz = m.groups()
        tzinfo = UTC
        if tz and tz not in ("Z", "z"):
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            hours = int(digits[:2])
            minutes = int(digits[2:4]) if len(digits) > 2 else 0
            if hours > 23 or minutes > 59:
                return _MALFORMED
            tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=tzinfo,
        )
        return (moment - _EPOCH) // _MICRO
    except (ValueError, OverflowError, InvalidOperation):
        return _MALFORMED


@text_cache(1024, max_len=256)
def read_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | _Malformed:
    """A CIDR block; a bare address means /32 (IPv4) or /128 (IPv6)."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return _MALFORMED


@text_cache(1024, max_len=256)
def read_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | _Malformed:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return _MALFORMED


@text_cache(1024, max_len=256)
def read_base64(text: str) -> bytes | _Malformed:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return _MALFORMED


def read_bool(text: str) -> str | _Malformed:
    low = text.lower()
    return low if low in ("true", "false") else _MALFORMED


# ---------------------------------------------------------------------------------------------
# Operator table.


@dataclass(frozen=True, slots=True)
class _Family:
    name: str
    read_policy: Callable[[str], object]  # policy text -> compiled value (or _MALFORMED)
    read_context: Callable[[str], object]  # context text -> comparable (or _MALFORMED)
    variables: bool  # whether policy variables are substituted for this family


def _identity(text: str) -> str:
    return text


# The comparisons take `object`: each family's readers decide the types (one table holds them
# all), and each comparison checks the types it needs, so a mismatch is false, not a crash.


def _ip_in(address: object, network: object) -> bool:
    if isinstance(network, ipaddress.IPv4Network):
        return isinstance(address, ipaddress.IPv4Address) and address in network
    if isinstance(network, ipaddress.IPv6Network):
        return isinstance(address, ipaddress.IPv6Address) and address in network
    return False


def _like(value: object, pattern: object) -> bool:
    return isinstance(pattern, Pattern) and isinstance(value, str) and pattern.match(value)


def _arn_like(value: object, matcher: object) -> bool:
    return isinstance(matcher, ArnMatcher) and isinstance(value, str) and matcher.match(value)


def _eq(a: object, b: object) -> bool:
    return a == b


# Numbers are Decimal, dates whole seconds (int): both sides always come from one family.
def _lt(a: object, b: object) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a < b
    return isinstance(a, int) and isinstance(b, int) and a < b


def _le(a: object, b: object) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a <= b
    return isinstance(a, int) and isinstance(b, int) and a <= b


def _gt(a: object, b: object) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a > b
    return isinstance(a, int) and isinstance(b, int) and a > b


def _ge(a: object, b: object) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a >= b
    return isinstance(a, int) and isinstance(b, int) and a >= b


def _arn_policy_value(matcher: ArnMatcher) -> object:
    """A policy value for the Arn operators: six parts, `*`, or parts cut short by a trailing
    `*`; anything else cannot be compared part by part and is malformed (see `read_arn`)."""
    if matcher.head is None and not matcher.is_any:
        return _MALFORMED
    return matcher


@text_cache(1024, max_len=256)
def _arn_matcher_for(source: str, values: tuple[str, ...]) -> object:
    return _arn_policy_value(compile_arn_tokens(parse_template(source).tokens_with(values)))


def _compile_arn_text(text: str) -> object:
    return _arn_policy_value(compile_arn_tokens(text_tokens(text)))


def read_arn(text: str) -> str | _Malformed:
    """A request value for the Arn operators: six colon-delimited parts, else malformed.

    The ARN operators check "each of the six colon-delimited components" separately, so a
    value without six parts cannot be compared at all (false, for ArnNotEquals/ArnNotLike too),
    like a malformed number or date.
    """
    return text if text.count(":") >= 5 else _MALFORMED


_STRING = _Family("String", _identity, _identity, True)
_STRING_CI = _Family("String", fold_case, fold_case, True)
_STRING_LIKE = _Family("String", compile_pattern, _identity, True)
_NUMERIC = _Family("Numeric", read_number, read_number, False)
_DATE = _Family("Date", read_date, read_date, False)
_BOOL = _Family("Bool", read_bool, read_bool, True)
_BINARY = _Family("Binary", read_base64, read_base64, False)
_IP = _Family("IpAddress", read_network, read_address, False)
_ARN = _Family("Arn", _compile_arn_text, read_arn, True)

# How the operators for each key type (the Service Authorization Reference's names) read a
# request value: `context_check` warns about the values these cannot read, with these same
# readers, so a warning and the evaluation never disagree.
CONTEXT_READERS: dict[str, Callable[[str], object]] = {
    "IPAddress": _IP.read_context,
    "Date": _DATE.read_context,
    "Numeric": _NUMERIC.read_context,
    "Bool": _BOOL.read_context,
    "ARN": _ARN.read_context,
}


def value_type(operator: str) -> str:
    """The kind of value an operator compares ("Numeric", "Date", "IpAddress", ...), as the
    explanations name it; "" for Null or an operator AWS does not have."""
    op = parse_operator(operator)
    if op is None or op.base == "Null":
        return ""
    return _OPERATORS[op.base][0].name


def is_malformed(value: object) -> bool:
    """Whether a reader's answer means it could not read the text."""
    return value is _MALFORMED


# canonical name -> (family, comparison(context_value, policy_value), negated)
_OPERATORS: dict[str, tuple[_Family, Callable[[object, object], bool], bool]] = {
    "StringEquals": (_STRING, _eq, False),
    "StringNotEquals": (_STRING, _eq, True),
    "StringEqualsIgnoreCase": (_STRING_CI, _eq, False),
    "StringNotEqualsIgnoreCase": (_STRING_CI, _eq, True),
    "StringLike": (_STRING_LIKE, _like, False),
    "StringNotLike": (_STRING_LIKE, _like, True),
    "NumericEquals": (_NUMERIC, _eq, False),
    "NumericNotEquals": (_NUMERIC, _eq, True),
    "NumericLessThan": (_NUMERIC, _lt, False),
    "NumericLessThanEquals": (_NUMERIC, _le, False),
    "NumericGreaterThan": (_NUMERIC, _gt, False),
    "NumericGreaterThanEquals": (_NUMERIC, _ge, False),
    "DateEquals": (_DATE, _eq, False),
    "DateNotEquals": (_DATE, _eq, True),
    "DateLessThan": (_DATE, _lt, False),
    "DateLessThanEquals": (_DATE, _le, False),
    "DateGreaterThan": (_DATE, _gt, False),
    "DateGreaterThanEquals": (_DATE, _ge, False),
    "Bool": (_BOOL, _eq, False),
    "BinaryEquals": (_BINARY, _eq, False),
    "IpAddress": (_IP, _ip_in, False),
    "NotIpAddress": (_IP, _ip_in, True),
    "ArnEquals": (_ARN, _arn_like, False),
    "ArnLike": (_ARN, _arn_like, False),
    "ArnNotEquals": (_ARN, _arn_like, True),
    "ArnNotLike": (_ARN, _arn_like, True),
}

CONDITION_OPERATORS: tuple[str, ...] = (*_OPERATORS, "Null")
"""Every base operator name AWS documents (each but Null also takes `IfExists`)."""

_BY_LOWER = {name.lower(): name for name in CONDITION_OPERATORS}
_SET_OPERATORS = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}


@dataclass(frozen=True, slots=True)
class OperatorName:
    """A parsed operator: `ForAnyValue:StringLikeIfExists` → set, base, if_exists."""

    text: str
    base: str
    set_operator: str | None
    if_exists: bool

    @property
    def canonical(self) -> str:
        prefix = f"{self.set_operator}:" if self.set_operator else ""
        return prefix + self.base + ("IfExists" if self.if_exists else "")

    @property
    def negated(self) -> bool:
        return self.base != "Null" and _OPERATORS[self.base][2]


@lru_cache(maxsize=512)
def parse_operator(text: str) -> OperatorName | None:
    """Read an operator name (case-insensitively); None when AWS has no such operator."""
    if not isinstance(text, str):
        return None
    set_operator = None
    rest = text
    if ":" in text:
        prefix, rest = text.split(":", 1)
        set_operator = _SET_OPERATORS.get(prefix.lower())
        if set_operator is None:
            return None
    low = rest.lower()
    base = _BY_LOWER.get(low)
    if_exists = False
    if base is None and low.endswith("ifexists"):
        base = _BY_LOWER.get(low[: -len("ifexists")])
        if base == "Null":
            return None  # the doc: IfExists goes on "any condition operator name except Null"
        if_exists = True
    if base is None:
        return None
    return OperatorName(text, base, set_operator, if_exists)


# ---------------------------------------------------------------------------------------------
# Parsed clauses and results.


@fast_init
@dataclass(frozen=True, slots=True)
class ConditionFailure:
    """Why one clause (operator + key) did not match."""

    operator: str
    key: str
    code: str  # condition_key_missing | condition_value_mismatch
    expected: tuple[str, ...]
    actual: tuple[str, ...] | None
    detail: str = ""
    # Why the values did not match, for the explanation's words (`SHAPES`): "" when the plain
    # reading ("wants X, the request has Y") says it; `culprits` are the values to name.
    shape: str = ""
    culprits: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "operator": self.operator,
            "key": self.key,
            "code": self.code,
            "expected": list(self.expected),
            "actual": None if self.actual is None else list(self.actual),
            "detail": self.detail,
        }


@fast_init
@dataclass(frozen=True, slots=True)
class ConditionResult:
    matched: bool
    failures: tuple[ConditionFailure, ...] = ()


_MATCHED = ConditionResult(True, ())


_UNKEPT = object()
_VERDICTS_KEPT = 4096  # per context: more distinct clauses than any case the limits allow


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class ConditionClause:
    """One operator + one key + its values, compiled once."""

    operator: str  # as written, e.g. "ForAnyValue:StringLike"
    base: str  # canonical base operator, e.g. "StringLike"
    set_operator: str | None  # "ForAllValues" | "ForAnyValue" | None
    if_exists: bool
    negated: bool
    key: str  # as written
    values: tuple[str, ...]  # normalised to strings
    path: str  # e.g. Statement[0].Condition.StringLike.s3:prefix
    _compiled: tuple[object, ...]  # per value: compiled form or _MALFORMED
    _templates: tuple[Template, ...] | None  # set when some value has `${`
    _family: _Family | None
    _compare: Callable[[object, object], bool] | None

    @property
    def supports_variables(self) -> bool:
        return self._family is not None and self._family.variables

    @property
    def malformed_values(self) -> tuple[str, ...]:
        """Policy values the operator cannot read (e.g. `abc` for NumericEquals)."""
        return tuple(v for v, c in zip(self.values, self._compiled, strict=True) if c is _MALFORMED)

    # -- evaluation ---------------------------------------------------------------------------

    def _policy_values(self, context: RequestContext, variables: bool) -> tuple[object, ...]:
        """Compiled policy values for this request (None: a variable with no value)."""
        templates = self._templates
        if not variables or templates is None:
            return self._compiled
        family = self._family
        out: list[object] = []
        for template, static in zip(templates, self._compiled, strict=True):
            if template.is_plain:
                out.append(static)
            elif family is _STRING_LIKE:
                out.append(template.resolve_pattern(context))
            elif family is _ARN:
                values = template.values_for(context)
                out.append(None if values is None else _arn_matcher_for(template.source, values))
            else:
                assert family is not None  # only Null has no family, and it has no templates
                text = template.resolve_text(context)
                out.append(None if text is None else family.read_policy(text))
        return tuple(out)

    def _satisfied_by(self, raw: str, policy: tuple[object, ...]) -> bool:
        """Whether one context value satisfies the operator (negation included)."""
        family = self._family
        compare = self._compare
        # Only Null has neither, and `evaluate` answers Null before comparing anything.
        assert family is not None and compare is not None
        value = family.read_context(raw)
        if value is _MALFORMED:
            return False
        if self.negated:
            for pv in policy:
                if pv is None:  # a variable with no value: nothing equals it
                    continue
                if pv is _MALFORMED or compare(value, pv):
                    return False
            return True
        for pv in policy:
            if pv is None or pv is _MALFORMED:
                continue
            if compare(value, pv):
                return True
        return False

    def evaluate(
        self, context: RequestContext, *, variables: bool = False
    ) -> ConditionFailure | None:
        """None when the clause holds, else the failure that explains why not. Kept on the
        context: a verdict depends on the clause and the context alone, and a batch (simulate,
        the sandbox's many-request tools, least-privilege probes) asks it once per request of
        the batch, each costing up to the clause's values × the key's (1,600 × 50 ArnLike
        comparisons, 46 ms, once for each of 1,000 resources)."""
        verdicts = context.verdicts
        if not context:  # the shared empty context: a missing key costs nothing to decide
            return self._evaluate(context, variables)
        kept = verdicts.get((self, variables), _UNKEPT)
        if kept is not _UNKEPT:
            return cast("ConditionFailure | None", kept)
        found = self._evaluate(context, variables)
        if len(verdicts) < _VERDICTS_KEPT:
            verdicts[(self, variables)] = found
        return found

    def _evaluate(self, context: RequestContext, variables: bool) -> ConditionFailure | None:
        actual = context.get(self.key)
        if self.base == "Null":
            return self._evaluate_null(actual)
        if not actual or (self.set_operator is not None and _null_data_set(actual)):
            # Missing, or an empty list: the key has no value (as Null sees it too). A set
            # operator also reads values that are all empty strings as a null data set.
            if self.set_operator == "ForAllValues":
                return None
            if self.set_operator == "ForAnyValue":
                if actual:  # present, but only empty strings
                    return ConditionFailure(
                        self.operator,
                        self.key,
                        VALUE_MISMATCH,
                        self.values,
                        actual,
                        "empty strings are a null data set for ForAnyValue",
                        "null_data_set",
                    )
                return self._fail(
                    KEY_MISSING, actual, "ForAnyValue needs at least one value in the request"
                )
            if self.if_exists or self.negated:
                return None
            return self._fail(KEY_MISSING, actual, "")
        policy = self._policy_values(context, variables)
        if self.set_operator is None:
            if context.is_multivalued(self.key):
                return ConditionFailure(
                    self.operator,
                    self.key,
                    VALUE_MISMATCH,
                    self.values,
                    actual,
                    "the key is multivalued in the request; use ForAnyValue: or ForAllValues:",
                    "multivalued",
                )
            if self._satisfied_by(actual[0], policy):
                return None
        elif self.set_operator == "ForAllValues":
            if all(self._satisfied_by(v, policy) for v in actual):
                return None
        elif any(self._satisfied_by(v, policy) for v in actual):
            return None
        shape, culprits = self._mismatch_shape(actual, policy)
        if shape == "variable_no_value":
            culprits = tuple(listed_variable_keys(self.values, context))
        return ConditionFailure(
            self.operator,
            self.key,
            VALUE_MISMATCH,
            self.values,
            actual,
            self._mismatch_detail(actual, policy),
            shape,
            culprits,
        )

    def _mismatch_shape(
        self, actual: tuple[str, ...], policy: tuple[object, ...]
    ) -> tuple[str, tuple[str, ...]]:
        """Why the request's values failed, read from the values themselves (see `SHAPES`)."""
        family = self._family
        assert family is not None  # called for a failed comparison, never for Null
        if all(pv is None for pv in policy):
            return "variable_no_value", ()
        if not self.negated and all(pv is None or pv is _MALFORMED for pv in policy):
            return "policy_unreadable", self.malformed_values
        if self.negated and any(pv is _MALFORMED for pv in policy):
            return "policy_unreadable", self.malformed_values
        read = family.read_context
        unreadable = tuple(v for v in actual if read(v) is _MALFORMED)
        if self.set_operator is None:
            if unreadable:
                return "request_unreadable", unreadable
            return ("negated" if self.negated else ""), ()
        if self.set_operator == "ForAllValues":
            failing = tuple(v for v in actual if not self._satisfied_by(v, policy))
            if unreadable and set(unreadable) == set(failing):
                return "request_unreadable", unreadable
            return ("all_values_negated" if self.negated else "all_values"), failing
        if unreadable and len(unreadable) == len(actual):
            return "request_unreadable", unreadable
        if self.negated:  # the values it could read all matched an excluded value
            return "any_value_negated", tuple(v for v in actual if v not in unreadable)
        return "any_value", actual

    def _evaluate_null(self, actual: tuple[str, ...] | None) -> ConditionFailure | None:
        is_null = not actual  # missing, or an empty list
        wanted = "true" if is_null else "false"
        for v in self.values:
            if v.lower() == wanted:
                return None
        if not is_null:
            wants_absent = any(v.lower() == "true" for v in self.values)
            return ConditionFailure(
                self.operator,
                self.key,
                VALUE_MISMATCH,
                self.values,
                actual,
                "the key is present",
                "null_present" if wants_absent else "",
            )
        return self._fail(KEY_MISSING, actual, "the key is absent")

    def _mismatch_detail(self, actual: tuple[str, ...], policy: tuple[object, ...]) -> str:
        notes: list[str] = []
        family = self._family
        assert family is not None  # called for a failed comparison, never for Null
        bad = self.malformed_values
        if bad:
            notes.append(f"policy value(s) not a valid {family.name} value: {', '.join(bad)}")
        read = family.read_context
        bad_ctx = [v for v in actual if read(v) is _MALFORMED]
        if bad_ctx:
            notes.append(f"request value(s) not a valid {family.name} value: {', '.join(bad_ctx)}")
        if any(pv is None for pv in policy):
            notes.append("a policy variable has no value in this request")
        return "; ".join(notes)

    def _fail(self, code: str, actual: tuple[str, ...] | None, detail: str) -> ConditionFailure:
        return ConditionFailure(self.operator, self.key, code, self.values, actual, detail)


def _null_data_set(values: tuple[str, ...]) -> bool:
    """For ForAllValues/ForAnyValue: request values that are only empty strings are a null data
    set (the multivalued-keys guide: ForAllValues is true "if the key values resolve to a null
    data set, such as an empty string", ForAnyValue false). Null and the plain operators still
    see an empty string as a value: `s3:prefix` is "" when listing a bucket's top level."""
    return all(v == "" for v in values)


def evaluate_conditions(
    clauses: tuple[ConditionClause, ...],
    context: RequestContext,
    *,
    variables: bool = False,
) -> ConditionResult:
    """AND of every clause; each failing clause is reported (not only the first)."""
    if not clauses:
        return _MATCHED
    failures = None
    for clause in clauses:
        failure = clause.evaluate(context, variables=variables)
        if failure is not None:
            if failures is None:
                failures = [failure]
            else:
                failures.append(failure)
    if failures is None:
        return _MATCHED
    return ConditionResult(False, tuple(failures))


# ---------------------------------------------------------------------------------------------
# Parsing.


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _read_values(raw: object, *, path: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    if not items:
        raise PolicyError(
            "empty_condition_values",
            "A condition key needs at least one value; the list is empty.",
            path=path,
        )
    out: list[str] = []
    for i, item in enumerate(items):
        text = normalise_scalar(item)
        if text is None:
            raise PolicyError(
                "invalid_condition_value",
                "A condition value must be a string, a number or a boolean, "
                f"not {_type_name(item)}.",
                path=f"{path}[{i}]" if items is raw else path,  # the bad element of a list
            )
        out.append(text)
    return tuple(out)


def _compile_clause(
    op: OperatorName, key: str, values: tuple[str, ...], path: str
) -> ConditionClause:
    if op.base == "Null":
        return ConditionClause(
            op.text,
            "Null",
            op.set_operator,
            False,
            False,
            key,
            values,
            path,
            tuple(values),
            None,
            None,
            None,
        )
    family, compare, negated = _OPERATORS[op.base]
    compiled = tuple(family.read_policy(v) for v in values)
    templates = None
    if family.variables and any("${" in v for v in values):
        templates = tuple(parse_template(v) for v in values)
    return ConditionClause(
        op.text,
        op.base,
        op.set_operator,
        op.if_exists,
        negated,
        key,
        values,
        path,
        compiled,
        templates,
        family,
        compare,
    )


def parse_condition_block(raw: object, *, path: str) -> tuple[ConditionClause, ...]:
    """Validate a Condition element and compile its clauses (see `validate_condition_block`)."""
    return compile_condition_specs(validate_condition_block(raw, path=path))


ConditionSpec = tuple[OperatorName, str, tuple[str, ...], str]


def compile_condition_specs(specs: tuple[ConditionSpec, ...]) -> tuple[ConditionClause, ...]:
    """The clauses of validated specs: the parser defers this to first use."""
    return tuple(_compile_clause(op, key, values, key_path) for op, key, values, key_path in specs)


_STR_ONLY = frozenset({str})
# Operator texts read before (exact strings only): a policy repeats a handful of operators.
# `OperatorName` is immutable, so one is shared. Bounded: emptied when full.
_OPERATORS_READ: dict[str, OperatorName | None] = {}
_OPERATORS_READ_MAX = 1024


def _read_operator(text: object) -> OperatorName | None:
    if type(text) is not str:
        return parse_operator(text) if isinstance(text, str) else None
    try:
        return _OPERATORS_READ[text]
    except KeyError:
        op = parse_operator(text)
        if len(_OPERATORS_READ) >= _OPERATORS_READ_MAX:
            _OPERATORS_READ.clear()
        if len(text) <= 256:
            _OPERATORS_READ[text] = op
        return op


def validate_condition_block(raw: object, *, path: str) -> tuple[ConditionSpec, ...]:
    """Validate a Condition element and compile its clauses (operator → key → values).

    `path` names the Condition element (e.g. `Statement[0].Condition`). Raises PolicyError:
    `invalid_condition` (not an object), `unknown_condition_operator`,
    `invalid_condition_operator_block` (an operator's value is not an object of keys),
    `invalid_condition_key`, `invalid_condition_value`, `empty_condition_values`.
    Malformed numbers, dates, IPs etc. are *not* errors here: they are findings, and they make
    their comparison false at evaluation.
    """
    if raw is None:
        return ()
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise PolicyError(
            "invalid_condition",
            f"Condition must be an object of condition operators, not {_type_name(raw)}.",
            path=path,
        )
    clauses: list[ConditionSpec] = []
    for op_text, block in raw.items():
        op_path = f"{path}.{op_text}"
        op = _read_operator(op_text)
        if op is None:
            raise PolicyError(
                "unknown_condition_operator",
                f"{op_text!r} is not a condition operator AWS knows.",
                path=op_path,
            )
        if type(block) is not dict and not isinstance(block, Mapping):
            raise PolicyError(
                "invalid_condition_operator_block",
                f"{op_text} must map condition keys to values, not {_type_name(block)}.",
                path=op_path,
            )
        for key, value in block.items():
            key_path = f"{op_path}.{key}"
            if not isinstance(key, str) or not key.strip():
                raise PolicyError(
                    "invalid_condition_key",
                    "A condition key must be a non-empty string.",
                    path=key_path,
                )
            # The common values, a string or a list of strings, read as `_read_values` would.
            if type(value) is str:
                values: tuple[str, ...] = (value,)
            elif type(value) is list and value and _STR_ONLY.issuperset(map(type, value)):
                values = tuple(value)
            else:
                values = _read_values(value, path=key_path)
            clauses.append((op, key, values, key_path))
    return tuple(clauses)
