"""Issue 10's "done when" in Chromium: an instructor (two-factor sign-in) creates a cohort and
assigns their quiz with a due date already past; two learners join by typing the code; one gets
an extension, so only the other is late. Both take the quiz; the instructor reads the gradebook,
an attempt, the cohort's statistics and downloads both CSVs. axe-core on the gradebook and the
statistics page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import ATTEMPT, make_user, settled, sign_in, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

TAG = "thinks-sharing-root-is-fine"


def _join_and_take(browser, base_url, name: str, code: str, answer: str) -> None:
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/")
        sign_in(page, name)
        page.goto("/cohorts/")
        page.get_by_label("Join code").fill(code.replace("-", " ").lower())
        page.get_by_label("Join code").press("Enter")
        expect(page.get_by_role("status")).to_contain_text("You joined “Spring class”")
        page.goto("/quizzes/root-basics/")
        page.get_by_role("button", name="Start the quiz").press("Enter")
        page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
        expect(page.get_by_role("heading", name="Question 1 of 1")).to_be_visible()
        page.get_by_label(answer).check()
        page.get_by_role("button", name="Check answer").press("Enter")
        expect(page.locator(".feedback-region")).not_to_be_empty()
        settled(page)  # the swap's focus on the verdict comes as htmx settles: not on the link
        page.get_by_role("link", name="Review and submit").press("Enter")
        page.get_by_role("button", name="Submit and see your result").press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("result", ignore_case=True)
    finally:
        context.close()


def _csv(page, name: str) -> list[dict]:
    href = page.get_by_role("link", name=name).get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    text = response.text()
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_a_class_from_cohort_to_csv_in_a_browser(page, browser, base_url):
    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    question = make_question(
        "single", owner=teacher, source=Source.AUTHORED, lesson=None, misconceptions=[TAG]
    )
    make_quiz(question, owner=teacher, source=Source.AUTHORED, published=True,
              title="Root basics", slug="root-basics")  # fmt: skip
    make_user("lovelace")
    make_user("babbage")

    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto("/teach/cohorts/")
    page.get_by_label("Name").fill("Spring class")
    page.get_by_role("button", name="Create the cohort").press("Enter")
    code = page.locator(".join-code").inner_text()
    page.goto("/teach/cohorts/")
    page.get_by_role("link", name="Spring class").press("Enter")
    gradebook_url = page.url
    page.get_by_role("link", name="Assign a quiz").first.press("Enter")
    page.get_by_label("Quiz").fill("Root basics")  # its whole title names it
    page.get_by_label("Due").fill("2020-06-01T17:00")  # already past: work now is late
    page.get_by_role("button", name="Assign", exact=True).press("Enter")
    # Asked once whether a due time already over is meant; sent again, it is kept.
    expect(page.get_by_text("That time has passed")).to_be_visible()
    page.get_by_role("button", name="Assign", exact=True).press("Enter")
    expect(page.locator(".messages")).to_contain_text("assigned to Spring class")

    _join_and_take(browser, base_url, "lovelace", code, "Share it")  # wrong, tagged
    # lovelace had an extension: give it (after the fact, as instructors do)
    page.goto(gradebook_url)
    # From the gradebook's column: its heading links to the assignment (as the list above does).
    gradebook = page.locator("table.gradebook")
    gradebook.get_by_role("link", name="Root basics", exact=True).press("Enter")
    # The learner is typed, the cohort's matches suggested as the instructor types.
    page.get_by_label("Learner").press_sequentially("love")
    expect(page.locator("#learner-status")).to_have_text("1 learner matches “love”.")
    expect(page.locator("#learner-options option")).to_have_attribute("value", "lovelace")
    page.get_by_label("Learner").fill("lovelace")
    page.get_by_label("Their due date").fill("2099-01-01T17:00")
    page.get_by_role("button", name="Give the extension").press("Enter")
    expect(page.locator(".messages")).to_contain_text("lovelace has their own due date")
    _join_and_take(browser, base_url, "babbage", code, "Turn on MFA")

    page.goto(gradebook_url)
    expect(page.get_by_role("row", name=re.compile("babbage"))).to_contain_text("Late")
    expect(page.get_by_role("row", name=re.compile("babbage"))).to_contain_text("100%")
    expect(page.get_by_role("row", name=re.compile("lovelace"))).to_contain_text("0%")
    expect(page.get_by_role("row", name=re.compile("lovelace"))).not_to_contain_text("Late")
    assert_accessible(page)

    grades = {row["learner"]: row for row in _csv(page, "Download the gradebook (CSV)")}
    assert (grades["babbage"]["status"], grades["lovelace"]["status"]) == ("late", "submitted")
    answers = _csv(page, "Download every answer (CSV)")
    assert sorted((a["learner"], a["response"]) for a in answers) == [
        ("babbage", "Turn on MFA"),
        ("lovelace", "Share it"),
    ]

    page.get_by_role("link", name=re.compile("^Statistics")).first.press("Enter")
    expect(page.get_by_role("heading", name="Misconceptions")).to_be_visible()
    ranking = page.get_by_role("table", name="Misconceptions ranked by learners")
    expect(ranking).to_contain_text("sharing root is fine")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        expect(charts.nth(i)).to_have_accessible_name(re.compile(r"\w"))
    assert_accessible(page)

    page.goto(gradebook_url)
    page.get_by_role("link", name="lovelace").press("Enter")
    page.get_by_role("link", name="Attempt 1").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("lovelace's attempt")
    expect(page.get_by_role("main")).to_contain_text("Share it")
    expect(page.get_by_role("main")).to_contain_text("Turn on MFA")
    expect(page.get_by_role("button", name="Submit and see your result")).to_have_count(0)


def test_a_new_code_and_deleting_are_asked_first_by_keyboard(page):
    """Both confirmation pages are plain links and forms (no script needed) and pass axe."""
    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto("/teach/cohorts/")
    page.get_by_label("Name").fill("Spring class")
    page.get_by_role("button", name="Create the cohort").press("Enter")
    old = page.locator(".join-code").inner_text()

    page.get_by_role("link", name="Make a new code…").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("new join code")
    expect(page.get_by_role("main")).to_contain_text("stop working")
    assert_accessible(page)
    page.get_by_role("button", name="Make a new code").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The old code and link no longer work")
    assert page.locator(".join-code").inner_text() != old

    page.get_by_role("link", name="Delete the cohort…").press("Enter")
    expect(page.get_by_role("main")).to_contain_text("attempts are not deleted")
    assert_accessible(page)
    page.get_by_role("button", name="Delete the cohort").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Cohort “Spring class” deleted")
    expect(page.get_by_role("link", name="Spring class")).to_have_count(0)
