"""What keeps the question editor's kept counts and banks of the curriculum's questions
(`teach.bank.FILE_OFFERS`) in step with the database: every write that can change them,
whoever makes it (the curriculum loader, the admin, staff in the editors, a deletion's
cascade). An instructor's own questions are counted on each request, so their writes need
nothing here.

- a file question saved or deleted (a question's source never changes once it is made: the
  admin shows it read-only and no form has it);
- a file question's bank tags changed, or any tag's questions changed from the tag's side;
- a tag renamed or deleted (its links go with it, with no signal of their own);
- a module deleted (its questions' module becomes none, with no signal of theirs);
- the curriculum loaded (`curriculum_loaded`), for any write of the loader's that sends none.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from curriculum.signals import curriculum_loaded
from lessons.models import Module, Source
from quizzes.models import Question, Tag

_CHANGES = ("post_add", "post_remove", "post_clear")


def _forget(**kwargs) -> None:
    from teach.bank import file_questions_changed

    file_questions_changed()


def _question_written(instance: Question, **kwargs) -> None:
    if instance.source == Source.FILE:
        _forget()


def _tags_changed(instance, action: str, reverse: bool, **kwargs) -> None:
    if action in _CHANGES and (reverse or instance.source == Source.FILE):
        _forget()


def connect() -> None:
    uid = "teach-file-offers-"
    for signal in (post_save, post_delete):
        signal.connect(_question_written, sender=Question, dispatch_uid=f"{uid}{signal}-question")
        signal.connect(_forget, sender=Tag, dispatch_uid=f"{uid}{signal}-tag")
    post_delete.connect(_forget, sender=Module, dispatch_uid=f"{uid}module")
    m2m_changed.connect(_tags_changed, sender=Question.tags.through, dispatch_uid=f"{uid}links")
    curriculum_loaded.connect(_forget, dispatch_uid=f"{uid}loaded")
