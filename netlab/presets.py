"""The network lab's presets: the situations the denial-of-service lessons describe, each a
flow case (`srm_trainer/netlab/FORMAT.md`) with a short situation in our own words."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

_WEB_DB = {
    "vpc": {"cidr": "10.0.0.0/16"},
    "subnets": [
        {"name": "public", "cidr": "10.0.1.0/24", "route_to_internet_gateway": True,
         "network_acl": "public-nacl"},
        {"name": "private", "cidr": "10.0.2.0/24", "network_acl": "private-nacl"},
    ],
    "network_acls": [
        {"name": "public-nacl",
         "inbound": [
             {"rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow"},
             {"rule": 110, "protocol": "tcp", "ports": "22", "cidr": "0.0.0.0/0", "action": "allow"},
             {"rule": 120, "protocol": "tcp", "ports": "1024-65535", "cidr": "0.0.0.0/0", "action": "allow"},
         ],
         "outbound": [
             {"rule": 100, "protocol": "tcp", "ports": "5432", "cidr": "10.0.2.0/24", "action": "allow"},
             {"rule": 110, "protocol": "tcp", "ports": "1024-65535", "cidr": "0.0.0.0/0", "action": "allow"},
         ]},
        {"name": "private-nacl",
         "inbound": [
             {"rule": 100, "protocol": "tcp", "ports": "5432", "cidr": "10.0.1.0/24", "action": "allow"},
         ],
         "outbound": [
             {"rule": 100, "protocol": "tcp", "ports": "1024-65535", "cidr": "10.0.1.0/24", "action": "allow"},
         ]},
    ],
    "security_groups": [
        {"name": "sg-web", "inbound": [
            {"protocol": "tcp", "ports": "443", "source": "0.0.0.0/0"},
            {"protocol": "tcp", "ports": "22", "source": "0.0.0.0/0"},
        ]},
        {"name": "sg-db", "inbound": [{"protocol": "tcp", "ports": "5432", "source": "sg-web"}]},
        {"name": "sg-admin", "inbound": []},
    ],
    "instances": [
        {"name": "web", "subnet": "public", "private_ip": "10.0.1.10", "public_ip": "54.0.0.10",
         "security_groups": ["sg-web"]},
        {"name": "admin", "subnet": "public", "private_ip": "10.0.1.20", "public_ip": "54.0.0.20",
         "security_groups": ["sg-admin"]},
        {"name": "db", "subnet": "private", "private_ip": "10.0.2.10", "security_groups": ["sg-db"]},
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Preset:
    slug: str
    title: str
    situation: str
    case: dict[str, Any]


def _with(change, flow: dict) -> dict:
    network = copy.deepcopy(_WEB_DB)
    change(network)
    return {"network": network, "flow": flow}


def _ephemeral(n: dict) -> None:
    n["network_acls"][0]["outbound"] = [
        {"rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow"}
    ]


def _deny_attacker(n: dict) -> None:
    n["network_acls"][0]["inbound"].insert(
        0, {"rule": 90, "protocol": "all", "cidr": "198.51.100.0/24", "action": "deny"}
    )


def _udp_edge(n: dict) -> None:
    n["network_acls"][0]["inbound"].insert(
        0, {"rule": 50, "protocol": "udp", "cidr": "0.0.0.0/0", "action": "deny"}
    )
    n["security_groups"][0]["inbound"].append({"protocol": "udp", "ports": "0-65535",
                                               "source": "0.0.0.0/0"})  # fmt: skip


PRESETS = {
    p.slug: p
    for p in (
        Preset(
            "db-from-web-tier",
            "A database reachable only from the web tier",
            "The database's security group admits port 5432 from members of `sg-web`, not from "
            "an address range. Trace from `web`, then change the source to `admin`: the same "
            "subnet, another group, and the database refuses it.",
            _with(
                lambda n: None,
                {"source": "web", "destination": "db", "protocol": "tcp", "port": 5432},
            ),  # fmt: skip
        ),
        Preset(
            "open-ssh",
            "SSH open to the whole internet",
            "`sg-web` admits port 22 from `0.0.0.0/0`, so any address can try to log in. Narrow "
            "the rule to your own address (a `/32`) and trace again.",
            _with(
                lambda n: None,
                {"source": "203.0.113.66", "destination": "web", "protocol": "tcp", "port": 22},
            ),  # fmt: skip
        ),
        Preset(
            "forgotten-ephemeral-ports",
            "The network ACL that forgets ephemeral ports",
            "The public subnet's network ACL lets HTTPS in, but its outbound rules only allow "
            "port 443. Network ACLs are stateless: the reply goes to the client's ephemeral "
            "port, so it needs its own rule.",
            _with(
                _ephemeral,
                {
                    "source": "internet",
                    "destination": "web",
                    "protocol": "tcp",
                    "port": 443,
                    "source_port": 50000,
                },
            ),  # fmt: skip
        ),
        Preset(
            "block-attacker-nacl",
            "Blocking an attacker's addresses with a network ACL deny",
            "Security groups only allow. To shut out one range, the network ACL gets a deny "
            "rule numbered before the allow rules: the lowest matching number wins.",
            _with(
                _deny_attacker,
                {"source": "198.51.100.23", "destination": "web", "protocol": "tcp", "port": 443},
            ),  # fmt: skip
        ),
        Preset(
            "udp-reflection-edge",
            "A UDP reflection flood stopped at the subnet's network ACL",
            "Reflected traffic arrives as UDP from servers that were tricked into answering "
            "(here memcached, source port 11211). The web server needs no UDP at all, so a "
            "network ACL deny for UDP stops it at the subnet, before any instance sees it.",
            _with(
                _udp_edge,
                {
                    "source": "198.51.100.211",
                    "destination": "web",
                    "protocol": "udp",
                    "port": 40000,
                    "source_port": 11211,
                },
            ),  # fmt: skip
        ),
    )
}
STARTER = "db-from-web-tier"
