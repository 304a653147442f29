"""Who may open what under /teach/: the permission matrix of every route."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Attempt, Question, Quiz
from tests.conftest import give_mfa
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import client_for

pytestmark = pytest.mark.django_db

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


def _expected(role: str, with_object: bool) -> set[int]:
    ok = {200, 302}  # a page, or a POST that redirects back to one
    return {
        "anonymous": {302},
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
        if response.status_code not in _expected(role, with_quiz or with_question):
            problems.append(f"got {response.status_code}")
        if role == "anonymous" and not response["Location"].startswith(reverse("account_login")):
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
def test_the_permission_matrix(
    method, name, with_quiz, with_question, owned, instructor, other_instructor, learner, staff
):
    """Each role in turn (one test per route: the people and the quiz are made once, and each
    role's request runs in its own savepoint, so what one changes the next never sees)."""
    quiz, question = owned
    give_mfa(staff)
    users = {
        "anonymous": None,
        "learner": learner,
        "owner": instructor,
        "other": other_instructor,
        "staff": staff,
    }
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


def test_another_instructor_does_not_see_my_quiz_on_their_dashboard(owned, other_instructor):
    quiz, _ = owned
    response = client_for(other_instructor).get(reverse("teach:dashboard"))
    assert response.status_code == 200
    assert quiz.title not in response.content.decode()


def test_an_instructor_sees_file_quizzes_read_only(teacher):
    question = make_question("single", source=Source.FILE)
    quiz = make_quiz(question, source=Source.FILE, title="Shipped quiz")
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk]))
    assert page.status_code == 200
    assert "read-only" in page.content.decode()
    assert teacher.get(reverse("teach:quiz-edit", args=[quiz.pk])).status_code == 403
    assert teacher.get(reverse("teach:question-edit", args=[question.pk])).status_code == 403
    response = teacher.post(reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "false"})
    assert response.status_code == 403
    quiz.refresh_from_db()
    assert quiz.published
    # They may preview and duplicate it: the copy is theirs.
    assert teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])).status_code == 200
    teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]))
    copy = Quiz.objects.exclude(pk=quiz.pk).get()
    assert copy.owner.username == "ines" and copy.source == Source.AUTHORED


def test_staff_may_edit_file_content(client, staff):
    give_mfa(staff)
    client.force_login(staff)
    quiz = make_quiz(make_question("single", source=Source.FILE), source=Source.FILE)
    assert client.get(reverse("teach:quiz-edit", args=[quiz.pk])).status_code == 200


def test_an_instructor_without_mfa_is_sent_to_set_it_up(client, django_user_model):
    from srm_trainer.accounts.roles import set_instructor

    user = django_user_model.objects.create_user("newbie", password="a-long-passphrase-8")
    set_instructor(user=user, instructor=True)
    client.force_login(user)
    response = client.get(reverse("teach:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


@pytest.mark.parametrize(
    "method,name",
    [
        ("post", "teach:dashboard"),
        ("delete", "teach:quiz"),
        ("get", "teach:quiz-publish"),
        ("get", "teach:quiz-duplicate"),
        ("get", "teach:quiz-question-move"),
        ("get", "teach:quiz-question-remove"),
        ("get", "teach:question-archive"),
        ("put", "teach:quiz-edit"),
        ("post", "teach:quiz-preview"),
        ("get", "teach:quiz-preview-check"),
    ],
)
def test_wrong_methods_get_405(teacher, owned, method, name):
    quiz, question = owned
    args = {
        "teach:dashboard": [],
        "teach:quiz-question-move": [quiz.pk, question.pk],
        "teach:quiz-question-remove": [quiz.pk, question.pk],
        "teach:question-archive": [question.pk],
        "teach:quiz-preview-check": [quiz.pk, 1],
    }.get(name, [quiz.pk])
    response = getattr(teacher, method)(reverse(name, args=args))
    assert response.status_code == 405
    assert Attempt.objects.count() == 0


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 5000, "99999999999999999999999", "-1", " 1"])
def test_a_quiz_named_by_garbage_in_the_query_is_no_quiz_not_a_500(teacher, owned, raw):
    """`?quiz=` (where an editor returns to), `?into=` (the bank's target) and the import
    page's `?quiz=` name a quiz by its key; anything else names none."""
    quiz, question = owned
    pages = [
        (reverse("teach:question-edit", args=[question.pk]), "quiz"),
        (reverse("teach:bank"), "into"),
        (reverse("teach:import"), "quiz"),
    ]
    for url, key in pages:
        response = teacher.get(url, {key: raw})
        assert response.status_code == 200, (url, raw)
    confirm = teacher.post(reverse("teach:import"), {"action": "confirm", "quiz": raw})
    assert confirm.status_code == 404  # "no such quiz of yours", as for another's quiz
    # A real key still works.
    body = teacher.get(reverse("teach:bank"), {"into": str(quiz.pk)}).content.decode()
    assert f'Adding to “<a href="{reverse("teach:quiz", args=[quiz.pk])}">' in body


def test_one_row_is_judged_by_the_same_rule_as_the_visible_lists(instructor, other_instructor):
    """The pages that open one quiz or question check the row they read (`_sees`) instead of
    filtering for it: for every owner and source, the answer is the lists' (`_visible`)."""
    from django.contrib.auth import get_user_model

    from teach.access import _sees, questions_visible, quizzes_visible

    staff = get_user_model().objects.create_user("sam", is_staff=True)
    rows = []
    for owner in (instructor, other_instructor, None):
        for source in (Source.AUTHORED, Source.FILE):
            question = make_question("single", owner=owner, source=source, lesson=None)
            rows += [question, make_quiz(question, owner=owner, source=source)]
    for user in (instructor, other_instructor, staff):
        listed = (
            {
                *quizzes_visible(user).values_list("pk", flat=True),
            },
            {*questions_visible(user).values_list("pk", flat=True)},
        )
        for row in rows:
            in_list = row.pk in listed[0 if isinstance(row, Quiz) else 1]
            assert _sees(user, row) == in_list, (user, row.owner_id, row.source)
