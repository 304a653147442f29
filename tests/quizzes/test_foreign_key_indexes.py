"""The big tables keep no index of a foreign key that another index already leads with: every
index is written with each row (an attempt's start and, on PostgreSQL, its submit; a review
card, lesson progress or knowledge check saved). Quizzes migration 0026 and lessons migration
0023 dropped four, after the plans of every page and action that reads these tables were
compared on SQLite and PostgreSQL at the bench's size (docs/performance-log.md, "Foreign keys'
own indexes"). Two are kept, the plans that needed them named in the models: an answer's
attempt (PostgreSQL deleted a quiz's answers by reading them all) and an attempt's user
(PostgreSQL found a learner's passed quizzes by reading every attempt)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons.models import KnowledgeCheck, LessonProgress
from quizzes.models import Answer, Attempt, ReviewCard
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _indexes(model) -> list[list[str]]:
    """The columns of each index (a unique constraint's included) of `model`'s table."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [c["columns"] for c in found.values() if c["index"] or c["unique"]]


@pytest.mark.parametrize(
    ("model", "column"),
    [
        (Attempt, "quiz_id"),
        (ReviewCard, "user_id"),
        (LessonProgress, "user_id"),
        (KnowledgeCheck, "user_id"),
    ],
)
def test_a_foreign_key_another_index_leads_with_has_no_index_of_its_own(model, column):
    indexes = _indexes(model)
    assert [column] not in indexes
    # ... and is still found by an index: one that leads with it.
    assert any(columns[0] == column and len(columns) > 1 for columns in indexes)


@pytest.mark.parametrize(("model", "column"), [(Answer, "attempt_id"), (Attempt, "user_id")])
def test_the_foreign_key_indexes_a_plan_needs_are_kept(model, column):
    assert [column] in _indexes(model)


def test_deleting_a_quiz_finds_its_attempts_by_an_index(learner):
    """A quiz's delete reads its attempts (to delete their answers) by an index leading with
    the quiz, not by reading every attempt (SQLite's plan, which needs no statistics)."""
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    quiz, other = make_quiz(make_question()), make_quiz(make_question())
    make_attempt(quiz, user=learner)
    make_attempt(other, user=learner)
    with CaptureQueriesContext(connection) as queries:
        quiz.delete()
    assert Attempt.objects.filter(quiz=other).exists()
    (select,) = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "quizzes_attempt"' in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {select}")
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "(quiz_id=?)" in plan, plan
    assert "SCAN quizzes_attempt" not in plan, plan
