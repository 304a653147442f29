"""A learner's JSON answer on the results: a policy or network rules pasted on one line is
shown pretty-printed, and text that does not parse (or would print differently) as typed."""

from __future__ import annotations

import html
import json

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from quizzes.templatetags.quizzes_extras import typed_json
from tests.quizzes.builders import allow, make_question, make_quiz

ONE_LINE = json.dumps(
    {"Version": "2012-10-17", "Statement": [allow(["s3:GetObject"], "arn:aws:s3:::reports/*")]}
)


def test_one_line_json_is_indented_by_two():
    assert typed_json(ONE_LINE) == json.dumps(json.loads(ONE_LINE), indent=2)
    assert typed_json('[1,{"a":"é"}]') == '[\n  1,\n  {\n    "a": "é"\n  }\n]'


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "2012-10-17", "Statement": [}',  # does not parse: the error points into it
        '{"Effect": "Allow", "Effect": "Deny"}',  # a key twice: printed again, one would vanish
        '{"n": 1e3}',  # would read 1000.0
        '{"n": NaN}',  # not JSON
        '"just a string"',
        "42",
        "",
        "[" * 5000 + "]" * 5000,  # deeper than the parser goes
    ],
)
def test_text_that_would_not_print_as_typed_is_left_as_typed(text):
    assert typed_json(text) == text


def test_a_value_that_is_not_text_is_left_alone():
    assert typed_json(None) is None


@pytest.mark.django_db
def test_the_result_page_shows_a_one_line_policy_pretty_printed(learner_client):
    quiz = make_quiz(make_question("least_privilege"))
    learner_client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("pk")
    answer = reverse("quizzes:answer", args=[attempt.pk, 1])
    learner_client.post(answer, {"action": "save", "policy": ONE_LINE})
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    body = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    shown = html.escape(json.dumps(json.loads(ONE_LINE), indent=2), quote=True)
    assert f'<code class="language-json">{shown}</code>' in body
    assert html.escape(ONE_LINE, quote=True) not in body
