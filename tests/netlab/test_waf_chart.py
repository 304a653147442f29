"""The WAF lab's rate chart (netlab/waf_chart.py), for the login flood: 3,000 requests in
300 s against a limit of 100 in a 300 s window, and two more at the end."""

from __future__ import annotations

import pytest

from netlab import waf_chart, waf_outcome, waf_state
from netlab.waf_presets import PRESETS

pytestmark = pytest.mark.django_db


@pytest.fixture
def chart() -> waf_chart.Chart:
    waf_outcome.clear()
    [chart] = waf_outcome.outcome(waf_state.texts_of(PRESETS["login-flood"].case)).charts
    return chart


def _points(chart) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in chart.points.split()]


def _x(chart, t: float) -> float:
    return chart.left + (chart.width - chart.left - 10) * t / chart.end


def test_the_value_axis_names_the_peak_and_the_limit(chart):
    """It was labelled "0" alone."""
    labels = [t.text for t in chart.ticks]
    assert str(chart.peak) in labels and str(chart.limit) in labels
    ys = sorted(t.y for t in chart.ticks)
    assert all(b - a >= waf_chart.LABEL_H for a, b in zip(ys, ys[1:], strict=False))


def test_the_limit_label_is_clear_of_the_counters_line(chart):
    """ "limit 100" sat at the left, just above the 0 line, where the flood's line climbs."""
    assert chart.limit_label_x is not None
    right, left = chart.limit_label_x, chart.limit_label_x - waf_chart.LIMIT_LABEL_W
    top, bottom = chart.limit_y - 4 - waf_chart.LABEL_H, chart.limit_y + 2
    assert not [(x, y) for x, y in _points(chart) if left <= x <= right and top <= y <= bottom]


def test_the_counter_is_empty_once_the_window_has_passed(chart):
    """The last request of the burst is at 299.9 s: from 599.9 s the 300 s window holds none
    of them, so the line lies on 0 until the next request (it was drawn falling until 700 s)."""
    zero = chart.bottom_y
    points = _points(chart)
    by_600 = [y for x, y in points if x <= _x(chart, 600)]
    assert by_600[-1] == zero  # reached 0 by then
    assert all(y == zero for x, y in points if _x(chart, 600) <= x < _x(chart, 699))
    assert [y for x, y in points if x >= _x(chart, 699)][0] == zero  # flat until the next


def test_the_counter_steps_up_when_a_request_counts_and_down_when_it_leaves():
    assert waf_chart.counter([0.0, 10.0], window=60, delay=0, end=100) == [
        (0.0, 0), (0.0, 1), (10.0, 1), (10.0, 2), (60.0, 2), (60.0, 1), (70.0, 1), (70.0, 0),
        (100.0, 0),
    ]  # fmt: skip
    assert waf_chart.counter([0.0], window=60, delay=20, end=100)[1:3] == [(20.0, 0), (20.0, 1)]
