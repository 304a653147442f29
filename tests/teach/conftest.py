"""People for the /teach/ tests: two instructors (with MFA, as the guard requires), staff, a
learner; and a quiz with a question that the first instructor owns."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from lessons.models import Source
from srm_trainer.accounts.roles import INSTRUCTOR_FLAG, INSTRUCTORS
from srm_trainer.prepared import PreparedQuery
from tests.conftest import give_mfa, scenery, sign_in
from tests.quizzes.builders import make_question, make_quiz

_GROUP = PreparedQuery(
    Group, ("text",), lambda name: Group.objects.filter(name=name).values_list("pk")
)


@scenery
def _instructor(name: str):
    """An instructor with an authenticator app. The membership is the row `set_instructor`
    writes, inserted directly: its `groups.add` first looks up which memberships exist and
    sends two signals, ~0.3 ms of the ~0.8 ms this costs (`set_instructor` has its own tests,
    tests/teach/test_header_link.py, tests/accounts/test_request_user.py)."""
    user = get_user_model().objects.create_user(name, password="a-long-passphrase-7")
    ((group,),) = _GROUP.rows(INSTRUCTORS)  # the group's key, with SQL compiled once
    user.groups.through.objects.create(user=user, group_id=group)
    setattr(user, INSTRUCTOR_FLAG, True)  # as `set_instructor` leaves the object
    give_mfa(user)
    return user


@pytest.fixture
def instructor(db):
    return _instructor("ines")


@pytest.fixture
def other_instructor(db):
    return _instructor("otto")


def client_for(user) -> Client:
    """A client signed in as `user` (`sign_in`: the session written directly), or anonymous."""
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


@pytest.fixture
def teacher(instructor) -> Client:
    return client_for(instructor)


@pytest.fixture
def owned(instructor):
    """A draft quiz with one single-choice question, both written by `instructor`."""
    question = make_question(
        "single", owner=instructor, source=Source.AUTHORED, lesson=None, category="mine"
    )
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED, published=False)
    return quiz, question
