"""A quiz's entries (its questions and their positions) kept numbered 1..n, one edit at a time.

Every change of a quiz's entries takes the quiz's lock first (`hold_entries`) and leaves the
positions 1..n without ties; here, below `teach`, so that the admin can do the same.
"""

from __future__ import annotations

from django.utils import timezone

from quizzes.models import Quiz, QuizQuestion

# An entry's columns, with what the audit names it by (`QuizQuestion.__str__`).
ENTRY_COLUMNS = ("quiz_id", "question_id", "order")


def entries_named(quiz: Quiz):
    """The quiz's entries, each with its question's slug: the audit names a changed or deleted
    entry by it (`QuizQuestion.__str__`), and without it read each entry's question again."""
    return quiz.entries.select_related("question").only(*ENTRY_COLUMNS, "question__slug")


def hold_entries(quiz: Quiz) -> bool:
    """Mark the quiz changed, first thing in the transaction that changes its entries: that
    UPDATE holds the quiz's row lock until commit (PostgreSQL; on SQLite the transaction took
    the database's write lock at its BEGIN IMMEDIATE), so two edits of one quiz's entries at
    once queue here, and each reads the positions the other left, not the ones before it (two
    adds would both take the same "last + 1"; two moves would mix their renumberings).

    The write each such change made at its end anyway, without `save()`'s read of the row
    for the audit (which logs no change of `updated_at` alone). False: the quiz is gone (a
    deletion committed meanwhile), so there is nothing left to change."""
    quiz.updated_at = timezone.now()
    return bool(Quiz.objects.filter(pk=quiz.pk).update(updated_at=quiz.updated_at))


def renumbered(entries: list[QuizQuestion]) -> list[QuizQuestion]:
    """Give these entries (a quiz's, in its order) the positions 1..n; the ones that changed
    (for the caller to write)."""
    moved = []
    for order, entry in enumerate(entries, start=1):
        if entry.order != order:
            entry.order = order
            moved.append(entry)
    return moved
