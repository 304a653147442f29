"""Long names on a phone: a 200-character quiz title (the most a quiz's title holds) in the
breadcrumbs took five lines above the heading that says it in full again; each crumb keeps to
one line now, cut with "…", and its link still carries the whole name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ATTEMPT, no_horizontal_scroll
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

TITLE = (
    "Which of these responsibilities stays with the customer when an application moves from "
    "Amazon EC2 to AWS Lambda, and which moves to AWS under the Shared Responsibility Model, "
    "in every Region of every partition?"
)[:200]


def test_a_long_quiz_title_keeps_each_breadcrumb_to_one_line_on_a_phone(phone):
    quiz = make_quiz(make_question("true_false"), title=TITLE, published=True)
    for place in ("detail", "attempt"):
        if place == "detail":
            phone.goto(quiz.get_absolute_url())
        else:
            phone.get_by_role("button", name="Start the quiz").click()
            phone.wait_for_url(ATTEMPT)
        crumbs = phone.evaluate(
            """() => [...document.querySelectorAll('.breadcrumbs li')].map(li => {
                const words = li.querySelector('a') || li;
                return {text: words.textContent, cut: words.scrollWidth > words.clientWidth + 1,
                        tall: words.getBoundingClientRect().height,
                        line: parseFloat(getComputedStyle(words).lineHeight)};
            })"""
        )
        for crumb in crumbs:
            assert crumb["tall"] <= crumb["line"] + 1, (place, crumb)  # one line each
            assert crumb["cut"] == (crumb["text"] == TITLE), (place, crumb)  # only the long one
        link = phone.locator(".breadcrumbs").get_by_role("link", name=TITLE)
        expect(link).to_have_count(1 if place == "attempt" else 0)
        heading = phone.get_by_role("heading", level=1)
        expect(heading).to_have_text(TITLE)
        no_horizontal_scroll(phone)
