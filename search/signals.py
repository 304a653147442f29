"""Which documents an edit touches: receivers for the content models' signals.

Each receiver only says what to reindex (`index.mark`); the work happens once, on commit.
Deletions are caught before they happen (`pre_delete`), while the related rows that decide
what else changes (a lesson's scenarios, a quiz's questions) can still be read.

A question's or quiz's save that changes nothing a document is made of marks nothing: most
saves in /teach/ touch only `updated_at` or an entry's order. Which fields a save changed comes
from its `update_fields`, else from the audit log's comparison with the stored row (its
`post_log` signal), which django-auditlog makes anyway before each update: reading that row
again here was a second query for the same row. A save the audit does not compare (auditlog
disabled) marks as before.
"""

from __future__ import annotations

from auditlog.context import auditlog_disabled
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import post_log, pre_log
from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from curriculum.signals import curriculum_loaded
from lessons.models import Lesson, Module, Scenario
from quizzes.models import Question, Quiz, QuizQuestion
from search import index

# What a question's document is made of (`sources.question_entries`), and what a quiz's
# questions' documents take from it (whether they are visible, and which quiz a result opens).
QUESTION_INDEXED = frozenset({"prompt", "explanation", "archived", "category"})
QUIZ_INDEXED = frozenset({"published", "draw_category", "draw_count", "slug", "order"})
ENTRY_INDEXED = frozenset({"quiz", "quiz_id", "question", "question_id"})
OWNER = frozenset({"owner", "owner_id"})  # a scenario with one is never offered (`presets`)

_AUDITED_OLD = "_search_audited_old"  # on the instance: the row the audit compared it with
_AUDITED_CHANGES = "_search_audited_changes"  # on the instance: the fields the audit saw change


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
    # Its module's text lists its lessons' titles: every module, as a lesson moved to another
    # module leaves the one it left (not known here), and there are a handful of modules, each
    # a short text, reindexed in the same few queries as one.
    index.mark("module", [index.EVERY])
    if not _new(kwargs):
        index.mark("scenario", _scenarios_of([instance.pk]))  # a preset while it is published


def _module_changed(instance: Module, **kwargs) -> None:
    index.mark("module", [instance.pk])
    if _new(kwargs):
        return
    lessons = list(Lesson.objects.filter(module=instance).values_list("pk", flat=True))
    index.mark("lesson", lessons)
    index.mark("scenario", _scenarios_of(lessons))


def _scenario_changed(instance: Scenario, **kwargs) -> None:
    if kwargs.get("signal") is post_save:
        changed, _ = _changed(Scenario, instance, kwargs)
        kept = kwargs.get("created") or (changed is not None and not changed & OWNER)
        if instance.owner_id is not None and kept:
            return  # an instructor's own scenario is never a preset, and was not one before
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


def _audit_compares(sender, instance, kwargs) -> bool:
    """Whether django-auditlog compares this update with the stored row, every field of it
    (its `log_update` receiver runs, under the same conditions as its `check_disable`, for a
    model registered without a choice of fields, and no `pre_log` receiver may call the
    entry off): then a save without a `post_log` changed no field at all (but a stored rendering,
    which follows its text)."""
    if kwargs.get("created") or not auditlog.contains(sender):
        return False
    if kwargs.get("raw") and settings.AUDITLOG_DISABLE_ON_RAW_SAVE:
        return False
    if auditlog_disabled.get(False) or pre_log.has_listeners(sender):
        return False
    fields = auditlog.get_model_fields(sender)
    # A question's or a scenario's stored rendering is left out of the audit, and changes only
    # with its texts, which are compared (lessons/rendered.py, `StoredMarkdown`).
    stored = getattr(sender, "stored_markdown", None)
    excluded = set(fields["exclude_fields"]) - set(stored.stored_fields if stored else ())
    return not (fields["include_fields"] or excluded or fields["mask_fields"])


def _audited(sender, instance, action, changes=None, instance_old=None, **kwargs) -> None:
    """post_log: keep what the audit found on the instance, for `post_save` (an update's audit
    runs in `pre_save`, before it)."""
    if action == LogEntry.Action.UPDATE and sender in (Question, Quiz, QuizQuestion, Scenario):
        instance.__dict__[_AUDITED_OLD] = instance_old
        instance.__dict__[_AUDITED_CHANGES] = frozenset(changes or ())


def _changed(sender, instance, kwargs) -> tuple[frozenset[str] | None, object]:
    """The fields this save changed, and the stored row before it (None: not known, so
    anything may have changed). A new row changed everything."""
    old = instance.__dict__.pop(_AUDITED_OLD, None)
    changes = instance.__dict__.pop(_AUDITED_CHANGES, None)
    if kwargs.get("created"):
        return None, None
    written = kwargs.get("update_fields")
    if _audit_compares(sender, instance, kwargs):
        # No `post_log` this save: the audit found every field as stored.
        found = changes if old is not None else frozenset()
        return found if written is None else found & written, old
    return (None if written is None else frozenset(written)), None


def _question_changed(instance: Question, **kwargs) -> None:
    if kwargs.get("signal") is post_save:
        changed, _ = _changed(Question, instance, kwargs)
        if changed is not None and not changed & QUESTION_INDEXED:
            return
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
    """A quiz that stops drawing from a category: that category's questions may leave. (The
    stored category is read here only for a save the audit does not compare: `_quiz_changed`
    takes it from the audit's row otherwise; and not at all for a save that leaves it.)"""
    written = kwargs.get("update_fields")
    if instance.pk is None or (written is not None and "draw_category" not in written):
        return
    if _audit_compares(Quiz, instance, kwargs):
        return
    old = Quiz.objects.filter(pk=instance.pk).values_list("draw_category", flat=True).first()
    if old and old != instance.draw_category:
        index.mark("question", _quiz_questions(instance, old))


def _quiz_changed(instance: Quiz, **kwargs) -> None:
    if kwargs.get("signal") is post_save:
        changed, old = _changed(Quiz, instance, kwargs)
        if changed is not None and not changed & QUIZ_INDEXED:
            return
        previous = getattr(old, "draw_category", "")
        if previous and previous != instance.draw_category:
            index.mark("question", _quiz_questions(instance, previous))
    index.mark("question", _quiz_questions(instance, instance.draw_category, new=_new(kwargs)))


def _entry_changed(instance: QuizQuestion, **kwargs) -> None:
    if kwargs.get("signal") is post_save:
        changed, _ = _changed(QuizQuestion, instance, kwargs)
        if changed is not None and not changed & ENTRY_INDEXED:
            return  # its order: which quiz a result opens does not hang on it
    index.mark("question", [instance.question_id])


def _glossary_changed(**kwargs) -> None:
    index.mark("glossary", [index.EVERY])  # a few dozen terms; a renamed slug leaves no stale row
    # Lessons' and modules' titles carry the abbreviations the glossary gives their names
    # (`sources.abbreviated`): a term's new or dropped abbreviation changes them. The modules
    # are a handful; of the lessons, only those whose title changes.
    index.mark("module", [index.EVERY])
    index.mark("lesson", [index.RETITLED])


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
    post_log.connect(_audited, dispatch_uid=f"{uid}audited")
