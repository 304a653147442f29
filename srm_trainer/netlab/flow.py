"""Tracing one connection through a VPC, both ways, hop by hop.

The request leaves its source through the source's security groups (outbound) and its subnet's
network ACL (outbound), then enters the destination subnet's network ACL (inbound) and the
destination's security groups (inbound). The reply comes back through the network ACLs again,
which are stateless and judge it as new traffic (to the client's ephemeral port), while security
groups are stateful and let it through because they allowed the request. Traffic between two
addresses in one subnet does not cross that subnet's network ACL. From the internet, a
destination needs a public IP and a subnet whose route table sends traffic to an internet
gateway; a load balancer is reached first and opens its own connection to a target.

Every hop names what decided it: a network ACL rule number (or `*`), a security-group rule, or
"no rule allows it". `trace(network, flow)` is pure: quizzes and pages call it directly.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from . import fields as f
from .errors import NetlabError
from .vpc import (
    MAX_PORT,
    Instance,
    LoadBalancer,
    NaclRule,
    Network,
    PortRange,
    SgRule,
    not_public,
    parse_network,
)

INTERNET_DEFAULT = ipaddress.IPv4Address("203.0.113.10")
DEFAULT_SOURCE_PORT = 50000  # inside every usual ephemeral range (Linux, Windows, ELB, NAT)


@dataclass(frozen=True, slots=True)
class Flow:
    source: str
    destination: str
    protocol: str  # tcp | udp | icmp
    port: int | None
    source_port: int | None
    target: str | None
    target_source_port: int | None


@dataclass(frozen=True, slots=True)
class Hop:
    """One check on the way: `verdict` is allow, deny or skip (not crossed)."""

    leg: str  # request | reply
    layer: str  # security_group | network_acl | route | public_ip | listener | load_balancer
    resource: str
    direction: str  # inbound | outbound | ""
    verdict: str
    rule: str | None
    reason: str
    detail: str
    source: str
    destination: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "leg": self.leg,
            "layer": self.layer,
            "resource": self.resource,
            "direction": self.direction,
            "verdict": self.verdict,
            "rule": self.rule,
            "reason": self.reason,
            "detail": self.detail,
            "from": self.source,
            "to": self.destination,
        }


@dataclass(frozen=True, slots=True)
class Trace:
    request: str  # allowed | blocked
    reply: str | None  # allowed | blocked | None when the request never arrived
    hops: tuple[Hop, ...]

    @property
    def blocked_at(self) -> Hop | None:
        return next((h for h in self.hops if h.verdict == "deny"), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "reply": self.reply,
            "hops": [h.to_dict() for h in self.hops],
        }


@dataclass(frozen=True, slots=True)
class _End:
    """An end of one connection as packets see it."""

    label: str
    address: ipaddress.IPv4Address
    node: Instance | LoadBalancer | None  # None: an address on the internet
    via_public: bool  # addressed (or seen) through its public IP
    groups: tuple[str, ...]  # security groups whose references match it (private path only)

    @property
    def subnet(self) -> str | None:
        return self.node.subnet if self.node is not None else None


# --- parsing the flow ---------------------------------------------------------------------


# Every key a flow may give (FORMAT.md); the lab's form carries each (netlab/state.py).
FLOW_KEYS = ("source", "destination", "protocol", "port", "source_port", "target",
             "target_source_port")  # fmt: skip


def parse_flow(raw: Any, path: str = "flow") -> Flow:
    f.obj(
        raw,
        path,
        allowed=FLOW_KEYS,
        required=("source", "destination", "protocol"),
    )
    protocol = f.string(raw["protocol"], f"{path}.protocol", choices=("tcp", "udp", "icmp"))
    port = source_port = target_source_port = None
    if protocol != "icmp":
        if "port" not in raw:
            raise NetlabError("missing_field", f"{path}.port is required for {protocol}",
                              path=f"{path}.port")  # fmt: skip
        port = f.integer(raw["port"], f"{path}.port", low=0, high=MAX_PORT)
        source_port = f.integer(raw.get("source_port", DEFAULT_SOURCE_PORT),
                                f"{path}.source_port", low=0, high=MAX_PORT)  # fmt: skip
        target_source_port = f.integer(raw.get("target_source_port", DEFAULT_SOURCE_PORT),
                                       f"{path}.target_source_port", low=0, high=MAX_PORT)  # fmt: skip
    target = f.string(raw["target"], f"{path}.target", limit=64) if "target" in raw else None
    return Flow(
        f.string(raw["source"], f"{path}.source", limit=64),
        f.string(raw["destination"], f"{path}.destination", limit=64),
        protocol,
        port,
        source_port,
        target,
        target_source_port,
    )


# --- matching ---------------------------------------------------------------------------------


def _protocol_matches(rule_protocol: str, protocol: str) -> bool:
    return rule_protocol == "all" or rule_protocol == protocol


def _port_matches(rule_protocol: str, ports: PortRange, port: int | None) -> bool:
    if rule_protocol in ("all", "icmp") or port is None:
        return True
    return port in ports


def _nacl_decision(rules: tuple[NaclRule, ...], protocol: str, port: int | None,
                   peer: ipaddress.IPv4Address) -> NaclRule | None:  # fmt: skip
    """The first rule, in ascending number order, that matches; None means the `*` rule."""
    for rule in rules:
        if (
            _protocol_matches(rule.protocol, protocol)
            and _port_matches(rule.protocol, rule.ports, port)
            and peer in rule.cidr
        ):
            return rule
    return None


def _sg_rule_matches(rule: SgRule, protocol: str, port: int | None, peer: _End) -> bool:
    if not (_protocol_matches(rule.protocol, protocol) and _port_matches(rule.protocol,
                                                                          rule.ports, port)):  # fmt: skip
        return False
    if rule.cidr is not None:
        return peer.address in rule.cidr
    # A reference matches members of the group, by their private addresses only.
    return rule.group in peer.groups


class _Tracer:
    def __init__(self, network: Network, flow: Flow) -> None:
        self.net = network
        self.flow = flow
        self.hops: list[Hop] = []

    # each check appends a hop and says whether the packet goes on
    def add(self, **kw: Any) -> bool:
        hop = Hop(**kw)
        self.hops.append(hop)
        return hop.verdict != "deny"

    def sg(self, leg: str, node_end: _End, peer: _End, direction: str, port: int | None) -> bool:
        node = node_end.node
        assert node is not None
        src, dst = (peer, node_end) if direction == "inbound" else (node_end, peer)
        if not node.security_groups:
            return self.add(leg=leg, layer="security_group", resource=node.name,
                            direction=direction, verdict="skip", rule=None,
                            reason="no_security_group",
                            detail=f"{node.name} has no security group (a Network Load Balancer "
                            "created without one): nothing is filtered here",
                            source=src.label, destination=dst.label)  # fmt: skip
        for name in node.security_groups:
            group = self.net.security_groups[name]
            for rule in group.rules(direction):
                if _sg_rule_matches(rule, self.flow.protocol, port, peer):
                    return self.add(
                        leg=leg, layer="security_group", resource=name, direction=direction,
                        verdict="allow", rule=f"{name} {direction} rule {rule.index}",
                        reason="rule_allows",
                        detail=f"{name} {direction} rule {rule.index} allows "
                        f"{rule.text(direction)}",
                        source=src.label, destination=dst.label,
                    )  # fmt: skip
        names = ", ".join(node.security_groups)
        peer_word = "from" if direction == "inbound" else "to"
        extra = ""
        if peer.via_public and any(
            r.group for n in node.security_groups
            for r in self.net.security_groups[n].rules(direction)
        ):  # fmt: skip
            extra = (" (a rule that references a security group matches private addresses "
                     "only, and this traffic uses a public one)")  # fmt: skip
        return self.add(
            leg=leg, layer="security_group", resource=names, direction=direction, verdict="deny",
            rule=None, reason="no_rule_allows",
            detail=f"no {direction} rule of {names} allows {self._what(port)} {peer_word} "
            f"{peer.address}{extra}; security groups deny what no rule allows",
            source=src.label, destination=dst.label,
        )  # fmt: skip

    def sg_stateful(self, leg: str, node_end: _End, peer: _End, direction: str) -> None:
        node = node_end.node
        if node is None or not node.security_groups:
            return
        src, dst = (peer, node_end) if direction == "inbound" else (node_end, peer)
        self.add(leg=leg, layer="security_group", resource=", ".join(node.security_groups),
                 direction=direction, verdict="allow", rule=None, reason="stateful_reply",
                 detail="security groups are stateful: the reply to an allowed request is "
                 "allowed whatever the rules say",
                 source=src.label, destination=dst.label)  # fmt: skip

    def nacl(self, leg: str, subnet: str | None, peer_address: ipaddress.IPv4Address,
             direction: str, port: int | None, src: _End, dst: _End) -> bool:  # fmt: skip
        assert subnet is not None  # only an end inside the VPC crosses a network ACL
        nacl = self.net.nacls[self.net.subnets[subnet].nacl]
        rule = _nacl_decision(nacl.rules(direction), self.flow.protocol, port, peer_address)
        what = self._what(port)
        peer_word = "from" if direction == "inbound" else "to"
        if rule is None:
            return self.add(leg=leg, layer="network_acl", resource=nacl.name,
                            direction=direction, verdict="deny", rule="*",
                            reason="final_rule_denies",
                            detail=f"no numbered {direction} rule of {nacl.name} matches "
                            f"{what} {peer_word} {peer_address}, so the final * rule denies it",
                            source=src.label, destination=dst.label)  # fmt: skip
        verdict = "allow" if rule.action == "allow" else "deny"
        return self.add(leg=leg, layer="network_acl", resource=nacl.name, direction=direction,
                        verdict=verdict, rule=str(rule.number),
                        reason="rule_allows" if verdict == "allow" else "rule_denies",
                        detail=f"{nacl.name} {direction} rule {rule.text(direction)} is the "
                        f"first that matches {what} {peer_word} {peer_address}",
                        source=src.label, destination=dst.label)  # fmt: skip

    def _what(self, port: int | None) -> str:
        if self.flow.protocol == "icmp" or port is None:
            return self.flow.protocol.upper()
        return f"{self.flow.protocol.upper()} port {port}"

    # -- one connection between two ends -------------------------------------------------------

    def connection(self, src: _End, dst: _End, port: int | None, src_port: int | None,
                   leg_names: tuple[str, str] = ("request", "reply")) -> tuple[bool, bool | None]:  # fmt: skip
        """(request allowed, reply allowed or None) for one TCP/UDP/ICMP connection."""
        req, rep = leg_names
        through_internet = src.node is None or dst.node is None or dst.via_public
        ok = True
        # request: out of the source
        if src.node is not None:
            ok = self.sg(req, src, dst, "outbound", port)
            if ok and (through_internet or src.subnet != dst.subnet):
                ok = self.nacl(req, src.subnet, dst.address, "outbound", port, src, dst)
            elif ok:
                self._same_subnet(req, src, dst)
            if ok and through_internet:
                ok = self._to_internet(req, src, dst)
        # into the destination
        if ok and dst.node is not None:
            if through_internet:
                ok = self._from_internet(req, src, dst)
            if ok and (through_internet or src.subnet != dst.subnet):
                ok = self.nacl(req, dst.subnet, src.address, "inbound", port, src, dst)
            if ok and dst.node.kind == "load_balancer":
                return ok, None  # the listener and security groups are checked by the caller
            if ok:
                ok = self.sg(req, dst, src, "inbound", port)
        if not ok:
            return False, None
        return True, self.reply(src, dst, src_port, through_internet, rep)

    def reply(self, src: _End, dst: _End, src_port: int | None, through_internet: bool,
              rep: str = "reply") -> bool:  # fmt: skip
        ok = True
        if dst.node is not None:
            self.sg_stateful(rep, dst, src, "outbound")
            if through_internet or src.subnet != dst.subnet:
                ok = self.nacl(rep, dst.subnet, src.address, "outbound", src_port, dst, src)
        if ok and src.node is not None:
            if through_internet or src.subnet != dst.subnet:
                ok = self.nacl(rep, src.subnet, dst.address, "inbound", src_port, dst, src)
            if ok:
                self.sg_stateful(rep, src, dst, "inbound")
        return ok

    def _same_subnet(self, leg: str, src: _End, dst: _End) -> None:
        assert src.subnet is not None  # both ends are inside the VPC
        self.add(leg=leg, layer="network_acl", resource=self.net.subnets[src.subnet].nacl,
                 direction="", verdict="skip", rule=None, reason="same_subnet",
                 detail=f"both ends are in subnet {src.subnet}: the traffic does not leave it, "
                 "so its network ACL is not crossed",
                 source=src.label, destination=dst.label)  # fmt: skip

    def _route_ok(self, leg: str, end: _End, src: _End, dst: _End, outgoing: bool) -> bool:
        node = end.node
        assert node is not None  # the end inside the VPC (the other one is on the internet)
        subnet = self.net.subnets[node.subnet]
        if not subnet.internet_route:
            return self.add(leg=leg, layer="route", resource=subnet.name, direction="",
                            verdict="deny", rule=None, reason="no_internet_route",
                            detail=f"subnet {subnet.name}'s route table has no route to an "
                            "internet gateway, so traffic cannot "
                            + ("leave for" if outgoing else "arrive from") + " the internet",
                            source=src.label, destination=dst.label)  # fmt: skip
        if node.public_ip is None:
            return self.add(leg=leg, layer="public_ip", resource=node.name, direction="",
                            verdict="deny", rule=None, reason="no_public_ip",
                            detail=f"{node.name} has no public IP address: the internet gateway "
                            "translates only public addresses, so it cannot "
                            + ("reach the internet" if outgoing else "be reached from the "
                               "internet"),
                            source=src.label, destination=dst.label)  # fmt: skip
        return self.add(leg=leg, layer="route", resource=subnet.name, direction="",
                        verdict="allow", rule="0.0.0.0/0 → internet gateway",
                        reason="internet_route",
                        detail=f"subnet {subnet.name} routes to an internet gateway and "
                        f"{node.name} has the public IP {node.public_ip}",
                        source=src.label, destination=dst.label)  # fmt: skip

    def _to_internet(self, leg: str, src: _End, dst: _End) -> bool:
        return self._route_ok(leg, src, src, dst, outgoing=True)

    def _from_internet(self, leg: str, src: _End, dst: _End) -> bool:
        node = dst.node
        assert node is not None  # traffic from the internet into the VPC
        if isinstance(node, LoadBalancer) and node.scheme == "internal":
            return self.add(leg=leg, layer="load_balancer", resource=node.name, direction="",
                            verdict="deny", rule=None, reason="internal_load_balancer",
                            detail=f"{node.name} is an internal load balancer: it has no public "
                            "address",
                            source=src.label, destination=dst.label)  # fmt: skip
        if not dst.via_public:
            return self.add(leg=leg, layer="route", resource=node.name, direction="",
                            verdict="deny", rule=None, reason="private_address",
                            detail=f"{dst.address} is a private address: it is not routable "
                            "from the internet",
                            source=src.label, destination=dst.label)  # fmt: skip
        return self._route_ok(leg, dst, src, dst, outgoing=False)


# --- resolving the ends ---------------------------------------------------------------------


def _resolve_source(net: Network, text: str, path: str) -> _End:
    if text == "internet":
        return _End(f"internet ({INTERNET_DEFAULT})", INTERNET_DEFAULT, None, True, ())
    node = net.endpoint(text)
    if node is not None:
        if node.kind == "load_balancer":
            raise NetlabError("invalid_source", f"{path}: a load balancer is not a source here; "
                              "trace a flow to it instead", path=path)  # fmt: skip
        return _End(node.name, node.private_ip, node, False, node.security_groups)
    address = _address(text, path, net)
    owner = net.by_address.get(address)
    if owner is not None:
        node = net.endpoint(owner[0])
        assert node is not None  # by_address holds only the network's own nodes
        if node.kind == "load_balancer":
            raise NetlabError("invalid_source", f"{path}: a load balancer is not a source here",
                              path=path)  # fmt: skip
        return _End(node.name, node.private_ip, node, False, node.security_groups)
    if address in net.cidr:
        raise NetlabError("unknown_address", f"{path}: no instance in this VPC has {address}",
                          path=path)  # fmt: skip
    return _End(f"internet ({address})", _on_internet(address, path), None, True, ())


def _address(text: str, path: str, net: Network) -> ipaddress.IPv4Address:
    try:
        return f.ipv4(text, path)
    except NetlabError:
        known = sorted([*net.instances, *net.load_balancers])
        raise NetlabError(
            "unknown_endpoint",
            f'{path}: {text!r} is not an instance, a load balancer, "internet" or an IPv4 '
            f"address (known: {', '.join(known) or 'none'})",
            path=path,
        ) from None


def _resolve_destination(net: Network, text: str, path: str, src: _End) -> _End:
    node = net.endpoint(text)
    if node is not None:
        if src.node is None:  # from the internet a name means its public address
            # (without a public IP it cannot be reached: the route check says so)
            return _End(node.name, node.public_ip or node.private_ip, node, True, ())
        return _End(node.name, node.private_ip, node, False, node.security_groups)
    if text == "internet":
        return _End(f"internet ({INTERNET_DEFAULT})", INTERNET_DEFAULT, None, True, ())
    address = _address(text, path, net)
    owner = net.by_address.get(address)
    if owner is not None:
        node = net.endpoint(owner[0])
        assert node is not None  # by_address holds only the network's own nodes
        return _End(node.name, address, node, owner[1] == "public", node.security_groups)
    if address in net.cidr:
        raise NetlabError("unknown_address", f"{path}: no instance or load balancer in this VPC "
                          f"has {address}", path=path)  # fmt: skip
    return _End(f"internet ({address})", _on_internet(address, path), None, True, ())


def _on_internet(address: ipaddress.IPv4Address, path: str) -> ipaddress.IPv4Address:
    """An address outside the VPC, which the lab reaches through the internet gateway: it must
    be one the internet routes. A private one (an office's 192.168.1.5) was traced as if on the
    internet, and allowed; AWS would need a VPN, peering or Direct Connect, not modelled."""
    what = not_public(address)
    if what is not None:
        raise NetlabError(
            "not_on_internet",
            f"{path}: {address} is {what} outside this VPC, not an address on the internet; "
            "this lab models no VPN, peering or Direct Connect that could reach it",
            path=path,
        )
    return address


def _as_seen(end: _End, through_internet: bool) -> _End:
    """How `end` appears to the other side: by its public address when crossing the internet
    (and then no security-group reference matches it)."""
    if end.node is None or not through_internet:
        return end
    public = end.node.public_ip or end.address
    return _End(end.label, public, end.node, True, ())


# --- the entry point --------------------------------------------------------------------------


def trace(network: Network, flow: Flow) -> Trace:
    """Trace `flow` through `network`: the request, then (if it arrived) the reply."""
    src = _resolve_source(network, flow.source, "flow.source")
    dst = _resolve_destination(network, flow.destination, "flow.destination", src)
    if src.node is None and dst.node is None:
        raise NetlabError("outside_vpc", "flow: neither end is in this VPC", path="flow")
    if src.node is not None and dst.node is not None and src.node.name == dst.node.name:
        raise NetlabError("same_endpoint", "flow: the source and the destination are the same",
                          path="flow.destination")  # fmt: skip
    if flow.target is not None and (dst.node is None or dst.node.kind != "load_balancer"):
        raise NetlabError("not_applicable", "flow.target: only a flow to a load balancer has a "
                          "target", path="flow.target")  # fmt: skip
    t = _Tracer(network, flow)
    # Crossing the internet (to a public address) the source is seen by its public address.
    through = src.node is None or dst.node is None or dst.via_public
    seen_src = _as_seen(src, through and dst.node is not None and src.node is not None)
    if dst.node is not None and dst.node.kind == "load_balancer":
        return _through_load_balancer(t, network, flow, src, seen_src, dst)
    ok, reply = _connection(t, src, seen_src, dst, flow.port, flow.source_port)
    return Trace("allowed" if ok else "blocked", _word(reply), tuple(t.hops))


def _word(reply: bool | None) -> str | None:
    return None if reply is None else ("allowed" if reply else "blocked")


def _connection(t: _Tracer, src: _End, seen_src: _End, dst: _End, port: int | None,
                src_port: int | None, legs: tuple[str, str] = ("request", "reply"),
                ) -> tuple[bool, bool | None]:  # fmt: skip
    """Out of `src` (its own view), into `dst` seeing `seen_src`."""
    if seen_src is src:
        return t.connection(src, dst, port, src_port, legs)
    # hairpin through the internet: outbound checks see dst's public address, inbound checks
    # see the source's public address
    req, rep = legs
    ok = t.sg(req, src, dst, "outbound", port)
    ok = ok and t.nacl(req, src.subnet, dst.address, "outbound", port, src, dst)
    ok = ok and t._to_internet(req, src, dst)
    ok = ok and t._from_internet(req, seen_src, dst)
    ok = ok and t.nacl(req, dst.subnet, seen_src.address, "inbound", port, seen_src, dst)
    ok = ok and t.sg(req, dst, seen_src, "inbound", port)
    if not ok:
        return False, None
    t.sg_stateful(rep, dst, seen_src, "outbound")
    back = t.nacl(rep, dst.subnet, seen_src.address, "outbound", src_port, dst, seen_src)
    back = back and t.nacl(rep, src.subnet, dst.address, "inbound", src_port, dst, src)
    if back:
        t.sg_stateful(rep, src, dst, "inbound")
    return True, back


def _through_load_balancer(t: _Tracer, net: Network, flow: Flow, src: _End, seen_src: _End,
                           lb_end: _End) -> Trace:  # fmt: skip
    lb = lb_end.node
    assert isinstance(lb, LoadBalancer)
    # 1. client → load balancer (network layers, then the listener, then its security groups)
    if seen_src is src:
        ok, _ = t.connection(src, lb_end, flow.port, flow.source_port)
    else:
        ok = t.sg("request", src, lb_end, "outbound", flow.port)
        ok = ok and t.nacl("request", src.subnet, lb_end.address, "outbound", flow.port, src,
                           lb_end)  # fmt: skip
        ok = ok and t._to_internet("request", src, lb_end)
        ok = ok and t._from_internet("request", seen_src, lb_end)
        ok = ok and t.nacl("request", lb.subnet, seen_src.address, "inbound", flow.port,
                           seen_src, lb_end)  # fmt: skip
    if not ok:
        return Trace("blocked", None, tuple(t.hops))
    listener = next((li for li in lb.listeners if li.port == flow.port
                     and li.protocol == flow.protocol), None)  # fmt: skip
    if listener is None:
        ports = ", ".join(f"{li.protocol.upper()} {li.port}" for li in lb.listeners)
        t.add(leg="request", layer="listener", resource=lb.name, direction="inbound",
              verdict="deny", rule=None, reason="no_listener",
              detail=f"{lb.name} has no listener for {t._what(flow.port)} (it listens on "
              f"{ports}): a load balancer forwards only what a listener accepts",
              source=seen_src.label, destination=lb.name)  # fmt: skip
        return Trace("blocked", None, tuple(t.hops))
    if not t.sg("request", lb_end, seen_src, "inbound", flow.port):
        return Trace("blocked", None, tuple(t.hops))
    t.add(leg="request", layer="listener", resource=lb.name, direction="inbound",
          verdict="allow", rule=f"{listener.protocol.upper()} {listener.port}",
          reason="listener",
          detail=f"{lb.name} listens on {listener.protocol.upper()} {listener.port} and opens "
          f"a connection to a target on port {listener.target_port}",
          source=seen_src.label, destination=lb.name)  # fmt: skip
    # 2. load balancer → target
    name = flow.target or listener.targets[0]
    if name not in listener.targets:
        raise NetlabError("unknown_reference", f"flow.target: {name!r} is not a target of "
                          f"{lb.name}'s listener on {listener.port}", path="flow.target")  # fmt: skip
    target = net.instances[name]
    target_end = _End(target.name, target.private_ip, target, False, target.security_groups)
    # An NLB preserves the client's address unless that is turned off, which AWS allows for TCP
    # (and TLS) target groups only: for UDP it is always on (`preserve_client_ip` is ignored).
    if lb.lb_type == "network" and (lb.preserve_client_ip or listener.protocol == "udp"):
        # the target sees the client's address and port; a reference to the load balancer's
        # security group still matches what it forwards
        hop_src = _End(f"{seen_src.label} via {lb.name}", seen_src.address, lb, False,
                       lb.security_groups)  # fmt: skip
        hop_port = flow.source_port
        lb_side = _End(lb.name, seen_src.address, lb, False, lb.security_groups)
    else:
        hop_src = _End(lb.name, lb.private_ip, lb, False, lb.security_groups)
        hop_port = flow.target_source_port
        lb_side = hop_src
    ok2, reply2 = _lb_to_target(t, lb_side, hop_src, target_end, listener.target_port, hop_port)
    if not ok2:
        return Trace("blocked", None, tuple(t.hops))
    # 3. the reply to the client leaves the load balancer
    back = reply2
    if back:
        back = t.reply(seen_src, lb_end, flow.source_port, src.node is None or lb_end.via_public)
    return Trace("allowed", _word(back), tuple(t.hops))


def _lb_to_target(t: _Tracer, lb_side: _End, hop_src: _End, target: _End, port: int | None,
                  src_port: int | None) -> tuple[bool, bool | None]:  # fmt: skip
    """The load balancer's own connection to the target (its subnet may differ)."""
    lb = lb_side.node
    assert isinstance(lb, LoadBalancer)
    ok = True
    if lb.security_groups:
        ok = t.sg("request", _End(lb.name, lb.private_ip, lb, False, lb.security_groups),
                  target, "outbound", port)  # fmt: skip
    crosses = lb.subnet != target.subnet
    if ok and crosses:
        ok = t.nacl("request", lb.subnet, target.address, "outbound", port, hop_src, target)
    elif ok:
        t._same_subnet("request", _End(lb.name, lb.private_ip, lb, False, ()), target)
    if ok and crosses:
        ok = t.nacl("request", target.subnet, hop_src.address, "inbound", port, hop_src, target)
    ok = ok and t.sg("request", target, hop_src, "inbound", port)
    if not ok:
        return False, None
    t.sg_stateful("reply", target, hop_src, "outbound")
    back = True
    if crosses:
        back = t.nacl("reply", target.subnet, hop_src.address, "outbound", src_port, target,
                      hop_src)  # fmt: skip
        back = back and t.nacl("reply", lb.subnet, target.address, "inbound", src_port, target,
                               hop_src)  # fmt: skip
    return True, back


def trace_case(case: dict[str, Any]) -> Trace:
    """Parse a flow case's `network` and `flow` and trace it."""
    return trace(parse_network(case.get("network"), "network"), parse_flow(case.get("flow")))
