"""A quiz's entries (its questions and their positions) kept numbered 1..n, one edit at a time.

The instructor pages (`teach.services`) and the admin both change entries; each takes the
quiz's lock first (`hold_entries`) and leaves the positions 1..n without ties.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from quizzes.draw_rules import MAX_DRAWN
from quizzes.models import Question, Quiz, QuizQuestion
from quizzes.results_version import results_changed

# An entry's columns, with what the audit names it by (`QuizQuestion.__str__`).
ENTRY_COLUMNS = ("quiz_id", "question_id", "order")


def listing_refused(title: str, listed: int, adding: int = 1) -> str | None:
    """Why `adding` more questions may not join the list of the quiz titled `title`, which
    lists `listed` now, in words an instructor can act on; None when they fit.

    A quiz lists at most `MAX_DRAWN` questions, as many as a draw may give an attempt: each
    attempt asks every one, and its pages and its result grow with them. Every door that adds
    to a quiz's list asks this (the teaching pages, an import, the admin, the content loader),
    the writers under the quiz's lock (`hold_entries`)."""
    total = listed + adding
    if adding <= 0 or total <= MAX_DRAWN:  # a list past it from before may still be reordered
        return None
    limit = f"a quiz lists at most {MAX_DRAWN} questions (each attempt asks every one of them)"
    remedy = (
        f"split it into two quizzes, or let it draw up to {MAX_DRAWN} questions at random from "
        "a bank category (in its settings)"
    )
    if listed == 0:
        return f"“{title}” would list {adding} questions, and {limit}: {remedy}."
    if listed >= MAX_DRAWN:
        over = (
            f" (listed before that limit: attempts take its first {MAX_DRAWN})"
            if listed > MAX_DRAWN
            else ""
        )
        return (
            f"“{title}” already lists {listed} questions{over}, and {limit}. To ask more, {remedy}."
        )
    return (
        f"Adding {adding} questions would make “{title}” list {total}, and {limit}: there is "
        f"room for {MAX_DRAWN - listed} more. To ask them all, {remedy}."
    )


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


@contextmanager
def questions_leaving(questions) -> Iterator[None]:
    """Around a deletion of these questions (a queryset or ids): every quiz that lists one is
    held first (`hold_entries`, one quiz at a time in pk order, as two such deletions then
    queue rather than deadlock), and afterwards the entries it has left are renumbered 1..n in
    their order, so no quiz keeps a gap where a deleted question was. The moves are one
    UPDATE, not an audit entry each: the deleted entry's own entry says where it was (as
    `teach.services.quiz_remove_question`)."""
    with transaction.atomic():
        listing = QuizQuestion.objects.filter(question__in=questions).order_by("quiz_id")
        held = [
            pk
            for pk in dict.fromkeys(listing.values_list("quiz_id", flat=True))
            if hold_entries(Quiz(pk=pk))
        ]
        yield
        if held:
            rows = QuizQuestion.objects.filter(quiz_id__in=held).only("quiz_id", "order")
            by_quiz: dict[int, list[QuizQuestion]] = {}
            for entry in rows.order_by("quiz_id", "order", "pk"):
                by_quiz.setdefault(entry.quiz_id, []).append(entry)
            moved = [e for entries in by_quiz.values() for e in renumbered(entries)]
            if moved:
                QuizQuestion.objects.bulk_update(moved, ["order"])
                results_changed(*by_quiz)  # no signals: the statistics' order


@dataclass
class Written:
    """What `set_entries` wrote (the admin's history message names them)."""

    created: list[QuizQuestion] = field(default_factory=list)
    changed: list[tuple[QuizQuestion, list[str]]] = field(default_factory=list)
    deleted: list[QuizQuestion] = field(default_factory=list)


@transaction.atomic
def set_entries(quiz: Quiz, rows: list[tuple[int | None, Question]], *, shown: set[int]) -> Written:
    """Make the quiz's entries the questions of `rows`, in that order, at positions 1..n. A
    row is (the entry it was, or None for a new one; its question); the questions differ.

    `shown`: the entries the editor saw. One of them whose question no row has is deleted;
    an entry added meanwhile (an instructor's, committed before the lock) stays, after the
    rows. The entries are read again under the quiz's lock, and an entry that already holds
    a row's question keeps it (and takes that row's position): two rows that swap their
    questions, or a question moved into a row whose own entry is deleted, are written as
    moves, never as a second entry of one question (the database refuses that, halfway).
    Each entry written is saved on its own, so the audit logs each change."""
    written = Written()
    if not hold_entries(quiz):
        return written
    entries = list(entries_named(quiz).order_by("order", "pk"))
    holder = {e.question_id: e for e in entries}
    wanted = {question.pk for _, question in rows}
    freed = {e.pk: e for e in entries if e.pk in shown and e.question_id not in wanted}
    final, retitled = [], []
    for was, question in rows:
        entry = holder.get(question.pk)
        if entry is None:
            entry = freed.pop(was, None)  # its own entry, if its question left the quiz
            if entry is None:
                entry = QuizQuestion(quiz=quiz, question=question, order=0)
            else:
                entry.question = question
                retitled.append(entry)
        final.append(entry)
    final += [e for e in entries if e.pk not in shown and e.question_id not in wanted]
    moved = set(map(id, renumbered(final)))
    for entry in freed.values():
        entry.delete()
        written.deleted.append(entry)
    for entry in final:
        if entry.pk is None:
            entry.save()
            written.created.append(entry)
        elif entry in retitled or id(entry) in moved:
            fields = ["question", "order"] if entry in retitled else ["order"]
            entry.save(update_fields=fields)
            written.changed.append((entry, fields))
    return written
