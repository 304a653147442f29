"""Back after saving a new question, in a Chromium that keeps no copy of the page (its
back/forward cache off, as in browsers without one or when the page may not be kept): the
browser asks for the page again and fills in what was typed. A new page with a new token
made a second question on Save; the page's address names it, so Back opens the question it
made and Save changes that one (srm_trainer/once.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cohorts.models import Cohort
from lessons.models import Source
from quizzes.models import Question, Quiz
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.conftest import ConsoleErrors, watch
from tests.e2e.journeys import make_user, sign_in_with_code
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_page_cache(browser_type, browser_type_launch_args, base_url, transactional_db):
    launch = {**browser_type_launch_args}
    launch["args"] = [*launch.get("args", []), "--disable-features=BackForwardCache"]
    browser = browser_type.launch(**launch)
    page = browser.new_context(base_url=base_url).new_page()
    errors = ConsoleErrors()
    watch(page, errors)
    yield page
    browser.close()
    assert errors.unexpected() == [], "console errors"


def test_back_and_save_after_saving_a_new_question_makes_no_second_one(no_page_cache):
    page = no_page_cache
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    quiz = make_quiz(owner=ines, source=Source.AUTHORED, published=False, title="Mine")
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/quizzes/{quiz.pk}/")
    page.get_by_role("link", name="New: true or false").click()
    page.get_by_label("Prompt").fill("Is the guest OS yours?")
    page.get_by_label("Explanation").fill("The customer runs it.")
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("Question saved.")).to_be_visible()

    page.go_back()
    expect(page.get_by_text("You saved this question already")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Edit question"))).to_be_visible()
    expect(page.get_by_label("Prompt")).to_have_value("Is the guest OS yours?")
    page.get_by_label("Explanation").fill("Yours: the customer runs it.")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("Question saved.")).to_be_visible()
    made = Question.objects.filter(prompt="Is the guest OS yours?")
    assert made.count() == 1
    assert made.get().explanation == "Yours: the customer runs it."


def _instructor(page, name: str):
    user = make_user(name)
    set_instructor(user=user, instructor=True)
    secret = give_mfa(user)
    page.goto("/")
    sign_in_with_code(page, name, secret)
    return user


def test_back_and_create_after_creating_a_quiz_makes_no_second_one(no_page_cache):
    """As for a question: Back asked for the new quiz's page afresh, the browser filled it in,
    and "Create the quiz" made a second quiz of the same title. Now Back opens the quiz made
    (its settings), and saving changes it."""
    page = no_page_cache
    _instructor(page, "ines")
    page.goto("/teach/")
    page.get_by_role("link", name="Create a quiz").first.click()
    page.get_by_label("Title").fill("Shared responsibility basics")
    page.get_by_role("button", name="Create the quiz").click()
    expect(page.get_by_text("Quiz “Shared responsibility basics” created.")).to_be_visible()

    page.go_back()
    expect(page.get_by_text("You created this quiz already")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Shared responsibility basics")
    page.get_by_label("Description").fill("Who patches what.")
    page.get_by_role("button", name=re.compile("Save settings|Create the quiz")).click()
    expect(page.get_by_text(re.compile("Settings saved|created already"))).to_be_visible()
    made = Quiz.objects.filter(title="Shared responsibility basics")
    assert made.count() == 1
    assert made.get().description == "Who patches what."


def test_back_and_create_after_creating_a_cohort_makes_no_second_one(no_page_cache):
    """The cohort form is on the list page: Back asked for the list afresh, the browser filled
    the name in again, and "Create the cohort" was refused ("You already have a cohort
    called…") or, renamed, made a second one. Now Back shows the list with the cohort made,
    and sending the same form again opens that cohort, saying so."""
    page = no_page_cache
    _instructor(page, "ines")
    page.goto("/teach/cohorts/")
    page.get_by_label("Name").fill("Spring class")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_text("Cohort “Spring class” created.")).to_be_visible()
    people = page.url

    page.go_back()
    expect(page.get_by_role("link", name="Spring class")).to_be_visible()
    expect(page.get_by_text("You created “Spring class” from this page already")).to_be_visible()
    page.get_by_label("Name").fill("Spring class")  # as the browser fills it in again
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_text("That cohort was created already")).to_be_visible()
    assert page.url == people
    assert Cohort.objects.filter(name__iexact="Spring class").count() == 1
