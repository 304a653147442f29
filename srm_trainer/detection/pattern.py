"""Reading an Amazon EventBridge event pattern: JSON text in, a checked `Pattern` out.

What a pattern may hold, each rule from the Amazon EventBridge User Guide ("Event patterns",
"Comparison operators for use in event patterns", "Content filtering in Amazon EventBridge
event patterns", "Arrays in event patterns", "Matching null values and empty strings"):

- an object whose fields are either another object (a nested field of the event) or a list of
  values to match; the list is "any of these";
- in a list: strings, numbers, `true`, `false`, `null`, or one-key objects naming an operator:
  `prefix`, `suffix` (each also as `{"equals-ignore-case": "..."}`), `equals-ignore-case`,
  `wildcard`, `anything-but` (a string, a number, a list of only strings or only numbers, or
  one string or a list of them under
  one of `prefix`, `suffix`, `equals-ignore-case`, `wildcard`), `numeric`, `cidr`, `exists`;
- `"$or": [{...}, {...}]`, at any level: the event matches if it matches any alternative.

Anything else is refused with the path of the part that is wrong: an unknown operator, two
operators in one object, an operator where a list of values should be, `exists` inside
`anything-but`, a `numeric` range written upper bound first. Where the guide leaves a
behaviour open the lab refuses it rather than guess (FORMAT.md, "What the lab refuses").

Limits (LIMITS): a pattern of at most 4,096 characters, lists and objects nested at most 20
deep, at most 100
values in one list, 300 values and operators in all, 10 alternatives in one `$or`, and at most
256 characters in one `wildcard`; each is checked while reading, so the cost of reading is
linear in the text.
"""

from __future__ import annotations

import ipaddress
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import PatternError
from .jsontext import Num, Pairs, compact, fraction_digits, has_lone_surrogate, read_json

LIMITS = {
    "pattern_chars": 4096,
    "depth": 20,  # lists and objects inside one another
    "values_per_list": 100,
    "values": 300,
    "or_alternatives": 10,
    "wildcard_chars": 256,
}

# Numeric matching: the documented range and precision (Content filtering, "Numeric matching").
NUMERIC_LIMIT = Decimal("5.0e9")
NUMERIC_DECIMALS = 6

OPERATORS = (
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "anything-but",
    "numeric",
    "cidr",
    "exists",
)
# Operators other matching services accept but EventBridge documents no such operator for.
NOT_EVENTBRIDGE = {
    "contains": 'EventBridge has no `contains`; a `wildcard` such as "*text*" does that'
}

Scalar = str | Num | bool | None


def quoted(text: str) -> str:
    """`text` as a JSON string, with every invisible character escaped (\\u200b, \\u202e):
    a zero-width space in a field name is why it does not match, and a direction override
    would turn the rest of an explanation around."""
    out = json.dumps(text, ensure_ascii=False)
    if out.isascii() and out.isprintable():
        return out
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _INVISIBLE else ch for ch in out
    )


_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def show(value: Any) -> str:
    """A value as JSON text, numbers as written: how explanations quote the pattern."""
    if isinstance(value, Num):
        return value.text
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {show(v)}" for k, v in value.items()) + "}"
    return quoted(value) if isinstance(value, str) else json.dumps(value)


def brief(value: Any) -> str:
    """`show(value)` cut to 80 characters: a value quoted in a message, which a long one would
    otherwise fill (a message is at most a few hundred characters)."""
    text = show(value)
    return text if len(text) <= 80 else text[:77] + "…"


@dataclass(frozen=True)
class Matcher:
    """One entry of a field's list. `kind` is "value" (an exact value) or an operator name;
    `arg` what it compares with (for anything-but: `sub` names its form)."""

    kind: str
    path: str
    arg: Any
    written: str  # the entry as the pattern wrote it (compact JSON)
    ignore_case: bool = False
    sub: str = ""  # anything-but: "values", "prefix", "suffix", "equals-ignore-case", "wildcard"


@dataclass(frozen=True)
class Field:
    key: str
    path: str
    matchers: tuple[Matcher, ...] = ()
    nested: ObjectPattern | None = None


@dataclass(frozen=True)
class ObjectPattern:
    path: str
    fields: tuple[Field, ...]
    alternatives: tuple[ObjectPattern, ...] = ()  # "$or" at this level
    or_path: str = ""

    def leaves(self) -> int:
        n = sum(len(f.matchers) + (f.nested.leaves() if f.nested else 0) for f in self.fields)
        return n + sum(a.leaves() for a in self.alternatives)


@dataclass(frozen=True)
class Pattern:
    root: ObjectPattern
    text: str = field(repr=False, default="")
    # How EventBridge reads what was written (a field given twice, a name with dots), in words.
    notes: tuple[str, ...] = ()


def _join(path: str, key: str) -> str:
    plain = key and all(ch.isalnum() or ch in "-_$" for ch in key)
    step = key if plain else "[" + quoted(key) + "]"
    if not path:
        return step
    return f"{path}.{step}" if plain else f"{path}{step}"


class _Reader:
    def __init__(self) -> None:
        self.values = 0
        self.notes: list[str] = []

    def count(self, path: str) -> None:
        self.values += 1
        if self.values > LIMITS["values"]:
            raise PatternError(
                "too_many_values",
                f"the pattern holds more than {LIMITS['values']} values and operators in all",
                path=path,
                lab_only=True,
            )

    def fields_of(self, value: dict[str, Any], path: str) -> dict[str, Any]:
        """The object's fields as EventBridge compiles them ("Event pattern syntax",
        considerations): a name with dots is the nested fields it names ("a.b" is "a" then
        "b"), and a field written twice, or named both ways, keeps the last value; two objects
        at one place are read as one."""
        out: dict[str, Any] = {}
        for key, inner in getattr(value, "pairs", value.items()):
            if key == "$or":
                if key in out:
                    raise PatternError("bad_or", "this object has two `$or`: list every alternative in "
                                       "one, or put one `$or` inside an alternative of the other",
                                       path=_join(path, key), lab_only=True)  # fmt: skip
                out[key] = inner
                continue
            steps = key.split(".")
            if "$or" in steps:
                raise PatternError("bad_or", "`$or` is not a field name: it joins alternatives, as "
                                   '"$or": [{...}, {...}]', path=_join(path, key), lab_only=True)  # fmt: skip
            if len(steps) > 1:
                self.notes.append(f"{quoted(key)} is read as the nested fields "
                                  f"{_joined(path, steps)}: EventBridge joins field names "
                                  "with dots")  # fmt: skip
            for name in reversed(steps[1:]):
                inner = _object({name: inner})
            self.put(out, steps[0], inner, path)
        return out

    def put(self, out: dict[str, Any], key: str, inner: Any, path: str) -> None:
        old = out.get(key)
        if old is None:
            out[key] = inner
        elif isinstance(old, dict) and isinstance(inner, dict):
            out[key] = _object(list(getattr(old, "pairs", old.items()))
                               + list(getattr(inner, "pairs", inner.items())))  # fmt: skip
        elif isinstance(old, dict) or isinstance(inner, dict):
            raise PatternError("conflict", "the pattern names this field both as a value to match and as "
                               "an object with fields below it", path=_join(path, key), lab_only=True)  # fmt: skip
        else:
            self.notes.append(f"{_join(path, key)} is given more than once: EventBridge uses the last "
                              "one, and so does the lab")  # fmt: skip
            out[key] = inner

    def obj(self, value: Any, path: str, level: int = 1) -> ObjectPattern:
        if level > LIMITS["depth"]:
            raise PatternError("too_deep", f"the pattern nests objects more than {LIMITS['depth']} deep "
                               "(names with dots count: each part is a level)", path=path, lab_only=True)  # fmt: skip
        if not isinstance(value, dict):
            raise PatternError("not_an_object", "a pattern is a JSON object, such as "
                               '{"source": ["aws.guardduty"]}', path=path)  # fmt: skip
        if not value:
            where = "the pattern" if not path else "this object"
            raise PatternError("empty_object", f"{where} names no field, so it would match every event "
                               "or none: name at least one", path=path)  # fmt: skip
        fields: list[Field] = []
        alternatives: tuple[ObjectPattern, ...] = ()
        or_path = ""
        for key, inner in self.fields_of(value, path).items():
            here = _join(path, key)
            if has_lone_surrogate(key):
                raise PatternError("invalid_text", "this field name holds half of a UTF-16 pair",
                                   path=path, lab_only=True)  # fmt: skip
            if key == "$or":
                alternatives, or_path = self.alternatives(inner, here, level), here
            elif key in OPERATORS or key in NOT_EVENTBRIDGE:
                raise PatternError("operator_as_field", f"`{key}` is an operator: it goes inside a list, "
                                   f'as "field": [{{"{key}": ...}}], not as a field name', path=here, lab_only="$or" not in here)  # fmt: skip
            elif isinstance(inner, dict):
                fields.append(Field(key, here, nested=self.obj(inner, here, level + 1)))
            elif isinstance(inner, list):
                fields.append(Field(key, here, matchers=self.values_list(inner, here)))
            else:
                raise PatternError("not_a_list", f"the value to match is written in a list: "
                                   f"{brief(key)}: [{brief(inner)}], not {brief(key)}: {brief(inner)}", path=here)  # fmt: skip
        return ObjectPattern(path, tuple(fields), alternatives, or_path)

    def alternatives(self, value: Any, path: str, level: int) -> tuple[ObjectPattern, ...]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise PatternError("bad_or", "`$or` takes a list of objects, each one alternative: "
                               '"$or": [{"a": ["x"]}, {"b": ["y"]}]', path=path)  # fmt: skip
        if len(value) < 2:
            raise PatternError("bad_or", "`$or` needs at least two alternatives", path=path)
        if len(value) > LIMITS["or_alternatives"]:
            raise PatternError("too_many_values", f"the lab takes up to {LIMITS['or_alternatives']} "
                               "alternatives in one `$or`", path=path, lab_only=True)  # fmt: skip
        return tuple(self.obj(v, f"{path}[{i}]", level + 1) for i, v in enumerate(value))

    def values_list(self, items: list[Any], path: str) -> tuple[Matcher, ...]:
        if not items:
            raise PatternError(
                "empty_list", "an empty list matches no value: list at least one", path=path
            )
        if len(items) > LIMITS["values_per_list"]:
            raise PatternError("too_many_values", f"the lab takes up to {LIMITS['values_per_list']} "
                               "values in one list", path=path, lab_only=True)  # fmt: skip
        out = []
        for i, item in enumerate(items):
            here = f"{path}[{i}]"
            self.count(here)
            out.append(self.entry(item, here))
        return tuple(out)

    def entry(self, item: Any, path: str) -> Matcher:
        if isinstance(item, str):
            _text_ok(item, path)
            return Matcher("value", path, item, show(item))
        if item is None or isinstance(item, bool | Num):
            return Matcher("value", path, item, show(item))
        if isinstance(item, list):
            raise PatternError("nested_list", "a list inside a field's list is not a pattern: "
                               "write the values side by side in one list", path=path)  # fmt: skip
        assert isinstance(item, dict)
        if len(item) != 1:
            what = (
                "names no operator"
                if not item
                else f"names {len(item)} operators ({', '.join(item)})"
            )
            raise PatternError("one_operator", f"this object {what}: an entry holds exactly one, "
                               'such as {"prefix": "Recon:"}; list several entries to match any of them',
                               path=path)  # fmt: skip
        ((op, arg),) = item.items()
        here = _join(path, op)
        written = show(item)
        if op in NOT_EVENTBRIDGE:
            raise PatternError("unknown_operator", NOT_EVENTBRIDGE[op], path=here)
        if op == "prefix" or op == "suffix":
            text, ignore = self.string_or_ignore_case(arg, here, op)
            if not text:
                raise PatternError("bad_operand", f"an empty {op} would match every string; the guide "
                                   'does not say EventBridge takes one (to ask for the field, use {"exists": true})',
                                   path=here, lab_only=True)  # fmt: skip
            return Matcher(op, path, text, written, ignore_case=ignore)
        if op == "equals-ignore-case":
            return Matcher(op, path, self.string(arg, here, op), written, ignore_case=True)
        if op == "wildcard":
            return Matcher(op, path, _wildcard(self.string(arg, here, op), here), written)
        if op == "anything-but":
            return self.anything_but(arg, path, here, written)
        if op == "numeric":
            return Matcher(op, path, _numeric(arg, here), written)
        if op == "cidr":
            return Matcher(op, path, _cidr(self.string(arg, here, op), here), written)
        if op == "exists":
            if not isinstance(arg, bool):
                raise PatternError("bad_operand", "`exists` takes true or false", path=here)
            return Matcher(op, path, arg, written)
        known = ", ".join(OPERATORS)
        raise PatternError("unknown_operator", f"the EventBridge guide lists no operator `{op}`; its "
                           f"operators are {known}, and `$or` between objects", path=here, lab_only=op == "exactly")  # fmt: skip

    def string(self, arg: Any, path: str, op: str) -> str:
        if isinstance(arg, list):
            raise PatternError("bad_operand", f"`{op}` takes one string, not a list: to match "
                               "any of several, write one entry for each in the field's list",
                               path=path)  # fmt: skip
        if not isinstance(arg, str):
            raise PatternError("bad_operand", f"`{op}` takes a string, not {show(arg)}", path=path)
        _text_ok(arg, path)
        return arg

    def string_or_ignore_case(self, arg: Any, path: str, op: str) -> tuple[str, bool]:
        if isinstance(arg, dict):
            if list(arg) != ["equals-ignore-case"]:
                raise PatternError("bad_operand", f"`{op}` takes a string, or "
                                   f'{{"equals-ignore-case": "..."}} to ignore case', path=path)  # fmt: skip
            return self.string(
                arg["equals-ignore-case"], _join(path, "equals-ignore-case"), op
            ), True
        return self.string(arg, path, op), False

    def anything_but_texts(self, inner: str, value: Any, path: str) -> tuple[str, ...]:
        """The strings of `anything-but` prefix, suffix, equals-ignore-case or wildcard: one,
        or a list of them (AWS's Event Ruler takes either; an empty prefix or suffix it
        refuses)."""
        many = isinstance(value, list)
        if many and not value:
            raise PatternError("empty_list", f"`anything-but {inner}` needs at least one string",
                               path=path, lab_only=True)  # fmt: skip
        if many and len(value) > LIMITS["values_per_list"]:
            raise PatternError("too_many_values", f"the lab takes up to {LIMITS['values_per_list']} "
                               "values in one list", path=path, lab_only=True)  # fmt: skip
        out = []
        for i, item in enumerate(value if many else [value]):
            here = f"{path}[{i}]" if many else path
            if many:
                self.count(here)
            text = self.string(item, here, f"anything-but {inner}")
            if not text and inner in ("prefix", "suffix"):
                raise PatternError("bad_operand", f"an empty {inner} would exclude every string: "
                                   "EventBridge refuses it", path=here)  # fmt: skip
            out.append(_wildcard(text, here) if inner == "wildcard" else text)
        return tuple(out)

    def anything_but(self, arg: Any, path: str, here: str, written: str) -> Matcher:
        if isinstance(arg, str | Num) and not isinstance(arg, bool):
            if isinstance(arg, str):
                _text_ok(arg, here)
            else:
                _anything_but_number(arg, here)
            return Matcher("anything-but", path, (arg,), written, sub="values")
        if isinstance(arg, list):
            if not arg:
                raise PatternError(
                    "empty_list", "`anything-but` needs at least one value", path=here
                )
            if len(arg) > LIMITS["values_per_list"]:
                raise PatternError("too_many_values", f"the lab takes up to {LIMITS['values_per_list']} "
                                   "values in one list", path=here, lab_only=True)  # fmt: skip
            strings = all(isinstance(v, str) for v in arg)
            numbers = all(isinstance(v, Num) for v in arg)
            if not (strings or numbers):
                raise PatternError("mixed_list", "`anything-but` takes a list of only strings or only "
                                   "numbers", path=here)  # fmt: skip
            for i, v in enumerate(arg):
                self.count(f"{here}[{i}]")
                if isinstance(v, str):
                    _text_ok(v, f"{here}[{i}]")
                else:
                    _anything_but_number(v, f"{here}[{i}]")
            return Matcher("anything-but", path, tuple(arg), written, sub="values")
        if isinstance(arg, dict) and len(arg) == 1:
            ((inner, value),) = arg.items()
            inner_path = _join(here, inner)
            if inner in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
                texts = self.anything_but_texts(inner, value, inner_path)
                return Matcher("anything-but", path, texts, written, sub=inner,
                               ignore_case=inner == "equals-ignore-case")  # fmt: skip
            raise PatternError("bad_anything_but", f"`anything-but` takes a value, a list, or one of "
                               f"prefix, suffix, equals-ignore-case, wildcard; not `{inner}`",
                               path=inner_path)  # fmt: skip
        raise PatternError("bad_anything_but", "`anything-but` takes a string, a number, a list of only "
                           "strings or only numbers, or one of prefix, suffix, equals-ignore-case, "
                           "wildcard", path=here)  # fmt: skip


def _anything_but_number(value: Num, path: str) -> None:
    """Event Ruler keeps anything-but's numbers in numeric matching's form and refuses one
    outside -5.0e9 to 5.0e9 or with more than six decimals; the guide says nothing either
    way, so the lab refuses them as it does."""
    if value.value.copy_abs() > NUMERIC_LIMIT:
        raise PatternError("bad_anything_but", f"{value.text} is outside what AWS's Event Ruler takes in "
                           "`anything-but` (numbers from -5.0e9 to 5.0e9, to six decimals, as in "
                           "numeric matching)", path=path)  # fmt: skip
    digits = fraction_digits(value.value)
    if digits > NUMERIC_DECIMALS:  # in range: "outside" did not say what was wrong with it
        raise PatternError("bad_anything_but", f"{value.text} has {digits} decimals, and AWS's Event "
                           "Ruler takes numbers in `anything-but` to six decimals at most (as in "
                           "numeric matching)", path=path)  # fmt: skip


def _text_ok(text: str, path: str) -> None:
    if has_lone_surrogate(text):
        raise PatternError("invalid_text", "this string holds half of a UTF-16 pair", path=path,
                           lab_only=True)  # fmt: skip


def _wildcard(text: str, path: str) -> str:
    """A wildcard as written, checked: `*` is any run of characters (none included), `\\*` a
    real asterisk, `\\\\` a backslash; two `*` side by side and any other backslash are refused
    (AWS's published Event Ruler engine refuses them too)."""
    if len(text) > LIMITS["wildcard_chars"]:
        raise PatternError("too_large", f"the lab takes wildcards of up to {LIMITS['wildcard_chars']} "
                           "characters", path=path, lab_only=True)  # fmt: skip
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "*\\":
                raise PatternError("bad_wildcard", "in a wildcard a backslash only escapes * or another "
                                   "backslash", path=path)  # fmt: skip
            i += 2
            continue
        if ch == "*" and i + 1 < len(text) and text[i + 1] == "*":
            raise PatternError("bad_wildcard", "two * side by side are not allowed in a wildcard: one "
                               "already matches any run of characters", path=path)  # fmt: skip
        i += 1
    return text


_LOWER = (">", ">=")
_UPPER = ("<", "<=")


def _bound(value: Any, path: str) -> Decimal:
    if not isinstance(value, Num):
        raise PatternError(
            "bad_numeric", f"a numeric bound is a JSON number, not {show(value)}", path=path
        )
    if value.value.copy_abs() > NUMERIC_LIMIT:  # copy_abs: abs() overflows on 1e9999999
        raise PatternError("bad_numeric", f"{value.text} is outside the range numeric matching works in "
                           "(-5.0e9 to 5.0e9)", path=path)  # fmt: skip
    if fraction_digits(value.value) > NUMERIC_DECIMALS:
        raise PatternError("bad_numeric", f"{value.text} has more than {NUMERIC_DECIMALS} digits after the "
                           "decimal point, the precision numeric matching works to", path=path)  # fmt: skip
    return compact(value.value)


def _numeric(arg: Any, path: str) -> tuple[tuple[str, Decimal], ...]:
    """[op, n] or [">"|">=", low, "<"|"<=", high], checked."""
    shape = 'write ["<", 10], [">=", 7], ["=", 5] or a range lower bound first: [">", 0, "<=", 5]'
    if not isinstance(arg, list) or len(arg) not in (2, 4):
        raise PatternError(
            "bad_numeric", f"`numeric` takes one comparison or a range: {shape}", path=path
        )
    ops = arg[0::2]
    if not all(isinstance(op, str) for op in ops):
        raise PatternError(
            "bad_numeric", f"each comparison starts with its operator: {shape}", path=path
        )
    for i, op in enumerate(ops):
        if op not in ("<", "<=", "=", ">", ">="):
            raise PatternError("bad_numeric", f"{json.dumps(op)} is not a comparison; use <, <=, =, > or >=",
                               path=f"{path}[{2 * i}]")  # fmt: skip
    conds = tuple(
        (str(op), _bound(arg[2 * i + 1], f"{path}[{2 * i + 1}]")) for i, op in enumerate(ops)
    )
    if len(conds) == 2:
        (lo_op, lo), (hi_op, hi) = conds
        if "=" in (lo_op, hi_op) or lo_op not in _LOWER or hi_op not in _UPPER:
            raise PatternError("bad_numeric", f"a range is a lower bound (> or >=) then an upper bound "
                               f"(< or <=): {shape}", path=path)  # fmt: skip
        if lo >= hi:
            raise PatternError(
                "bad_numeric", "the lower bound must be below the upper bound", path=path
            )
    return conds


def _one_address(address: str) -> str:
    """How to match one address instead: list it as a value, the address typed when it is one
    (a fixed 10.0.0.7 was offered for 2001:db8::1/128 and for 198.51.100.7/32 alike)."""
    try:
        shown = str(ipaddress.ip_address(address))
    except ValueError:
        shown = "10.0.0.7"
    return f"to match one address, list it as a value: {json.dumps([shown])}"


def _cidr(text: str, path: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An address, a slash and a prefix length in digits. AWS's Event Ruler refuses a bare
    address or a netmask (Python's ipaddress would read both), a whole-address block (/32 for
    IPv4, /128 for IPv6: its CIDR.java wants fewer mask bits) and a block written in IPv6's
    IPv4-mapped form (it reads ::ffff:a00:0 as IPv4, and ::ffff:10.0.0.0 as no address); the
    guide shows none of these, so the lab refuses them too and says what to write."""
    address, slash, bits = text.partition("/")
    if not slash or not (bits.isascii() and bits.isdigit()) or "/" in bits:
        raise PatternError("bad_cidr", f"{quoted(text)} is not a CIDR block: write "
                           "an address, a slash and a prefix length, such as 10.0.0.0/24 "
                           f"({_one_address(address)})", path=path)  # fmt: skip
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        words = (
            "its address has bits set past the prefix length"
            if "host bits" in str(exc)
            else ("it is not an IPv4 or IPv6 block such as 10.0.0.0/24")
        )
        raise PatternError("bad_cidr", f"{json.dumps(text)} is not a CIDR block: {words}", path=path,
                           lab_only="host bits" in str(exc)) from None  # fmt: skip
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped:
        raise PatternError("bad_cidr", f"{quoted(text)} is written in IPv6's IPv4-mapped form (::ffff:…), "
                           "which AWS's Event Ruler refuses as a block: write the IPv4 block, such as "
                           "10.0.0.0/24", path=path)  # fmt: skip
    if network.prefixlen == network.max_prefixlen:
        raise PatternError("bad_cidr", f"{quoted(text)} is a block of one address: AWS's Event Ruler "
                           f"refuses a /{network.max_prefixlen} in `cidr`, and the guide shows none; "
                           f"{_one_address(str(network.network_address))}", path=path)  # fmt: skip
    return network


def _joined(path: str, steps: list[str]) -> str:
    for step in steps:
        path = _join(path, step)
    return path


def _object(pairs: Any) -> Pairs:
    """An object made of `pairs` (a dict or a list of pairs), repeats kept, as read_json
    makes them."""
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    out = Pairs(items)
    out.pairs = items
    return out


def parse_pattern(text: str) -> Pattern:
    """The pattern `text` holds, or a `PatternError` saying what is wrong and where;
    `notes` say where EventBridge reads it otherwise than it looks (a field written twice)."""
    value = read_json(text, what="the pattern", max_chars=LIMITS["pattern_chars"],
                      max_depth=LIMITS["depth"], repeats=True)  # fmt: skip
    reader = _Reader()
    root = reader.obj(value, "")
    return Pattern(root, text, tuple(dict.fromkeys(reader.notes)))
