"""The question editor on a phone, with the shipped curriculum's ~100 misconception tags in use:
the tag chooser groups them by module, a fold each, the groups with a ticked tag open and the
rest folded, so the page stays short; a keyboard opens a group and ticks in it, filters every
group (the count is spoken) and ticks a match; a refused save keeps what was ticked, in view.
The /teach/ page's actions fit a phone's width."""

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
    # 9,220 px as one list; what is left is mostly the four choices' rows and the open group
    # (Denial of service, where both ticked tags are; ~55 px a tag: 20 tags and 4,438 px after
    # the network accuracy pass, 28 tags and 4,867 px since the Network Firewall lesson's
    # questions). A growing module moves this; the whole list drawn open would double it.
    assert height < 5400, f"the editor is {height} px tall at 390 px"
    no_horizontal_scroll(phone)
    groups = chooser.locator("details.tag-group")
    assert groups.count() >= 6  # the course's modules that have tags
    for tag in TICKED:  # the ticked ones are in view without opening anything
        expect(chooser.get_by_role("checkbox", name=re.compile(f"^{tag}"))).to_be_checked()
        expect(chooser.get_by_role("checkbox", name=re.compile(f"^{tag}"))).to_be_visible()
    dos = groups.filter(has_text="Denial of service")
    expect(dos).to_have_attribute("open", "")
    expect(chooser.locator("details.tag-group[open]")).to_have_count(1)  # the rest folded
    first = groups.first
    expect(first.locator("summary")).to_contain_text(re.compile(r"\d+ tags"))
    expect(first.locator("input[type=checkbox]").first).to_be_hidden()

    # By keyboard: from the filter box, Tab reaches the first group; Enter opens it, Tab goes
    # into it and Space ticks its first tag.
    search = chooser.get_by_role("searchbox", name="Filter the misconception tags")
    search.focus()
    phone.keyboard.press("Tab")
    expect(first.locator("summary")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(first).to_have_attribute("open", "")
    phone.keyboard.press("Tab")
    opened = first.locator("input[type=checkbox]").first
    expect(opened).to_be_focused()
    phone.keyboard.press("Space")
    expect(opened).to_be_checked()
    first_tag = opened.get_attribute("value")

    # The filter looks in every group, folded or not: the match's group opens, the groups with
    # neither a match nor a tick hide.
    search.focus()
    phone.keyboard.type("guardduty agents")
    count = chooser.get_by_role("status")
    expect(count).to_have_text(f"1 of {offered} tags matches.")
    match = chooser.get_by_role("checkbox", name=re.compile("^thinks-guardduty-needs-agents"))
    expect(match).to_be_visible()
    shown = len(TICKED) + 2  # the ticked ones stay, and the match
    expect(groups.locator("li").filter(visible=True)).to_have_count(shown)
    expect(groups.filter(visible=True)).to_have_count(3)  # the first, Denial of service, Detection
    # In the filter, Enter does not save the question (the form's default button): the page
    # is the same one, a mark left in it still there.
    phone.evaluate("() => { window.stillHere = true; }")
    phone.keyboard.press("Enter")
    phone.wait_for_timeout(500)
    assert phone.evaluate("() => window.stillHere === true")
    expect(search).to_be_focused()
    for _ in range(10):  # Tab on through the groups left to the match
        phone.keyboard.press("Tab")
        if match.evaluate("box => box === document.activeElement"):
            break
    expect(match).to_be_focused()
    phone.keyboard.press("Space")
    expect(match).to_be_checked()
    no_horizontal_scroll(phone)
    # Cleared, the filter puts the groups back, the match's open now that it holds a tick.
    search.fill("")
    expect(count).to_have_text(f"All {offered} tags shown.")
    expect(groups.filter(visible=True)).to_have_count(groups.count())
    expect(match).to_be_visible()
    assert_accessible(phone)

    # A refused save (a bad new tag) keeps every tick, each in view in its open group.
    phone.get_by_label("New misconception tags").fill("Not A Tag")
    phone.get_by_role("button", name="Save the question").click()
    expect(phone.get_by_role("alert").first).to_contain_text("The question was not saved.")
    for tag in [*TICKED, first_tag, "thinks-guardduty-needs-agents"]:
        box = chooser.get_by_role("checkbox", name=re.compile(f"^{tag} "))
        expect(box).to_be_checked()
        expect(box).to_be_visible()
    expect(chooser.locator("details.tag-group[open]")).to_have_count(3)


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
