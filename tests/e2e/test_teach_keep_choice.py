"""The question editor's "Same choice, reworded", by keyboard: a choice reworded beyond a
small fix keeps its identity (its id, and so learners' answers and the statistics) when the
instructor ticks the box on its row; a tick the save cannot honour is refused beside the box
and linked from the error summary, which the page opens on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quizzes.attempts import answer_save, attempt_submit
from quizzes.models import Question, Quiz
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import make_user
from tests.e2e.test_teach_choices import urls  # noqa: F401 (the fixture)
from tests.quizzes.builders import make_attempt

pytestmark = pytest.mark.e2e


def _tab_to(page, name: str, most: int = 12):
    """Press Tab until the control labelled `name` has focus (a keyboard user's path)."""
    target = page.get_by_role("checkbox", name=name, exact=True)
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return target
    raise AssertionError(f"Tab never reached {name!r}")


def _drawn_after(box: dict, before: dict) -> bool:
    """`box` comes after `before` in reading order: below it, or on its line and to its right."""
    below = box["y"] >= before["y"] + before["height"] - 1
    return below or (abs(box["y"] - before["y"]) < 12 and box["x"] > before["x"])


def _answered(question: Question) -> None:
    """A learner chose "Share it" (the box shows once learners have answered)."""
    quiz = Quiz.objects.get(owner=question.owner)
    quiz.published = True
    quiz.save()
    attempt = make_attempt(quiz, user=make_user("ada"))
    chosen = next(c for c in question.choices() if c["text"] == "Share it")
    answer_save(
        attempt=attempt, question=question, response={"choice": chosen["id"], "text": "Share it"}
    )
    attempt_submit(attempt=attempt)


def test_a_teacher_keeps_a_reworded_choice_the_same_by_keyboard(urls, page):  # noqa: F811
    edit, _new = urls
    question = Question.objects.get(owner__username="ines")
    before = {c["text"]: c["id"] for c in question.choices()}
    _answered(question)
    page.goto(edit)
    expect(page.get_by_text("tick “Same choice, reworded” on its row")).to_be_visible()
    # A blank row has no box: there is no choice for it to stay.
    expect(page.get_by_role("checkbox", name="Choice 4: same choice, reworded")).to_have_count(0)
    assert_accessible(page)

    text = page.get_by_role("textbox", name="Choice 2 text")
    text.focus()
    text.fill("Write it on a note under the keyboard")
    box = _tab_to(page, "Choice 2: same choice, reworded")
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    text.focus()
    page.keyboard.press("Enter")  # Enter in a text box saves

    expect(page.get_by_text("Question saved.")).to_be_visible()
    expect(page.get_by_text("was reworded")).to_have_count(0)
    question.refresh_from_db()
    now = {c["text"]: c["id"] for c in question.choices()}
    assert now["Write it on a note under the keyboard"] == before["Share it"]


def test_a_tick_on_a_tampered_row_is_refused_beside_it_and_in_the_summary(urls, page):  # noqa: F811
    edit, _new = urls
    question = Question.objects.get(owner__username="ines")
    _answered(question)
    before = question.data
    page.goto(edit)
    page.get_by_role("textbox", name="Choice 3 text").fill("Keep it in a password manager")
    page.locator("#id_rows-2-id").evaluate("e => { e.value = 'forged-id' }")
    page.get_by_role("checkbox", name="Choice 3: same choice, reworded").check()
    page.get_by_role("textbox", name="Choice 3 text").press("Enter")

    summary = page.get_by_role("alert").first
    expect(summary).to_contain_text("The question was not saved.")
    expect(summary).to_be_focused()  # the page opens on it, and it is announced
    link = summary.get_by_role("link", name="Choice 3: This row is not a choice")
    expect(link).to_have_attribute("href", "#id_rows-2-same")
    box = page.get_by_role("checkbox", name="Choice 3: same choice, reworded")
    expect(box).to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_be_in_viewport()
    assert_accessible(page)
    question.refresh_from_db()
    assert question.data == before


def test_on_a_phone_the_box_takes_one_line_and_the_row_stays_compact(urls, page, phone):  # noqa: F811
    """At 375 px the box wrapped the fold and the move buttons onto two lines (224 px a row,
    152 without the box): now it is one line under the text, the fold and the buttons share
    the next, and the keyboard reaches it right after the row's text. At every width Tab goes
    through the row in the order it is drawn: "Remove" (on the line of the row's name), the
    text, the box, the fold, the move buttons (Tab went from the text up to "Remove")."""
    edit, _new = urls
    _answered(Question.objects.get(owner__username="ines"))
    for width, most in ((375, 190), (768, 160), (1280, 160)):
        phone.set_viewport_size({"width": width, "height": 900})
        phone.goto(edit)
        row = phone.locator(".row-card").nth(1)
        height = row.bounding_box()["height"]
        assert height <= most, f"{height} px at {width} px"
        box = row.get_by_role("checkbox", name="Choice 2: same choice, reworded")
        fold = row.locator("details > summary")
        up = row.get_by_role("button", name="Move up choice 2")
        text_box = row.get_by_role("textbox", name="Choice 2 text").bounding_box()
        assert box.bounding_box()["y"] > text_box["y"] + text_box["height"] - 1  # under its text
        # The fold and the move buttons on one line, as on a row without the box.
        assert abs(fold.bounding_box()["y"] - up.bounding_box()["y"]) < 12
        remove = row.get_by_role("button", name="Remove choice 2")
        remove.focus()
        before = remove.bounding_box()
        for stop in (
            row.get_by_role("textbox", name="Choice 2 text"),
            box,
            fold,
            up,
            row.get_by_role("button", name="Move down choice 2"),
        ):
            phone.keyboard.press("Tab")
            expect(stop).to_be_focused()
            assert _drawn_after(stop.bounding_box(), before), f"{stop} at {width} px"
            before = stop.bounding_box()
    row.get_by_role("textbox", name="Choice 2 text").focus()
    box = _tab_to(phone, "Choice 2: same choice, reworded")
    phone.keyboard.press("Space")
    expect(box).to_be_checked()
    assert box.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
