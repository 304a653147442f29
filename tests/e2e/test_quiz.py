"""Taking a quiz in a browser: a session that ends mid-quiz loses nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.e2e.journeys import ATTEMPT, fill_sign_in, make_user, sign_in
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


def start_quiz(page, slug: str = "iam-quiz") -> None:
    page.goto(f"/quizzes/{slug}/")
    page.get_by_role("button", name=re.compile("Start the quiz|Try again")).press("Enter")
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    expect(page.get_by_role("heading", name=re.compile(r"Question 1 of \d+"))).to_be_visible()


def test_session_lost_mid_quiz_signs_in_again_back_to_the_question_with_the_answer(page):
    make_user("hopper")
    make_quiz(*Question.objects.filter(type="true_false")[:2], slug="two-claims", title="Two")
    page.goto("/")
    sign_in(page, "hopper")
    start_quiz(page, "two-claims")
    page.context.clear_cookies(name="sessionid")  # the session expires while they think

    page.get_by_label("False").check()
    expect(page.locator(".autosave")).to_contain_text("Your session has ended")
    page.get_by_role("button", name="Check answer").press("Enter")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("status")).to_contain_text("Your session ended")
    fill_sign_in(page, "hopper")
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+/\?q=1$"))
    expect(page.get_by_label("False")).to_be_checked()
    expect(page.get_by_text("Your answer from before is filled in again")).to_be_visible()


def test_a_keyboard_skips_the_question_navigator_to_the_question(page):
    # Each question is a Tab stop in the navigator above the question: in a module's quiz a
    # keyboard user pressed Tab 39 times from the page's start to reach the first answer.
    make_user("lovelace")
    make_quiz(*Question.objects.filter(type="true_false")[:12], slug="twelve", title="Twelve")
    page.goto("/")
    sign_in(page, "lovelace")
    start_quiz(page, "twelve")
    page.reload()  # a page's load, where the navigator comes first (a swap focuses the heading)
    page.locator("#main").focus()
    for _ in range(4):  # past the breadcrumbs
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Skip to question 1":
            break
    skip = page.get_by_role("link", name="Skip to question 1")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # out of sight only until it has the focus
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Question 1 of 12")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".question-panel form input[type=radio]").first).to_be_focused()


def test_enter_on_a_chosen_answer_goes_on_to_the_next_question_not_back(page):
    # With feedback at the end (the capstone, the final exam) a question after the first has
    # "Save and go back" before "Save and next", and Enter in a form sends its first submit
    # button: choosing an answer and pressing Enter went back a question.
    make_user("noether")
    claims = Question.objects.filter(type="true_false")[:3]
    make_quiz(*claims, slug="three-claims", title="Three", feedback="end")
    page.goto("/")
    sign_in(page, "noether")
    start_quiz(page, "three-claims")
    page.get_by_label("True").press("Space")
    page.get_by_role("button", name="Save and next").press("Enter")
    expect(page.get_by_role("heading", name="Question 2 of 3")).to_be_focused()

    page.get_by_label("True").press("Space")
    page.get_by_label("True").press("Enter")
    expect(page.get_by_role("heading", name="Question 3 of 3")).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("Your answer to question 2 is saved.")

    page.get_by_label("False").press("Space")
    page.get_by_label("False").press("Enter")  # the last question: saved, and it stays
    expect(page.locator("#live-status")).to_contain_text("saved")
    expect(page.get_by_role("heading", name="Question 3 of 3")).to_be_visible()
    expect(page.get_by_label("False")).to_be_checked()
