"""A trace drawn as boxes on two lanes (request above, reply below): the numbers a
server-rendered SVG needs, so the template only places them. Colour comes from CSS classes by
verdict, and each box also carries a word and a mark, so colour is never the only cue."""

from __future__ import annotations

from dataclasses import dataclass

from srm_trainer.netlab import Hop, Trace

BOX_W, BOX_H, GAP, PAD, LANE_GAP, TITLE = 190, 78, 26, 12, 24, 22
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
    arrow_to: int | None  # y where the arrow down to the next box ends


@dataclass(frozen=True)
class Lane:
    title: str
    x: int
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    lanes: tuple[Lane, ...]
    box_w: int = BOX_W
    box_h: int = BOX_H

    @property
    def mid(self) -> int:
        return self.box_w // 2


def _short(text: str, limit: int = 24) -> str:
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
    """Two columns, request then reply, each a stack of hops from top to bottom (narrow enough
    for the result panel beside the form)."""
    lanes = []
    tallest = 1
    x = PAD
    for leg, title in (("request", "Request"), ("reply", "Reply")):
        hops = [h for h in trace.hops if h.leg == leg]
        if not hops:
            continue
        boxes = []
        for k, hop in enumerate(hops):
            y = PAD + TITLE + k * (BOX_H + GAP)
            last = k == len(hops) - 1
            boxes.append(Box(x, y, hop.verdict, LAYERS.get(hop.layer, hop.layer),
                             _short(hop.resource), _short(_rule(hop), 26), MARKS[hop.verdict],
                             None if last else y + BOX_H + GAP - 3))  # fmt: skip
        lanes.append(Lane(title, x, tuple(boxes)))
        tallest = max(tallest, len(hops))
        x += BOX_W + LANE_GAP
    width = x - LANE_GAP + PAD
    height = PAD * 2 + TITLE + tallest * BOX_H + (tallest - 1) * GAP
    return Diagram(width, height, tuple(lanes))


def layer_words(layer: str) -> str:
    return LAYERS.get(layer, layer)
