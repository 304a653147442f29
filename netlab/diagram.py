"""A trace drawn as boxes on two lanes (request above, reply below): the numbers a
server-rendered SVG needs, so the template only places them. Colour comes from CSS classes by
verdict, and each box also carries a word and a mark, so colour is never the only cue."""

from __future__ import annotations

from dataclasses import dataclass

from srm_trainer.netlab import Hop, Trace

BOX_W, BOX_H, GAP, PAD, LANE_GAP, TITLE = 190, 78, 26, 8, 16, 22
# Stacked for a phone: one lane above the other, each box as wide as the drawing, which is drawn
# at its own size (300 px: a 360 px phone's panel shrinks it a little). Side by side, the
# drawing is 412 units wide and its text 12 units: below 392 px it would read under 11 px, so
# the CSS (static/css/site.css, `.netlab-figure`) shows the stacked one below 24.5rem.
NARROW_BOX_W, LANE_SPACE = 284, 20
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
    title_y: int  # the title's baseline
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Layout:
    name: str  # "wide" (side by side) or "narrow" (stacked)
    width: int
    height: int
    lanes: tuple[Lane, ...]
    box_w: int
    box_h: int = BOX_H

    @property
    def mid(self) -> int:
        return self.box_w // 2


@dataclass(frozen=True)
class Diagram:
    """The trace laid out twice, side by side and stacked: the page holds both and its CSS
    shows the one whose text reads at the width it has."""

    wide: Layout
    narrow: Layout

    @property
    def layouts(self) -> tuple[Layout, Layout]:
        return (self.wide, self.narrow)


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


def _lane(title: str, hops: list[Hop], x: int, top: int) -> Lane:
    """A lane's hops from top to bottom, the first box's top at `top`, its title above it."""
    boxes = []
    for k, hop in enumerate(hops):
        y = top + k * (BOX_H + GAP)
        last = k == len(hops) - 1
        boxes.append(Box(x, y, hop.verdict, LAYERS.get(hop.layer, hop.layer),
                         _short(hop.resource), _short(_rule(hop), 26), MARKS[hop.verdict],
                         None if last else y + BOX_H + GAP - 3))  # fmt: skip
    return Lane(title, x, top - 8, tuple(boxes))


def _length(hops: int) -> int:
    return hops * BOX_H + (hops - 1) * GAP


def build(trace: Trace) -> Diagram:
    """Request then reply, each a stack of hops from top to bottom: in two columns (narrow
    enough for the result panel beside the form), and one under the other for a phone."""
    legs = []
    for leg, title in (("request", "Request"), ("reply", "Reply")):
        hops = [h for h in trace.hops if h.leg == leg]
        if hops:
            legs.append((title, hops))
    tallest = max((len(hops) for _, hops in legs), default=1)
    columns = tuple(
        _lane(title, hops, PAD + k * (BOX_W + LANE_GAP), PAD + TITLE)
        for k, (title, hops) in enumerate(legs)
    )
    wide = Layout(
        "wide",
        PAD * 2 + len(legs) * BOX_W + max(len(legs) - 1, 0) * LANE_GAP,
        PAD * 2 + TITLE + _length(tallest),
        columns,
        BOX_W,
    )
    stacked, y = [], PAD
    for title, hops in legs:
        stacked.append(_lane(title, hops, PAD, y + TITLE))
        y += TITLE + _length(len(hops)) + LANE_SPACE
    narrow = Layout("narrow", PAD * 2 + NARROW_BOX_W, y - LANE_SPACE + PAD, tuple(stacked),
                    NARROW_BOX_W)  # fmt: skip
    return Diagram(wide, narrow)


def layer_words(layer: str) -> str:
    return LAYERS.get(layer, layer)
