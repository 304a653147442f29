"""Who may open what under /teach/ (the permission matrix of every route is in
test_access_matrix.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Attempt, Quiz
from tests.conftest import give_mfa
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import client_for

pytestmark = pytest.mark.django_db


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
