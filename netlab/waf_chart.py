"""Each rate-based rule's counter over time, as the points of an SVG polyline, and the labels
of its value axis."""

from __future__ import annotations

from dataclasses import dataclass

from srm_trainer.netlab import WafResult, WebAcl

W, H, LEFT, BOTTOM, TOP = 560, 220, 64, 30, 14
MAX_POINTS = 400
LABEL_H = 22  # a label's height in the drawing's units, at its largest (a phone's: site.css)


@dataclass(frozen=True)
class Tick:
    y: float  # the label's baseline, centred on its value
    text: str


@dataclass(frozen=True)
class Chart:
    rule: str
    limit: int
    points: str  # "x,y x,y ..."
    limit_y: float
    peak: int
    end: float
    client: str  # whose counter is drawn ("" for CONSTANT aggregation)
    ticks: tuple[Tick, ...] = ()  # the value axis: the limit, the peak and 0, none overlapping
    limit_label_x: float | None = None  # where "limit" ends, above its line; None: no room
    width: int = W
    height: int = H
    left: int = LEFT
    bottom_y: int = H - BOTTOM
    top: int = TOP


def counter(times: list[float], window: float, delay: float, end: float) -> list[tuple[float, int]]:
    """The counter from 0 to `end` as the corners of a step line: up one when a request counts
    (`delay` seconds after it arrives: when the estimate sees it), down one when it leaves the
    window, as the engine counts. Joining the counts at each request instead drew it falling
    through a gap between requests, long after the window had emptied."""
    events = sorted([(t + delay, 1) for t in times] + [(t + delay + window, -1) for t in times])
    corners, count = [(0.0, 0)], 0
    for at, step in events:
        if at > end:
            break
        if corners[-1][0] != at:
            corners.append((at, count))
        count += step
        corners.append((at, count))
    corners.append((end, count))
    return corners


def _sample(corners: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """About MAX_POINTS corners where there are more: every so many, and always the last, the
    highest and both ends of a stretch longer than a sample (where the line is flat, so that
    no skipped corner draws it slanting across the stretch)."""
    step = max(1, len(corners) // MAX_POINTS)
    if step == 1:
        return corners
    span = (corners[-1][0] - corners[0][0]) / MAX_POINTS
    highest = max(range(len(corners)), key=lambda i: corners[i][1])
    keep = set(range(0, len(corners), step)) | {highest, len(corners) - 1}
    stretches = {
        j for i in range(len(corners) - 1) if corners[i + 1][0] - corners[i][0] > span
        for j in (i, i + 1)
    }  # fmt: skip
    if len(stretches) <= 2 * MAX_POINTS:  # else requests far apart: the line is flat often
        keep |= stretches
    return [corners[i] for i in sorted(keep)]


def _short(n: int) -> str:
    """A count short enough for the axis: 3000, 25k, 2M."""
    if n < 10_000:
        return str(n)
    return f"{n // 1000}k" if n < 10_000_000 else f"{n // 1_000_000}M"


def _ticks(values: list[tuple[int, float, str]]) -> tuple[Tick, ...]:
    """Labels in the order given (most wanted first), each left out if it would touch one
    already placed."""
    placed: list[Tick] = []
    for _, y, text in values:
        if all(abs(y - t.y) >= LABEL_H for t in placed):
            placed.append(Tick(y, text))
    return tuple(sorted(placed, key=lambda t: t.y))


LIMIT_LABEL_W = 70  # "limit" at its largest


def _limit_label_x(corners: list[tuple[float, float]], limit_y: float) -> float | None:
    """Where the word "limit" can end, above the limit's line, with the counter's line clear
    of it: at the right end, else at the left; None when it crosses both. (It was drawn at the
    left, where a flood's counter climbs through it.)"""
    low, high = limit_y - 4 - LABEL_H, limit_y + 2
    for right in (W - 10, LEFT + 4 + LIMIT_LABEL_W):
        left = right - LIMIT_LABEL_W
        inside = [cy for cx, cy in corners if left <= cx <= right]
        before = [cy for cx, cy in corners if cx < left][-1:]  # the line entering the box
        if not any(low <= cy <= high for cy in inside + before) and not (
            inside and min(inside) < low < max(inside)
        ):
            return right
    return None


def charts(acl: WebAcl, result: WafResult, delay: float = 0.0) -> list[Chart]:
    out = []
    end = max((d.time for d in result.decisions), default=0.0) or 1.0
    for rule in acl.rules:
        if rule.rate is None:
            continue
        by_client: dict[str, list[tuple[float, int]]] = {}
        for d in result.decisions:
            if rule.name in d.rate_counts:
                key = d.ip if rule.rate.aggregate == "IP" else ""
                by_client.setdefault(key, []).append((d.time, d.rate_counts[rule.name]))
        if not by_client:
            continue
        # one counter per client: draw the busiest one's
        client, series = max(by_client.items(), key=lambda kv: max(c for _, c in kv[1]))
        corners = counter([t for t, _ in series], rule.rate.window, delay, end)
        peak = max(max(c for _, c in corners), max(c for _, c in series))
        top = max(peak, rule.rate.limit) * 1.1

        def x(t: float, end=end) -> float:
            return round(LEFT + (W - LEFT - 10) * t / end, 1)

        def y(c: float, top=top) -> float:
            return round(H - BOTTOM - (H - BOTTOM - TOP) * c / top, 1)

        drawn = [(x(t), y(c)) for t, c in _sample(corners)]
        points = " ".join(f"{cx},{cy}" for cx, cy in drawn)
        limit = rule.rate.limit
        ticks = _ticks([(limit, y(limit), _short(limit)), (peak, y(peak), _short(peak)),
                        (0, y(0), "0")])  # fmt: skip
        out.append(Chart(rule.name, limit, points, y(limit), peak, end, client,
                         tuple(Tick(t.y + 6, t.text) for t in ticks),
                         _limit_label_x(drawn, y(limit))))  # fmt: skip
    return out
