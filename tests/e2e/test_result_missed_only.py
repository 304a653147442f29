"""The shipped denial-of-service quiz's result, by keyboard on a phone: a right question's case
is folded behind a summary that opens it; "Missed only" swaps the questions for the missed ones
in place, says so in the page's status region and keeps focus on the switch; a link at the top
reaches a question's card. The page used to be over 61,000 px tall at 390 px wide."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes import attempts
from quizzes.models import Quiz
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import make_user, sign_in
from tests.e2e.layout import layout_problems

pytestmark = pytest.mark.e2e


def _taken(user) -> tuple[int, int, int]:
    """Every network flow question answered right, the rest left unanswered, and submitted:
    (the attempt's id, its questions, those right)."""
    quiz = Quiz.objects.get(slug="denial-of-service-quiz")
    attempt = attempts.attempt_start(quiz=quiz, user=user)
    questions = attempts.attempt_questions(attempt)
    right = 0
    for question in questions:
        if question.type == "flow_decision":
            key = question.kind.key(question)
            response = {"verdict": key["key"], "hop": key["hop"], "hop_label": key["hop_label"]}
            attempts.answer_save(attempt=attempt, question=question, response=response)
            right += 1
    attempts.attempt_submit(attempt=attempt)
    return attempt.pk, len(questions), right


def test_fold_and_missed_only_by_keyboard_on_a_phone(phone):
    pk, total, right = _taken(make_user("hamilton"))
    missed = total - right
    phone.goto("/")
    sign_in(phone, "hamilton")
    phone.goto(f"/quizzes/attempts/{pk}/result/")
    cards = phone.locator("li.result-item")
    expect(cards).to_have_count(total)
    tall = phone.evaluate("document.documentElement.scrollHeight")

    # a right question's case: folded, its summary opens it from the keyboard
    first_right = phone.locator("li.result-item", has=phone.locator(".badge-right")).first
    case = first_right.locator("details.case-fold")
    table = case.locator("table").first
    expect(table).to_be_hidden()
    case.locator(":scope > summary").focus()
    phone.keyboard.press("Enter")
    expect(table).to_be_visible()

    # Missed only: pressed by keyboard, the questions swap in place, focus stays on the switch
    switch = phone.get_by_role("link", name=f"Missed only ({missed})")
    switch.focus()
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"\?show=missed$"))
    expect(cards).to_have_count(missed)
    expect(phone.locator("#live-status")).to_have_text(
        f"Showing the {missed} questions you missed, of {total}."
    )
    expect(phone.locator("#show-missed")).to_have_attribute("aria-current", "page")
    expect(phone.locator("#show-missed")).to_be_focused()
    expect(phone).to_have_title(re.compile(r"^Missed questions: "))
    assert phone.evaluate("document.documentElement.scrollHeight") < tall
    # every case still on the page is a missed question's: open, nothing to unfold
    expect(phone.locator("details.case-fold:not([open])")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert layout_problems(phone) == []
    assert_accessible(phone)

    # a link at the top reaches its question's card
    link = phone.locator("nav.result-glance .glance-wrong a").nth(1)
    anchor = link.get_attribute("href")
    assert re.fullmatch(r"#q-\d+", anchor)  # on this page
    link.focus()
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(f"{anchor}$"))
    expect(phone.locator(anchor)).to_be_in_viewport()

    # and All brings every question back
    phone.locator("#show-all").focus()
    phone.keyboard.press("Enter")
    expect(cards).to_have_count(total)
    expect(phone.locator("#live-status")).to_have_text(f"Showing all {total} questions.")
