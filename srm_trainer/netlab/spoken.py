"""Where in a network or WAF case an engine message is about, said as a person would.

The engine names a problem by its JSON path (`web_acl.Rules[0].Action`,
`network.network_acls[0].inbound[1].ports`), machine-readable for its CLI and case files; a
learner or an instructor read "Rules[0]" as code, counted from 0. `spoken` says a path in
words (a list's item by its position from 1 and its Name where it has one, a network's subnet
or group by its name, a network ACL's entry by its rule number) and `said` words a whole engine
message so. It is the one place that wording lives: the labs' pages (`netlab.field_errors`),
a learner's refused rules in a quiz, the question editors, an import and the content loader
(`quizzes.kinds.netlab_common`) all say it. Plain Python, as the engine: the quizzes app,
below the lab's pages, uses it too. A case's `expect` the engine disagrees with is worded
beside it, in `expected`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from srm_trainer.netlab.fields import BIDI_CONTROLS, join, steps
from srm_trainer.netlab.vpc import NACL_RULE_NUMBERS
from srm_trainer.netlab.waf import ACTIONS

RowOf = Callable[[str, int], "int | None"]


def same_row(table: str, index: int) -> int | None:
    """The form row of a table's `index`-th rule, on a form drawn from the case: the same."""
    return index


PEER = {"inbound": "source", "outbound": "destination"}


TEXTS = {"web_acl": "Web ACL", "ip_sets": "IP sets"}  # JSON texts, marked whole; their labels


def shown_item(items: Any, index: Any) -> tuple[int, dict[str, Any]] | None:
    """The `index`-th item of a list, and its place among the list's objects (what the form
    draws, one row or card each), if it is an object."""
    if not isinstance(items, list) or not isinstance(index, int) or index >= len(items):
        return None
    item = items[index]
    if not isinstance(item, dict):
        return None
    return sum(isinstance(x, dict) for x in items[:index]), item


def shown_name(item: dict[str, Any], fallback: str) -> str:
    """An item's name as the page shows it; its number, when the name could not be shown
    (the engine reads a network ACL's rules before its name)."""
    name = item.get("name")
    if isinstance(name, str) and 0 < len(name) <= 64 and not BIDI_CONTROLS.intersection(name):
        return name
    return fallback


# What a key that must be there takes, said with "needs a ...": the choices AWS WAF's JSON has.
_NEEDS = {
    "DefaultAction": " (Allow or Block)",
    "Action": f" ({', '.join(ACTIONS[:-1])} or {ACTIONS[-1]})",
    "TextTransformations": ' (at least one: [{"Priority": 0, "Type": "NONE"}] for none)',
}
# The engine's words that read as a statement after "Web ACL, DefaultAction:", said as a demand.
_SAID = {"names exactly one action": 'must name exactly one action, such as {"Block": {}}'}
_REQUIRED = re.compile(r"is required\b(.*)", re.S)
_UNKNOWN = re.compile(r"is not a field here \(expected one of: (.*)\)", re.S)


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
    person would (`placed`: "Network ACL edge, inbound rule 100, ports: the range starts
    after it ends (80-70)"); a message that begins with no path is its own words. Every page
    that shows an engine message with no field of its own says it here: the labs, a learner's
    rules in a quiz, the question editors and an import (`case`, `row_of`, `called` as
    `spoken` takes them)."""
    if path_and_rest(path, message)[1] == message:
        return message
    place, problem = placed(path, code, message, case, row_of, called=called)
    return f"{place}: {problem}"


def placed(
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
    at, rest = path_and_rest(path, message)
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


def path_and_rest(path: str, message: str) -> tuple[str, str]:
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
_TOPS = {**TEXTS, "network": "", "flow": "Flow", "request": "Request", "requests": "Requests",
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
            shown = shown_item(items, step)
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
    items: list[Any],
    within: list[tuple[str, int]],
    row_of: RowOf,
    *,
    network: bool,
) -> str:
    """One item of the list `key` (`items`), said where the path walked into it (`within`)."""
    item = items[index] if index < len(items) else None
    if network and not within and key in _NETWORK_NAMED:  # as the form's captions name them
        return f"{_ITEMS[key]} {shown_name(item, f'{index + 1}') if isinstance(item, dict) else index + 1}"
    owner = within[-1][0] if within else ""
    if network and owner in ("network_acls", "security_groups") and key in PEER:
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


def _entry(
    direction: str, index: int, items: list[Any], table: int, owner: str, row_of: RowOf
) -> str:
    """A network ACL's entry by its rule number, as AWS names one ("inbound rule 100"); one
    without a number of its own (missing, out of range, used twice) and a security group's
    rule (which has none) by its row (from 1): "inbound entry 2", "inbound rule 2"."""
    shown = shown_item(items, index)
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
