"""A quiz that draws by rules (the final exam: so many questions from each module's bank) keeps
its rules through our JSON format; rules that cannot work are refused with the quiz's line."""

from __future__ import annotations

import json

import pytest

from lessons.models import Source
from quizzes.models import Quiz
from teach.transfer import importer, json_format
from teach.transfer.drafts import TransferError
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.test_transfer_json import _empty_the_content

pytestmark = pytest.mark.django_db


def _exam(owner) -> Quiz:
    module = make_module(slug="iam")
    question = make_question(
        "single", slug="in-iam", owner=owner, source=Source.AUTHORED, lesson=make_lesson(module)
    )
    quiz = make_quiz(question, slug="exam", title="Exam", owner=owner, source=Source.AUTHORED)
    quiz.draw_rules = [{"module": "iam", "count": 1}, {"category": "kms", "count": 2}]
    quiz.save()
    return quiz


def test_draw_rules_round_trip_byte_for_byte(instructor):
    first = json_format.export_quiz(_exam(instructor))
    assert json.loads(first)["quiz"]["draw_rules"] == [
        {"module": "iam", "count": 1},
        {"category": "kms", "count": 2},
    ]
    _empty_the_content()
    importer.run(first, "json", owner=instructor)
    quiz = Quiz.objects.get()
    assert quiz.draw_rules == [{"module": "iam", "count": 1}, {"category": "kms", "count": 2}]
    assert json_format.export_quiz(quiz) == first


def test_a_file_without_draw_rules_draws_none(instructor):
    document = json.loads(json_format.export_quiz(_exam(instructor)))
    _empty_the_content()
    del document["quiz"]["draw_rules"]
    importer.run(json_format.dump(document), "json", owner=instructor)
    assert Quiz.objects.get().draw_rules == []


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("iam", "'draw_rules' must be a list"),
        (["iam"], "'draw_rules' must be a list"),
        ([{"module": "iam"}], "draw rule 1: 'count' is required"),
        ([{"module": "iam", "category": "kms", "count": 1}], "exactly one of"),
    ],
)
def test_draw_rules_that_cannot_work_are_refused_and_nothing_is_written(
    instructor, rules, expected
):
    document = json.loads(json_format.export_quiz(_exam(instructor)))
    _empty_the_content()
    document["quiz"]["draw_rules"] = rules
    with pytest.raises(TransferError) as refused:
        importer.run(json_format.dump(document), "json", owner=instructor)
    assert expected in str(refused.value)
    assert Quiz.objects.count() == 0
