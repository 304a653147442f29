"""A trace drawn as boxes on two lanes (request above, reply below): the numbers a
server-rendered SVG needs, so the template only places them. Colour comes from CSS classes by
verdict, and each box also carries a word and a mark, so colour is never the only cue."""

from __future__ import annotations

from dataclasses import dataclass

from srm_trainer.netlab import Hop, Trace

BOX_W, BOX_H, GAP, PAD, LANE_GAP, TITLE = 168, 78, 28, 16, 46, 22
LAYERS = {
    "security_group": "Security group",
    "network_acl": "Network ACL",
    "route": "Route",
    "public_ip": "Public IP",
    "listener": "Listener",
    "load_balancer": "Load balancer",
}
MARKS = {"allow": "✔ allowed", "deny": "✘ denied", "skip": "– not crossed"}


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    verdict: str
    layer: str
    resource: str
    rule: str
    mark: str
    arrow_to: int | None  # x where the arrow to the next box ends


@dataclass(frozen=True)
class Lane:
    title: str
    y: int
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    lanes: tuple[Lane, ...]
    box_w: int = BOX_W
    box_h: int = BOX_H


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rule(hop: Hop) -> str:
    if hop.reason == "stateful_reply":
        return "stateful reply"
    if hop.reason == "same_subnet":
        return "same subnet"
    if hop.layer == "network_acl" and hop.rule:
        return f"{hop.direction} rule {hop.rule}"
    if hop.layer == "security_group" and hop.rule:
        return hop.rule.split(" ", 1)[1]
    if hop.rule:
        return hop.rule
    return "no rule allows it" if hop.verdict == "deny" else ""


def build(trace: Trace) -> Diagram:
    lanes = []
    y = PAD
    widest = 1
    for leg, title in (("request", "Request"), ("reply", "Reply")):
        hops = [h for h in trace.hops if h.leg == leg]
        if not hops:
            continue
        top = y + TITLE
        boxes = []
        for k, hop in enumerate(hops):
            x = PAD + k * (BOX_W + GAP)
            last = k == len(hops) - 1
            boxes.append(Box(x, top, hop.verdict, LAYERS.get(hop.layer, hop.layer),
                             _short(hop.resource), _short(_rule(hop), 24), MARKS[hop.verdict],
                             None if last else x + BOX_W + GAP - 4))  # fmt: skip
        first, last = hops[0], hops[-1]
        lanes.append(Lane(f"{title}: {first.source} → {last.destination}", y, tuple(boxes)))
        widest = max(widest, len(hops))
        y = top + BOX_H + LANE_GAP
    width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP
    return Diagram(width, y - LANE_GAP + PAD, tuple(lanes))
