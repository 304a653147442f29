"""The quiz page reads a learner's latest attempts at the quiz as the first entries of the index on
(quiz, user, started_at newest first, id) (`attempt_quiz_user_latest`, quizzes migration 0024):
the learner's newest-first index (`attempt_user_latest`) walked every attempt of theirs at
other quizzes until it found 20 at this one, all 2,000 of the heavy learner's for a quiz they
took twice (tests/heavy_learner.py: 0.31 -> 0.01 ms on SQLite; on PostgreSQL 39 index entries
for 20 at the quiz they drill, now 20). SQLite's plans do not depend on how many rows there
are (no statistics), so a few rows show them; PostgreSQL's were read at the bench's size
(docs/limits.md, "One learner's long history")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")


def test_the_quiz_page_reads_the_learners_latest_attempts_there_from_their_own_index(
    learner, learner_client
):
    quiz, elsewhere = make_quiz(make_question()), make_quiz(make_question())
    for _ in range(3):
        make_attempt(elsewhere, user=learner)
    make_attempt(quiz, user=learner)
    with CaptureQueriesContext(connection) as queries:
        response = learner_client.get(reverse("quizzes:detail", args=[quiz.slug]))
    assert response.status_code == 200
    (latest,) = [
        q["sql"] for q in queries if 'FROM "quizzes_attempt"' in q["sql"] and "LIMIT 20" in q["sql"]
    ]
    # the same text with the values as parameters (the captured SQL has them inlined)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {latest}")
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "USING INDEX attempt_quiz_user_latest (quiz_id=? AND user_id=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
