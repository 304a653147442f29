"""A refused admin form opens on its first error (static/js/admin-error-focus.js), as the site's
own forms do: the page came back with the focus at its top (on an add page, on its first field,
Django's change_form.js), and a keyboard or screen-reader user hunted for what was wrong. The
first field in error takes it, read with its message, or a form-wide message when one comes
first; either shows a ring."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e


def _ringed(locator) -> None:
    """The focused element shows its focus: an outline at least 2 px wide."""
    style = locator.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2, style


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_refused_add_page_opens_on_its_first_field_in_error_not_its_first_field(
    staff_page, screenshots, scheme
):
    page, _ = staff_page("desktop")
    page.emulate_media(color_scheme=scheme)
    page.goto("/admin/lessons/layer/add/")
    slug = page.get_by_label("Slug")
    expect(slug).to_be_focused()  # Django's own, on an add page
    slug.fill("edge")
    slug.press("Enter")

    name = page.get_by_label("Name")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile("This field is required"))
    expect(slug).to_have_value("edge")
    _ringed(name)
    page.screenshot(path=str(screenshots / f"admin-error-focus-field-{scheme}.png"))
    page.keyboard.type("Edge locations")  # typed straight into it
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")


def test_a_form_wide_message_comes_first_and_tab_goes_on_to_the_rows(staff_page, screenshots):
    """A quiz's rows refused together: the message above them names the rows that clash."""
    quiz = make_quiz(*(make_question(slug=s) for s in ("alpha", "beta")), slug="wk")
    page, _ = staff_page("desktop")
    page.goto(f"/admin/quizzes/quiz/{quiz.pk}/change/")
    assert page.evaluate("document.activeElement === document.body")  # no error, no move
    page.get_by_label("Position of “beta”").fill("1")
    page.get_by_role("button", name="Save and continue editing").click()

    message = page.locator("#entries-group .errorlist.nonform")
    expect(message).to_be_focused()
    expect(message).to_have_text(
        "Position 1 is given to “alpha” and “beta”: give each question a position of its own."
    )
    _ringed(message)
    page.screenshot(path=str(screenshots / "admin-error-focus-message.png"))
    for _ in range(10):  # Tab leaves the message for the rows, not the page's top
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#entries-group tbody') !== null"):
            break
    else:
        pytest.fail("Tab from the message never reached the rows")


def test_a_page_not_refused_keeps_the_focus_where_it_was(staff_page):
    page, staff = staff_page("desktop")
    page.goto(f"/admin/auth/user/{staff.pk}/change/")
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement === document.body")
