"""A question's misconceptions are a list of tags, as the loader asks of files: the admin
refuses anything else at the field (a JSON object's keys, or a text's letters, would show as
tags in the feedback), and keeps what was typed."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from quizzes.models import Question
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


def _post(client, question: Question, misconceptions: str):
    fields = model_to_dict(question)
    data = {k: v for k, v in fields.items() if v is not None and k not in ("tags", "id")}
    data |= {
        "data": json.dumps(question.data),
        "misconceptions": misconceptions,
        "ask_statement": "",  # a checkbox left unticked is not sent
        "archived": "",
    }
    return client.post(f"/admin/quizzes/question/{question.pk}/change/", data)


@pytest.mark.parametrize(
    "typed, says",
    [
        ('{"x": 1}', "not a JSON object"),
        ('"thinks-aws-patches"', "not a text"),
        ('["fine", ""]', "item 2 is an empty text"),
        ('["fine", 3]', "item 2 is a number"),
    ],
)
def test_the_admin_refuses_misconceptions_that_are_not_a_list_of_tags(admin_client, typed, says):
    question = make_question(slug="q-tags", misconceptions=["kept-tag"])
    response = _post(admin_client, question, typed)
    assert response.status_code == 200
    page = response.content.decode()
    error = page.split('id="id_misconceptions_error"', 1)[1].split("</ul>", 1)[0]
    assert "Misconceptions must be a list of tags" in error and says in error
    question.refresh_from_db()
    assert question.misconceptions == ["kept-tag"]


def test_a_list_of_tags_or_none_saves(admin_client):
    question = make_question(slug="q-fine", misconceptions=["kept-tag"])
    assert _post(admin_client, question, '["one", "two"]').status_code == 302
    question.refresh_from_db()
    assert question.misconceptions == ["one", "two"]
    assert _post(admin_client, question, "[]").status_code == 302
    question.refresh_from_db()
    assert question.misconceptions == []


def test_full_clean_names_the_field_for_any_editor():
    question = make_question(slug="q-model")
    question.misconceptions = {"x": 1}
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert list(caught.value.message_dict) == ["misconceptions"]
