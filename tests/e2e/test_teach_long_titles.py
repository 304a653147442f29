"""A quiz title of one long word (a pasted address; titles take 200 characters) made the
teaching dashboard's table of quizzes 2,880 px wide: its status, counts and last edit past the
edge of a desktop window, reached only by scrolling the table sideways."""

from __future__ import annotations

import pytest

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.journeys import make_user, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

LONG = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"


def test_a_title_of_one_long_word_keeps_the_dashboards_table_in_its_box(page):
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    question = make_question("single", owner=ines, source=Source.AUTHORED, lesson=None)
    make_quiz(question, owner=ines, source=Source.AUTHORED, title=LONG * 2)
    make_quiz(question, owner=ines, source=Source.AUTHORED, title="Spring check", slug="spring")
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto("/teach/")
    table = page.locator("table.titles-table")
    sizes = table.evaluate(
        "t => [t.getBoundingClientRect().width, t.closest('.table-scroll').clientWidth]"
    )
    assert sizes[0] <= sizes[1] + 1, f"the table is {sizes[0]} px wide in a {sizes[1]} px box"
    last = table.get_by_role("columnheader", name="Last edited")
    right = last.evaluate("e => e.getBoundingClientRect().right")
    assert right <= page.viewport_size["width"]
    # A title of ordinary words is never broken inside a word.
    short = table.get_by_role("link", name="Spring check")
    assert short.evaluate("a => a.getClientRects().length") == 1
