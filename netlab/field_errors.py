"""Where on a lab's form an engine error is, in the page's own words.

The engine names a problem by its JSON path (`network.network_acls[0].outbound[1].ports`), which
a learner editing the form never sees: they see tables, captions and column headings. Here a
path becomes the field it is about (its id, to mark it and link to it) and its place as the page
labels it ("Network ACL nacl-web, outbound rule row 2, Ports"), and a number's problem says the
range the field takes. A path the form has no field for, and a mistake inside a JSON text the
learner typed (the WAF lab's web ACL and IP sets), are said in words by
`srm_trainer.netlab.spoken` (`spoken`, `said`), which the quizzes' question kinds share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from srm_trainer.netlab.fields import steps
from srm_trainer.netlab.spoken import (
    PEER,
    TEXTS,
    RowOf,
    path_and_rest,
    placed,
    said,
    same_row,
    shown_item,
    shown_name,
)
from srm_trainer.netlab.vpc import MAX_PORT, NACL_RULE_NUMBERS
from srm_trainer.netlab.waf import (
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
    return path_and_rest(path, message)[1]


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
    shown = shown_item(network.get(what), index)
    if shown is None:
        return None
    i, item = shown
    if what in ("network_acls", "security_groups") and len(rest) >= 3:
        direction, rule, column, *inside = rest
        if direction not in PEER or not isinstance(rule, int):
            return None
        rules = shown_item(item.get(direction), rule)
        table = f"{'nacl' if what == 'network_acls' else 'sg'}-{i}-{direction}"
        row = row_of(table, rules[0]) if rules is not None else None
        if row is None or inside and column != "ports":  # `ports: [low, high]`: its field
            return None
        peer = PEER[str(direction)]
        if what == "network_acls":
            columns = {**_NACL_COLUMNS, "cidr": (peer.capitalize(), "")}
            owner = f"Network ACL {shown_name(item, f'{i + 1}')}"
        else:
            columns = {"protocol": ("Protocol", ""), "ports": ("Ports", PORTS),
                       peer: (peer.capitalize(), "")}  # fmt: skip
            owner = f"Security group {shown_name(item, f'{i + 1}')}"
        if column not in columns:
            return None
        label, kind = columns[str(column)]
        name = "peer" if column == peer else column
        return f"{table}-{row}-{name}", f"{owner}, {direction} rule row {row + 1}, {label}", kind
    if what == "subnets" and rest in (["network_acl"], ["route_to_internet_gateway"]):
        field, label = (("nacl", "Network ACL") if rest == ["network_acl"]
                        else ("igw", "Route to an internet gateway"))  # fmt: skip
        return f"subnet-{i}-{field}", f"Subnet {shown_name(item, f'{i + 1}')}, {label}", ""
    if what == "instances" and rest == ["public_ip"]:
        return f"inst-{i}-public_ip", f"Instance {shown_name(item, f'{i + 1}')}, Public IP", ""
    return None


# --- the WAF lab ------------------------------------------------------------------------------

_REQUEST_COLUMNS = {
    "ip": ("IP", ""),
    "country": ("Country", ""),
    "method": ("Method", ""),
    "uri": ("URI path", ""),
    "query": ("Query", ""),
    "body": ("Body", ""),
    "captcha_token": ("CAPTCHA token", ""),
    "challenge_token": ("Challenge token", ""),
    "time": ("Time", "time"),
    "repeat": ("Repeat", "repeat"),
    "every": ("Every", "every"),
}


def _waf_field(at: tuple, row_of: RowOf) -> tuple[str, str, str] | None:
    if at[:1] and at[0] in TEXTS:
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


def _text_problem(
    field_id: str, path: str, code: str, message: str, case: Mapping[str, Any]
) -> FieldProblem:
    """A mistake in a JSON text the learner typed, placed as the page names the text with the
    path inside it said (`placed`), where to look. What the text could not be read as (not
    JSON, empty: `invalid_text`) already says where, by line and column, and stays as it is."""
    if code == "invalid_text":
        return FieldProblem(field_id, "", message)
    return FieldProblem(field_id, *placed(path, code, message, case))
