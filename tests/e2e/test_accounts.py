"""Signing up keeps what an anonymous learner did, and brings them back where they were."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson, LessonProgress
from quizzes.models import Attempt, ReviewCard
from tests.e2e.journeys import fill_sign_up

pytestmark = pytest.mark.e2e


def test_anonymous_work_is_carried_over_at_sign_up(page, live_server):
    # Anonymously: one quiz attempt, submitted with misses, and one lesson marked complete.
    page.goto("/quizzes/iam-quiz/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit and see your result").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    lesson = Lesson.objects.in_reading_order().first()
    page.goto(lesson.get_absolute_url())
    page.get_by_role("button", name="Mark lesson complete").press("Enter")
    expect(page.locator("#progress")).to_contain_text("Lesson completed.")
    # Focus stays in the progress box (on the button now offered), not the page's top.
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_focused()

    page.locator("#progress").get_by_role("link", name="Create an account").click()
    fill_sign_up(page, "newton")
    expect(page).to_have_url(live_server.url + lesson.get_absolute_url())
    expect(page.locator("#progress")).to_contain_text("Lesson completed.")
    assert LessonProgress.objects.filter(user__username="newton", lesson=lesson).exists()
    assert Attempt.objects.filter(user__username="newton").count() == 1
    assert ReviewCard.objects.filter(user__username="newton").exists()

    page.goto("/quizzes/")
    expect(page.get_by_text("1 attempt,")).to_be_visible()
    page.goto("/quizzes/iam-quiz/")
    expect(page.locator("table.attempts tbody tr")).to_have_count(1)
