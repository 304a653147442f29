"""A class's counted attempts are found pair by pair, each (learner, quiz) pair's by the
attempts' (quiz, user) index, so a learner's attempts at other quizzes are never read.

SQLite keeps no statistics here and chooses by the shape of the query: once the admin's
newest-first index on (user, started_at) existed (quizzes migration 0022), it read each pair's
attempts through that one, every attempt of the learner at every quiz once per assigned quiz,
and the gradebook of 300 learners with 20 quizzes went from ~42 to ~84 ms of CPU
(`make bench`, tests/bench/test_class_scale_bench.py). The plans do not depend on how many
rows there are, so an empty database shows them."""

from __future__ import annotations

import pytest
from django.db import connection

from cohorts import gradebook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")


def _attempt_searches(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", [1] * sql.count("%s"))
        details = [row[3] for row in cursor.fetchall()]
    return [d for d in details if d.startswith(("SEARCH a ", "SCAN a "))]


@pytest.mark.parametrize(
    "what", ["the class's figures", "the tallies", "the tallies of some learners"]
)
def test_each_pairs_attempts_are_read_by_the_quiz_and_user_index(what):
    sql = {
        "the class's figures": gradebook._class_figures_sql("sqlite"),
        "the tallies": gradebook._tallies_sql("sqlite", 0),
        "the tallies of some learners": gradebook._tallies_sql("sqlite", 3),
    }[what]
    searches = _attempt_searches(sql)
    assert searches
    for search in searches:
        assert "USING INDEX attempt_quiz_user_submitted (quiz_id=? AND user_id=?" in search


def test_a_pairs_latest_rows_are_read_newest_first_and_no_further():
    """A learner page's latest 20 attempts of a pair are the first entries of the pair's
    newest-first index (quizzes migration 0024): held to the (quiz, user, submitted_at)
    index, SQLite read every attempt of the pair and sorted them (1,000 at the heavy
    learner's drilled quiz: 0.64 -> 0.07 ms)."""
    sql = gradebook._latest_part_sql("sqlite")
    searches = _attempt_searches(sql)
    assert searches
    for search in searches:
        assert "USING INDEX attempt_quiz_user_latest (quiz_id=? AND user_id=?" in search
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", [1] * sql.count("%s"))
        assert not [row[3] for row in cursor.fetchall() if "TEMP B-TREE" in row[3]]


def _orm_attempt_searches(queryset) -> list[str]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        details = [row[3] for row in cursor.fetchall()]
    return [
        d for d in details if d.startswith(("SEARCH quizzes_attempt ", "SCAN quizzes_attempt "))
    ]


@pytest.mark.parametrize("what", ["a page's counted rows", "the overdue among them"])
def test_the_orms_counted_attempts_are_read_pair_by_pair(what):
    """The ORM's readers of counted attempts (`counted_attempts`: a page's rows, the overdue
    attempts every gradebook and learner page closes) find each pair's attempts by a (quiz,
    user) index, either one: quizzes migration 0024's (quiz, user, newest first) now serves
    them, as SQLite takes the newest of two equal indexes, and must not leave them to the
    learner's newest-first index, which reads their attempts at every quiz."""
    from django.utils import timezone

    from quizzes import attempts

    counted = gradebook.counted_attempts(1, among=[1, 2])
    queryset = {
        "a page's counted rows": gradebook._attempt_values(counted),
        "the overdue among them": attempts._overdue(counted, timezone.now()),
    }[what]
    searches = _orm_attempt_searches(queryset)
    assert searches
    for search in searches:
        assert "(quiz_id=? AND user_id=?" in search, search


@pytest.mark.parametrize("among", [None, [1, 2]], ids=["the class", "a page's learners"])
def test_the_overdue_check_reads_only_the_open_timed_attempts(among):
    """The check every gradebook, learner page and export makes for attempts past their
    deadline (`attempts._overdue` of the counted ones) finds each pair's open timed attempts
    in the partial index of them (quizzes migration 0025), never reading a handed-in one: the
    (quiz, user) indexes it took hold every attempt, and on PostgreSQL it read every attempt
    at the assigned quizzes (9,000 at the bench's 300 x 20) to find none."""
    from django.utils import timezone

    from quizzes import attempts

    overdue = attempts._overdue(gradebook.counted_attempts(1, among=among), timezone.now())
    searches = _orm_attempt_searches(overdue)
    assert searches
    for search in searches:
        assert "USING INDEX attempt_open_timed (quiz_id=? AND user_id=?" in search, search


def test_only_the_overdue_check_reads_the_open_timed_attempts_index():
    """The partial index serves no other query of the counted attempts: its condition is the
    overdue check's, and a query that does not state it cannot take the index."""
    counted = gradebook.counted_attempts(1, among=[1, 2])
    for queryset in (
        gradebook._attempt_values(counted),
        counted.filter(submitted_at__isnull=True),
        counted.filter(deadline__isnull=False),
    ):
        for search in _orm_attempt_searches(queryset):
            assert "attempt_open_timed" not in search, search
