"""The lab's state is a flow case (`srm_trainer/netlab/FORMAT.md`); this module moves it
between the HTML form, permalinks and case files, without judging it: the engine does that,
and its errors name the field, so a mistyped rule is shown and kept, never lost.

Form fields: the network's structure travels as JSON in a hidden field; the parts a learner
edits most (network ACL rules, security-group rules, internet routes, public IPs, the flow)
are form rows over it. A rule row whose number (NACL) or source/destination (SG) is empty is
dropped: that is how a rule is removed, and each table offers one empty row to add one.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from typing import Any

from srm_trainer.iam.json_mistakes import said
from srm_trainer.netlab.flow import FLOW_KEYS
from srm_trainer.netlab.vpc import (
    MAX_INSTANCES,
    MAX_LOAD_BALANCERS,
    MAX_NACL_RULES,
    MAX_NACLS,
    MAX_SECURITY_GROUPS,
    MAX_SG_RULES,
    MAX_SUBNETS,
    NAME_LIMIT,
)

MAX_BODY_BYTES = 64 * 1024
MAX_PERMALINK_CHARS = 8_000
MAX_JSON_CHARS = 60_000
NACL_FIELDS = ("rule", "protocol", "ports", "cidr", "action")
SG_FIELDS = ("protocol", "ports", "peer")
# Every key a flow may give: the last two (a load balancer's target) ride in hidden inputs,
# kept as the case gave them.
FLOW_FIELDS = FLOW_KEYS
FLOW_NUMBERS = ("port", "source_port", "target_source_port")


class StateError(ValueError):
    """A text the lab cannot read; `field`: the form's field that holds it, if one does."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _number(text: str) -> Any:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


def _load(text: str, what: str) -> Any:
    if len(text) > MAX_JSON_CHARS:
        raise StateError(
            f"The {what} is longer than the lab takes ({MAX_JSON_CHARS:,} characters)."
        )
    if not text.strip():  # Python's decoder says "Expecting value at line 1, column 1"
        raise StateError(f"The {what} is empty: paste one, or download one to see the format.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(said(exc, f"{what[:1].upper()}{what[1:]}")) from None
    except (RecursionError, ValueError):
        raise StateError(f"The {what} nests too deeply or holds a number too long.") from None


def case_from_json(text: str) -> dict:
    """A whole case pasted or opened from a file: {"network", "flow"} (other fields dropped)."""
    data = _load(text, "case")  # said "Case, line 3, column 9: ..." beside its box
    if not isinstance(data, dict) or not isinstance(data.get("network"), dict):
        raise StateError('A case is a JSON object with "network" and "flow" (see the format).')
    flow = data.get("flow") if isinstance(data.get("flow"), dict) else {}
    return {"network": data["network"], "flow": flow}


def case_from_form(post: Mapping[str, str]) -> dict:
    network = _load(post.get("network", ""), "network")
    if not isinstance(network, dict):
        raise StateError("The form lost its network; reload the page.")
    # Only the tables `rows` draws: those past the engine's limits stay as the network has them.
    for i, nacl in enumerate(_dicts(network.get("network_acls"))[:MAX_NACLS]):
        for direction in ("inbound", "outbound"):
            key = f"nacl-{i}-{direction}"
            if f"{key}-0-rule" not in post and direction not in nacl:
                continue
            rows = []
            for j in filled_rows(post, key, "rule", MAX_NACL_RULES + 1):
                row = {f: post.get(f"{key}-{j}-{f}", "").strip() for f in NACL_FIELDS}
                rule = {"rule": _number(row["rule"]), "protocol": row["protocol"] or "all",
                        "cidr": row["cidr"], "action": row["action"] or "allow"}  # fmt: skip
                if row["ports"]:
                    rule["ports"] = row["ports"]
                rows.append(rule)
            nacl[direction] = rows
    for i, group in enumerate(_dicts(network.get("security_groups"))[:MAX_SECURITY_GROUPS]):
        for direction, peer in (("inbound", "source"), ("outbound", "destination")):
            key = f"sg-{i}-{direction}"
            if f"{key}-0-peer" not in post:
                continue
            rows = []
            for j in filled_rows(post, key, "peer", MAX_SG_RULES + 1):
                row = {f: post.get(f"{key}-{j}-{f}", "").strip() for f in SG_FIELDS}
                rule = {"protocol": row["protocol"] or "tcp", peer: row["peer"]}
                if row["ports"]:
                    rule["ports"] = row["ports"]
                rows.append(rule)
            group[direction] = rows
    for i, subnet in enumerate(_dicts(network.get("subnets"))):
        if f"subnet-{i}-present" in post:
            subnet["route_to_internet_gateway"] = post.get(f"subnet-{i}-igw") == "on"
            nacl_name = post.get(f"subnet-{i}-nacl", "")
            if nacl_name:
                subnet["network_acl"] = nacl_name
            else:
                subnet.pop("network_acl", None)
    for i, inst in enumerate(_dicts(network.get("instances"))):
        if f"inst-{i}-public_ip" in post:
            address = post.get(f"inst-{i}-public_ip", "").strip()
            if address:
                inst["public_ip"] = address
            else:
                inst.pop("public_ip", None)
    flow: dict[str, Any] = {}
    for name in FLOW_FIELDS:
        value = post.get(f"flow-{name}", "").strip()
        if value:
            flow[name] = _number(value) if name in FLOW_NUMBERS else value
    return {"network": network, "flow": flow}


def filled_rows(post: Mapping[str, str], key: str, field: str, count: int) -> list[int]:
    """The rows of table `key` (of the first `count`) whose `field` is filled: the rows kept.
    A row's other fields are read only for these: a table offers up to 61 rows, nearly all
    absent, and reading every field of each was a third of a live update's CPU."""
    return [j for j in range(count) if post.get(f"{key}-{j}-{field}", "").strip()]


_TABLES = {"nacl": ("rule", MAX_NACL_RULES + 1), "sg": ("peer", MAX_SG_RULES + 1)}


def sent_row(post: Mapping[str, str], table: str, index: int) -> int | None:
    """The row of table `table` (`nacl-0-inbound`) that held its `index`-th rule in the form as
    sent: the rows left empty are not rules (`filled_rows`). None past the rules sent."""
    key_field, count = _TABLES[table.split("-", 1)[0]]
    filled = filled_rows(post, table, key_field, count)
    return filled[index] if 0 <= index < len(filled) else None


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list:
    """A JSON list, or [] for anything else (damaged input is drawn, not trusted)."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    """A JSON object, or {} for anything else (as `_list`)."""
    return value if isinstance(value, dict) else {}


def shown_name(value: Any) -> str:
    """A name as the form's labels and headings say it: a name past the engine's limit (which
    refuses it at its own field, and the case's JSON holds whole) cut there, as each is said
    once for every rule row of its table."""
    text = _text(value)
    return text if len(text) <= NAME_LIMIT else f"{text[:NAME_LIMIT]}…"


def rows(case: dict) -> dict:
    """What the template draws: every table with its rows as text, plus one empty row.

    At most what the engine takes (and the form reads back, `case_from_form`): the tables,
    subnets and instances past its limits, and the rules past a table's rows, are not drawn
    (the engine refuses the case, saying which limit; the network keeps them). A link of 200
    characters drew a table for each of 2,000 empty network ACLs (8.7 MB), or a 5,000-character
    name in each label of 100 rule rows (10.4 MB)."""
    network = _dict(case.get("network"))
    nacls = []
    raw_nacls = _dicts(network.get("network_acls"))[:MAX_NACLS]
    for i, nacl in enumerate(raw_nacls):
        tables = []
        for direction in ("inbound", "outbound"):
            present = [
                {f: _text(r.get(f)) for f in NACL_FIELDS}
                for r in _dicts(nacl.get(direction))[: MAX_NACL_RULES + 1]
            ]
            implicit = direction not in nacl
            tables.append({"direction": direction, "key": f"nacl-{i}-{direction}", "implicit": implicit,
                           "max": MAX_NACL_RULES,
                           "rows": [*present, dict.fromkeys(NACL_FIELDS, "")]
                           if len(present) < MAX_NACL_RULES else present})  # fmt: skip
        nacls.append({"name": shown_name(nacl.get("name")), "default": bool(nacl.get("default")),
                      "tables": tables})  # fmt: skip
    groups = []
    for i, group in enumerate(_dicts(network.get("security_groups"))[:MAX_SECURITY_GROUPS]):
        tables = []
        for direction, peer in (("inbound", "source"), ("outbound", "destination")):
            given = direction in group
            present = [{"protocol": _text(r.get("protocol")), "ports": _text(r.get("ports")),
                        "peer": _text(r.get(peer))}
                       for r in _dicts(group.get(direction))[: MAX_SG_RULES + 1]]  # fmt: skip
            if not given and direction == "outbound":  # AWS's allow-all, made visible and editable
                present = [{"protocol": "all", "ports": "", "peer": "0.0.0.0/0"}]
            tables.append({"direction": direction, "peer": peer, "key": f"sg-{i}-{direction}",
                           "max": MAX_SG_RULES,
                           "rows": [*present, dict.fromkeys(SG_FIELDS, "")]
                           if len(present) < MAX_SG_RULES else present})  # fmt: skip
        groups.append({"name": shown_name(group.get("name")), "tables": tables})
    # A subnet's menu offers the network ACLs' names the engine takes, each subnet's own too
    # (a name it does not know, or too long), so that the form sent again keeps what it had.
    nacl_names = [n for n in (_text(x.get("name")) for x in raw_nacls) if len(n) <= NAME_LIMIT]
    subnets = [{"index": i, "name": shown_name(s.get("name")), "cidr": _text(s.get("cidr")),
                "igw": s.get("route_to_internet_gateway") is True,
                "nacl": _text(s.get("network_acl")),
                "nacl_shown": shown_name(s.get("network_acl"))}
               for i, s in enumerate(_dicts(network.get("subnets"))[:MAX_SUBNETS])]  # fmt: skip
    for subnet in subnets:
        subnet["nacl_other"] = subnet["nacl"] and subnet["nacl"] not in nacl_names
    instances = [{"index": i, "name": shown_name(x.get("name")), "subnet": shown_name(x.get("subnet")),
                  "private_ip": _text(x.get("private_ip")), "public_ip": _text(x.get("public_ip")),
                  "groups": ", ".join(shown_name(g) for g in _list(x.get("security_groups")))}
                 for i, x in enumerate(_dicts(network.get("instances"))[:MAX_INSTANCES])]  # fmt: skip
    balancers = [_text(lb.get("name"))
                 for lb in _dicts(network.get("load_balancers"))[:MAX_LOAD_BALANCERS]]  # fmt: skip
    names = [_text(x.get("name")) for x in _dicts(network.get("instances"))[:MAX_INSTANCES]]
    flow = _dict(case.get("flow"))
    return {
        "nacls": nacls,
        "groups": groups,
        "subnets": subnets,
        "instances": instances,
        "endpoints": [n for n in names + balancers if len(n) <= NAME_LIMIT],
        "flow": {name: _text(flow.get(name)) for name in FLOW_FIELDS},
        "nacl_names": nacl_names,
    }


def network_json(case: dict) -> str:
    return json.dumps(case.get("network", {}), separators=(",", ":"), ensure_ascii=False)


def case_text(case: dict) -> str:
    return json.dumps({"network": case.get("network"), "flow": case.get("flow")}, indent=2,
                      ensure_ascii=False)  # fmt: skip


def encode_permalink(case: dict) -> str | None:
    """The case, compressed into a URL-safe token; None when it is too long to share so."""
    raw = json.dumps({"network": case.get("network"), "flow": case.get("flow")},
                     separators=(",", ":"), ensure_ascii=False).encode()  # fmt: skip
    token = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    return token if len(token) <= MAX_PERMALINK_CHARS else None


def decode_permalink(token: str) -> dict:
    if len(token) > MAX_PERMALINK_CHARS:
        raise StateError("That link is longer than the lab's links can be.")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(packed, MAX_JSON_CHARS + 1)
        if len(raw) > MAX_JSON_CHARS or decompressor.unconsumed_tail:
            raise StateError("That link holds more than the lab takes.")
        text = raw.decode("utf-8")
    except StateError:
        raise
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        raise StateError("That link is damaged (it may have been cut short), so the lab opened "
                         "with its example.") from None  # fmt: skip
    return case_from_json(text)
