"""What keeps the question editor's kept counts and banks of the curriculum's questions
(`teach.bank.FILE_OFFERS`) in step with the database: every write that can change them,
whoever makes it (the curriculum loader, the admin, staff in the editors, a deletion's
cascade). An instructor's own bank tags and banks are read on each request (from an index),
so their writes need nothing here; what is kept of their own questions follows below.

- a file question saved or deleted (a question's source never changes once it is made: the
  admin shows it read-only and no form has it);
- a file question's bank tags changed, or any tag's questions changed from the tag's side;
- a tag renamed or deleted (its links go with it, with no signal of their own);
- a module deleted (its questions' module becomes none, with no signal of theirs);
- the curriculum loaded (`curriculum_loaded`), for any write of the loader's that sends none.

And what is kept of each instructor's own questions (`teach.bank.OWN_COUNTS`: their
misconception counts and banks), forgotten for that instructor alone:

- one of their questions saved or deleted, or its owner changed (both owners: the one it was
  read with, `Question.from_db`, and the new one);
- a module deleted (its questions' module becomes none, with no signal of theirs): every
  instructor with a question in it;
- the instructor's account deleted (their questions are then no one's).

Writes that send no signals (`QuerySet.update`, `bulk_create`, raw SQL) must call
`teach.bank.own_questions_changed` for each owner whose questions they change.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from curriculum.signals import curriculum_loaded
from lessons.models import Lesson, Module, Scenario, Source
from quizzes.models import Attempt, Question, Quiz, QuizQuestion, Tag
from quizzes.results_version import content_changed, results_changed

_CHANGES = ("post_add", "post_remove", "post_clear")


def _forget(**kwargs) -> None:
    from teach.bank import file_questions_changed

    file_questions_changed()


def _question_written(instance: Question, **kwargs) -> None:
    if instance.source == Source.FILE:
        _forget()
    from teach.bank import own_questions_changed

    owners = {instance.owner_id, getattr(instance, "_loaded_owner", None)}
    for owner_id in owners:
        if owner_id is not None:
            own_questions_changed(owner_id)
    # A second save of the same row: the owner it has now is the one it was saved with.
    instance._loaded_owner = instance.owner_id  # type: ignore[attr-defined]


def _module_going(instance: Module, **kwargs) -> None:
    from teach.bank import own_questions_changed

    questions = Question.objects.filter(module=instance, owner__isnull=False)
    for owner_id in questions.order_by().values_list("owner_id", flat=True).distinct():
        own_questions_changed(owner_id)


def _account_deleted(instance, **kwargs) -> None:
    from teach.bank import own_questions_changed

    own_questions_changed(instance.pk)


def _tags_changed(instance, action: str, reverse: bool, **kwargs) -> None:
    if action in _CHANGES and (reverse or instance.source == Source.FILE):
        _forget()


def _attempt_saving(instance: Attempt, **kwargs) -> None:
    """Before an attempt that stays open is saved: whether its row was open until now too,
    which only the database knows for a row that exists (an instance in hand may be stale: a
    submit writes the row with an UPDATE). An attempt being started has no row: no query."""
    if instance.submitted_at is None:
        instance._was_open = instance.pk is None or not (  # type: ignore[attr-defined]
            Attempt.objects.filter(pk=instance.pk, submitted_at__isnull=False).exists()
        )


def _attempt_saved(instance: Attempt, created: bool, **kwargs) -> None:
    """The statistics count submitted attempts only (`teach.statistics.submitted_attempts`):
    an attempt started, or saved open when it was open before, changes nothing they show.
    Any save that leaves it submitted or reopens it does (`attempt_submit` calls itself)."""
    was_open = created or getattr(instance, "_was_open", False)
    instance.__dict__.pop("_was_open", None)
    if not (was_open and instance.submitted_at is None):
        results_changed(instance.quiz_id)


def _attempt_deleted(instance: Attempt, **kwargs) -> None:
    results_changed(instance.quiz_id)


def _quiz_written(instance: Quiz, **kwargs) -> None:
    results_changed(instance.pk)


def _entry_written(instance: QuizQuestion, **kwargs) -> None:
    results_changed(instance.quiz_id)


def connect_results() -> None:
    """What keeps a quiz's kept statistics (`quizzes.results_version`) in step, for the writes
    that send signals: an attempt saved submitted (or reopened) or deleted (the admin, a
    cascade; not one started or saved while it stays open: no figure counts it), the quiz or
    its entries saved or deleted, and, for every quiz, a question, lesson, module or scenario
    written or the curriculum loaded."""
    uid = "teach-quiz-results-"
    for signal in (post_save, post_delete):
        signal.connect(_quiz_written, sender=Quiz, dispatch_uid=f"{uid}{signal}-quiz")
        signal.connect(_entry_written, sender=QuizQuestion, dispatch_uid=f"{uid}{signal}-entry")
        for model in (Question, Lesson, Module, Scenario):
            signal.connect(
                content_changed, sender=model, dispatch_uid=f"{uid}{signal}-{model.__name__}"
            )
    pre_save.connect(_attempt_saving, sender=Attempt, dispatch_uid=f"{uid}attempt-open")
    post_save.connect(_attempt_saved, sender=Attempt, dispatch_uid=f"{uid}{post_save}-attempt")
    post_delete.connect(
        _attempt_deleted, sender=Attempt, dispatch_uid=f"{uid}{post_delete}-attempt"
    )
    curriculum_loaded.connect(content_changed, dispatch_uid=f"{uid}loaded")


def connect() -> None:
    connect_results()
    uid = "teach-file-offers-"
    for signal in (post_save, post_delete):
        signal.connect(_question_written, sender=Question, dispatch_uid=f"{uid}{signal}-question")
        signal.connect(_forget, sender=Tag, dispatch_uid=f"{uid}{signal}-tag")
    post_delete.connect(_forget, sender=Module, dispatch_uid=f"{uid}module")
    pre_delete.connect(_module_going, sender=Module, dispatch_uid="teach-own-counts-module")
    post_delete.connect(
        _account_deleted, sender=get_user_model(), dispatch_uid="teach-own-counts-account"
    )
    m2m_changed.connect(_tags_changed, sender=Question.tags.through, dispatch_uid=f"{uid}links")
    curriculum_loaded.connect(_forget, dispatch_uid=f"{uid}loaded")
