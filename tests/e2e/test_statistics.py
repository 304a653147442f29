"""An instructor reads a quiz's statistics in the browser: from the quiz's page to the charts,
then counts only each learner's first attempt (htmx swaps the results; without JavaScript
the same form reloads the page)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import make_user, settled, sign_in_with_code
from tests.teach.statsdata import bulk_class, mixed_quiz

pytestmark = pytest.mark.e2e


def test_an_instructor_reads_the_statistics_of_their_quiz(page, live_server):
    teacher = make_user("ines-stats")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    learners = [make_user(f"learner-{n}") for n in range(4)]
    quiz, questions, responses = mixed_quiz(owner=teacher)
    bulk_class(quiz, questions, responses, 12, users=learners)

    page.goto("/")
    sign_in_with_code(page, "ines-stats", secret)
    page.goto(f"/teach/quizzes/{quiz.pk}/")
    page.get_by_role("link", name="Statistics").click()
    page.wait_for_url("**/statistics/")  # and its load: htmx has set the page up
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    expect(page.get_by_role("img", name="Facility: mean score per question")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Q6: how often each required"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Each learner's first attempt").check()
    settled(page)
    expect(page.locator("#stats-results")).to_contain_text("4 (each learner's first)")
    # said in the page's one status region (srm_trainer/live_status.py), not swapped in
    expect(page.locator("#live-status")).to_have_text("Showing 4 attempts, each learner's first.")
    assert "attempts=first" in page.url


def test_on_a_phone_each_misconception_is_a_card_with_its_lesson_in_sight(phone, live_server):
    """At 390 px the misconceptions' four columns squeezed the lesson links to two letters a
    line, cut off at the screen's edge: each misconception is a card now, its cells labelled."""
    teacher = make_user("ines-phone")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    learners = [make_user(f"phone-learner-{n}") for n in range(4)]
    quiz, questions, responses = mixed_quiz(owner=teacher)
    bulk_class(quiz, questions, responses, 12, users=learners)

    phone.goto("/")
    sign_in_with_code(phone, "ines-phone", secret)
    phone.goto(f"/teach/quizzes/{quiz.pk}/statistics/")
    width = phone.viewport_size["width"]
    table = phone.get_by_role("table", name="Misconceptions ranked by learners")
    rows = table.locator("tbody tr")
    assert rows.count() >= 1
    for cell in rows.first.locator("td").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, box
        assert box["width"] > width / 2, box  # a card's line, not a squeezed column
    lesson = rows.first.locator("td").last
    label = lesson.evaluate("e => getComputedStyle(e, '::before').content")
    assert "Lesson that addresses it" in label, label
