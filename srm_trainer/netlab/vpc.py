"""The network model: one VPC, its subnets, network ACLs, security groups, instances and load
balancers, read from JSON (`FORMAT.md`) into frozen dataclasses.

Defaults follow the VPC User Guide, so a learner writes only what differs from AWS:
- a subnet with no `network_acl` is associated with the VPC's default network ACL;
- the default network ACL, unless its rules are given, allows all traffic both ways (rule 100);
  a custom network ACL starts with no rules, so only its final `*` rule (deny) applies;
- a security group without `outbound` keeps the allow-all outbound rule AWS creates with it;
  `"outbound": []` removes it; a new group has no inbound rules;
- an instance (or an Application Load Balancer) given no security group gets the VPC's default
  security group, which allows inbound traffic from members of itself and all outbound traffic.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from . import fields as f
from .errors import NetlabError, Problems

IPv4Address = ipaddress.IPv4Address
IPv4Network = ipaddress.IPv4Network

# Bounded cost: AWS's own default quotas where there is one (60 rules per security group per
# direction, 5 groups per network interface, 20 rules per network ACL direction, raisable to 40).
MAX_SUBNETS = 20
MAX_NACLS = 20
MAX_NACL_RULES = 40
MAX_SECURITY_GROUPS = 30
MAX_SG_RULES = 60
MAX_GROUPS_PER_INTERFACE = 5
MAX_INSTANCES = 50
MAX_LOAD_BALANCERS = 10
MAX_LISTENERS = 10
MAX_TARGETS = 20
MAX_PORT = 65535
NACL_RULE_NUMBERS = (1, 32766)  # AWS's: 32767 is its own catch-all deny
NAME_LIMIT = 64

PROTOCOLS = {
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "all": "all",
    "-1": "all",
}
ALL_IPV4 = ipaddress.IPv4Network("0.0.0.0/0")


@dataclass(frozen=True, slots=True)
class PortRange:
    low: int
    high: int

    def __contains__(self, port: int) -> bool:
        return self.low <= port <= self.high

    def __str__(self) -> str:
        if self.low == 0 and self.high == 65535:
            return "all ports"
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


ALL_PORTS = PortRange(0, 65535)


@dataclass(frozen=True, slots=True)
class NaclRule:
    number: int
    protocol: str  # tcp | udp | icmp | all
    ports: PortRange
    cidr: IPv4Network
    action: str  # allow | deny

    def text(self, direction: str) -> str:
        what = "all traffic" if self.protocol == "all" else self.protocol
        if self.protocol in ("tcp", "udp"):
            what += f" {self.ports}"
        peer = "from" if direction == "inbound" else "to"
        return f"{self.number}: {self.action} {what} {peer} {self.cidr}"


@dataclass(frozen=True, slots=True)
class NetworkAcl:
    name: str
    default: bool
    inbound: tuple[NaclRule, ...]
    outbound: tuple[NaclRule, ...]

    def rules(self, direction: str) -> tuple[NaclRule, ...]:
        return self.inbound if direction == "inbound" else self.outbound


@dataclass(frozen=True, slots=True)
class SgRule:
    index: int  # 1-based position in its list, for naming
    protocol: str
    ports: PortRange
    cidr: IPv4Network | None
    group: str | None  # a referenced security group

    def text(self, direction: str) -> str:
        what = "all traffic" if self.protocol == "all" else self.protocol
        if self.protocol in ("tcp", "udp"):
            what += f" {self.ports}"
        peer = "from" if direction == "inbound" else "to"
        other = str(self.cidr) if self.cidr is not None else f"members of {self.group}"
        return f"{what} {peer} {other}"


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    name: str
    default: bool
    inbound: tuple[SgRule, ...]
    outbound: tuple[SgRule, ...]

    def rules(self, direction: str) -> tuple[SgRule, ...]:
        return self.inbound if direction == "inbound" else self.outbound


@dataclass(frozen=True, slots=True)
class Subnet:
    name: str
    cidr: IPv4Network
    internet_route: bool
    nacl: str


@dataclass(frozen=True, slots=True)
class Instance:
    name: str
    subnet: str
    private_ip: IPv4Address
    public_ip: IPv4Address | None
    security_groups: tuple[str, ...]
    kind: str = "instance"


@dataclass(frozen=True, slots=True)
class Listener:
    protocol: str
    port: int
    target_port: int
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoadBalancer:
    name: str
    lb_type: str  # application | network
    scheme: str  # internet-facing | internal
    subnet: str
    private_ip: IPv4Address
    public_ip: IPv4Address | None
    security_groups: tuple[str, ...]  # empty: an NLB created without security groups
    listeners: tuple[Listener, ...]
    preserve_client_ip: bool
    kind: str = "load_balancer"


@dataclass(frozen=True, slots=True)
class Network:
    cidr: IPv4Network
    subnets: dict[str, Subnet]
    nacls: dict[str, NetworkAcl]
    security_groups: dict[str, SecurityGroup]
    instances: dict[str, Instance]
    load_balancers: dict[str, LoadBalancer]
    by_address: dict[IPv4Address, tuple[str, str]] = field(default_factory=dict)

    def endpoint(self, name: str) -> Instance | LoadBalancer | None:
        return self.instances.get(name) or self.load_balancers.get(name)


# --- parsing --------------------------------------------------------------------------------


def _name(raw: Any, path: str) -> str:
    name = f.name(raw, path, limit=NAME_LIMIT)
    if any(c.isspace() for c in name):
        raise NetlabError("invalid_name", f"{path}: a name has no spaces ({name!r})", path=path)
    return name


def _protocol(raw: Any, path: str) -> str:
    key = str(raw).lower() if isinstance(raw, str | int) and not isinstance(raw, bool) else None
    if key not in PROTOCOLS:
        raise NetlabError(
            "invalid_protocol",
            f"{path} must be tcp, udp, icmp or all (or 6, 17, 1, -1), not {raw!r}",
            path=path,
        )
    return PROTOCOLS[key]


def parse_ports(raw: Any, path: str, protocol: str) -> PortRange:
    """`22`, `"22"`, `"1024-65535"` or `[1024, 65535]`; omitted means every port."""
    if raw is None or protocol in ("all", "icmp"):
        return ALL_PORTS
    if isinstance(raw, int) and not isinstance(raw, bool):
        low = high = f.integer(raw, path, low=0, high=MAX_PORT)
    elif isinstance(raw, list) and len(raw) == 2:
        low = f.integer(raw[0], f"{path}[0]", low=0, high=MAX_PORT)
        high = f.integer(raw[1], f"{path}[1]", low=0, high=MAX_PORT)
    elif isinstance(raw, str):
        text = raw.strip()
        parts = text.split("-")
        if len(parts) not in (1, 2) or not all(
            p.strip().isascii() and p.strip().isdigit() for p in parts
        ):
            raise NetlabError(
                "invalid_ports", f'{path} must be a port or a range like "1024-65535"', path=path
            )
        low, high = int(parts[0]), int(parts[-1])
        for port in (low, high):
            if port > MAX_PORT:
                raise NetlabError("invalid_ports", f"{path}: {port} is not a port", path=path)
    else:
        raise NetlabError(
            "invalid_ports", f'{path} must be a port or a range like "1024-65535"', path=path
        )
    if low > high:
        raise NetlabError(
            "invalid_ports", f"{path}: the range starts after it ends ({low}-{high})", path=path
        )
    return PortRange(low, high)


def _nacl_rules(raw: Any, path: str, pb: Problems) -> tuple[NaclRule, ...]:
    """The entries of one direction; each field's problem recorded in `pb`, in the order the
    form shows them (rule number, protocol, ports, CIDR block, action), and the next read."""
    rules = []
    seen: set[int] = set()
    for i, item in enumerate(f.array(raw, path, limit=MAX_NACL_RULES, what="rules")):
        p = f.join(path, i)
        if pb.attempt(f.obj, item, p, allowed=("rule", "protocol", "ports", "cidr", "action"),
                      required=("rule", "cidr", "action")) is None:  # fmt: skip
            continue
        low, high = NACL_RULE_NUMBERS
        number = pb.attempt(f.integer, item["rule"], f"{p}.rule", low=low, high=high)
        if number is not None:
            if number in seen:
                pb.add(NetlabError("duplicate_rule", f"{p}.rule: rule number {number} is used "
                                   "twice", path=f"{p}.rule"))  # fmt: skip
            seen.add(number)
        protocol = pb.attempt(_protocol, item.get("protocol", "all"), f"{p}.protocol")
        ports = (pb.attempt(parse_ports, item.get("ports"), f"{p}.ports", protocol)
                 if protocol is not None else None)  # fmt: skip
        cidr = pb.attempt(f.ipv4_network, item["cidr"], f"{p}.cidr", rule=True)
        action = pb.attempt(f.string, item["action"], f"{p}.action", choices=("allow", "deny"))
        if number is None or protocol is None or ports is None or cidr is None or action is None:
            continue
        rules.append(NaclRule(number, protocol, ports, cidr, action))
    return tuple(sorted(rules, key=lambda r: r.number))


_ALLOW_ALL = (NaclRule(100, "all", ALL_PORTS, ALL_IPV4, "allow"),)


def _nacl(raw: Any, path: str, pb: Problems) -> NetworkAcl | None:
    """A network ACL, its entries' problems recorded in `pb`; None when its name is refused."""
    f.obj(raw, path, allowed=("name", "default", "inbound", "outbound"), required=("name",))
    default = pb.attempt(f.boolean, raw.get("default", False), f"{path}.default") or False
    # The default network ACL comes with allow-all rules; a custom one with none.
    rules = []
    for direction in ("inbound", "outbound"):
        if direction in raw:
            rules.append(pb.attempt(_nacl_rules, raw[direction], f"{path}.{direction}", pb) or ())
        else:
            rules.append(_ALLOW_ALL if default else ())
    name = pb.attempt(_name, raw["name"], f"{path}.name")
    return NetworkAcl(name, default, rules[0], rules[1]) if name is not None else None


def _peer(raw: Any, path: str, groups: set[str]) -> tuple[IPv4Network | None, str | None]:
    """A rule's source or destination: (a CIDR block, None) or (None, a group's name)."""
    peer = f.string(raw, path, limit=64)
    if peer[:1].isdigit():
        return f.ipv4_network(peer, path, rule=True), None
    if peer in groups:
        return None, peer
    if ":" in peer:  # an IPv6 range ("::/0"): a CIDR block, refused as IPv6
        return f.ipv4_network(peer, path, rule=True), None
    raise NetlabError(
        "unknown_reference",
        f"{path}: {peer!r} is neither a CIDR block nor a security group "
        f"of this VPC ({', '.join(sorted(groups)) or 'none defined'})",
        path=path,
    )


def _sg_rules(
    raw: Any, path: str, direction: str, groups: set[str], pb: Problems
) -> tuple[SgRule, ...]:
    """A group's rules of one direction; each field's problem recorded in `pb`, in the order
    the form shows them (protocol, ports, source or destination), and the next read."""
    peer_key = "source" if direction == "inbound" else "destination"
    rules = []
    for i, item in enumerate(f.array(raw, path, limit=MAX_SG_RULES, what="rules")):
        p = f.join(path, i)
        if pb.attempt(f.obj, item, p, allowed=("protocol", "ports", peer_key),
                      required=("protocol", peer_key)) is None:  # fmt: skip
            continue
        protocol = pb.attempt(_protocol, item["protocol"], f"{p}.protocol")
        ports = (pb.attempt(parse_ports, item.get("ports"), f"{p}.ports", protocol)
                 if protocol is not None else None)  # fmt: skip
        peer = pb.attempt(_peer, item[peer_key], f"{p}.{peer_key}", groups)
        if protocol is None or ports is None or peer is None:
            continue
        rules.append(SgRule(i + 1, protocol, ports, *peer))
    return tuple(rules)


def _sg(raw: Any, path: str, groups: set[str], pb: Problems) -> SecurityGroup:
    f.obj(raw, path, allowed=("name", "default", "inbound", "outbound"), required=("name",))
    name = _name(raw["name"], f"{path}.name")
    default = pb.attempt(f.boolean, raw.get("default", False), f"{path}.default") or False
    if "inbound" in raw:
        inbound = (pb.attempt(_sg_rules, raw["inbound"], f"{path}.inbound", "inbound", groups,
                              pb) or ())  # fmt: skip
    else:  # a new group has no inbound rule; the default group admits its own members
        inbound = (SgRule(1, "all", ALL_PORTS, None, name),) if default else ()
    if "outbound" in raw:
        outbound = (pb.attempt(_sg_rules, raw["outbound"], f"{path}.outbound", "outbound",
                               groups, pb) or ())  # fmt: skip
    else:
        outbound = (SgRule(1, "all", ALL_PORTS, ALL_IPV4, None),)
    return SecurityGroup(name, default, inbound, outbound)


def _raw_name(item: Any) -> str | None:
    """The name an item gives, read as written (for an item refused before its name was)."""
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) else None


def _groups_of(
    raw: Any, path: str, groups: dict[str, SecurityGroup], refused: set[str]
) -> tuple[str, ...]:
    """The groups an interface names. One whose own problems are already reported (`refused`)
    is not reported again as unknown."""
    names = f.array(raw, path, limit=MAX_GROUPS_PER_INTERFACE, what="security groups")
    out = []
    for i, name in enumerate(names):
        name = f.string(name, f.join(path, i), limit=NAME_LIMIT)
        if name not in groups and name not in refused:
            raise NetlabError(
                "unknown_reference",
                f"{f.join(path, i)}: no security group named {name!r}",
                path=f.join(path, i),
            )
        out.append(name)
    return tuple(dict.fromkeys(out))


def _address_in_subnet(raw: Any, path: str, subnet: Subnet) -> IPv4Address:
    address = f.ipv4(raw, path)
    if address not in subnet.cidr:
        raise NetlabError(
            "address_outside_subnet",
            f"{path}: {address} is not inside subnet {subnet.name} ({subnet.cidr})",
            path=path,
        )
    # AWS reserves the first four addresses and the last one of every subnet.
    offset = int(address) - int(subnet.cidr.network_address)
    if offset < 4 or address == subnet.cidr.broadcast_address:
        raise NetlabError(
            "reserved_address",
            f"{path}: {address} is one of the five addresses AWS reserves in {subnet.cidr} "
            "(the first four and the last)",
            path=path,
        )
    return address


# The blocks RFC 5737 sets aside for examples: AWS's guides write public addresses from them
# (an instance's 203.0.113.25), as this lab does (the internet's client is 203.0.113.10), so here
# they stand for public addresses. Python's `is_private` counts them private.
DOCUMENTATION_BLOCKS = tuple(
    IPv4Network(b) for b in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
)
PRIVATE_BLOCKS = tuple(IPv4Network(b) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_SPECIAL_BLOCKS = (
    (IPv4Network("127.0.0.0/8"), "a loopback address"),
    (IPv4Network("169.254.0.0/16"), "a link-local address"),
    (IPv4Network("100.64.0.0/10"), "in the shared address space carrier-grade NAT uses"),
    (IPv4Network("224.0.0.0/4"), "a multicast address"),
)


def not_public(address: IPv4Address) -> str | None:
    """What `address` is when it cannot be an address on the internet ("a private address"),
    or None. The VPC User Guide's IP addressing page: private IPv4 addresses (RFC 1918) are
    not reachable over the internet; a public IPv4 address is."""
    if any(address in block for block in DOCUMENTATION_BLOCKS):
        return None
    if any(address in block for block in PRIVATE_BLOCKS):
        return "a private address"
    for block, words in _SPECIAL_BLOCKS:
        if address in block:
            return words
    return None if address.is_global else "reserved for special use"


def _public(raw: Any, path: str, vpc: IPv4Network) -> IPv4Address | None:
    if raw is None:
        return None
    address = f.ipv4(raw, path)
    what = "a private address" if address in vpc else not_public(address)
    if what is not None:
        raise NetlabError(
            "not_public",
            f"{path}: {address} is {what}; a public IP is routable on the internet",
            path=path,
        )
    return address


def parse_network(raw: Any, path: str = "network") -> Network:
    """The network `raw` describes. A NetlabError names every problem of its network ACLs' and
    security groups' rules (`errors.Problems`); elsewhere, the first problem stops it."""
    with Problems() as pb:
        return _network(raw, path, pb)


def _network(raw: Any, path: str, pb: Problems) -> Network:
    f.obj(
        raw,
        path,
        allowed=(
            "vpc",
            "subnets",
            "network_acls",
            "security_groups",
            "instances",
            "load_balancers",
        ),  # fmt: skip
        required=("vpc", "subnets"),
    )
    vpc_raw = f.obj(raw["vpc"], f"{path}.vpc", allowed=("name", "cidr"), required=("cidr",))
    cidr = f.ipv4_network(vpc_raw["cidr"], f"{path}.vpc.cidr")
    if not 16 <= cidr.prefixlen <= 28:
        raise NetlabError(
            "invalid_cidr",
            f"{path}.vpc.cidr: a VPC's IPv4 block is between /16 and /28, not /{cidr.prefixlen}",
            path=f"{path}.vpc.cidr",
        )

    nacls: dict[str, NetworkAcl] = {}
    refused: set[str] = set()  # the names of network ACLs and groups whose problems are said
    for i, item in enumerate(f.array(raw.get("network_acls"), f"{path}.network_acls",
                                     limit=MAX_NACLS, what="network ACLs")):  # fmt: skip
        nacl = pb.attempt(_nacl, item, f"{path}.network_acls[{i}]", pb)
        if nacl is None:
            refused.update(filter(None, [_raw_name(item)]))
            continue
        if nacl.name in nacls:
            pb.add(NetlabError("duplicate_name", f"{path}.network_acls[{i}].name: {nacl.name!r} "
                               "is used twice", path=f"{path}.network_acls[{i}].name"))  # fmt: skip
        nacls[nacl.name] = nacl
    defaults = [n for n in nacls.values() if n.default]
    if len(defaults) > 1:
        raise NetlabError(
            "two_defaults",
            f"{path}.network_acls: a VPC has one default network ACL, not {len(defaults)}",
            path=f"{path}.network_acls",
        )
    default_nacl = defaults[0].name if defaults else None

    subnets: dict[str, Subnet] = {}
    for i, item in enumerate(f.array(raw["subnets"], f"{path}.subnets", limit=MAX_SUBNETS,
                                     what="subnets")):  # fmt: skip
        p = f"{path}.subnets[{i}]"
        f.obj(item, p, allowed=("name", "cidr", "route_to_internet_gateway", "network_acl"),
              required=("name", "cidr"))  # fmt: skip
        name = _name(item["name"], f"{p}.name")
        if name in subnets:
            raise NetlabError(
                "duplicate_name", f"{p}.name: {name!r} is used twice", path=f"{p}.name"
            )
        block = f.ipv4_network(item["cidr"], f"{p}.cidr")
        if not block.subnet_of(cidr):
            raise NetlabError("subnet_outside_vpc",
                              f"{p}.cidr: {block} is not inside the VPC's {cidr}", path=f"{p}.cidr")  # fmt: skip
        if not 16 <= block.prefixlen <= 28:
            raise NetlabError("invalid_cidr", f"{p}.cidr: a subnet is between /16 and /28",
                              path=f"{p}.cidr")  # fmt: skip
        for other in subnets.values():
            if block.overlaps(other.cidr):
                raise NetlabError("overlapping_subnets",
                                  f"{p}.cidr: {block} overlaps subnet {other.name} ({other.cidr})",
                                  path=f"{p}.cidr")  # fmt: skip
        if "network_acl" in item:
            nacl_name = f.string(item["network_acl"], f"{p}.network_acl", limit=NAME_LIMIT)
            if nacl_name not in nacls and nacl_name not in refused:
                raise NetlabError("unknown_reference",
                                  f"{p}.network_acl: no network ACL named {nacl_name!r}",
                                  path=f"{p}.network_acl")  # fmt: skip
        else:
            if default_nacl is None:  # AWS creates one with every VPC
                default_nacl = "default-nacl"
                nacls[default_nacl] = NetworkAcl(default_nacl, True, _ALLOW_ALL, _ALLOW_ALL)
            nacl_name = default_nacl
        subnets[name] = Subnet(
            name,
            block,
            f.boolean(
                item.get("route_to_internet_gateway", False), f"{p}.route_to_internet_gateway"
            ),  # fmt: skip
            nacl_name,
        )

    sg_raw = f.array(raw.get("security_groups"), f"{path}.security_groups",
                     limit=MAX_SECURITY_GROUPS, what="security groups")  # fmt: skip
    # Every group's name, so a rule can name a group written after its own.
    names = {name for name in map(_raw_name, sg_raw) if name is not None}
    groups: dict[str, SecurityGroup] = {}
    seen: set[str] = set()
    for i, item in enumerate(sg_raw):
        given = _raw_name(item)
        if given is not None and given in seen:
            pb.add(NetlabError("duplicate_name", f"{path}.security_groups[{i}].name: {given!r} "
                               "is used twice", path=f"{path}.security_groups[{i}].name"))  # fmt: skip
        seen.update(filter(None, [given]))
        sg = pb.attempt(_sg, item, f"{path}.security_groups[{i}]", names | {"default"}, pb)
        if sg is None:
            refused.update(filter(None, [_raw_name(item)]))
        else:
            groups[sg.name] = sg
    default_groups = [g for g in groups.values() if g.default]
    if len(default_groups) > 1:
        raise NetlabError("two_defaults", f"{path}.security_groups: a VPC has one default "
                          "security group", path=f"{path}.security_groups")  # fmt: skip

    def default_group() -> str:
        if default_groups:
            return default_groups[0].name
        if "default" not in groups:
            groups["default"] = SecurityGroup(
                "default",
                True,
                (SgRule(1, "all", ALL_PORTS, None, "default"),),
                (SgRule(1, "all", ALL_PORTS, ALL_IPV4, None),),
            )
        return "default"

    for sg in list(groups.values()):  # a rule may name the implicit default group
        for rule in sg.inbound + sg.outbound:
            if rule.group == "default" and "default" not in groups:
                default_group()

    by_address: dict[IPv4Address, tuple[str, str]] = {}
    endpoint_names: set[str] = set()

    def claim(address: IPv4Address | None, owner: str, how: str, p: str) -> None:
        if address is None:
            return
        if address in by_address:
            raise NetlabError("duplicate_address",
                              f"{p}: {address} is already used by {by_address[address][0]}", path=p)  # fmt: skip
        by_address[address] = (owner, how)

    def subnet_of(item: dict[str, Any], p: str) -> Subnet:
        name = f.string(item["subnet"], f"{p}.subnet", limit=NAME_LIMIT)
        if name not in subnets:
            raise NetlabError("unknown_reference", f"{p}.subnet: no subnet named {name!r}",
                              path=f"{p}.subnet")  # fmt: skip
        return subnets[name]

    instances: dict[str, Instance] = {}
    for i, item in enumerate(f.array(raw.get("instances"), f"{path}.instances",
                                     limit=MAX_INSTANCES, what="instances")):  # fmt: skip
        p = f"{path}.instances[{i}]"
        f.obj(item, p, allowed=("name", "subnet", "private_ip", "public_ip", "security_groups"),
              required=("name", "subnet", "private_ip"))  # fmt: skip
        name = _name(item["name"], f"{p}.name")
        if name in endpoint_names:
            raise NetlabError(
                "duplicate_name", f"{p}.name: {name!r} is used twice", path=f"{p}.name"
            )
        endpoint_names.add(name)
        subnet = subnet_of(item, p)
        private = _address_in_subnet(item["private_ip"], f"{p}.private_ip", subnet)
        public = _public(item.get("public_ip"), f"{p}.public_ip", cidr)
        sgs = _groups_of(item.get("security_groups"), f"{p}.security_groups", groups, refused)
        if not sgs:
            sgs = (default_group(),)
        claim(private, name, "private", f"{p}.private_ip")
        claim(public, name, "public", f"{p}.public_ip")
        instances[name] = Instance(name, subnet.name, private, public, sgs)

    lbs: dict[str, LoadBalancer] = {}
    for i, item in enumerate(f.array(raw.get("load_balancers"), f"{path}.load_balancers",
                                     limit=MAX_LOAD_BALANCERS, what="load balancers")):  # fmt: skip
        p = f"{path}.load_balancers[{i}]"
        f.obj(
            item,
            p,
            allowed=(
                "name",
                "type",
                "scheme",
                "subnet",
                "private_ip",
                "public_ip",
                "security_groups",
                "listeners",
                "preserve_client_ip",
            ),  # fmt: skip
            required=("name", "type", "subnet", "private_ip", "listeners"),
        )
        name = _name(item["name"], f"{p}.name")
        if name in endpoint_names:
            raise NetlabError(
                "duplicate_name", f"{p}.name: {name!r} is used twice", path=f"{p}.name"
            )
        endpoint_names.add(name)
        lb_type = f.string(item["type"], f"{p}.type", choices=("application", "network"))
        scheme = f.string(item.get("scheme", "internet-facing"), f"{p}.scheme",
                          choices=("internet-facing", "internal"))  # fmt: skip
        subnet = subnet_of(item, p)
        private = _address_in_subnet(item["private_ip"], f"{p}.private_ip", subnet)
        public = _public(item.get("public_ip"), f"{p}.public_ip", cidr)
        if scheme == "internet-facing" and public is None:
            raise NetlabError("missing_field", f"{p}.public_ip: an internet-facing load balancer "
                              "needs a public IP in this lab", path=f"{p}.public_ip")  # fmt: skip
        if scheme == "internal" and public is not None:
            raise NetlabError("internal_public_ip", f"{p}.public_ip: an internal load balancer "
                              "has private addresses only", path=f"{p}.public_ip")  # fmt: skip
        sgs = _groups_of(item.get("security_groups"), f"{p}.security_groups", groups, refused)
        if not sgs and lb_type == "application":  # an ALB always has one; NLB groups are optional
            sgs = (default_group(),)
        if "preserve_client_ip" in item and lb_type == "application":
            raise NetlabError("not_applicable", f"{p}.preserve_client_ip: an Application Load "
                              "Balancer always connects to targets from its own address",
                              path=f"{p}.preserve_client_ip")  # fmt: skip
        preserve = f.boolean(item.get("preserve_client_ip", lb_type == "network"),
                             f"{p}.preserve_client_ip")  # fmt: skip
        listeners = []
        ports: set[int] = set()
        for j, lraw in enumerate(f.array(item["listeners"], f"{p}.listeners",
                                         limit=MAX_LISTENERS, what="listeners")):  # fmt: skip
            lp = f"{p}.listeners[{j}]"
            f.obj(lraw, lp, allowed=("protocol", "port", "target_port", "targets"),
                  required=("port", "targets"))  # fmt: skip
            default_protocol = "tcp"
            protocol = _protocol(lraw.get("protocol", default_protocol), f"{lp}.protocol")
            if protocol not in ("tcp", "udp") or (lb_type == "application" and protocol != "tcp"):
                raise NetlabError("invalid_protocol", f"{lp}.protocol: an {lb_type} load balancer "
                                  "listens on " + ("TCP (HTTP/HTTPS)" if lb_type == "application"
                                                   else "TCP or UDP"), path=f"{lp}.protocol")  # fmt: skip
            port = f.integer(lraw["port"], f"{lp}.port", low=1, high=65535)
            if port in ports:
                raise NetlabError("duplicate_listener", f"{lp}.port: two listeners on {port}",
                                  path=f"{lp}.port")  # fmt: skip
            ports.add(port)
            target_port = f.integer(lraw.get("target_port", port), f"{lp}.target_port",
                                    low=1, high=65535)  # fmt: skip
            targets = []
            for k, t in enumerate(f.array(lraw["targets"], f"{lp}.targets", limit=MAX_TARGETS,
                                          what="targets")):  # fmt: skip
                t = f.string(t, f"{lp}.targets[{k}]", limit=NAME_LIMIT)
                if t not in instances:
                    raise NetlabError("unknown_reference", f"{lp}.targets[{k}]: no instance "
                                      f"named {t!r}", path=f"{lp}.targets[{k}]")  # fmt: skip
                targets.append(t)
            if not targets:
                raise NetlabError("missing_field", f"{lp}.targets: a listener needs a target",
                                  path=f"{lp}.targets")  # fmt: skip
            listeners.append(Listener(protocol, port, target_port, tuple(targets)))
        claim(private, name, "private", f"{p}.private_ip")
        claim(public, name, "public", f"{p}.public_ip")
        lbs[name] = LoadBalancer(name, lb_type, scheme, subnet.name, private, public, sgs,
                                 tuple(listeners), preserve)  # fmt: skip

    return Network(cidr, subnets, nacls, groups, instances, lbs, by_address)
