"""Staff fix a quiz's question positions on its admin page, at desktop and phone size: how
positions work is written above the rows (a column's help icon is hidden on a phone); a
position given twice and a position 0 are refused with a message on each row, the rows' titles
still saying where each question is saved; then the fixed rows are saved 1..n."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import serious_violations
from tests.e2e.journeys import no_horizontal_scroll
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e


def _positions(quiz) -> list[tuple[str, int]]:
    return list(quiz.entries.order_by("order", "pk").values_list("question__slug", "order"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_fix_a_tie_and_a_zero_and_save_1_to_n(staff_page, screenshots, size):
    quiz = make_quiz(*(make_question(slug=s) for s in ("alpha", "beta", "gamma")), slug="wk")
    phone = size == "phone"
    page, _ = staff_page(size)
    page.goto(f"/admin/quizzes/quiz/{quiz.pk}/change/")

    help_line = page.locator("#entries-positions-help")
    expect(help_line).to_be_visible()
    expect(help_line).to_contain_text("blank to put it last")
    position = [page.locator(f"#id_entries-{n}-order") for n in range(3)]
    expect(position[0]).to_have_attribute("aria-describedby", "entries-positions-help")
    expect(page.get_by_label("Position of “beta”")).to_have_value("2")
    expect(page.get_by_label("Delete “beta”")).not_to_be_checked()
    assert position[0].bounding_box()["width"] <= 100  # 5em, not half the phone

    position[1].fill("1")
    position[2].fill("0")
    page.get_by_role("button", name="Save and continue editing").click()
    inline = page.locator("#entries-group")
    expect(inline.locator(".errorlist.nonform")).to_have_text(
        "Position 1 is given to “alpha” and “beta”: give each question a position of its own."
    )
    rows = inline.locator("tbody tr.has_original")
    for n, (title, error) in enumerate(
        [
            ("wk #1: alpha", "Another row has this position too."),
            ("wk #2: beta", "Another row has this position too."),  # saved at 2, typed 1
            ("wk #3: gamma", "Positions start at 1."),
        ]
    ):
        expect(rows.nth(n).locator("td.original p")).to_have_text(title)
        expect(rows.nth(n).locator(".errorlist")).to_have_text(error)
    described = position[2].get_attribute("aria-describedby").split()
    assert described[0] == "entries-positions-help" and page.locator(f"#{described[1]}").count()
    assert _positions(quiz) == [("alpha", 1), ("beta", 2), ("gamma", 3)]
    position[2].scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"admin-quiz-positions-refused-{size}.png"))

    position[0].fill("3")
    position[2].fill("2")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert _positions(quiz) == [("beta", 1), ("gamma", 2), ("alpha", 3)]
    expect(inline.locator("td.original p")).to_have_text(
        ["wk #1: beta", "wk #2: gamma", "wk #3: alpha"]
    )
    page.screenshot(path=str(screenshots / f"admin-quiz-positions-saved-{size}.png"))
    position[2].scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"admin-quiz-positions-saved-rows-{size}.png"))
    if phone:
        no_horizontal_scroll(page)  # the rows scroll sideways in their own box, as Django's do
    found = [v for v in serious_violations(page) if "entries" in v]
    assert found == [], "the question rows"  # the rest of the page is Django's own
