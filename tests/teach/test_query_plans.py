"""The instructor's pages read a teacher's own questions, and the course's lessons, through
indexes, so their cost does not follow the number of rows (issue 15, the course grown 100
times: a teacher with 5,200 questions, 2,700 lessons). Without the index each of these read
every row with its text: the dashboard's hundred most recent questions sorted all of the
teacher's (70 ms), their tags and banks read each wide row (18 and 9 ms), the lesson finder's
first suggestions sorted every lesson with its body (72 ms). SQLite's plans, which do not
depend on how many rows there are (no statistics are gathered); timing is in tests/bench."""

from __future__ import annotations

import pytest
from django.db import connection

from lessons import finder
from teach import bank

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")


def test_the_dashboard_takes_a_teachers_latest_questions_in_index_order(instructor):
    plan = bank.recently_written(instructor)[:100].explain()
    assert "USING INDEX question_own_recent" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_a_teachers_tags_and_banks_are_read_from_an_index_not_the_rows(instructor):
    for name, query in (("tags", bank.OWN_TAG_COUNTS), ("banks", bank.OWN_CATEGORIES)):
        plan = query.build(instructor.pk).explain()
        assert "USING COVERING INDEX question_own_module" in plan, (name, plan)


def test_the_lesson_finders_first_suggestions_are_sorted_from_an_index():
    # What `finder.find("")` reads: the first suggestions and whether there are more.
    plan = finder.lessons()[: finder.MATCHES + 1].explain()
    assert "SCAN lessons_lesson USING COVERING INDEX lesson_finder" in plan, plan
