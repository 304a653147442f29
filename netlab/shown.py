"""A network drawn as tables to read, not edit (a flow question's network, in a quiz).

The lab's own tables (`netlab.state.rows`) are the starting point, without the empty row each
table offers for a new rule, and with the rules AWS makes that the case leaves out written
in: a learner reading a question has no "Trace" to find them by. The question's JSON stays
beside the tables, for anyone who wants it whole.
"""

from __future__ import annotations

from typing import Any

from netlab.state import rows
from srm_trainer.netlab.vpc import MAX_SECURITY_GROUPS


def network_view(network: Any) -> dict:
    """Subnets, instances, load balancers, network ACLs and security groups as rows of text."""
    network = network if isinstance(network, dict) else {}
    drawn = rows({"network": network})
    # The groups `rows` drew: the first the engine takes.
    raw_groups = [g for g in network.get("security_groups") or [] if isinstance(g, dict)]
    raw_groups = raw_groups[:MAX_SECURITY_GROUPS]
    for nacl in drawn["nacls"]:
        for table in nacl["tables"]:
            table["rows"] = [r for r in table["rows"] if any(r.values())]
            if table["implicit"] and nacl["default"]:
                table["rows"] = [
                    _made_by_aws(
                        rule="100", protocol="all", ports="", cidr="0.0.0.0/0", action="allow"
                    )
                ]
    for group, raw in zip(drawn["groups"], raw_groups, strict=True):
        for table in group["tables"]:
            table["rows"] = [r for r in table["rows"] if any(r.values())]
            if table["direction"] == "outbound" and "outbound" not in raw:
                table["rows"] = [_made_by_aws(protocol="all", ports="", peer="0.0.0.0/0")]
            if table["direction"] == "inbound" and "inbound" not in raw and raw.get("default"):
                table["rows"] = [_made_by_aws(protocol="all", ports="", peer=group["name"])]
    balancers = [
        {
            "name": _text(lb.get("name")),
            "type": _text(lb.get("type")),
            "scheme": _text(lb.get("scheme") or "internet-facing"),
            "subnet": _text(lb.get("subnet")),
            "addresses": ", ".join(
                _text(lb.get(k)) for k in ("private_ip", "public_ip") if lb.get(k)
            ),
            "groups": ", ".join(_text(g) for g in lb.get("security_groups") or []),
            "listeners": "; ".join(
                _listener(x) for x in lb.get("listeners") or [] if isinstance(x, dict)
            ),
        }
        for lb in network.get("load_balancers") or []
        if isinstance(lb, dict)
    ]
    vpc = network.get("vpc")
    return {
        **drawn,
        "vpc_cidr": _text(vpc.get("cidr")) if isinstance(vpc, dict) else "",
        "balancers": balancers,
        # A subnet naming no network ACL has the VPC's default; when the case gives none, it is
        # the one AWS makes, which allows everything both ways (FORMAT.md).
        "default_nacl_made": any(not s["nacl"] for s in drawn["subnets"])
        and not any(n["default"] for n in drawn["nacls"]),
    }


def _made_by_aws(**row: str) -> dict:
    return {**row, "by_aws": True}


def _listener(listener: dict) -> str:
    port = _text(listener.get("port"))
    target = _text(listener.get("target_port") or listener.get("port"))
    targets = ", ".join(_text(t) for t in listener.get("targets") or [])
    return f"{_text(listener.get('protocol'))} {port} → {targets} port {target}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)
