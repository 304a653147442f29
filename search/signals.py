"""Which documents an edit touches: receivers for the content models' signals.

Each receiver only says what to reindex (`index.mark`); the work happens once, on commit.
Deletions are caught before they happen (`pre_delete`), while the related rows that decide
what else changes (a lesson's scenarios, a quiz's questions) can still be read.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from curriculum.signals import curriculum_loaded
from lessons.models import Lesson, Module, Scenario
from quizzes.models import Question, Quiz, QuizQuestion
from search import index


def _scenarios_of(lessons) -> list[int]:
    return list(
        Scenario.lessons.through.objects.filter(lesson__in=lessons).values_list(
            "scenario_id", flat=True
        )
    )


def _new(kwargs) -> bool:
    """Just inserted by the ORM: no other row can point at it yet, so nothing to look up.
    (Not `raw` rows from a fixture file, which may come after the rows that point at them.)"""
    return bool(kwargs.get("created")) and not kwargs.get("raw")


def _lesson_changed(instance: Lesson, **kwargs) -> None:
    index.mark("lesson", [instance.pk])
    if not _new(kwargs):
        index.mark("scenario", _scenarios_of([instance.pk]))  # a preset while it is published


def _module_changed(instance: Module, **kwargs) -> None:
    if _new(kwargs):
        return
    lessons = list(Lesson.objects.filter(module=instance).values_list("pk", flat=True))
    index.mark("lesson", lessons)
    index.mark("scenario", _scenarios_of(lessons))


def _scenario_changed(instance: Scenario, **kwargs) -> None:
    index.mark("scenario", [instance.pk])


def _scenario_lessons_changed(instance, model, pk_set, reverse: bool, action: str, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:  # scenario.lessons.set(...)
        index.mark("scenario", [instance.pk])
    elif pk_set:  # lesson.scenarios.add(...)
        index.mark("scenario", pk_set)
    else:  # lesson.scenarios.clear()
        index.mark("scenario", [index.EVERY])


def _question_changed(instance: Question, **kwargs) -> None:
    index.mark("question", [instance.pk])


def _quiz_questions(quiz: Quiz, category: str, *, new: bool = False) -> list[int]:
    """The questions whose visibility hangs on this quiz: listed in it, or in the category it
    draws from. A `new` quiz lists none yet."""
    listed = (
        []
        if new
        else list(QuizQuestion.objects.filter(quiz=quiz).values_list("question_id", flat=True))
    )
    drawn = (
        list(Question.objects.filter(category=category).values_list("pk", flat=True))
        if category
        else []
    )
    return listed + drawn


def _quiz_before_save(instance: Quiz, **kwargs) -> None:
    """A quiz that stops drawing from a category: that category's questions may leave."""
    if instance.pk is None:
        return
    old = Quiz.objects.filter(pk=instance.pk).values_list("draw_category", flat=True).first()
    if old and old != instance.draw_category:
        index.mark("question", _quiz_questions(instance, old))


def _quiz_changed(instance: Quiz, **kwargs) -> None:
    index.mark("question", _quiz_questions(instance, instance.draw_category, new=_new(kwargs)))


def _entry_changed(instance: QuizQuestion, **kwargs) -> None:
    index.mark("question", [instance.question_id])


def _glossary_changed(**kwargs) -> None:
    index.mark("glossary", [index.EVERY])  # a few dozen terms; a renamed slug leaves no stale row


def _curriculum_loaded(**kwargs) -> None:
    """After `load_curriculum`: everything, so a database whose index is empty or stale (a
    fresh migration, a restore) is put right by the load every deployment runs anyway."""
    index.rebuild()


def connect() -> None:
    uid = "search-"
    for model, changed in (
        (Lesson, _lesson_changed),
        (Module, _module_changed),
        (Scenario, _scenario_changed),
        (Question, _question_changed),
        (Quiz, _quiz_changed),
        (QuizQuestion, _entry_changed),
    ):
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}save-{model.__name__}")
        # Before the row goes: its related rows can still be read. The flush runs after commit,
        # when the row is gone, so its document is dropped then.
        pre_delete.connect(changed, sender=model, dispatch_uid=f"{uid}delete-{model.__name__}")
    pre_save.connect(_quiz_before_save, sender=Quiz, dispatch_uid=f"{uid}quiz-before")
    m2m_changed.connect(
        _scenario_lessons_changed,
        sender=Scenario.lessons.through,
        dispatch_uid=f"{uid}scenario-lessons",
    )
    if apps.is_installed("glossary"):
        for model in apps.get_app_config("glossary").get_models():
            post_save.connect(_glossary_changed, sender=model, dispatch_uid=f"{uid}g-{model}")
            post_delete.connect(_glossary_changed, sender=model, dispatch_uid=f"{uid}gd-{model}")
    curriculum_loaded.connect(_curriculum_loaded, dispatch_uid=f"{uid}curriculum-loaded")
