"""The admin's lists of attempts and review cards read their page of rows from an index in the
list's own order, whole or filtered to one learner, so a learner's long history costs them
nothing (tests/heavy_learner.py at 100 times: 2,000 attempts, 3,000 cards). Before the indexes
`attempt_latest`, `attempt_user_latest` and `reviewcard_user_due` (quizzes migration 0022) the
database sorted every matching row, with all its columns, to hand back the first 100: one
learner's attempts took 1.1-1.7 ms at 200 and 6.5-15 ms at 2,000, the whole list 11.5 ms at
2,200, on SQLite. Its plans do not depend on how many rows there are (no statistics are
gathered); timing is in tests/bench/test_learner_history_bench.py. The rows are read without
the JSON and long text no column shows (`list_deferred`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import ReviewCard
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")


@pytest.fixture
def history(learner, other_learner):
    """Two learners with a few attempts and review cards each."""
    questions = [make_question() for _ in range(3)]
    quiz = make_quiz(*questions)
    now = timezone.now()
    for user in (learner, other_learner):
        for _ in range(3):
            make_attempt(quiz, user=user)
        for n, question in enumerate(questions):
            ReviewCard.objects.create(user=user, question=question, card={},
                                      due=now + timedelta(hours=n))  # fmt: skip
    return learner


def _rows_read(admin_client, url: str, table: str) -> tuple[str, str]:
    """The list's query for its rows (not its count) from `table`, and SQLite's plan of it."""
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(url).status_code == 200
    (rows,) = [
        q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {rows}")
        return rows, "\n".join(row[-1] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("page", "table", "index"),
    [
        ("attempt/?user__id__exact={pk}", "quizzes_attempt", "attempt_user_latest"),
        ("attempt/?user__id__exact={pk}&passed__exact=0", "quizzes_attempt",
         "attempt_user_latest"),
        ("attempt/", "quizzes_attempt", "attempt_latest"),
        ("reviewcard/?user__id__exact={pk}", "quizzes_reviewcard", "reviewcard_user_due"),
    ],
)  # fmt: skip
def test_an_admin_list_reads_its_page_in_order_from_an_index(
    admin_client, history, page, table, index
):
    sql, plan = _rows_read(admin_client, "/admin/quizzes/" + page.format(pk=history.pk), table)
    assert f"USING INDEX {index}" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    # what no column shows is left unread: the attempt's JSON, the card's, the question's text
    for column in ('"quizzes_attempt"."layout"', '"quizzes_reviewcard"."card"',
                   '"quizzes_question"."data"', '"quizzes_question"."prompt_html"'):  # fmt: skip
        assert column not in sql, column


@pytest.mark.parametrize("typed", ["slug", "id"])
def test_the_attempt_lists_quiz_filter_reads_only_that_quizs_attempts(admin_client, history, typed):
    """The quiz typed in the attempt list's filter is found once and its attempts read by the
    quiz's index: the filter matched `quiz.slug = … OR attempt.quiz_id = …` through a join,
    which no index serves, so counting and listing one quiz's attempts read every attempt on
    the site (11,000 at the bench's size, 1 ms of the count)."""
    quiz = history.quiz_attempts.first().quiz
    value = quiz.slug if typed == "slug" else quiz.pk
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(f"/admin/quizzes/attempt/?quiz={value}")
    assert page.status_code == 200
    reads = [q["sql"] for q in queries if 'FROM "quizzes_attempt"' in q["sql"]]
    assert len(reads) == 2  # the count and the rows
    for sql in reads:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(row[-1] for row in cursor.fetchall())
        assert "SEARCH quizzes_attempt USING" in plan and "(quiz_id=?" in plan, plan
        assert "SCAN quizzes_attempt" not in plan, plan
