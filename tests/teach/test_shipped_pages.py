"""Every teaching page opens on the course as shipped. The final exam's page was a server error
for every instructor for four days (a rule by module drawn through a filter's argument), while
each page's own tests built quizzes that drew by category only: these walk what we ship."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from django.db import transaction
from django.urls import reverse

from curriculum.quiz_loader import load_quizzes
from quizzes.models import Question, Quiz
from tests.conftest import give_mfa
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import load_shipped
from tests.teach.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shipped_with_quizzes(django_db_setup, django_db_blocker):
    """The shipped lessons and quizzes, loaded once for the module (as `shipped_course`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_shipped()
        with disable_auditlog():
            load_quizzes(shipped_quizzes(check_cases=False))
        yield
        transaction.set_rollback(True)


QUIZ_PAGES = ("teach:quiz", "teach:quiz-preview", "teach:quiz-statistics")


def _failures(client, urls: list[str]) -> list[tuple[str, int]]:
    return [(url, code) for url in urls if (code := client.get(url).status_code) != 200]


def test_every_shipped_quiz_opens_on_each_teaching_page(shipped_with_quizzes, instructor):
    quizzes = list(Quiz.objects.order_by("pk"))
    assert any(quiz.draws_by_rules for quiz in quizzes), "the final exam draws by rules"
    urls = [reverse(name, args=[quiz.pk]) for quiz in quizzes for name in QUIZ_PAGES]
    urls += [reverse("teach:quiz-export", args=[quiz.pk, "json"]) for quiz in quizzes]
    assert _failures(client_for(instructor), urls) == []


def test_a_shipped_question_of_each_kind_opens_in_its_editor_for_staff(shipped_with_quizzes, staff):
    give_mfa(staff)
    first_of_kind = {}
    for question in Question.objects.order_by("pk"):
        first_of_kind.setdefault(question.type, question.pk)
    assert len(first_of_kind) > 3
    urls = [reverse("teach:question-edit", args=[pk]) for pk in first_of_kind.values()]
    urls += [
        reverse("teach:quiz-edit", args=[pk]) for pk in Quiz.objects.values_list("pk", flat=True)
    ]
    assert _failures(client_for(staff), urls) == []
