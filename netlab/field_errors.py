"""Where on a lab's form an engine error is, in the page's own words.

The engine names a problem by its JSON path (`network.network_acls[0].outbound[1].ports`), which
a learner editing the form never sees: they see tables, captions and column headings. Here a
path becomes the field it is about (its id, to mark it and link to it) and its place as the page
labels it ("Network ACL nacl-web, outbound rule row 2, Ports"), and a number's problem says the
range the field takes. A path the form has no field for keeps the engine's words after it,
the path said as a person would (`spoken`: "Subnet app, CIDR: ...", not
"network.subnets[1].cidr: ..."). A mistake inside a JSON text the learner typed (the WAF lab's
web ACL and IP sets) is placed by its path in that text, where to look, said the same way:
a list's item by its position from 1 and its Name where it has one ("Web ACL, rule 1
("block-bad-bots"), Action: ...", not "web_acl.Rules[0].Action ..."; a learner read
"Rules[0]" as code, counted from 0), a network ACL's entry by its rule number ("Network ACL
edge, inbound rule 100, ports: ..."); a missing or unknown key is said as such ("Web ACL: needs
a DefaultAction (Allow or Block)"). `said` is the one place an engine message is worded so:
the labs, a learner's refused rules in a quiz, the question editors, an import and the content
loader all say it (`quizzes.kinds.netlab_common`). The engine's paths stay machine-readable
(`NetlabError.path`, its CLI and case files); a question's problem keeps its place as a data
path (`Problem.path`) for the line it is given.
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
            message = said(path, code, message, case, row_of)
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
    path inside it said (`_placed`), where to look. What the text could not be read as (not
    JSON, empty: `invalid_text`) already says where, by line and column, and stays as it is."""
    if code == "invalid_text":
        return FieldProblem(field_id, "", message)
    return FieldProblem(field_id, *_placed(path, code, message, case))


def said(
    path: str,
    code: str,
    message: str,
    case: Mapping[str, Any],
    row_of: RowOf = same_row,
    *,
    called: Mapping[str, str] | None = None,
) -> str:
    """The engine's `message` (about `path`, `code`) with the path it begins with said as a
    person would (`_placed`: "Network ACL edge, inbound rule 100, ports: the range starts
    after it ends (80-70)"); a message that begins with no path is its own words. Every page
    that shows an engine message with no field of its own says it here: the labs, a learner's
    rules in a quiz, the question editors and an import (`case`, `row_of`, `called` as
    `spoken` takes them)."""
    if _path_and_rest(path, message)[1] == message:
        return message
    place, problem = _placed(path, code, message, case, row_of, called=called)
    return f"{place}: {problem}"


def _placed(
    path: str,
    code: str,
    message: str,
    case: Mapping[str, Any],
    row_of: RowOf = same_row,
    *,
    called: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """Where the engine's message is about, said (`spoken`), and what is wrong there. A
    missing key is said as what its object needs ("Web ACL: needs a DefaultAction (Allow or
    Block)"), an unknown one as not a field of its object."""
    at, rest = _path_and_rest(path, message)
    inside = steps(at)
    key = inside[-1] if len(inside) > 1 else None
    if isinstance(key, str) and code in ("missing_field", "unknown_field"):
        written = join("-", key)[1:]  # the key as a path writes it: `.Action`, `["x.y"]`
        owner = spoken(at[: -len(written)], case, row_of, called=called)
        required = _REQUIRED.fullmatch(rest)
        if code == "missing_field" and required:
            return owner, f"needs {_a(key)}{_NEEDS.get(key, '')}{required.group(1)}"
        unknown = _UNKNOWN.fullmatch(rest)
        if code == "unknown_field" and unknown:
            named = join("", key)  # as the path writes it: `["x.y"]` for a key with a dot
            return owner, f"{named} is not one of its fields (it takes {unknown.group(1)})"
    return spoken(at, case, row_of, called=called), _SAID.get(rest, rest)


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
# rest by what they are (the network itself is the whole lab: said only when nothing else is).
_TOPS = {**_TEXTS, "network": "", "flow": "Flow", "request": "Request", "requests": "Requests",
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
# A list inside a network's part that names others: an instance's groups are references.
_REFERENCES = {"security_groups": "security group"}
_KEYS = {"vpc": "VPC", "cidr": "CIDR"}  # the network case's keys a learner reads as initials


def spoken(
    path: str,
    case: Mapping[str, Any],
    row_of: RowOf = same_row,
    *,
    called: Mapping[str, str] | None = None,
) -> str:
    """An engine path as the page says it: each list item by its position from 1, a rule by
    its Name too where it has one, a network's subnet or group by its name, a network ACL's
    entry by its rule number: `web_acl.Rules[0].Action` is "Web ACL, rule 1
    ("block-bad-bots"), Action", `network.subnets[1].cidr` "Subnet app, CIDR",
    `network.network_acls[0].inbound[1].ports` "Network ACL edge, inbound rule 110, ports",
    `ip_sets.office[2]` "IP sets, set "office", address 3". `case` gives the names (a name the
    page could not show, or none, leaves the number alone; an entry whose rule number is not
    one, or is used twice, is "inbound entry 2"). `row_of` numbers a request, a group's rule
    or an entry without a rule number as the form's row holding it (`form_field`); `called`
    names a top part as the page calls it (a flow-fix challenge's flow: "must_allow #1").
    """
    at = steps(path)
    if not at:
        return path
    top = str(at[0])
    words = [{**_TOPS, **(called or {})}.get(top, top)]
    node: Any = case.get(top) if isinstance(case, Mapping) else None
    rest: list[str | int] = list(at[1:])
    key: str = top
    if top == "ip_sets" and rest and isinstance(rest[0], str):  # a set, by its name
        name = rest[0]
        rest = rest[1:]
        words.append(f"set {_quoted(name)}")
        node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict) and rest[:1] == ["Addresses"]:
            rest.pop(0)
            node = node.get("Addresses")
        key = "Addresses"
    if top == "requests" and rest and isinstance(rest[0], int):  # a row of the form
        row = row_of("req", rest[0])
        words[0] = f"Request {(rest[0] if row is None else row) + 1}"
        rest, node = rest[1:], None
    network = top == "network"
    within: list[tuple[str, int]] = []  # the lists walked into: (key, place among objects)
    for n, step in enumerate(rest):
        if isinstance(step, int):
            items = node if isinstance(node, list) else []
            words.append(_item(key, step, items, within, row_of, network=network))
            shown = _shown(items, step)
            within.append((key, shown[0] if shown is not None else step))
            node = items[step] if step < len(items) else None
            continue
        key = step
        node = node.get(step) if isinstance(node, dict) else None
        an_item_next = n + 1 < len(rest) and isinstance(rest[n + 1], int)
        if not (step in _ITEMS and an_item_next):  # a list is said at its item: "rule 1"
            words.append(_KEYS.get(step, step) if network else step)
    if words[0] == "" and len(words) > 1:  # the network's own parts: said from the part
        words.pop(0)
    return ", ".join(w for w in words if w) or ("Network" if network else path)


def _item(
    key: str,
    index: int,
    items: list,
    within: list[tuple[str, int]],
    row_of: RowOf,
    *,
    network: bool,
) -> str:
    """One item of the list `key` (`items`), said where the path walked into it (`within`)."""
    item = items[index] if index < len(items) else None
    if network and not within and key in _NETWORK_NAMED:  # as the form's captions name them
        return (
            f"{_ITEMS[key]} {_name(item, f'{index + 1}') if isinstance(item, dict) else index + 1}"
        )
    owner = within[-1][0] if within else ""
    if network and owner in ("network_acls", "security_groups") and key in _PEER:
        return _entry(key, index, items, within[-1][1], owner, row_of)
    if network and within and key in _REFERENCES:
        return f"{_REFERENCES[key]} {index + 1}"
    called = _ITEMS.get(key)
    if called is None:
        return f"item {index + 1}"
    name = item.get("Name") if isinstance(item, dict) else None
    if isinstance(name, str) and _showable(name):
        return f"{called} {index + 1} ({_quoted(name)})"
    return f"{called} {index + 1}"


def _entry(direction: str, index: int, items: list, table: int, owner: str, row_of: RowOf) -> str:
    """A network ACL's entry by its rule number, as AWS names one ("inbound rule 100"); one
    without a number of its own (missing, out of range, used twice) and a security group's
    rule (which has none) by its row (from 1): "inbound entry 2", "inbound rule 2"."""
    shown = _shown(items, index)
    place = shown[0] if shown is not None else index
    row = row_of(f"{'nacl' if owner == 'network_acls' else 'sg'}-{table}-{direction}", place)
    number = f"{(place if row is None else row) + 1}"
    if owner == "security_groups":
        return f"{direction} rule {number}"
    rule = shown[1].get("rule") if shown is not None else None
    numbers = [x.get("rule") for x in items if isinstance(x, dict)]
    low, high = NACL_RULE_NUMBERS
    if type(rule) is int and low <= rule <= high and numbers.count(rule) == 1:
        return f"{direction} rule {rule}"
    return f"{direction} entry {number}"


def _showable(name: str) -> bool:
    return 0 < len(name) <= 128 and not BIDI_CONTROLS.intersection(name)


def _quoted(name: str) -> str:
    return f'"{name}"' if _showable(name) else "(a name the page cannot show)"


def _a(key: str) -> str:
    """A key with its article: "a DefaultAction", "an Action"; a plural without one."""
    if key.endswith("s") and not key.endswith("ss"):
        return key
    return f"{'an' if key[:1].upper() in 'AEIOU' else 'a'} {key}"
