"""The trace's drawing, laid out twice: side by side for the result panel beside the form, and
stacked for a phone, each box the same hop with the same words in both."""

from __future__ import annotations

from netlab import diagram
from netlab.presets import PRESETS
from srm_trainer.netlab import trace_case


def _layouts(slug: str) -> diagram.Diagram:
    return diagram.build(trace_case(PRESETS[slug].case))


def _words(layout: diagram.Layout) -> list[tuple[str, ...]]:
    return [
        (lane.title, box.verdict, box.layer, box.resource, box.rule, box.mark)
        for lane in layout.lanes
        for box in lane.boxes
    ]


def test_both_layouts_draw_the_same_hops_in_the_same_order():
    for slug in PRESETS:
        drawn = _layouts(slug)
        assert _words(drawn.wide) == _words(drawn.narrow), slug
        assert _words(drawn.wide), slug


def test_side_by_side_the_lanes_share_a_top_and_fit_the_panel_at_11_px():
    wide = _layouts("forgotten-ephemeral-ports").wide
    request, reply = wide.lanes
    assert request.boxes[0].y == reply.boxes[0].y and request.x + wide.box_w < reply.x
    # its 12-unit text reads at 11 px in a box of 24.5rem (392 px), where the CSS stacks it
    assert wide.width * 11 / 12 <= 392


def test_stacked_the_reply_follows_the_request_and_fits_a_phone():
    narrow = _layouts("forgotten-ephemeral-ports").narrow
    request, reply = narrow.lanes
    assert request.x == reply.x
    last = request.boxes[-1]
    assert last.y + narrow.box_h < reply.title_y < reply.boxes[0].y
    assert all(box.x + narrow.box_w <= narrow.width for lane in narrow.lanes for box in lane.boxes)
    bottom = reply.boxes[-1].y + narrow.box_h
    assert bottom < narrow.height and narrow.width <= 300  # at its own size in a 390 px phone
    arrows = [box.arrow_to for box in request.boxes]
    assert arrows[-1] is None and all(a is not None for a in arrows[:-1])
