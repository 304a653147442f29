"""A page's <title> puts its fixed words before a name (docs/pages.md, "One look for every
page"): a browser's tab, a window list or a screen reader's list of tabs shows its start, and a
120-character cohort name or a 200-character quiz title hid "gradebook" or "question 1"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cohorts import services
from lessons.models import Source
from quizzes import attempts
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import _instructor, client_for

pytestmark = pytest.mark.django_db

LONG_COHORT = ("Cloud security for the spring term, evening group of the operations team " * 2)[
    :120
]
LONG_QUIZ = ("Which of these stays with the customer when an application moves to Lambda? " * 3)[
    :200
].strip()


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_a_cohorts_pages_name_the_page_before_the_cohort():
    owner = _instructor("ines")
    cohort = services.cohort_create(owner=owner, name=LONG_COHORT)
    client = client_for(owner)
    gradebook = client.get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
    people = client.get(reverse("teach_cohorts:people", args=[cohort.pk]))
    assert _title(gradebook).startswith("Gradebook: Cloud security for the spring term")
    assert _title(people).startswith("People: Cloud security for the spring term")


def test_a_question_of_an_attempt_is_named_before_the_quiz(learner_client, learner):
    question = make_question("true_false", source=Source.AUTHORED, lesson=None)
    quiz = make_quiz(question, title=LONG_QUIZ)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    response = learner_client.get(reverse("quizzes:take", args=[attempt.pk]))
    assert response.status_code == 200
    assert _title(response).startswith("Question 1: Which of these stays with the customer")
