"""Small horizontal bar charts drawn on the server as inline SVG (`Chart.svg`).

No chart library and no script: the geometry is computed here and `Chart.svg` writes plain
`<rect>`/`<text>` elements with presentation attributes (allowed by the strict CSP, unlike
`style` attributes) and classes for colour, so the page's CSS variables theme them. Every chart
is `role="img"` with a `<title>` and a `<desc>` that states each number in words, and the page
shows the same numbers in a table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString

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

    def svg(self) -> SafeString:
        """The chart as a `<figure>`: caption, then the SVG with its `<title>` and `<desc>`.
        Written here rather than in a template: the statistics page draws a dozen charts of
        up to a dozen bars, and a template spent more on its lookups than on the page's
        sums. Numbers are written as Python writes them (no localisation, as SVG needs)."""
        id_, title = escape(self.id), escape(self.title)
        bars = "".join(
            f'<text class="chart-label" x="{self.label_x}" y="{bar.text_y}" text-anchor="end">'
            f"{escape(bar.label)}</text>\n"
            f'  <rect class="chart-bar {escape(bar.css)}" x="{bar.x}" y="{bar.bar_y}" '
            f'width="{bar.width}" height="{BAR}" rx="2"/>\n'
            f'  <text class="chart-value" x="{self.value_x}" y="{bar.text_y}">'
            f"{escape(bar.text)}</text>\n  "
            for bar in self.bars
        )
        return SafeString(
            '<figure class="chart-figure">\n'
            f'<figcaption class="chart-caption">{title}</figcaption>\n'
            f'<svg class="chart" role="img" aria-labelledby="{id_}-title" '
            f'aria-describedby="{id_}-desc" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {self.width} {self.height}" width="{self.width}" '
            f'height="{self.height}" focusable="false">\n'
            f'  <title id="{id_}-title">{title}</title>\n'
            f'  <desc id="{id_}-desc">{escape(self.desc)}</desc>\n'
            f'  <line class="chart-axis" x1="{self.zero_x}" y1="2" x2="{self.zero_x}" '
            f'y2="{self.axis_bottom}"/>\n'
            f"  {bars}\n"
            "</svg>\n"
            "</figure>"
        )


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
