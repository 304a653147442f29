"""A learner's knowledge checks in lessons: what they answered, and what a lesson offers.

A knowledge check is a scenario predicted before its answer is revealed, or a question placed
in a lesson with `::: check <slug>`. quizzes grades them (the engine decides a prediction)
and calls `record`; progress pages count them with the functions below, one query each.
Only signed-in learners' answers are kept: an anonymous learner sees the feedback once and
nothing is stored, in the database or the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from lessons import hooks
from lessons.markdown import render_markdown
from lessons.models import KnowledgeCheck, Lesson, Scenario
from srm_trainer.prepared import PreparedQuery, concrete_attnames, instance


@dataclass(frozen=True)
class CheckResult:
    lesson_id: int
    module_id: int
    kind: str  # "prediction" or "question"
    ref: str  # the scenario's or question's slug
    correct: bool  # of the first answer, the one that counts
    score: float
    tries: int
    answered_at: datetime


@dataclass(frozen=True)
class Tally:
    answered: int = 0
    right: int = 0


# Read on every lesson page a signed-in learner opens that has checks: compiled to SQL once
# (`srm_trainer.prepared`), the rows made into model instances as the ORM would.
_ANSWERED = PreparedQuery(
    KnowledgeCheck,
    ["int", "int"],
    lambda user_id, lesson_id: (
        KnowledgeCheck.objects.filter(user_id=user_id, lesson_id=lesson_id)
        .order_by()
        .values_list(*concrete_attnames(KnowledgeCheck))
    ),
)


def answered_in(user, lesson: Lesson) -> dict[tuple[str, str], KnowledgeCheck]:
    """This learner's recorded answers in one lesson, by (kind, ref); {} for anonymous."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = [instance(KnowledgeCheck, row) for row in _ANSWERED.rows(user.pk, lesson.pk)]
    return {(row.kind, row.ref): row for row in rows}


def record(
    *, user, lesson: Lesson, kind: str, ref: str, response: dict, score: float, correct: bool
) -> KnowledgeCheck | None:
    """Keep a signed-in learner's first answer; a later one only counts as another try.
    Anonymous learners' answers are not kept (None)."""
    if not getattr(user, "is_authenticated", False):
        return None
    key = {"user": user, "lesson": lesson, "kind": kind, "ref": ref}
    existing = KnowledgeCheck.objects.filter(**key)
    if existing.update(tries=F("tries") + 1):
        return existing.first()
    try:
        with transaction.atomic():
            return KnowledgeCheck.objects.create(
                **key,
                response=response,
                score=score,
                correct=correct,
                answered_at=timezone.now(),
            )
    except IntegrityError:  # the same learner answering twice at once: the first one stays
        existing.update(tries=F("tries") + 1)
        return existing.first()


def results(user, *, lesson_ids: Iterable[int] | None = None) -> list[CheckResult]:
    """Every knowledge check this learner answered (in `lesson_ids`, if given), oldest first.
    One query; [] for anonymous learners."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = KnowledgeCheck.objects.filter(user=user)
    if lesson_ids is not None:
        rows = rows.filter(lesson_id__in=list(lesson_ids))
    fields = ("lesson_id", "lesson__module_id", "kind", "ref", "correct", "score", "tries")
    # Put in order here, not by the database: asked for that order, SQLite (no statistics)
    # walked the learner's newest-first index (`knowledge_check_user_latest`, for the admin)
    # through every check of theirs, where (user, lesson) finds only those lessons' checks.
    found = rows.order_by().values_list(*fields, "answered_at", "pk")
    return [CheckResult(*row[:-1]) for row in sorted(found, key=lambda row: row[-2:])]


def tally_by_lesson(user, *, lesson_ids: Iterable[int] | None = None) -> dict[int, Tally]:
    """lesson id → how many checks this learner answered there, and how many right first time."""
    return _tally(results(user, lesson_ids=lesson_ids), lambda r: r.lesson_id)


# The learner's home counts checks per module on every view: counted by the database (a
# learner's answers grow with the course) and compiled to SQL once.
_BY_MODULE = PreparedQuery(
    KnowledgeCheck,
    ["int"],
    lambda user_id: (
        KnowledgeCheck.objects.filter(user_id=user_id)
        .order_by()
        .values("lesson__module_id")
        .annotate(answered=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .values_list("lesson__module_id", "answered", "right")
    ),
)


def tally_by_module(user) -> dict[int, Tally]:
    """module id → how many checks this learner answered in its lessons, and how many right.
    One query, one row per module; {} for anonymous learners."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {module: Tally(answered, right) for module, answered, right in _BY_MODULE.rows(user.pk)}


def _tally(found: list[CheckResult], key) -> dict[int, Tally]:
    out: dict[int, Tally] = {}
    for result in found:
        before = out.get(key(result), Tally())
        out[key(result)] = Tally(before.answered + 1, before.right + int(result.correct))
    return out


def offered_by_lesson(lesson_ids: Iterable[int]) -> dict[int, int]:
    """lesson id → how many knowledge checks it offers: one per scenario it shows, one per
    `::: check` in its text whose question the page can show (`shown_checks`). Three queries
    at most, whatever the number of lessons."""
    lesson_ids = list(lesson_ids)
    out = dict.fromkeys(lesson_ids, 0)
    links = Scenario.lessons.through.objects.filter(lesson_id__in=lesson_ids)
    for lesson_id in links.values_list("lesson_id", flat=True):
        out[lesson_id] += 1
    bodies = dict(Lesson.objects.filter(pk__in=lesson_ids).values_list("pk", "body"))
    for pk, shown in shown_checks(bodies).items():
        out[pk] += shown
    return out


def shown_checks(bodies: dict[int, str]) -> dict[int, int]:
    """lesson id → its `::: check` markers whose question the lesson page shows: one naming no
    question, an archived or a broken one shows nothing there, so it is not offered (a body
    saved before the admin checked its checks, or a question archived since). One query for
    all the lessons' questions, none without a marker."""
    return hooks.shown_check_counts({pk: render_markdown(b).checks for pk, b in bodies.items()})
