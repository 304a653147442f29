"""The learner journeys of issue 11, each end to end, by keyboard where a person could be,
with axe-core on each page type they pass through."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Question, ReviewCard
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import ATTEMPT, IDENTITY_EDITOR, LESSON, policy_editor, settled, sign_up
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e

KINDS = ["single", "multiple", "true_false", "ordering", "categorize", "policy_decision"]
KINDS += ["least_privilege", "route_findings"]


def test_sign_up_read_the_first_lesson_mark_it_complete_and_see_progress(page):
    page.goto("/")
    sign_up(page, "lovelace")
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("link", name="Start with the first lesson").press("Enter")
    page.wait_for_url(LESSON)  # and its load: htmx has set the page up (journeys.py)
    lesson_title = page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Mark lesson complete").press("Enter")
    expect(page.locator("#progress")).to_contain_text("Lesson completed.")
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_focused()
    settled(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learn").press("Enter")
    expect(page.get_by_text("1 of 3 lessons completed").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Continue: "))).to_be_visible()
    assert lesson_title
    assert_accessible(page)


def test_sandbox_type_a_deny_see_it_live_and_open_the_permalink_elsewhere(page, browser, base_url):
    page.goto("/sandbox/?preset=role-trust-cross-account-assume")
    expect(page.locator("#live .decision-word")).to_have_text("Allowed")
    policy = page.locator(IDENTITY_EDITOR).first
    policy.fill(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
    )
    expect(page.locator("#live .decision-word")).to_contain_text("Explicit deny")
    expect(page.locator("#live-status")).to_contain_text("Decision: Explicit deny")
    assert_accessible(page)
    link = page.get_by_label("Link to this exact state").input_value()

    other = browser.new_context(base_url=base_url)
    try:
        fresh = other.new_page()
        fresh.goto(link)
        expect(fresh.locator("#live .decision-word")).to_contain_text("Explicit deny")
        expect(fresh.locator("textarea[name^='identity-']").first).to_have_value(
            re.compile('"Effect": ?"Deny"')
        )
    finally:
        other.close()


def answer_somehow(page, question: Question) -> None:
    """Give some answer to a question of any kind (right or wrong does not matter here)."""
    kind = question.type
    form = page.locator("#attempt-body form").first
    if kind in ("single", "multiple", "policy_decision"):
        form.locator("input[type=radio], input[type=checkbox]").first.check()
    elif kind == "true_false":
        right = bool(question.data.get("answer"))
        page.get_by_label("False" if right else "True", exact=True).check()  # a miss
    elif kind in ("ordering", "categorize"):
        selects = form.locator("select")
        for n in range(selects.count()):
            select = selects.nth(n)
            choice = select.locator("option").nth(n + 1 if kind == "ordering" else 1)
            select.select_option(choice.get_attribute("value"))
    elif kind == "least_privilege":
        policy_editor(form, "Your policy (JSON)").fill(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
        )
    elif kind == "route_findings":
        form.get_by_label("Your event pattern (JSON)").fill('{"source": ["aws.guardduty"]}')


def test_answer_every_kind_see_feedback_then_clear_a_miss_in_review(midday, page):
    questions = [Question.objects.filter(type=kind).order_by("pk").first() for kind in KINDS]
    make_quiz(*questions, slug="every-kind", title="One of every kind")
    page.goto("/")
    sign_up(page, "turing")
    page.goto("/quizzes/every-kind/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    for n, question in enumerate(questions, start=1):
        expect(
            page.get_by_role("heading", name=f"Question {n} of {len(questions)}")
        ).to_be_visible()
        answer_somehow(page, question)
        page.get_by_role("button", name="Check answer").press("Enter")
        feedback = page.locator(".feedback-region")
        expect(feedback).not_to_be_empty()
        expect(feedback).to_be_focused()  # focus follows the htmx swap to the verdict
        # ... which the browser's own autofocus may do before htmx has settled the swap (its
        # link htmx's, its own focus call made): a key pressed then is lost.
        settled(page)
        if n == 1:
            assert_accessible(page)
        if n < len(questions):
            page.get_by_role("link", name="Next question").press("Enter")
            expect(page.locator("#question-title")).to_be_focused()
    page.get_by_role("link", name="Review and submit").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("before you submit")
    assert_accessible(page)
    page.get_by_role("button", name="Submit and see your result").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    # Time passes: the true/false miss comes back once its learning step is over.
    tf = questions[2]
    ReviewCard.objects.filter(question=tf).update(due=timezone.now() - timedelta(minutes=1))
    ReviewCard.objects.exclude(question=tf).update(due=timezone.now() + timedelta(days=2))
    page.goto("/")
    expect(page.get_by_role("link", name="1 question due for review now")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Review\W+1 due now$")
    ).press("Enter")
    page.wait_for_url("**/quizzes/review/")  # and its load: htmx has set the page up
    expect(page.locator(".due-count")).to_have_text("1 question due now.")
    assert_accessible(page)
    right = "True" if tf.data.get("answer") else "False"
    page.get_by_label(right, exact=True).check()
    page.get_by_role("button", name="Check answer").press("Enter")
    expect(page.locator(".due-count")).to_contain_text("Nothing is due now.")
    expect(page.get_by_text("Next review: later today at")).to_be_visible()
    assert_accessible(page)
