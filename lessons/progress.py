"""Learner progress: which lessons a learner has completed, and what comes next. A signed-in
learner's progress is in the database; an anonymous one's in their session, until they sign
up or in (lessons/session_carry.py moves it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from lessons.models import Lesson, LessonProgress


@dataclass(frozen=True)
class Progress:
    completed: frozenset[int]
    last_completed: int | None  # the lesson finished most recently


SESSION_KEY = "lessons_completed"


def session_completed(session) -> list[int]:
    """Lesson ids an anonymous learner completed, most recent last."""
    if session is None:
        return []
    return [pk for pk in session.get(SESSION_KEY, []) if isinstance(pk, int)]


def learner_progress(user, session=None) -> Progress:
    """One query for everything the pages need to know about a learner's progress."""
    if not user.is_authenticated:
        ids = session_completed(session)
        return Progress(frozenset(ids), ids[-1] if ids else None)
    rows = list(
        LessonProgress.objects.filter(user=user)
        .order_by("-completed_at", "-pk")
        .values_list("lesson_id", flat=True)
    )
    return Progress(frozenset(rows), rows[0] if rows else None)


def has_completed(user, lesson: Lesson, session=None) -> bool:
    """Whether one lesson is done: one row looked up, not the learner's whole history (a
    learner far into a long course has thousands of completions)."""
    if not user.is_authenticated:
        return lesson.pk in session_completed(session)
    return LessonProgress.objects.filter(user=user, lesson=lesson).exists()


def mark_complete(*, user, lesson: Lesson, session=None) -> LessonProgress | None:
    """Idempotent: completing a lesson twice keeps the first completion time."""
    if not user.is_authenticated:
        ids = session_completed(session)
        if lesson.pk not in ids:
            session[SESSION_KEY] = [*ids, lesson.pk]
        return None
    progress, _ = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"completed_at": timezone.now()}
    )
    return progress


def mark_incomplete(*, user, lesson: Lesson, session=None) -> None:
    if not user.is_authenticated:
        session[SESSION_KEY] = [pk for pk in session_completed(session) if pk != lesson.pk]
        return
    LessonProgress.objects.filter(user=user, lesson=lesson).delete()


def continue_lesson(lessons: Sequence[Lesson], progress: Progress) -> Lesson | None:
    """The first unfinished lesson after the one finished most recently (wrapping round).

    A learner who jumps ahead and back is sent on from where they last were, not to the
    very first gap in the syllabus.
    """
    if not lessons or not progress.completed:
        return None
    start = 0
    for index, lesson in enumerate(lessons):
        if lesson.pk == progress.last_completed:
            start = index + 1
            break
    ordered = list(lessons[start:]) + list(lessons[:start])
    return next((lesson for lesson in ordered if lesson.pk not in progress.completed), None)


def completed_among(user_ids, lesson_ids) -> dict[int, set[int]]:
    """For many learners at once (a class list): user id → the lessons among `lesson_ids` they
    completed. One query, whatever the number of learners."""
    out: dict[int, set[int]] = {}
    lesson_ids = list(lesson_ids)
    if not lesson_ids:
        return out
    rows = LessonProgress.objects.filter(user_id__in=user_ids, lesson_id__in=lesson_ids)
    for user_id, lesson_id in rows.values_list("user_id", "lesson_id"):
        out.setdefault(user_id, set()).add(lesson_id)
    return out
