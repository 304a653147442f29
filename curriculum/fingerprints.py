"""What a course load's fingerprint of a row is (`curriculum.loader.write_tracked`), apart from
the loader: the teaching area and the admin read a question's retirement mark from it
(`archived_by_hand`), and pages below the loader may not import it (tests/test_dependencies.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

from lessons.models import Source
from quizzes.models import Question

# A question's fields that the files set and its fingerprint holds (`level` only when set).
QUESTION_FIELDS = (
    "type",
    "category",
    "module",
    "prompt",
    "explanation",
    "lesson",
    "misconceptions",
    "data",
    "scenario",
    "ask_statement",
    "level",
)


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _current(obj: models.Model, name: str) -> Any:
    """A field's stored value as the load compares it (`_plain`): a foreign key by its column,
    the related row's primary key, so that comparing never loads the related row (nor needs
    the rows read with theirs: a question's lesson, body and all, for each question)."""
    field = obj._meta.get_field(name)
    if (
        isinstance(field, models.ForeignKey)
        and field.many_to_one
        and field.target_field.primary_key
    ):
        return getattr(obj, field.attname)
    return _plain(getattr(obj, name))


def fingerprint(state: dict) -> str:
    """A hash of a row's content as the loader sees it (related rows by primary key)."""
    text = json.dumps(state, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without_defaults(model: type[models.Model], state: dict, optional: tuple[str, ...]) -> str:
    """The fingerprint of `state` less its `optional` fields still at their model default:
    what a load before those fields existed stored for the same row."""
    defaults = {}
    for name in optional:
        field = model._meta.get_field(name)
        if name in state and isinstance(field, models.Field):
            defaults[name] = _plain(field.get_default())
    return fingerprint(
        {
            name: value
            for name, value in state.items()
            if name not in defaults or value != defaults[name]
        }
    )


def question_state(question: Question) -> dict:
    """The question as its fingerprint hashes it (`load_quizzes`' values, level included)."""
    return {name: _current(question, name) for name in QUESTION_FIELDS}


def retired_mark(question: Question) -> str:
    """The fingerprint a question archived by the load is given (`_retire_questions`): its
    state with `archived` in it. An archive in the teaching area or the admin leaves the
    fingerprint as the load wrote it, so back in the files the two are told apart."""
    return _without_defaults(Question, {**question_state(question), "archived": True}, ("level",))


def archived_by_hand(question: Question) -> list[str]:
    """Call when a person archives a question or puts it back in use (the teaching area, the
    admin): a file question the load had archived loses the load's mark (`retired_mark`), so
    that archived by hand afterwards it stays archived when back in the files. Returns the
    field to save with it, if any."""
    if question.source != Source.FILE or question.file_fingerprint != retired_mark(question):
        return []
    question.file_fingerprint = _without_defaults(Question, question_state(question), ("level",))
    return ["file_fingerprint"]
