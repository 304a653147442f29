"""Screenshots of the main pages at desktop and phone size, into the folder `make e2e` prints;
`make screenshots` also copies the desktop ones into docs/screenshots/ for the README."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from quizzes.models import Question
from tests.e2e.journeys import ATTEMPT, settled
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e

README_SHOTS = os.environ.get("E2E_README_SCREENSHOTS")


def shoot(page, folder: Path, name: str, size: str) -> None:
    path = folder / f"{name}-{size}.png"
    page.screenshot(path=str(path))
    if README_SHOTS and size == "desktop":
        target = Path(README_SHOTS)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / f"{name}.png")


def test_screenshots_desktop(page, screenshots):
    main_pages(page, screenshots, "desktop")


def test_screenshots_phone(phone, screenshots):
    main_pages(phone, screenshots, "phone")


def main_pages(page, screenshots: Path, size: str) -> None:
    page.goto("/")
    shoot(page, screenshots, "home", size)

    page.goto(Lesson.objects.in_reading_order().first().get_absolute_url())
    shoot(page, screenshots, "lesson", size)

    page.goto("/learn/srm/?service=ec2&compare=rds")
    expect(page.get_by_role("table")).to_be_visible()
    if size == "phone":
        page.get_by_role("table").scroll_into_view_if_needed()
    shoot(page, screenshots, "srm-explorer", size)

    page.goto("/sandbox/?preset=role-trust-cross-account-assume")
    expect(page.locator("#live .decision-word").first).to_be_visible()
    shoot(page, screenshots, "sandbox", size)

    question = Question.objects.filter(type="single").order_by("pk").first()
    make_quiz(question, slug=f"shots-{size}", title="One question")
    page.goto(f"/quizzes/shots-{size}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    wrong = next(c for c in question.choices() if not c["correct"])
    page.get_by_label(wrong["text"], exact=True).check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback-region")).to_contain_text(re.compile(r"\w"))
    settled(page)  # as a learner sees it: the verdict focused, its ring drawn
    shoot(page, screenshots, "quiz-feedback", size)
