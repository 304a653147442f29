"""Where on a lab's form an engine error is, in the page's own words.

The engine names a problem by its JSON path (`network.network_acls[0].outbound[1].ports`), which
a learner editing the form never sees: they see tables, captions and column headings. Here a
path becomes the field it is about (its id, to mark it and link to it) and its place as the page
labels it ("Network ACL nacl-web, outbound rule row 2, Ports"), and a number's problem says the
range the field takes. The engine's messages and paths stay as they are for its other users
(case files, the CLI, questions). A path the form has no field for keeps the engine's words
after it, the path said as a person would (`spoken`: "Subnet app, cidr: ...", not
"network.subnets[1].cidr: ..."). A mistake inside a JSON text the learner typed (the WAF lab's
web ACL and IP sets) is placed by its path in that text, where to look, said the same way:
a list's item by its position from 1 and its Name where it has one ("Web ACL, rule 1
("block-bad-bots"), Action: ...", not "web_acl.Rules[0].Action ..."; a learner read
"Rules[0]" as code, counted from 0); a missing or unknown key is said as such ("Web ACL: needs
a DefaultAction (Allow or Block)"). The engine's paths stay machine-readable (`NetlabError.path`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from srm_trainer.netlab.fields import BIDI_CONTROLS, join, steps
from srm_trainer.netlab.vpc import MAX_PORT, NACL_RULE_NUMBERS
from srm_trainer.netlab.waf import (
    ACTIONS,
    MAX_DETECTION_DELAY,
    MAX_EVERY,
    MAX_REQUESTS,
    MAX_TIME,
)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A problem with one field of the form."""

    id: str  # the field's id on the page
    place: str  # where it is, as the page labels it (in a JSON text, the path in it said:
    #             "Web ACL, rule 1 ("block-bad-bots"), Action"); "" for a text the lab could
    #             not read, whose message says where (line and column)
    problem: str

    def __str__(self) -> str:
        return f"{self.place}: {self.problem}" if self.place else self.problem


RowOf = Callable[[str, int], "int | None"]


def same_row(table: str, index: int) -> int | None:
    """The form row of a table's `index`-th rule, on a form drawn from the case: the same."""
    return index


def form_field(
    path: str, code: str, message: str, case: Mapping[str, Any], row_of: RowOf = same_row
) -> FieldProblem | None:
    """The field of the network or WAF lab's form that an engine error (`path`, `code`,
    `message`) is about, or None when the form has no field for it. `case` is the case the
    error is about (it names the network ACLs, groups, subnets and instances); `row_of(table,
    index)` is the form row that holds a table's `index`-th rule (the form as sent holds rows
    left empty, which the case skips; one drawn from the case does not)."""
    at = steps(path)
    network = at[:1] in (("network",), ("flow",))  # the two labs' paths start apart
    found = _network_field(at, case, row_of) if network else _waf_field(at, row_of)
    if found is None:
        return None
    field_id, place, kind = found
    if not place:  # a JSON text
        return _text_problem(field_id, path, code, message, case)
    return FieldProblem(field_id, place, _problem(kind, code, path, message))


MESSAGE = "result-error"  # the id of the result's error message on a lab's page


@dataclass(frozen=True, slots=True)
class ShownProblem:
    """One problem of the result's list: its own id (what the field it is about is described
    by), that field if the form has one, and its words."""

    id: str
    field: FieldProblem | None
    message: str  # the engine's words, its path said (`spoken`), when the form has no field

    @property
    def text(self) -> str:
        return str(self.field) if self.field is not None else self.message


@dataclass(frozen=True, slots=True)
class ProblemList:
    """What the result says when the engine refused the case: every problem it named (at most
    `errors.MAX_PROBLEMS`; `more` counts the rest), and which field each marks. One problem is
    the message itself (#result-error); of several, each is an item of it (#result-error-2)."""

    items: tuple[ShownProblem, ...]
    more: int
    marks: Mapping[str, str]  # a field's id -> the ids of the problems about it

    @property
    def many(self) -> bool:
        return self.total > 1

    @property
    def total(self) -> int:
        return len(self.items) + self.more


def problem_list(
    problems: Sequence[tuple[str, str, str]],
    more: int,
    case: Mapping[str, Any],
    row_of: RowOf = same_row,
) -> ProblemList:
    """The result's list for the engine's `problems` ((path, code, message) each, in order),
    each placed on the form by `form_field` (`case`, `row_of` as there)."""
    many = len(problems) + more > 1
    items = []
    marks: dict[str, str] = {}
    for n, (path, code, message) in enumerate(problems, 1):
        field = form_field(path, code, message, case, row_of)
        if field is None:  # the engine's words, its path said as a person would
            place, rest = _path_and_rest(path, message)
            if rest != message:
                message = f"{spoken(place, case)}: {rest}"
        shown = ShownProblem(f"{MESSAGE}-{n}" if many else MESSAGE, field, message)
        items.append(shown)
        if shown.field is not None:
            fid = shown.field.id
            marks[fid] = f"{marks[fid]} {shown.id}" if fid in marks else shown.id
    return ProblemList(tuple(items), more, marks)


# --- what a field takes -----------------------------------------------------------------------

PORT = "port"  # one port, a whole number
PORTS = "ports"  # a port or a range of ports, as text
_WHOLE = {
    PORT: (0, MAX_PORT),
    "rule": NACL_RULE_NUMBERS,
    "repeat": (1, MAX_REQUESTS),
}
_SECONDS = {"time": MAX_TIME, "every": MAX_EVERY, "delay": MAX_DETECTION_DELAY}
_NUMBER_CODES = ("invalid_type", "out_of_range")


def _problem(kind: str, code: str, path: str, message: str) -> str:
    """What is wrong, without the path: the range a number field takes when that is the
    problem, else the engine's words."""
    if kind in _WHOLE and code in _NUMBER_CODES:
        low, high = _WHOLE[kind]
        return f"must be a whole number from {low} to {high}"
    if kind in _SECONDS and code in _NUMBER_CODES:
        return f"must be a number of seconds from 0 to {_SECONDS[kind]}"
    backwards = "starts after it ends" in message  # a range backwards: the engine's words say so
    if kind == PORTS and (code in _NUMBER_CODES or code == "invalid_ports") and not backwards:
        return f"must be a port from 0 to {MAX_PORT}, or a range such as 1024-{MAX_PORT}"
    return _without_path(message, path)


def _without_path(message: str, path: str) -> str:
    """The engine's message after the path it starts with (or a shorter part of it: "flow:
    the source and the destination are the same" is about `flow.destination`)."""
    return _path_and_rest(path, message)[1]


# --- the network lab --------------------------------------------------------------------------

_FLOW = {
    "source": ("From", ""),
    "destination": ("To", ""),
    "protocol": ("Protocol", ""),
    "port": ("Port", PORT),
    "source_port": ("Client's port", PORT),
}
_NACL_COLUMNS = {"rule": ("Rule #", "rule"), "protocol": ("Protocol", ""),
                 "ports": ("Ports", PORTS), "action": ("Allow / deny", "")}  # fmt: skip
_PEER = {"inbound": "source", "outbound": "destination"}


def _network_field(
    at: tuple, case: Mapping[str, Any], row_of: RowOf
) -> tuple[str, str, str] | None:
    if len(at) == 2 and at[0] == "flow" and at[1] in _FLOW:
        label, kind = _FLOW[str(at[1])]
        return f"flow-{at[1]}", label, kind
    network = case.get("network")
    if at[:1] != ("network",) or len(at) < 4 or not isinstance(network, dict):
        return None
    _, what, index, *rest = at
    shown = _shown(network.get(what), index)
    if shown is None:
        return None
    i, item = shown
    if what in ("network_acls", "security_groups") and len(rest) >= 3:
        direction, rule, column, *inside = rest
        if direction not in _PEER or not isinstance(rule, int):
            return None
        rules = _shown(item.get(direction), rule)
        table = f"{'nacl' if what == 'network_acls' else 'sg'}-{i}-{direction}"
        row = row_of(table, rules[0]) if rules is not None else None
        if row is None or inside and column != "ports":  # `ports: [low, high]`: its field
            return None
        peer = _PEER[str(direction)]
        if what == "network_acls":
            columns = {**_NACL_COLUMNS, "cidr": (peer.capitalize(), "")}
            owner = f"Network ACL {_name(item, f'{i + 1}')}"
        else:
            columns = {"protocol": ("Protocol", ""), "ports": ("Ports", PORTS),
                       peer: (peer.capitalize(), "")}  # fmt: skip
            owner = f"Security group {_name(item, f'{i + 1}')}"
        if column not in columns:
            return None
        label, kind = columns[str(column)]
        name = "peer" if column == peer else column
        return f"{table}-{row}-{name}", f"{owner}, {direction} rule row {row + 1}, {label}", kind
    if what == "subnets" and rest in (["network_acl"], ["route_to_internet_gateway"]):
        field, label = (("nacl", "Network ACL") if rest == ["network_acl"]
                        else ("igw", "Route to an internet gateway"))  # fmt: skip
        return f"subnet-{i}-{field}", f"Subnet {_name(item, f'{i + 1}')}, {label}", ""
    if what == "instances" and rest == ["public_ip"]:
        return f"inst-{i}-public_ip", f"Instance {_name(item, f'{i + 1}')}, Public IP", ""
    return None


def _shown(items: Any, index: Any) -> tuple[int, dict] | None:
    """The `index`-th item of a list, and its place among the list's objects (what the form
    draws, one row or card each), if it is an object."""
    if not isinstance(items, list) or not isinstance(index, int) or index >= len(items):
        return None
    item = items[index]
    if not isinstance(item, dict):
        return None
    return sum(isinstance(x, dict) for x in items[:index]), item


def _name(item: dict, fallback: str) -> str:
    """An item's name as the page shows it; its number, when the name could not be shown
    (the engine reads a network ACL's rules before its name)."""
    name = item.get("name")
    if isinstance(name, str) and 0 < len(name) <= 64 and not BIDI_CONTROLS.intersection(name):
        return name
    return fallback


# --- the WAF lab ------------------------------------------------------------------------------

_REQUEST_COLUMNS = {
    "ip": ("IP", ""),
    "country": ("Country", ""),
    "method": ("Method", ""),
    "uri": ("URI path", ""),
    "query": ("Query", ""),
    "captcha_token": ("CAPTCHA token", ""),
    "time": ("Time", "time"),
    "repeat": ("Repeat", "repeat"),
    "every": ("Every", "every"),
}
_TEXTS = {"web_acl": "Web ACL", "ip_sets": "IP sets"}  # JSON texts, marked whole; their labels


def _waf_field(at: tuple, row_of: RowOf) -> tuple[str, str, str] | None:
    if at[:1] and at[0] in _TEXTS:
        return str(at[0]), "", ""
    if at == ("rate_detection_delay_sec",):
        return "delay", "Rate detection delay", "delay"
    if at == ("resource",):
        return "resource", "It protects", ""
    if len(at) < 3 or at[0] != "requests" or not isinstance(at[1], int):
        return None
    column = at[2]
    if at[2:3] == ("headers",) and len(at) == 4 and str(at[3]).lower() == "user-agent":
        column, label, kind = "user_agent", "User-Agent", ""
    elif len(at) == 3 and column in _REQUEST_COLUMNS:
        label, kind = _REQUEST_COLUMNS[str(column)]
    else:
        return None
    row = row_of("req", at[1])
    if row is None:
        return None
    return f"req-{row}-{column}", f"Request {row + 1}, {label}", kind


# --- a JSON text's own mistakes (the WAF lab's web ACL and IP sets) ----------------------------

# What a key that must be there takes, said with "needs a ...": the choices AWS WAF's JSON has.
_NEEDS = {
    "DefaultAction": " (Allow or Block)",
    "Action": f" ({', '.join(ACTIONS[:-1])} or {ACTIONS[-1]})",
}
# The engine's words that read as a statement after "Web ACL, DefaultAction:", said as a demand.
_SAID = {"names exactly one action": 'must name exactly one action, such as {"Block": {}}'}
_REQUIRED = re.compile(r"is required\b(.*)", re.S)
_UNKNOWN = re.compile(r"is not a field here \(expected one of: (.*)\)", re.S)


def _text_problem(
    field_id: str, path: str, code: str, message: str, case: Mapping[str, Any]
) -> FieldProblem:
    """A mistake in a JSON text the learner typed, placed as the page names the text with the
    path inside it said (`spoken`: "Web ACL, rule 1 ("x"), Action"), where to look. A missing
    key is said as what its object needs ("Web ACL: needs a DefaultAction (Allow or Block)"),
    an unknown one as not a field of its object. What the text could not be read as (not JSON,
    empty: `invalid_text`) already says where, by line and column, and stays as it is."""
    if code == "invalid_text":
        return FieldProblem(field_id, "", message)
    at, rest = _path_and_rest(path, message)
    inside = steps(at)
    key = inside[-1] if len(inside) > 1 else None
    if isinstance(key, str) and code in ("missing_field", "unknown_field"):
        written = join("-", key)[1:]  # the key as a path writes it: `.Action`, `["x.y"]`
        owner = spoken(at[: -len(written)], case)
        required = _REQUIRED.fullmatch(rest)
        if code == "missing_field" and required:
            needs = f"needs {_a(key)}{_NEEDS.get(key, '')}{required.group(1)}"
            return FieldProblem(field_id, owner, needs)
        unknown = _UNKNOWN.fullmatch(rest)
        if code == "unknown_field" and unknown:
            named = join("", key)  # as the path writes it: `["x.y"]` for a key with a dot
            return FieldProblem(field_id, owner, f"{named} is not one of its fields (it takes "
                                f"{unknown.group(1)})")  # fmt: skip
    return FieldProblem(field_id, spoken(at, case), _SAID.get(rest, rest))


def _path_and_rest(path: str, message: str) -> tuple[str, str]:
    """The path the engine's message starts with (the error's own, a longer one inside it, as
    in "web_acl.DefaultAction.Allow must be an object", or a shorter one), and the words after
    it; the error's path and the whole message when it starts with none."""
    if message.startswith(path) and message[len(path) : len(path) + 1] in (".", "["):
        token = message.split(" ", 1)[0]
        return token.rstrip(":"), message[len(token) :].lstrip(": ")
    place = path
    while place:
        if message.startswith(place) and message[len(place) : len(place) + 1] in (":", " "):
            return place, message[len(place) + 1 :].lstrip(": ")
        cut = max(place.rfind("."), place.rfind("["))
        place = place[:cut] if cut > 0 else ""
    return path, message


# --- a path said as a person would -----------------------------------------------------------

# The parts of a case the page names in words: the WAF lab's texts by their boxes' labels, the
# rest by what they are (the network itself is the whole lab: not said).
_TOPS = {**_TEXTS, "network": "", "flow": "Flow", "requests": "Request",
         "regex_pattern_sets": "Regex pattern sets"}  # fmt: skip
# A list's item, by the list's key: what one item is called.
_ITEMS = {
    "Rules": "rule",
    "Statements": "statement",
    "RuleLabels": "label",
    "TextTransformations": "text transformation",
    "CountryCodes": "country code",
    "Addresses": "address",
    "subnets": "Subnet",
    "instances": "Instance",
    "network_acls": "Network ACL",
    "security_groups": "Security group",
    "load_balancers": "Load balancer",
    "inbound": "inbound rule",
    "outbound": "outbound rule",
    "listeners": "listener",
    "targets": "target",
}
_NETWORK_NAMED = ("subnets", "instances", "network_acls", "security_groups", "load_balancers")
_KEYS = {"vpc": "VPC", "cidr": "CIDR"}  # the network case's keys a learner reads as initials


def spoken(path: str, case: Mapping[str, Any]) -> str:
    """An engine path as the page says it: each list item by its position from 1, a rule by
    its Name too where it has one, a network's subnet or group by its name: `web_acl.Rules[0]
    .Action` is "Web ACL, rule 1 ("block-bad-bots"), Action", `network.subnets[1].cidr` "Subnet
    app, cidr", `ip_sets.office[2]` "IP sets, set "office", address 3". `case` gives the names
    (a name the page could not show, or none, leaves the number alone)."""
    at = steps(path)
    if not at:
        return path
    top = str(at[0])
    words = [_TOPS.get(top, top)]
    node: Any = case.get(top) if isinstance(case, Mapping) else None
    rest: list[str | int] = list(at[1:])
    if top == "ip_sets" and rest and isinstance(rest[0], str):  # a set, by its name
        name = rest[0]
        rest = rest[1:]
        words.append(f"set {_quoted(name)}")
        node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict) and rest[:1] == ["Addresses"]:
            rest.pop(0)
            node = node.get("Addresses")
        key: str = "Addresses"
    else:
        key = top
    if top == "requests" and rest and isinstance(rest[0], int):
        words[0] = f"Request {rest[0] + 1}"
        rest, node = rest[1:], None
    for n, step in enumerate(rest):
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            words.append(_item(key, step, item, network=top == "network"))
            node = item
            continue
        key = step
        node = node.get(step) if isinstance(node, dict) else None
        an_item_next = n + 1 < len(rest) and isinstance(rest[n + 1], int)
        if not (step in _ITEMS and an_item_next):  # a list is said at its item: "rule 1"
            words.append(_KEYS.get(step, step) if top == "network" else step)
    if words[0] == "" and len(words) > 1:  # the network's own parts: said from the part
        words.pop(0)
    return ", ".join(w for w in words if w) or path


def _item(key: str, index: int, item: Any, *, network: bool) -> str:
    called = _ITEMS.get(key)
    if called is None:
        return f"{key}, item {index + 1}"
    if network and key in _NETWORK_NAMED:  # named as the form's captions name them
        return f"{called} {_name(item, f'{index + 1}') if isinstance(item, dict) else index + 1}"
    name = item.get("Name") if isinstance(item, dict) else None
    if isinstance(name, str) and _showable(name):
        return f"{called} {index + 1} ({_quoted(name)})"
    return f"{called} {index + 1}"


def _showable(name: str) -> bool:
    return 0 < len(name) <= 128 and not BIDI_CONTROLS.intersection(name)


def _quoted(name: str) -> str:
    return f'"{name}"' if _showable(name) else "(a name the page cannot show)"


def _a(key: str) -> str:
    """A key with its article: "a DefaultAction", "an Action"; a plural without one."""
    if key.endswith("s") and not key.endswith("ss"):
        return key
    return f"{'an' if key[:1].upper() in 'AEIOU' else 'a'} {key}"
