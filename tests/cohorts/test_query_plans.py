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
    "what",
    ["the class's figures", "the tallies", "the tallies of some learners", "the latest rows"],
)
def test_each_pairs_attempts_are_read_by_the_quiz_and_user_index(what):
    sql = {
        "the class's figures": gradebook._class_figures_sql("sqlite"),
        "the tallies": gradebook._tallies_sql("sqlite", 0),
        "the tallies of some learners": gradebook._tallies_sql("sqlite", 3),
        "the latest rows": gradebook._latest_part_sql("sqlite"),
    }[what]
    searches = _attempt_searches(sql)
    assert searches
    for search in searches:
        assert "USING INDEX attempt_quiz_user_submitted (quiz_id=? AND user_id=?" in search
