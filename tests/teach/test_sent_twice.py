"""A form that creates something, sent twice: a double click on its button, or Back and the
page sent again. Each send made one more quiz, question or cohort; the page's token
(srm_trainer/once.py) lets the first save write and tells any later one it was done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from quizzes.models import Question, Quiz
from tests.teach.formdata import form_fields
from tests.teach.test_views_questions import form_data

pytestmark = pytest.mark.django_db


def _page(client, url, form_class):
    return form_fields(client.get(url).content.decode(), form_class)


def test_a_new_quiz_is_created_once_from_one_page(teacher):
    url = reverse("teach:quiz-create")
    fields = {**_page(teacher, url, "teach-form"), "title": "Sent twice", "pass_mark": "70"}
    assert fields["once"]
    first = teacher.post(url, fields)
    second = teacher.post(url, fields, follow=True)
    assert first.status_code == 302
    assert Quiz.objects.filter(title="Sent twice").count() == 1
    assert "created already" in second.content.decode()
    # Another page is another quiz, even with the same title.
    teacher.post(url, {**_page(teacher, url, "teach-form"), "title": "Sent twice"})
    assert Quiz.objects.filter(title="Sent twice").count() == 2


def test_a_new_question_is_saved_once_from_one_page(teacher, owned):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    token = _page(teacher, url, "question-editor")["once"]
    data = form_data(extra={"answer": "true"}, prompt="Is the guest OS yours?", once=token)
    assert teacher.post(url, data).status_code == 302
    second = teacher.post(url, data, follow=True)
    assert Question.objects.filter(prompt="Is the guest OS yours?").count() == 1
    assert quiz.entries.count() == 2
    assert "saved already" in second.content.decode()


def test_a_refused_save_does_not_use_up_the_page(teacher, owned):
    """The token is claimed by the save that writes, not by one refused for a problem."""
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    token = _page(teacher, url, "question-editor")["once"]
    data = form_data(extra={"answer": "true"}, prompt="Mine?", once=token)
    assert teacher.post(url, {**data, "explanation": ""}).status_code == 200
    assert teacher.post(url, data).status_code == 302
    assert Question.objects.filter(prompt="Mine?").count() == 1


def test_a_new_cohort_is_created_once_from_one_page(teacher):
    url = reverse("teach_cohorts:list")
    fields = {**_page(teacher, url, "teach-form"), "name": "Spring class"}
    teacher.post(url, fields)
    second = teacher.post(url, fields, follow=True)
    assert Cohort.objects.filter(name="Spring class").count() == 1
    assert "created already" in second.content.decode()
