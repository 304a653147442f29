"""A learner's completions among some lessons (a module page, home's "Continue" window) and
their latest completion are read with SQL compiled once (lessons/progress.py): the same
answers as the ORM's queries, on the prepared path and past it (MAX_INTS lessons and more)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lessons import progress, reading_order
from lessons.models import LessonProgress
from srm_trainer.prepared import MAX_INTS
from tests.conftest import make_lesson, make_module


def orm_done(user, lesson_ids) -> frozenset[int]:
    rows = LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids)
    return frozenset(rows.values_list("lesson_id", flat=True))


def test_done_among_and_the_latest_completion_are_the_orms(learner, other_learner):
    module = make_module()
    lessons = [make_lesson(module, order=n) for n in range(6)]
    now = timezone.now()
    for lesson, when in zip(lessons[:3], (now, now + timedelta(minutes=5), now), strict=True):
        LessonProgress.objects.create(user=learner, lesson=lesson, completed_at=when)
    LessonProgress.objects.create(user=other_learner, lesson=lessons[4], completed_at=now)
    ids = [lesson.pk for lesson in lessons]
    unknown = max(ids) + 1
    for asked in (ids, ids[2:], [ids[0], ids[0], unknown], [unknown], list(range(1, MAX_INTS + 9))):
        for user in (learner, other_learner):
            assert progress.done_among(user, None, asked) == orm_done(user, asked)
    assert progress.done_among(learner, None, ids) == frozenset(ids[:3])
    assert progress.done_among(learner, None, []) == frozenset()

    # The latest completion decides where "Continue" goes: the lesson after the second one.
    order = reading_order.visible_to(learner)
    assert progress.resume(learner, None, order).pk == ids[3]
    LessonProgress.objects.filter(user=learner, lesson=lessons[1]).delete()
    # Two completions at the same time: the one written last counts (as the ORM orders them).
    assert progress.resume(learner, None, reading_order.visible_to(learner)).pk == ids[3]
    assert (
        progress.resume(other_learner, None, reading_order.visible_to(other_learner)).pk == ids[5]
    )
