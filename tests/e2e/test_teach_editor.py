"""The question editor on a phone, with the shipped curriculum's ~100 misconception tags in use:
the tag chooser shows the ticked tags and folds the rest away, so the page stays short; a
keyboard opens the rest, filters them (the count is spoken) and ticks one; a refused save
keeps what was ticked. The /teach/ page's actions fit a phone's width."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import make_user, no_horizontal_scroll, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

TICKED = ["thinks-nacls-are-stateful", "confuses-attack-layers"]


@pytest.fixture
def editor(page, phone):
    """Ines, signed in at desktop size, her phone sharing the session; her question with two
    misconception tags. Returns the editor's URL."""
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    question = make_question(owner=ines, source=Source.AUTHORED, lesson=None, misconceptions=TICKED)
    quiz = make_quiz(question, owner=ines, source=Source.AUTHORED, published=False)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    phone.context.add_cookies(page.context.cookies())
    return reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"


def page_height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def test_the_editor_is_short_on_a_phone_and_its_tags_are_chosen_by_keyboard(editor, phone):
    phone.goto(editor)
    chooser = phone.get_by_role("group", name="Misconception tags")
    offered = chooser.locator("input[type=checkbox]").count()
    assert offered > 80  # the shipped curriculum's, and the question's own
    height = page_height(phone)
    # 9,220 px before the chooser folded; what is left is mostly the four choices' rows.
    assert height < 3600, f"the editor is {height} px tall at 390 px"
    assert chooser.bounding_box()["height"] < 500
    no_horizontal_scroll(phone)
    for tag in TICKED:  # the ticked ones are in view without opening anything
        expect(chooser.get_by_role("checkbox", name=re.compile(f"^{tag}"))).to_be_checked()
        expect(chooser.get_by_role("checkbox", name=re.compile(f"^{tag}"))).to_be_visible()
    others = chooser.locator("details")
    expect(others.locator("input[type=checkbox]").first).to_be_hidden()

    # By keyboard: from the last ticked box, Tab reaches the summary; Enter opens it.
    chooser.get_by_role("checkbox", name=re.compile(f"^{TICKED[-1]}")).focus()
    phone.keyboard.press("Tab")
    summary = others.locator("summary")
    expect(summary).to_be_focused()
    phone.keyboard.press("Enter")
    expect(others).to_have_attribute("open", "")
    phone.keyboard.press("Tab")
    search = chooser.get_by_role("searchbox", name="Filter the misconception tags")
    expect(search).to_be_focused()
    phone.keyboard.type("guardduty agents")
    count = chooser.get_by_role("status")
    expect(count).to_have_text("1 of " + str(offered - len(TICKED)) + " tags matches.")
    match = chooser.get_by_role("checkbox", name=re.compile("^thinks-guardduty-needs-agents"))
    expect(match).to_be_visible()
    expect(others.locator("li").filter(visible=True)).to_have_count(1)  # the rest are hidden
    # In the filter, Enter does not save the question (the form's default button): the page
    # is the same one, a mark left in it still there.
    phone.evaluate("() => { window.stillHere = true; }")
    phone.keyboard.press("Enter")
    phone.wait_for_timeout(500)
    assert phone.evaluate("() => window.stillHere === true")
    expect(search).to_be_focused()
    phone.keyboard.press("Tab")
    expect(match).to_be_focused()
    phone.keyboard.press("Space")
    expect(match).to_be_checked()
    no_horizontal_scroll(phone)
    # Opened, the list scrolls in a box of its own under its filter.
    assert chooser.bounding_box()["height"] < 1000
    assert_accessible(phone)

    # A refused save (a bad new tag) keeps every tick, the new one shown with the others.
    phone.get_by_label("New misconception tags").fill("Not A Tag")
    phone.get_by_role("button", name="Save the question").click()
    expect(phone.get_by_role("alert").first).to_contain_text("The question was not saved.")
    for tag in [*TICKED, "thinks-guardduty-needs-agents"]:
        box = chooser.get_by_role("checkbox", name=re.compile(f"^{tag}"))
        expect(box).to_be_checked()
        expect(box).to_be_visible()


def test_the_teaching_pages_actions_fit_a_phone(editor, phone):
    """No button alone on a line under a row of two: on a phone they stand one under
    another, all as wide, inside the page."""
    phone.goto(reverse("teach:dashboard"))
    actions = phone.locator(".teach-header a.button")
    expect(actions).to_have_count(3)
    boxes = [actions.nth(n).bounding_box() for n in range(3)]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= 390 for b in boxes)
    assert len({round(b["y"]) for b in boxes}) == 3, boxes
    assert len({round(b["width"]) for b in boxes}) == 1, boxes
    no_horizontal_scroll(phone)
