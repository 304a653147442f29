"""Migration quizzes 0010: the positions staff could save before the admin kept them 1..n
(ties, gaps, 0) are renumbered 1..n once, so the admin no longer refuses to save such a quiz
until someone fixes rows they did not break. Nothing a learner sees moves: ties keep the order
they were given in, (order, pk). A negative position was never stored (the column is a
PositiveIntegerField, a CHECK on both databases), so none is built here."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from tests import dbsetup

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("quizzes", "0009_quizquestion_order_from_1")]
AFTER = [("quizzes", "0010_quizquestion_renumber_1_to_n")]
# The in-order quiz's entries get ids no other row has, to find them in the SQL sent.
UNTOUCHED_IDS = (870001, 870002, 870003)


@pytest.fixture(scope="module")
def _at_0009(django_db_setup, django_db_blocker):
    """On SQLite, the database as migrating back to 0009 leaves it and the quiz models as they
    were then, made once for the module: each test starts from a copy of it and puts back a
    copy of the migrated database when done (tests/dbsetup.py, `snapshot`), instead of
    migrating back to 0009 and forward to the latest again (~1 s of CPU each, rendering every
    app's models at each step). The migration under test, 0009 -> 0010, still runs in each
    test. None elsewhere (PostgreSQL): each test migrates as before."""
    with django_db_blocker.unblock():
        migrated = dbsetup.snapshot()
        if migrated is None:
            yield None
            return
        try:
            models = _migrated_back()
            yield models, dbsetup.snapshot(), migrated
        finally:
            dbsetup.restore(migrated)


def _migrated_back():
    """The database at 0009 and the quiz models as they were then."""
    dbsetup.migrate_back(BEFORE)
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(BEFORE).apps
    return old.get_model("quizzes", "Quiz"), old.get_model("quizzes", "QuizQuestion"), old


@pytest.fixture
def old_models(_at_0009):
    """The database at 0009 and the quiz models as they were then; migrated to the latest
    again afterwards."""
    if _at_0009 is None:
        try:
            yield _migrated_back()
        finally:
            MigrationExecutor(connection).migrate(
                MigrationExecutor(connection).loader.graph.leaf_nodes()
            )
        return
    models, at_0009, migrated = _at_0009
    dbsetup.restore(at_0009)
    try:
        yield models
    finally:
        dbsetup.restore(migrated)


def _quiz(models, slug: str, rows: list[tuple[str, int]], ids=None):
    """A quiz at 0009 whose entries are (question slug, position), inserted in this order (so
    their pks rise in it)."""
    Quiz, Entry, old = models
    Question = old.get_model("quizzes", "Question")
    quiz = Quiz.objects.create(slug=slug, title=slug)
    for n, (question, order) in enumerate(rows):
        asked = Question.objects.create(
            slug=f"{slug}-{question}",
            type="single",
            category="iam",
            prompt="?",
            explanation="Because.",
        )
        Entry.objects.create(pk=ids[n] if ids else None, quiz=quiz, question=asked, order=order)
    return quiz


def _positions(Entry, quiz) -> list[tuple[str, int]]:
    """The quiz's entries in the order learners are given them, each (question, position)."""
    rows = Entry.objects.filter(quiz=quiz).order_by("order", "pk")
    return [
        (slug.removeprefix(f"{quiz.slug}-"), order)
        for slug, order in rows.values_list("question__slug", "order")
    ]


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if re.match(r'\s*(UPDATE|INSERT|DELETE)\b.*"quizzes_quizquestion"', q["sql"], re.S | re.I)
    ]


def test_old_positions_become_1_to_n_in_the_order_learners_saw_them(old_models):
    Quiz, Entry, _ = old_models
    tied = _quiz(old_models, "tied", [("a", 2), ("b", 1), ("c", 2), ("d", 1)])
    gaps = _quiz(old_models, "gaps", [("a", 20), ("b", 3), ("c", 7)])
    zero = _quiz(old_models, "zero", [("a", 1), ("b", 0), ("c", 0), ("d", 5)])
    fine = _quiz(old_models, "fine", [("a", 1), ("b", 2), ("c", 3)], ids=UNTOUCHED_IDS)
    seen = {quiz.slug: [q for q, _ in _positions(Entry, quiz)] for quiz in (tied, gaps, zero)}
    assert seen == {
        "tied": ["b", "d", "a", "c"],
        "gaps": ["b", "c", "a"],
        "zero": ["b", "c", "a", "d"],
    }

    with CaptureQueriesContext(connection) as queries:
        MigrationExecutor(connection).migrate(AFTER)

    for quiz in (tied, gaps, zero):
        assert _positions(Entry, quiz) == [(q, n) for n, q in enumerate(seen[quiz.slug], 1)]
    assert _positions(Entry, fine) == [("a", 1), ("b", 2), ("c", 3)]
    writes = _writes(queries)
    assert writes, "the renumbering wrote nothing"
    assert not [sql for sql in writes if any(str(pk) in sql for pk in UNTOUCHED_IDS)]

    MigrationExecutor(connection).migrate(BEFORE)  # backwards: nothing to undo
    assert _positions(Entry, tied) == [("b", 1), ("d", 2), ("a", 3), ("c", 4)]


def test_a_database_already_1_to_n_is_not_written(old_models):
    _, Entry, _ = old_models
    fine = _quiz(old_models, "fine", [("a", 1), ("b", 2), ("c", 3)])
    other = _quiz(old_models, "other", [("a", 1)])
    with CaptureQueriesContext(connection) as queries:
        MigrationExecutor(connection).migrate(AFTER)
    assert _writes(queries) == []
    assert _positions(Entry, fine) == [("a", 1), ("b", 2), ("c", 3)]
    assert _positions(Entry, other) == [("a", 1)]
