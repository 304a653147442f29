"""People and a cohort for the cohort tests: the owner, a co-instructor, another instructor
(all with two-factor sign-in, as /teach/ requires), a learner in the cohort and one outside,
and a published quiz of two single-choice questions that the owner wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from cohorts import services
from lessons.models import Source
from quizzes import attempts
from tests.quizzes.builders import make_question, make_quiz, right_response
from tests.teach.conftest import _instructor, client_for

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the cohort's first day


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours, minutes=minutes)


def assign_timed_quiz(cohort, owner):
    """A two-question true/false quiz with a 10-minute limit, assigned to `cohort` by `owner`."""
    timed = make_quiz(
        make_question("true_false", data={"answer": True}),
        make_question("true_false", data={"answer": False}),
        owner=owner,
        time_limit=10,
    )
    services.assignment_create(cohort=cohort, quiz=timed, by=owner, now=at(hours=2))
    return timed


def take_right(quiz, user, *, start, submit=None):
    """An attempt at `quiz` answered right, started at `start`, submitted at `submit` (if given)."""
    attempt = attempts.attempt_start(quiz=quiz, user=user, now=start)
    for question in attempt.quiz.questions.all():
        attempts.answer_save(
            attempt=attempt, question=question, response=right_response(question), now=start
        )
    if submit:
        attempt, _ = attempts.attempt_submit(attempt=attempt, now=submit)
    return attempt


def make_learner(name: str):
    return get_user_model().objects.create_user(name, password="a-long-passphrase-5")


@pytest.fixture
def owner(db):
    return _instructor("ines")


@pytest.fixture
def co_instructor(db):
    return _instructor("colm")


@pytest.fixture
def other_instructor(db):
    return _instructor("otto")


def make_owned_quiz(owner):
    """The `quiz` fixture's quiz (also built as module scenery, tests/cohorts/test_gradebook.py)."""
    questions = [
        make_question("single", owner=owner, source=Source.AUTHORED, lesson=None) for _ in range(2)
    ]
    return make_quiz(*questions, owner=owner, source=Source.AUTHORED, title="Root user basics")


def make_cohort(owner, co_instructor, learner):
    """The `cohort` fixture's cohort (also built as module scenery)."""
    cohort = services.cohort_create(owner=owner, name="Spring class", now=T0)
    cohort.co_instructors.add(co_instructor)
    services.cohort_join(cohort=cohort, user=learner, now=at(hours=1))
    return cohort


@pytest.fixture
def quiz(owner):
    return make_owned_quiz(owner)


@pytest.fixture
def published(quiz):
    """`quiz`, published: learners can open it through the pages."""
    quiz.published = True
    quiz.save()
    return quiz


@pytest.fixture
def cohort(owner, co_instructor, learner):
    """Created at T0; `co_instructor` co-teaches; `learner` (ada) joined an hour later."""
    return make_cohort(owner, co_instructor, learner)


__all__ = ["T0", "at", "client_for", "make_cohort", "make_learner", "make_owned_quiz"]
