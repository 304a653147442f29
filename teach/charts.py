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

# Each row is two lines, the label above its bar, so the chart is narrow: drawn at its natural
# width (CSS caps it there), its 13-unit text stays above 11 px on a 390 px phone, where the
# side-by-side layout it replaced (640 units wide) shrank it to about 7 px.
WIDTH = 360
PLOT_X = 2  # bars start here (or at the zero axis in the middle, for signed values)
VALUE_WIDTH = 124  # right column: the number, beside its bar
ROW = 40
LABEL_LINE = 18  # the label's line, above the bar
LABEL_BASELINE = 13  # where the label's text sits in its line (site.css draws it at 13 units)
VALUE_DROP = 4.5  # from the bar's middle to the number's baseline, so it reads centred
BAR = 14
TOP = 4
LABEL_CHARS = 50  # about what fits WIDTH at the chart's font size


@dataclass(frozen=True)
class Bar:
    label: str  # shortened to fit; the table holds the full text
    text: str  # the number as shown beside the bar ("7 of 10 (70%)")
    css: str  # a class: "bar-key", "bar-other", "bar-negative", ...
    x: float
    width: float
    y: float  # the row's top

    @property
    def label_y(self) -> float:
        return self.y + LABEL_BASELINE

    @property
    def bar_y(self) -> float:
        return self.y + LABEL_LINE

    @property
    def text_y(self) -> float:
        return self.bar_y + BAR / 2 + VALUE_DROP

    @property
    def axis_top(self) -> float:
        return self.bar_y - 2

    @property
    def axis_bottom(self) -> float:
        return self.bar_y + BAR + 2


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    bars: tuple[Bar, ...]
    zero_x: float  # where the axis is drawn, beside each bar
    plot_x: float
    plot_width: float
    height: float
    width: int = WIDTH
    label_x: float = PLOT_X
    bar_height: int = BAR
    value_x: float = WIDTH - VALUE_WIDTH + 6


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float, str, str] | tuple[str, float, str, str, str]],
    signed: bool = False,
) -> Chart:
    """One bar per row (label, value, text, css[, shown]): `text` is read out in the `<desc>`,
    which lists every row's label and text; `shown`, when given, is the shorter text drawn
    beside the bar (the column has room for about 17 characters). Values are shares in 0..1,
    or with `signed` in −1..1 drawn either side of a zero axis in the middle."""
    plot_x = PLOT_X
    plot_width = WIDTH - PLOT_X - VALUE_WIDTH
    zero_x = plot_x + plot_width / 2 if signed else plot_x
    scale = plot_width / 2 if signed else plot_width
    bars = []
    for n, (label, value, text, css, *shown) in enumerate(rows):
        value = max(-1.0, min(1.0, value)) if signed else max(0.0, min(1.0, value))
        length = abs(value) * scale
        x = zero_x - length if value < 0 else zero_x
        shown_text = shown[0] if shown else text
        bars.append(
            Bar(shorten(label), shown_text, css, round(x, 1), round(length, 1), TOP + n * ROW)
        )
    desc = "; ".join(f"{row[0]}: {row[2]}" for row in rows) + "."
    return Chart(
        id=chart_id,
        title=title,
        desc=desc,
        bars=tuple(bars),
        zero_x=round(zero_x, 1),
        plot_x=plot_x,
        plot_width=plot_width,
        height=TOP + ROW * len(rows),
    )
