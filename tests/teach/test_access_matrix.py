"""Who may open what under /teach/: the permission matrix of every route, for each role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question, Quiz
from tests.conftest import give_mfa
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import _instructor, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The people and the quiz with its question, built once for the module in a transaction
    rolled back when it ends (as the `instructor`, `other_instructor`, `learner`, `staff` and
    `owned` fixtures build them for each test). Each test runs in a savepoint inside it
    (pytest-django's `db`), and each role's request in a savepoint of its own, so what one
    request changes the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = get_user_model().objects
        instructor = _instructor("ines")
        staff = users.create_user("admin", password="a-long-passphrase-3", is_staff=True)
        give_mfa(staff)
        question = make_question(
            "single", owner=instructor, source=Source.AUTHORED, lesson=None, category="mine"
        )
        quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED, published=False)
        yield {
            "quiz": quiz,
            "question": question,
            "users": {
                "anonymous": None,
                "learner": users.create_user("ada", password="a-long-passphrase-1"),
                "owner": instructor,
                "other": _instructor("otto"),
                "staff": staff,
            },
        }
        transaction.set_rollback(True)


# (method, url name, needs the quiz, needs the question)
ROUTES = [
    ("get", "teach:dashboard", False, False),
    ("get", "teach:quiz-create", False, False),
    ("get", "teach:quiz", True, False),
    ("get", "teach:quiz-edit", True, False),
    ("get", "teach:quiz-delete", True, False),
    ("get", "teach:quiz-preview", True, False),
    ("post", "teach:quiz-preview-check", True, False),
    ("post", "teach:quiz-publish", True, False),
    ("post", "teach:quiz-duplicate", True, False),
    ("post", "teach:quiz-question-add", True, False),
    ("post", "teach:quiz-question-move", True, True),
    ("post", "teach:quiz-question-remove", True, True),
    ("get", "teach:question-create", True, False),
    ("get", "teach:question-edit", False, True),
    ("get", "teach:question-delete", False, True),
    ("post", "teach:question-archive", False, True),
]


def _url(name, quiz, question, with_quiz, with_question) -> str:
    if name == "teach:question-create":
        return reverse(name, args=[quiz.pk, "single"])
    if name == "teach:quiz-preview-check":
        return reverse(name, args=[quiz.pk, 1])
    args = ([quiz.pk] if with_quiz else []) + ([question.pk] if with_question else [])
    return reverse(name, args=args)


def _expected(role: str, with_object: bool, method: str = "get") -> set[int]:
    ok = {200, 302}  # a page, or a POST that redirects back to one
    return {
        # A form sent signed out gets "You were signed out, so nothing was saved" with what it
        # held (teach.access.session_ended): sent to sign in, the typing was lost.
        "anonymous": {403} if method == "post" else {302},
        "learner": {403},
        "owner": ok,
        "other": {404} if with_object else ok,
        "staff": ok,
    }[role]


ROLES = ("anonymous", "learner", "owner", "other", "staff")


def _refusal_or_answer(role, method, name, with_quiz, with_question, quiz, question, user):
    """One role's request, in a savepoint rolled back after it; what went wrong, or None."""
    url = _url(name, quiz, question, with_quiz, with_question)
    data = {"question": question.pk, "published": "false", "direction": "up", "choice": "x"}
    with transaction.atomic():
        response = getattr(client_for(user), method)(url, data if method == "post" else None)
        problems = []
        if response.status_code not in _expected(role, with_quiz or with_question, method):
            problems.append(f"got {response.status_code}")
        if role == "anonymous" and method == "post":
            if b"You were signed out, so nothing was saved" not in response.content:
                problems.append("not told the session ended")
        elif role == "anonymous" and not response["Location"].startswith(reverse("account_login")):
            problems.append(f"sent to {response['Location']}, not to sign in")
        # Nothing changed behind a refusal.
        if role in ("anonymous", "learner", "other") and not (
            Quiz.objects.count() == 1
            and Question.objects.count() == 1
            and not Quiz.objects.get().published
            and not Question.objects.get().archived
        ):
            problems.append("the refusal changed the quiz or its question")
        transaction.set_rollback(True)
    return f"{method.upper()} {url} as {role}: " + "; ".join(problems) if problems else None


@pytest.mark.parametrize("method,name,with_quiz,with_question", ROUTES)
def test_the_permission_matrix(method, name, with_quiz, with_question, world):
    """Each role in turn (one test per route; the people and the quiz are made once for the
    module, and each role's request runs in its own savepoint)."""
    quiz, question, users = world["quiz"], world["question"], world["users"]
    problems = [
        problem
        for role in ROLES
        if (
            problem := _refusal_or_answer(
                role, method, name, with_quiz, with_question, quiz, question, users[role]
            )
        )
    ]
    assert not problems, "\n".join(problems)
