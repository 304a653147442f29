"""Each rate-based rule's counter over time, as the points of an SVG polyline."""

from __future__ import annotations

from dataclasses import dataclass

from srm_trainer.netlab import WafResult, WebAcl

W, H, LEFT, BOTTOM, TOP = 560, 220, 48, 30, 14
MAX_POINTS = 400


@dataclass(frozen=True)
class Chart:
    rule: str
    limit: int
    points: str  # "x,y x,y ..."
    limit_y: float
    peak: int
    end: float
    client: str  # whose counter is drawn ("" for CONSTANT aggregation)
    width: int = W
    height: int = H
    left: int = LEFT
    bottom_y: int = H - BOTTOM
    top: int = TOP


def charts(acl: WebAcl, result: WafResult) -> list[Chart]:
    out = []
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
        step = max(1, len(series) // MAX_POINTS)
        sample = series[::step] + ([series[-1]] if (len(series) - 1) % step else [])
        end = max(d.time for d in result.decisions) or 1.0
        peak = max(c for _, c in series)
        top = max(peak, rule.rate.limit) * 1.1

        def x(t: float, end=end) -> float:
            return round(LEFT + (W - LEFT - 10) * t / end, 1)

        def y(c: float, top=top) -> float:
            return round(H - BOTTOM - (H - BOTTOM - TOP) * c / top, 1)

        points = " ".join(f"{x(t)},{y(c)}" for t, c in sample)
        out.append(Chart(rule.name, rule.rate.limit, points, y(rule.rate.limit), peak, end,
                         client))  # fmt: skip
    return out
