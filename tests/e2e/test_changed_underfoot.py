"""Pages left open while things change under them: a quiz attempt in two tabs, a lesson
unpublished while a learner reads it. Nothing is lost, and the page that is out of date says so
rather than doing nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from quizzes.models import Answer, Attempt, Question
from tests.e2e.journeys import ATTEMPT, LESSON, make_user, settled, sign_in
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


def test_an_attempt_in_two_tabs_submitted_in_one_lands_the_other_on_the_result(page):
    make_user("hopper")
    make_quiz(*Question.objects.filter(type="true_false")[:2], slug="two-claims", title="Two")
    page.goto("/")
    sign_in(page, "hopper")
    page.goto("/quizzes/two-claims/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(ATTEMPT)
    other = page.context.new_page()  # the same attempt in a second tab
    other.goto(page.url)
    other.wait_for_url(ATTEMPT)

    page.get_by_label("True").check()
    expect(page.locator(".autosave")).to_contain_text("Answer saved")
    other.get_by_label("False").check()  # the tab answered last is the answer kept
    expect(other.locator(".autosave")).to_contain_text("Answer saved")
    page.goto(page.url.split("?")[0] + "summary/")
    page.get_by_role("button", name=re.compile("Submit")).dblclick()  # a double click: once
    expect(page.get_by_role("heading", name=re.compile("^Your result"))).to_be_visible()

    other.get_by_label("True").click()  # too late: the attempt is closed (and the tab goes)
    expect(other.get_by_role("heading", name=re.compile("^Your result"))).to_be_visible()
    expect(other.get_by_role("status").first).to_contain_text(
        "This attempt was submitted in another tab or window."
    )
    attempt = Attempt.objects.get(user__username="hopper")
    assert attempt.is_submitted
    assert [a.response["answer"] for a in Answer.objects.filter(attempt=attempt)] == [False]

    page.go_back()  # Back after submitting: the result again, never the open attempt
    expect(page.get_by_role("heading", name=re.compile("^Your result"))).to_be_visible()
    other.close()


def test_marking_complete_a_lesson_unpublished_meanwhile_says_the_page_is_out_of_date(
    page, console
):
    console.allow("status of 404")  # the refused update, as browsers log any 4xx
    lesson = Lesson.objects.filter(published=True).order_by("module__order", "order").first()
    page.goto(lesson.get_absolute_url())
    page.wait_for_url(LESSON)
    lesson.published = False
    lesson.save()  # an instructor unpublishes it while the page is open

    page.get_by_role("button", name="Mark lesson complete").click()
    settled(page)
    alert = page.locator("#page-alert").get_by_role("alert")
    expect(alert).to_contain_text("This page is out of date")
    expect(alert).to_contain_text("Nothing was saved.")
    expect(alert.get_by_role("link", name="Reload the page")).to_have_attribute(
        "href", re.compile(re.escape(lesson.get_absolute_url()) + "$")
    )


def test_an_answer_checked_in_one_tab_is_shown_locked_in_the_other(page):
    """The other tab's autosave answered with the whole question, which was nested inside its
    status line (two question bodies, one inside the other)."""
    make_user("hopper")
    questions = Question.objects.filter(type="true_false")[:2]
    make_quiz(*questions, slug="two-checked", title="Two", feedback="immediate")
    page.goto("/")
    sign_in(page, "hopper")
    page.goto("/quizzes/two-checked/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(ATTEMPT)
    other = page.context.new_page()
    other.goto(page.url)
    other.wait_for_url(ATTEMPT)

    page.get_by_label("True").check()
    page.get_by_role("button", name="Check answer").click()
    settled(page)
    expect(page.locator(".feedback .verdict")).to_be_visible()
    other.get_by_label("False").click()  # its autosave finds the answer checked (and redraws)
    notice = other.locator("#attempt-body .notice")
    expect(notice).to_contain_text("This question was already checked, perhaps in another tab")
    settled(other)
    expect(other.locator("#attempt-body")).to_have_count(1)
    expect(other.get_by_label("False")).to_be_disabled()
    other.close()
