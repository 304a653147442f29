"""Route the findings in a browser: a learner's unreadable pattern is said beside the box and
announced, the text kept; a pattern graded shows each sample's routing. An instructor unticks a
finding, hears the live check say the model now sends it, and follows the summary's link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Source
from quizzes.models import Question, Quiz
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import ATTEMPT, no_horizontal_scroll, settled, sign_up
from tests.e2e.test_teach_policy import signed_in_instructor
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


def test_a_learner_fixes_an_unreadable_pattern_and_reads_the_routing(page):
    question = Question.objects.filter(slug="det-route-high-ec2").get()
    make_quiz(question, slug="routes", title="Routes", feedback="immediate")
    page.goto("/")
    sign_up(page, "hopper")
    page.goto("/quizzes/routes/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.wait_for_url(ATTEMPT)
    box = page.get_by_label("Your event pattern (JSON)")
    box.fill('{\n  "source": ["aws.guardduty",]\n}')
    page.get_by_role("button", name="Check answer").press("Enter")
    box = page.get_by_label("Your event pattern (JSON)")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_accessible_description(re.compile(r"Line 2, column 30"))
    expect(page.locator("#live-status")).to_contain_text("Line 2, column 30")
    expect(box).to_have_value('{\n  "source": ["aws.guardduty",]\n}')
    settled(page)
    assert_accessible(page)

    box.fill('{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}')
    page.get_by_role("button", name="Check answer").press("Enter")
    feedback = page.locator(".feedback-region")
    expect(feedback).to_contain_text("Partly right")
    expect(feedback).to_contain_text("and 3 that must not")
    expect(feedback.get_by_role("table")).to_contain_text("✗ not as wanted")
    expect(feedback).to_contain_text("A pattern that does it (the question's model)")
    settled(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    no_horizontal_scroll(page)


def test_an_instructor_hears_the_live_check_and_reaches_the_refused_boxes(page, base_url):
    user = signed_in_instructor(page, base_url)
    quiz = Quiz.objects.create(
        slug="my-quiz", title="My quiz", owner=user, source=Source.AUTHORED, published=False
    )
    page.goto(f"/teach/quizzes/{quiz.pk}/questions/new/route_findings/")
    expect(page.locator("#route-check")).to_contain_text("The question can be saved.")
    assert_accessible(page)
    lambda_finding = (
        "Must reach the target: A Lambda function talks to a cryptocurrency-mining pool"
    )
    page.get_by_label(lambda_finding).uncheck()
    expect(page.locator("#live-status")).to_contain_text(
        "“A Lambda function talks to a cryptocurrency-mining pool” is sent but must not be",
        timeout=10_000,
    )
    page.get_by_label("Prompt (Markdown)").fill("Page on every High GuardDuty finding.")
    page.get_by_label("Explanation shown after answering (Markdown)").fill("numeric.")
    settled(page)
    page.get_by_role("button", name="Save the question").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("The question was not saved.")
    model = page.get_by_label(re.compile("^Model pattern"))
    expect(model).to_have_attribute("aria-invalid", "true")
    expect(model).to_have_accessible_description(re.compile("mining pool” is sent"))
    alert.get_by_role("link").first.click()
    expect(model).to_be_focused()
    assert not Question.objects.filter(owner=user).exists()
