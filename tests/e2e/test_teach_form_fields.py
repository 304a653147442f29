"""The quiz settings form as it is drawn, in light and dark: its number boxes look like the text
boxes beside them, and a checkbox with a help text keeps its label beside the box, the help
under the label."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

BOX = "el => { const s = getComputedStyle(el); return [s.borderRadius, s.paddingTop, s.borderTopWidth, s.borderTopStyle, s.backgroundColor]; }"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_number_boxes_are_drawn_like_text_boxes(staff_page, scheme):
    page, _ = staff_page("desktop")
    page.emulate_media(color_scheme=scheme)
    page.goto("/teach/quizzes/new/")
    text = page.get_by_label("Title").evaluate(BOX)
    for label in ("Pass mark (percent)", "Attempts allowed", "Tries per question"):
        assert page.get_by_label(label).evaluate(BOX) == text, label


def test_a_checkbox_keeps_its_label_beside_it_and_its_help_under_the_label(staff_page):
    page, _ = staff_page("desktop")
    page.goto("/teach/quizzes/new/")
    box = page.locator("#id_certainty").bounding_box()
    label = page.locator("label[for=id_certainty]").bounding_box()
    help_text = page.locator("#id_certainty_helptext").bounding_box()
    assert box["x"] + box["width"] <= label["x"]  # the label right of the box
    assert help_text["y"] >= label["y"] + label["height"] - 1  # the help under the label
    assert abs(help_text["x"] - label["x"]) < 2  # lined up with it


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_refused_field_has_a_red_edge_text_and_number_alike(staff_page, scheme):
    page, _ = staff_page("desktop")
    page.emulate_media(color_scheme=scheme)
    page.goto("/teach/quizzes/new/")
    page.get_by_label("Pass mark (percent)").fill("150")
    page.get_by_role("button", name="Create the quiz").click()  # no title either
    page.locator("#problems").wait_for()
    edge = "el => getComputedStyle(el).borderTopColor"
    refused = page.get_by_label("Title").evaluate(edge)
    assert page.get_by_label("Pass mark (percent)").evaluate(edge) == refused
    assert page.get_by_label("Attempts allowed").evaluate(edge) != refused
    assert page.get_by_label("Description").evaluate(edge) != refused
