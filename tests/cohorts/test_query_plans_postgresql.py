"""On PostgreSQL, a gradebook page's figures read its learners' attempts at the assigned quizzes,
pair by pair, and the class's memberships once (`gradebook._counted_sql`'s `counted_among`, the
latest score taken as the attempts are grouped: `_LATEST_SCORE`).

At the bench's size (the 300 x 20 class beside the course grown 100 times, EXPLAIN ANALYZE,
PostgreSQL 15, 2026-12-07) a page of 25 learners read every attempt at each assigned quiz,
9,000 for the 730 it counted, and looked its 410 cells' latest scores up with a pass over
the class's memberships each (152,000 rows read in all; 19.7 -> 6.9 ms). PostgreSQL chooses by
its statistics, so the class here is built and analysed first; run with DATABASE_URL naming a
PostgreSQL (`.ci/with-postgres`)."""

from __future__ import annotations

import pytest
from django.db import connection

from cohorts import gradebook
from quizzes.models import Attempt
from tests.bench import classscale
from tests.teach.conftest import _instructor

pytestmark = pytest.mark.django_db

LEARNERS, QUIZZES, PAGE = 60, 6, 5


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's query plans")


def _rows_read(node: dict, table: str) -> int:
    """Rows the plan's scans of `table` read (kept and filtered out), over all their loops."""
    read = 0
    if node.get("Relation Name") == table:
        loops = node.get("Actual Loops", 1)
        read += (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops
    return read + sum(_rows_read(child, table) for child in node.get("Plans", []))


def test_a_gradebook_pages_figures_read_only_its_learners_attempts_and_the_class_once():
    klass = classscale.build(
        _instructor("plans-teacher"), _instructor("plans-colleague"),
        learners=LEARNERS, quizzes=QUIZZES, tag="plans",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    page = [learner.pk for learner in klass.learners[:PAGE]]
    sql, params = gradebook._tallies_query("postgresql", klass.cohort.pk, page)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()[0]
    theirs = Attempt.objects.filter(user_id__in=page).count()
    assert _rows_read(plan["Plan"], "quizzes_attempt") <= theirs, plan
    assert _rows_read(plan["Plan"], "cohorts_membership") <= LEARNERS + 5, plan


def test_the_overdue_check_reads_only_the_open_timed_attempts():
    """The check every gradebook and learner page makes for attempts past their deadline
    (`attempts._overdue` of the counted ones) reads the open timed attempts' partial index
    (quizzes migration 0025): at the bench's size it read every attempt at the assigned
    quizzes through the quiz's index, 9,000 to find none (9.0 -> 0.1-0.3 ms)."""
    from datetime import timedelta

    from django.utils import timezone

    from quizzes import attempts

    klass = classscale.build(
        _instructor("overdue-teacher"), _instructor("overdue-colleague"),
        learners=LEARNERS, quizzes=QUIZZES, tag="overdue",
    )  # fmt: skip
    now = timezone.now()
    # One learner's open timed attempt, its deadline passed: the one row the check must find.
    learner, quiz = klass.learners[0], klass.quizzes[0]
    Attempt.objects.create(
        quiz=quiz, user=learner, started_at=now - timedelta(hours=2),
        deadline=now - timedelta(hours=1),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    overdue = attempts._overdue(gradebook.counted_attempts(klass.cohort), now)
    assert list(overdue.values_list("user_id", flat=True)) == [learner.pk]
    sql, params = overdue.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()[0]
    open_timed = Attempt.objects.filter(submitted_at__isnull=True, deadline__isnull=False).count()
    assert _rows_read(plan["Plan"], "quizzes_attempt") <= open_timed, plan
