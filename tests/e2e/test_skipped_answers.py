"""On a phone: a quiz submitted with nothing answered shows each question's right answer (the
engine's decisions for the policy and network kinds, what a right answer must achieve for the
challenges) without scrolling sideways; and a second tab left on a question, once the first
submits, lands on the result saying why."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes import kinds
from quizzes.models import Question
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import ATTEMPT, make_user, sign_in
from tests.e2e.layout import layout_problems
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


def test_a_skipped_quiz_shows_every_right_answer_on_a_phone(phone):
    make_user("hopper")
    shipped = [Question.objects.filter(type=kind).first() for kind in kinds.KINDS]
    make_quiz(*[q for q in shipped if q is not None], slug="every-kind", title="Every kind")
    phone.goto("/")
    sign_in(phone, "hopper")
    phone.goto("/quizzes/every-kind/")
    phone.get_by_role("button", name="Start the quiz").press("Enter")
    phone.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    expect(phone.get_by_role("heading", name=re.compile(r"Question 1 of \d+"))).to_be_visible()
    take = phone.url.split("?")[0]

    other = phone.context.new_page()  # the same attempt, left open in a second tab
    other.goto(take)

    phone.goto(take + "summary/")
    phone.get_by_role("button", name="Submit and see your result").press("Enter")
    expect(phone).to_have_url(re.compile(r"/result/$"))
    items = phone.locator("li.result-item")
    expect(items).to_have_count(sum(q is not None for q in shipped))
    for n in range(items.count()):
        item = items.nth(n)
        expect(item.locator("h2 .badge")).to_have_text("Not answered")
        expect(item.get_by_text("You did not answer this question.")).to_be_visible()
        expect(item.get_by_text("The right answer", exact=True)).to_be_visible()
    assert SUBMITTED not in phone.content()  # this tab submitted it: nothing to explain
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert layout_problems(phone) == []
    assert_accessible(phone)

    other.get_by_role("button", name="Flag to come back to").press("Enter")
    expect(other).to_have_url(re.compile(r"/result/$"))
    expect(other.get_by_role("status").filter(has_text=SUBMITTED)).to_be_visible()
    other.close()


SUBMITTED = "This attempt was submitted in another tab or window."
