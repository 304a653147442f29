"""The quiz settings form edits the time limit (blank = none), with the model's limits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.teach.test_views_quizzes import SETTINGS

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db


def _edit(teacher, quiz, **change):
    return teacher.post(reverse("teach:quiz-edit", args=[quiz.pk]), {**SETTINGS, **change})


def test_the_time_limit_is_set_and_cleared(teacher, owned):
    quiz, _ = owned
    assert _edit(teacher, quiz, time_limit="25").status_code == 302
    quiz.refresh_from_db()
    assert quiz.time_limit == 25
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "<dt>Time limit</dt><dd>25 minutes</dd>" in page
    _edit(teacher, quiz, time_limit="")
    quiz.refresh_from_db()
    assert quiz.time_limit is None


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    ("value", "words"),
    [("0", "from 1 to 1440"), ("2000", "from 1 to 1440"), ("soon", "Enter a whole number")],
)
def test_a_bad_time_limit_is_refused_on_its_field(teacher, owned, value, words):
    quiz, _ = owned
    response = _edit(teacher, quiz, time_limit=value)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["time_limit"])
    quiz.refresh_from_db()
    assert quiz.time_limit is None
