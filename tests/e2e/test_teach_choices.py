"""The question editor's choices on a phone. A choice row was a screenful (about 390 px: a
legend, a label above each field, a feedback box, a line of buttons); now it is three lines:
its name with "Correct" and "Remove" beside it, its text, then its feedback folded beside the
move buttons. Every control still says which choice it belongs to, a keyboard reaches and
opens all of it, and a refused save, without JavaScript, keeps what was typed and opens the
fold that holds the error; a choice the kind's own check refuses has the message beside it.
A single-choice question's "Correct" marks are one radio group (one choice right, the arrow
keys move the mark); a multiple-choice question's are checkboxes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import PHONE, ConsoleErrors, watch
from tests.e2e.journeys import make_user, no_horizontal_scroll, sign_in_with_code
from tests.quizzes.builders import choices, make_question, make_quiz

pytestmark = pytest.mark.e2e

# A closed choice row on a phone, and one whose feedback is open (its label and two lines).
ROW_BUDGET = 170
OPEN_ROW_BUDGET = 300


@pytest.fixture
def urls(page, phone):
    """Ines, an instructor, signed in on the desktop and her phone; her single-choice question
    (three choices, the first with feedback) in her quiz. Returns (edit URL, new-question URL)."""
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    data = {"choices": choices(("Turn on MFA", True), ("Share it", False), ("Use it daily", False))}
    data["choices"][0]["feedback"] = "Yes: a stolen password alone no longer signs in."
    question = make_question(owner=ines, source=Source.AUTHORED, lesson=None, data=data)
    quiz = make_quiz(question, owner=ines, source=Source.AUTHORED, published=False)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    phone.context.add_cookies(page.context.cookies())
    return (
        reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}",
        reverse("teach:question-create", args=[quiz.pk, "single"]),
    )


def heights(page) -> list[float]:
    rows = page.locator(".row-card")
    return [rows.nth(n).bounding_box()["height"] for n in range(rows.count())]


def fold(page, n: int):
    """Choice `n`'s folded feedback (a <details>)."""
    return page.locator(".row-card").nth(n - 1).locator("details")


def test_a_choice_takes_three_lines_on_a_phone_and_every_control_names_it(urls, page, phone):
    edit, _new = urls
    for browser_page in (phone, page):
        browser_page.goto(edit)
        rows = heights(browser_page)
        assert len(rows) == 4  # three choices and a blank one, as a question has at least four
        # The first choice's feedback is shown (its fold opens with text); the others are folded.
        assert rows[0] <= OPEN_ROW_BUDGET, rows
        assert max(rows[1:]) <= ROW_BUDGET, rows
    # On the phone the whole page went from 4,340 px to about 3,100; the misconception tags'
    # folds, one per module (a line or two each), bring it to about 3,700. The header's menu
    # wraps on a phone since December 2026 (an instructor's four rows, ~70 px more than the one
    # row that scrolled sideways and hid half its links): 3,916 px.
    height = phone.evaluate("() => document.documentElement.scrollHeight")
    assert height < 3980, f"the editor is {height} px tall at 390 px"
    no_horizontal_scroll(phone)

    for n in range(1, 5):
        expect(phone.get_by_role("textbox", name=f"Choice {n} text")).to_be_visible()
        expect(phone.get_by_role("radio", name=f"Choice {n} is correct")).to_be_visible()
        for verb in ("Remove", "Move up", "Move down"):
            expect(
                phone.get_by_role("button", name=f"{verb} choice {n}", exact=True)
            ).to_be_visible()
    expect(phone.get_by_role("textbox", name="Choice 1 text")).to_have_value("Turn on MFA")
    expect(phone.get_by_role("radio", name="Choice 1 is correct")).to_be_checked()
    expect(fold(phone, 1)).to_have_attribute("open", "")
    expect(phone.get_by_label("Feedback when choice 1 is chosen")).to_have_value(
        "Yes: a stolen password alone no longer signs in."
    )
    expect(phone.get_by_label("Feedback when choice 2 is chosen")).to_be_hidden()

    # By keyboard, in the order the row is drawn: its "Correct" button and "Remove" (on the
    # line of its name), the text under them, then the fold, which Enter opens, and the
    # feedback inside it (Tab went text, Correct, Remove: up the row). The radio group's one
    # stop is the chosen choice's; the down arrow moves the mark to choice 2. Each stop shows
    # where focus is, and is drawn after the one before it.
    phone.get_by_role("radio", name="Choice 1 is correct").focus()
    before = None
    for key, stop in (
        ("ArrowDown", phone.get_by_role("radio", name="Choice 2 is correct")),
        ("Tab", phone.get_by_role("button", name="Remove choice 2")),
        ("Tab", phone.get_by_role("textbox", name="Choice 2 text")),
        ("Tab", fold(phone, 2).locator("summary")),
    ):
        phone.keyboard.press(key)
        expect(stop).to_be_focused()
        box = stop.bounding_box()
        if before is not None:  # onward: below, or on the same line and to the right
            assert box["y"] >= before["y"] + before["height"] - 1 or (
                abs(box["y"] - before["y"]) < 12 and box["x"] > before["x"]
            ), (box, before)
        before = box
        outline = stop.evaluate(
            "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
        )
        assert outline[0] != "none" and float(outline[1].removesuffix("px")) >= 2, outline
    expect(phone.get_by_role("radio", name="Choice 2 is correct")).to_be_checked()
    expect(phone.get_by_role("radio", name="Choice 1 is correct")).not_to_be_checked()
    expect(fold(phone, 2).locator("summary")).to_have_accessible_name("Feedback for choice 2")
    phone.keyboard.press("Enter")
    expect(fold(phone, 2)).to_have_attribute("open", "")
    phone.keyboard.press("Tab")
    feedback = phone.get_by_label("Feedback when choice 2 is chosen")
    expect(feedback).to_be_focused()
    phone.keyboard.type("Never share a password.")
    no_horizontal_scroll(phone)
    assert_accessible(phone)


def test_a_refused_save_keeps_the_choices_and_opens_the_fold_with_the_error(
    urls, page, browser, base_url
):
    """Without JavaScript, at phone size: four choices typed, the second marked correct, and a
    feedback over its limit on the third."""
    _edit, new = urls
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    bare = context.new_page()
    errors = ConsoleErrors()
    watch(bare, errors)
    bare.goto(new)
    bare.get_by_label("Prompt (Markdown)").fill("Which keeps a root account safe?")
    bare.get_by_label("Explanation shown after answering (Markdown)").fill("MFA.")
    texts = ["Turn on MFA", "Share the password", "Use it every day", "Delete its keys"]
    for n, text in enumerate(texts, start=1):
        bare.get_by_role("textbox", name=f"Choice {n} text").fill(text)
    # Marking a second choice unmarks the first, with no script: the browser's radio group.
    bare.get_by_role("radio", name="Choice 1 is correct").check()
    bare.get_by_role("radio", name="Choice 2 is correct").check()
    expect(bare.get_by_role("radio", name="Choice 1 is correct")).not_to_be_checked()
    expect(fold(bare, 3)).not_to_have_attribute("open", "")
    fold(bare, 3).locator("summary").click()  # the browser's own <details>: no script
    too_long = "x" * 2001
    feedback = bare.get_by_label("Feedback when choice 3 is chosen")
    # No maxlength cuts a paste past 2,000 characters at the limit without a word: the server
    # refuses it, says so beside the box, and gives it back whole.
    feedback.fill(too_long)
    bare.get_by_role("button", name="Save the question").click()

    expect(bare.get_by_role("alert").first).to_contain_text("The question was not saved.")
    for n, text in enumerate(texts, start=1):
        expect(bare.get_by_role("textbox", name=f"Choice {n} text")).to_have_value(text)
    expect(bare.get_by_role("radio", name="Choice 1 is correct")).not_to_be_checked()
    expect(bare.get_by_role("radio", name="Choice 2 is correct")).to_be_checked()
    # The fold holding the error is open, the error beside the box and tied to it.
    expect(fold(bare, 3)).to_have_attribute("open", "")
    expect(feedback).to_be_visible()
    expect(feedback).to_have_value(too_long)
    expect(feedback).to_have_attribute("aria-invalid", "true")
    expect(feedback).to_have_accessible_description(
        "This is 2001 characters long; it takes at most 2000. Nothing was cut: shorten it here."
    )
    no_horizontal_scroll(bare)  # a word of 2,001 letters wraps in its box
    for n in (1, 2, 4):  # nothing to show in the others: they stay folded
        expect(fold(bare, n)).not_to_have_attribute("open", "")

    # The feedback fixed, choice 4's text emptied but its feedback kept: the kind's own check
    # refuses the choice, and says so beside its text (read with it) and, linked, at the top.
    feedback.fill("Never share it.")
    bare.get_by_role("textbox", name="Choice 4 text").fill("")
    fold(bare, 4).locator("summary").click()
    bare.get_by_label("Feedback when choice 4 is chosen").fill("Keys are not the problem.")
    bare.get_by_role("button", name="Save the question").click()
    message = "Choice 4 needs some text."
    text = bare.get_by_role("textbox", name="Choice 4 text")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_accessible_description(message)
    link = bare.get_by_role("alert").first.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", "#id_rows-3-text")
    for n, typed in enumerate(texts[:3], start=1):
        expect(bare.get_by_role("textbox", name=f"Choice {n} text")).to_have_value(typed)
    expect(bare.get_by_label("Feedback when choice 4 is chosen")).to_have_value(
        "Keys are not the problem."
    )
    link.click()
    expect(text).to_be_in_viewport()
    no_horizontal_scroll(bare)
    context.close()
    assert errors.unexpected() == [], "console errors"


def test_after_a_row_button_the_keyboard_is_on_the_row_it_changed(urls, page):
    """Add, move and remove post the page (they work without JavaScript); focus came back on
    the page's start, so a keyboard user tabbed through the header and every field above to
    reach the choice they had just added or moved. Now it lands on that choice."""
    edit, _new = urls
    page.goto(edit)
    page.get_by_role("textbox", name="Choice 4 text").fill("Give it to a colleague")

    page.get_by_role("button", name="Add a choice").press("Enter")
    new_text = page.get_by_role("textbox", name="Choice 5 text")
    expect(new_text).to_be_focused()  # the new choice, ready to type into
    expect(new_text).to_be_in_viewport()
    expect(page.get_by_role("textbox", name="Choice 4 text")).to_have_value(
        "Give it to a colleague"
    )

    page.get_by_role("button", name="Move down choice 1", exact=True).press("Enter")
    expect(page.get_by_role("textbox", name="Choice 2 text")).to_have_value("Turn on MFA")
    expect(page.get_by_role("button", name="Move down choice 2", exact=True)).to_be_focused()
    page.keyboard.press("Enter")  # again: the same button, on the row it moved
    expect(page.get_by_role("textbox", name="Choice 3 text")).to_have_value("Turn on MFA")

    page.get_by_role("button", name="Move up choice 2", exact=True).press("Enter")
    expect(page.get_by_role("button", name="Move up choice 1", exact=True)).to_be_disabled()
    # The row reached the top, where "Move up" is disabled: its other button has focus.
    expect(page.get_by_role("button", name="Move down choice 1", exact=True)).to_be_focused()

    page.get_by_role("button", name="Remove choice 5", exact=True).press("Enter")
    expect(page.get_by_role("textbox", name="Choice 5 text")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Choice 4 text")).to_be_focused()  # the last left


def test_a_challenges_request_buttons_also_leave_focus_on_the_row(urls, page):
    """The least-privilege editor's request lists post the page as the choices do."""
    _edit, new = urls
    page.goto(new.replace("/single/", "/least_privilege/"))
    page.get_by_role("button", name="Add a must-deny request").press("Enter")
    expect(page.get_by_role("textbox", name="Must-deny request 2: action")).to_be_focused()
    page.get_by_role("button", name="Move up must-deny request 2", exact=True).press("Enter")
    expect(page.get_by_role("button", name="Move down must-deny request 1")).to_be_focused()


def test_a_multiple_choice_question_keeps_a_checkbox_per_choice(urls, page):
    """Several choices may be right: each has its own box, ticked and unticked alone."""
    _edit, new = urls
    page.goto(new.replace("/single/", "/multiple/"))
    first = page.get_by_role("checkbox", name="Choice 1 is correct")
    second = page.get_by_role("checkbox", name="Choice 2 is correct")
    first.check()
    second.check()
    expect(first).to_be_checked()
    expect(second).to_be_checked()
    expect(page.locator(".row-list").get_by_role("radio")).to_have_count(0)


def test_a_choice_pasted_past_its_limit_is_kept_whole_and_said_with_the_questions_check(urls, page):
    """A choice's box carried `maxlength="500"`: a longer paste was cut by the browser without
    a word. Now the paste stays whole, and one save says both its length and the question's
    own check (no right answer marked), which waited for the row to be shortened first."""
    _edit, new = urls
    page.goto(new)
    page.get_by_label("Prompt (Markdown)").fill("Which keeps a root account safe?")
    page.get_by_label("Explanation shown after answering (Markdown)").fill("MFA.")
    pasted = "Turn on MFA" + ", and keep the recovery codes somewhere safe" * 14
    box = page.get_by_role("textbox", name="Choice 1 text")
    box.focus()
    page.keyboard.insert_text(pasted)  # as a paste arrives: the browser applies maxlength here
    expect(box).to_have_value(pasted)
    for n, text in enumerate(["Share the password", "Use it every day"], start=2):
        page.get_by_role("textbox", name=f"Choice {n} text").fill(text)
    page.get_by_role("button", name="Save the question").click()

    summary = page.locator("#problems")
    expect(summary).to_contain_text("The question was not saved.")
    expect(summary).to_contain_text(
        f"Choice 1 text: This is {len(pasted)} characters long; it takes at most 500."
    )
    expect(summary).to_contain_text("Mark the correct choice.")
    expect(page.get_by_role("textbox", name="Choice 1 text")).to_have_value(pasted)
