"""A large class's gradebook in a desktop window: one learner with a 150-letter username made
the learner column 1,200 px wide, every score past the window's edge; 25 rows of 8 scores are
3,000 px tall, and past the first rows nothing said which quiz a column was; and a learner
among 250 was found only by paging. Now the name breaks at 14rem, the header row and the
learner column stay in view as the gradebook's box scrolls, and a few typed letters find them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import Membership
from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import make_user, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

LONG = "a" * 150


def test_a_large_gradebook_keeps_its_columns_in_view_and_finds_a_learner(page):
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    cohort = services.cohort_create(owner=ines, name="Autumn class")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=name)
        for name in [LONG, "zoë.müller", *(f"learner-{n:03}" for n in range(40))]
    )
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=u, joined_at=cohort.created_at) for u in users
    )
    question = make_question("single", owner=ines, source=Source.AUTHORED, lesson=None)
    for n in range(3):
        quiz = make_quiz(question, owner=ines, source=Source.AUTHORED, title=f"Week {n + 1}")
        services.assignment_create(cohort=cohort, quiz=quiz, by=ines)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/cohorts/{cohort.pk}/")

    table = page.locator("table.gradebook")
    week = table.get_by_role("columnheader", name="Week 1")
    assert week.evaluate("e => e.getBoundingClientRect().right") <= 1280
    learner = table.get_by_role("columnheader", name="Learner")
    assert learner.evaluate("e => e.getBoundingClientRect().width") < 300
    # Scrolled down in its box, the quiz titles and the learners' names are still in view.
    box = page.locator(".gradebook-scroll")
    box.scroll_into_view_if_needed()
    box.evaluate("b => { b.scrollTop = 900; }")
    tops = week.evaluate(
        "e => [e.getBoundingClientRect().top, e.closest('.gradebook-scroll')"
        ".getBoundingClientRect().top]"
    )
    assert abs(tops[0] - tops[1]) < 2, tops
    box.evaluate("b => { b.scrollLeft = 600; }")
    name = table.get_by_role("link", name="learner-010")
    lefts = name.evaluate(
        "e => [e.closest('th').getBoundingClientRect().left, e.closest('.gradebook-scroll')"
        ".getBoundingClientRect().left]"
    )
    assert abs(lefts[0] - lefts[1]) < 2, lefts

    # Shift+Tab up the learners' names: each one focused is below the held header row, not
    # under it (WCAG 2.4.11).
    box.evaluate("b => { b.scrollTop = b.scrollHeight; b.scrollLeft = 0; }")
    table.get_by_role("rowheader").last.get_by_role("link").focus()
    for _ in range(24):
        page.keyboard.press("Shift+Tab")
        shown = page.evaluate(
            "() => [document.activeElement.getBoundingClientRect().top,"
            " document.querySelector('.gradebook thead th').getBoundingClientRect().bottom]"
        )
        assert shown[0] >= shown[1] - 1, shown

    find = page.get_by_label("Find a learner")
    find.fill("ZOE")
    find.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 of 42 learners matches “ZOE”. Show all 42")
    expect(table.get_by_role("rowheader")).to_have_text(["zoë.müller"])
    assert_accessible(page)
