"""A finder's typed field (a quiz, a lesson, a learner) and its search read a NUL as U+FFFD:
no name holds either, and PostgreSQL's text refuses NUL, so a hand-made post with one in the
assignment's quiz, its lesson search, an extension's learner or a question's lesson was
DataError there, a 500. Checked here on the SQL each sends, whatever the database."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection

from cohorts.learner_finder import LearnerField
from lessons.models import Lesson
from quizzes.finder import QuizField
from quizzes.models import Quiz
from srm_trainer.finder import matching
from teach.forms import LessonChoiceField

pytestmark = pytest.mark.django_db

SENT = ["\x00", "a\x00b", "iam/\x00"]


@contextmanager
def nul_params():
    """The parameters holding NUL of every query run inside (a list filled as they run)."""
    sent: list[object] = []

    def watch(execute, sql, params, many, context):
        rows = params if many else [params]
        sent.extend(
            p for row in rows or () for p in row or () if isinstance(p, str) and "\x00" in p
        )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield sent


@pytest.mark.parametrize("sent", SENT)
@pytest.mark.parametrize(
    "make",
    [
        lambda: QuizField(queryset=Quiz.objects.all()),
        lambda: LearnerField(queryset=get_user_model().objects.all()),
        LessonChoiceField,
    ],
    ids=["quiz", "learner", "lesson"],
)
def test_a_typed_field_sent_a_nul_names_nothing_and_sends_no_nul(make, sent):
    field = make()
    with nul_params() as found, pytest.raises(forms.ValidationError):
        field.clean(sent)
    assert not found


def test_a_search_holding_a_nul_sends_no_nul():
    with nul_params() as found:
        list(matching(Lesson.objects.all(), "iam a\x00b", ["title", "slug"]))
    assert not found
