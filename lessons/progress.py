"""Learner progress: which lessons a learner has completed, and what comes next. A signed-in
learner's progress is in the database; an anonymous one's in their session, until they sign
up or in (lessons/session_carry.py moves it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Subquery
from django.utils import timezone

from lessons.models import Lesson, LessonProgress, ModuleCompletions
from srm_trainer.accounts.roles import sees_drafts
from srm_trainer.prepared import MAX_INTS, PreparedPerCount, PreparedQuery


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


def done_by_module(user, session, order) -> dict[int, int]:
    """Lessons completed per module, among the lessons of `order` (what this person may read):
    for a signed-in learner from the counts kept per module (`ModuleCompletions`), so the cost
    does not grow with their history or the course; from the session for an anonymous one."""
    if not user.is_authenticated:
        out: dict[int, int] = {}
        for pk in set(session_completed(session)):
            index = order.position.get(pk)
            if index is not None:
                module_id = order.entries[index].module_id
                out[module_id] = out.get(module_id, 0) + 1
        return out
    if sees_drafts(user):  # the same rule as `Lesson.objects.visible_to`
        return {module_id: n for module_id, n in _kept_counts(user).items() if n}
    return done_published(user, order)


def done_published(user, published) -> dict[int, int]:
    """A signed-in learner's completed lessons per module of the published course (`published`,
    `reading_order.published()`): published lessons of published modules. The kept counts
    include drafts, so the learner's completions of drafts in those modules are taken off (a
    second query, only while there are such drafts: a lookup of those lessons alone)."""
    # A learner's home asks twice (the page and the course progress beside it): the answer is
    # kept on the user object (one per request) for the modules and drafts it was counted
    # over, until a count is written.
    in_course = published.by_module()
    over = (frozenset(in_course), published.drafts)
    kept = getattr(user, "_done_published", None)
    if kept is not None and kept[1] == _written[0] and kept[0] == over:
        return dict(kept[2])
    written = _written[0]
    counts = _kept_counts(user)
    if published.drafts:
        done = LessonProgress.objects.filter(user=user, lesson_id__in=list(published.drafts))
        for lesson_id in done.values_list("lesson_id", flat=True):
            counts[published.drafts[lesson_id]] -= 1
    out = {module_id: n for module_id, n in counts.items() if n and module_id in in_course}
    user._done_published = (over, written, out)
    return dict(out)


# How many times this process wrote kept counts: a count `done_published` kept from before a
# write is not used after it.
_written = [0]


def _kept_counts(user) -> dict[int, int]:
    rows = ModuleCompletions.objects.filter(user=user).values_list("module_id", "completed")
    return dict(rows)


# Keeping the counts. Every saved or deleted `LessonProgress` row adjusts its module's count
# (lessons/apps.py connects these to the model's signals, so `mark_complete`, the admin, a
# deleted lesson's cascade and a deleted account are all covered); a lesson moved to another
# module recounts its learners. Writes that send no signals (`bulk_create`, `update()` of a
# lesson or user) must call `recount`.


def count_completion(*, user_id: int, lesson_id: int, by: int) -> None:
    """Add `by` (1 or -1) to the count of the module the lesson is in. A row is made on a
    learner's first completion in a module; a missing row is never made by a removal (the
    module or account may be going in the same delete)."""
    _written[0] += 1
    module = Lesson.objects.filter(pk=lesson_id).values("module_id")
    rows = ModuleCompletions.objects.filter(user_id=user_id, module_id=Subquery(module))
    if rows.update(completed=F("completed") + by) or by < 0:
        return
    module_id = Lesson.objects.filter(pk=lesson_id).values_list("module_id", flat=True).first()
    if module_id is None:
        return
    with transaction.atomic():
        row, created = ModuleCompletions.objects.get_or_create(
            user_id=user_id, module_id=module_id, defaults={"completed": by}
        )
        if not created:  # made meanwhile by a concurrent first completion
            ModuleCompletions.objects.filter(pk=row.pk).update(completed=F("completed") + by)


def remember_counted(sender, instance: LessonProgress, **kwargs) -> None:
    """pre_save of a progress row: the (learner, lesson) it counted for until now, if stored."""
    instance._counted_as = (  # type: ignore[attr-defined]
        LessonProgress.objects.filter(pk=instance.pk).values_list("user_id", "lesson_id").first()
        if instance.pk is not None
        else None
    )


def count_saved(sender, instance: LessonProgress, **kwargs) -> None:
    """post_save of a progress row: count it, and uncount what it was before if it changed."""
    before = getattr(instance, "_counted_as", None)
    now = (instance.user_id, instance.lesson_id)
    if before == now:
        return
    if before is not None:
        count_completion(user_id=before[0], lesson_id=before[1], by=-1)
    count_completion(user_id=now[0], lesson_id=now[1], by=1)


def count_deleted(sender, instance: LessonProgress, **kwargs) -> None:
    count_completion(user_id=instance.user_id, lesson_id=instance.lesson_id, by=-1)


def remember_module(sender, instance: Lesson, update_fields=None, **kwargs) -> None:
    """pre_save of a lesson: whether it is moving to another module (see `recount_moved`)."""
    instance._moved = False  # type: ignore[attr-defined]
    if instance.pk is None or (update_fields is not None and "module" not in update_fields):
        return
    old = Lesson.objects.filter(pk=instance.pk).values_list("module_id", flat=True).first()
    instance._moved = old is not None and old != instance.module_id  # type: ignore[attr-defined]


def recount_moved(sender, instance: Lesson, **kwargs) -> None:
    """post_save of a lesson: a lesson moved to another module moves its learners' completions."""
    if getattr(instance, "_moved", False):
        learners = LessonProgress.objects.filter(lesson=instance).values_list("user_id", flat=True)
        recount(user_ids=learners)


def _truth(user_ids=None) -> dict[tuple[int, int], int]:
    rows = LessonProgress.objects.all()
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    counted = rows.values_list("user_id", "lesson__module_id").annotate(n=Count("pk")).order_by()
    return {(user_id, module_id): n for user_id, module_id, n in counted}


def _kept(user_ids=None) -> dict[tuple[int, int], int]:
    rows = ModuleCompletions.objects.all()
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    kept = rows.values_list("user_id", "module_id", "completed")
    return {(user_id, module_id): n for user_id, module_id, n in kept if n}


def count_drift(*, user_ids=None) -> dict[tuple[int, int], tuple[int, int]]:
    """(user id, module id) -> (kept, counted from the progress rows), where they differ."""
    kept, truth = _kept(user_ids), _truth(user_ids)
    return {
        key: (kept.get(key, 0), truth.get(key, 0))
        for key in kept.keys() | truth.keys()
        if kept.get(key, 0) != truth.get(key, 0)
    }


def recount(*, user_ids=None) -> int:
    """Rebuild the kept counts of these learners (everyone when None) from their progress
    rows; returns how many (learner, module) counts were wrong."""
    user_ids = None if user_ids is None else list(user_ids)
    _written[0] += 1
    with transaction.atomic():
        wrong = len(count_drift(user_ids=user_ids))
        rows = ModuleCompletions.objects.all()
        if user_ids is not None:
            rows = rows.filter(user_id__in=user_ids)
        rows.delete()
        ModuleCompletions.objects.bulk_create(
            (
                ModuleCompletions(user_id=user_id, module_id=module_id, completed=n)
                for (user_id, module_id), n in _truth(user_ids).items()
            ),
            batch_size=1000,
        )
    return wrong


# Which of some lessons a learner completed (a module page's 50, home's "Continue" window of
# 64), asked on every such page: the SQL compiled once per number of lessons (PreparedQuery,
# a learner's id and up to MAX_INTS - 1 lesson ids; the ORM past that).
_done_among_query = PreparedPerCount(
    LessonProgress,
    lambda user_id, *lesson_ids: (
        LessonProgress.objects.filter(user_id=user_id, lesson_id__in=lesson_ids)
        .order_by()
        .values_list("lesson_id")
    ),
    leading=["int"],
)


def done_among(user, session, lesson_ids) -> frozenset[int]:
    """Which of these lessons (a page of a module) the learner completed: one query over
    those rows only."""
    lesson_ids = list(dict.fromkeys(lesson_ids))
    if not user.is_authenticated:
        wanted = set(lesson_ids)
        return frozenset(pk for pk in session_completed(session) if pk in wanted)
    if not lesson_ids:
        return frozenset()
    if len(lesson_ids) < MAX_INTS:
        found = _done_among_query(len(lesson_ids)).rows(user.pk, *lesson_ids)
        return frozenset(row[0] for row in found)
    rows = LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids)
    return frozenset(rows.values_list("lesson_id", flat=True))


# The lesson a learner completed most recently (home's "Continue"): SQL compiled once.
_LAST_COMPLETED = PreparedQuery(
    LessonProgress,
    ["int"],
    lambda user_id: (
        LessonProgress.objects.filter(user_id=user_id)
        .order_by("-completed_at", "-pk")
        .values_list("lesson_id")[:1]
    ),
)


# How many lessons after the last one completed are checked first for "Continue" (one query);
# only a learner who finished all of them meets a second query over the rest of the course.
RESUME_WINDOW = 64


def resume(user, session, order):
    """The first unfinished lesson after the one finished most recently, wrapping round (see
    `continue_lesson`), for a signed-in learner without reading every completion: the last
    completion, then the next lessons in reading order, a window at a time."""
    if not user.is_authenticated:
        return continue_lesson(order.entries, learner_progress(user, session))
    found = _LAST_COMPLETED.rows(user.pk)
    last = found[0][0] if found else None
    entries = order.entries
    if not entries:
        return None
    # With no completion there is nothing to continue; the window is still asked about (it
    # finds nothing), so the page's queries are the same before and after a first completion.
    start = order.position.get(last, -1) + 1
    ahead = entries[start:] + entries[:start]
    for window in (ahead[:RESUME_WINDOW], ahead[RESUME_WINDOW:]):
        if not window:
            continue
        done = done_among(user, session, [entry.pk for entry in window])
        if last is None:
            return None
        found = next((entry for entry in window if entry.pk not in done), None)
        if found is not None:
            return found
    return None


# Asked on every lesson page a signed-in learner opens: compiled to SQL once
# (`srm_trainer.prepared`), still read from the database each time.
_COMPLETED = PreparedQuery(
    LessonProgress,
    ["int", "int"],
    lambda user_id, lesson_id: (
        LessonProgress.objects.filter(user_id=user_id, lesson_id=lesson_id)
        .order_by()
        .values_list("pk")[:1]
    ),
)


def has_completed(user, lesson: Lesson, session=None) -> bool:
    """Whether one lesson is done: one row looked up, not the learner's whole history (a
    learner far into a long course has thousands of completions)."""
    if not user.is_authenticated:
        return lesson.pk in session_completed(session)
    return bool(_COMPLETED.rows(user.pk, lesson.pk))


def mark_complete(*, user, lesson: Lesson, session=None) -> LessonProgress | None:
    """Idempotent: completing a lesson twice keeps the first completion time."""
    if not user.is_authenticated:
        ids = session_completed(session)
        if lesson.pk not in ids:
            session[SESSION_KEY] = [*ids, lesson.pk]
        return None
    # The module's count follows through the model's signals (`count_completion`).
    with transaction.atomic():
        progress, _ = LessonProgress.objects.get_or_create(
            user=user, lesson=lesson, defaults={"completed_at": timezone.now()}
        )
    return progress


def mark_incomplete(*, user, lesson: Lesson, session=None) -> None:
    if not user.is_authenticated:
        session[SESSION_KEY] = [pk for pk in session_completed(session) if pk != lesson.pk]
        return
    with transaction.atomic():  # the row and its module's count go together
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
