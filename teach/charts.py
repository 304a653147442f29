"""Small horizontal bar charts drawn on the server as inline SVG (`teach/_chart.html`).

No chart library and no script: the geometry is computed here and the template writes plain
`<rect>`/`<text>` elements with presentation attributes (allowed by the strict CSP, unlike
`style` attributes) and classes for colour, so the page's CSS variables theme them. Every chart
is `role="img"` with a `<title>` and a `<desc>` that states each number in words, and the page
shows the same numbers in a table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 250  # left column: the bar's label
VALUE_WIDTH = 110  # right column: the number
ROW = 26
BAR = 16
TOP = 8
LABEL_CHARS = 32  # about what fits LABEL_WIDTH at the chart's font size


@dataclass(frozen=True)
class Bar:
    label: str  # shortened to fit; the table holds the full text
    text: str  # the number as read out ("7 of 10 (70%)")
    css: str  # a class: "bar-key", "bar-other", "bar-negative", ...
    x: float
    width: float
    y: float  # the row's top

    @property
    def bar_y(self) -> float:
        return self.y + (ROW - BAR) / 2

    @property
    def text_y(self) -> float:
        return self.y + ROW / 2 + 4


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    bars: tuple[Bar, ...]
    zero_x: float  # where the axis is drawn
    plot_x: float
    plot_width: float
    height: float
    width: int = WIDTH
    label_x: float = LABEL_WIDTH - 8
    value_x: float = WIDTH - VALUE_WIDTH + 8

    @property
    def axis_bottom(self) -> float:
        return self.height - TOP / 2


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float, str, str]],
    signed: bool = False,
) -> Chart:
    """One bar per row (label, value, text, css). Values are shares in 0..1, or with `signed`
    in −1..1 drawn either side of a zero axis in the middle. The `<desc>` lists every row's
    label and text."""
    plot_x = LABEL_WIDTH
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    zero_x = plot_x + plot_width / 2 if signed else plot_x
    scale = plot_width / 2 if signed else plot_width
    bars = []
    for n, (label, value, text, css) in enumerate(rows):
        value = max(-1.0, min(1.0, value)) if signed else max(0.0, min(1.0, value))
        length = abs(value) * scale
        x = zero_x - length if value < 0 else zero_x
        bars.append(Bar(shorten(label), text, css, round(x, 1), round(length, 1), TOP + n * ROW))
    desc = "; ".join(f"{label}: {text}" for label, _, text, _ in rows) + "."
    return Chart(
        id=chart_id,
        title=title,
        desc=desc,
        bars=tuple(bars),
        zero_x=round(zero_x, 1),
        plot_x=plot_x,
        plot_width=plot_width,
        height=TOP * 2 + ROW * len(rows),
    )
