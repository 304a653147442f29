"""Tries, the penalty, certainty and question levels travel through our JSON format: exported,
imported into an empty database and exported again byte for byte; contradictions refused."""

from __future__ import annotations

import json

import pytest

from lessons.models import Source
from quizzes.models import Question, Quiz
from teach.transfer import importer, json_format
from teach.transfer.drafts import TransferError
from tests.conftest import make_lesson
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.test_transfer_json import _empty_the_content

pytestmark = pytest.mark.django_db


def _quiz(owner) -> Quiz:
    lesson = make_lesson(level="associate")
    own = make_question(
        "single",
        slug="own-level",
        owner=owner,
        source=Source.AUTHORED,
        lesson=lesson,
        level="advanced",
    )
    follows = make_question(
        "single", slug="follows", owner=owner, source=Source.AUTHORED, lesson=lesson
    )
    return make_quiz(
        own, follows, slug="tries", title="Tries", feedback="immediate", tries=3,
        try_penalty=25, certainty=True, owner=owner, source=Source.AUTHORED,
    )  # fmt: skip


def test_the_settings_and_levels_round_trip_byte_for_byte(instructor):
    first = json_format.export_quiz(_quiz(instructor))
    document = json.loads(first)
    assert (document["quiz"]["tries"], document["quiz"]["try_penalty"]) == (3, 25)
    assert document["quiz"]["certainty"] is True
    levels = {q["slug"]: q["level"] for q in document["questions"]}
    assert levels == {"own-level": "advanced", "follows": None}  # null: its lesson's
    _empty_the_content()
    importer.run(first, "json", owner=instructor)
    quiz = Quiz.objects.get()
    assert (quiz.tries, quiz.try_penalty, quiz.certainty) == (3, 25, True)
    assert dict(Question.objects.values_list("slug", "level")) == {
        "own-level": "advanced",
        "follows": "",
    }
    assert json_format.export_quiz(quiz) == first


def test_a_file_without_the_new_fields_gets_the_defaults(instructor):
    document = json.loads(json_format.export_quiz(_quiz(instructor)))
    _empty_the_content()
    for key in ("tries", "try_penalty", "certainty"):
        del document["quiz"][key]
    document["quiz"]["feedback"] = "end"
    for question in document["questions"]:
        del question["level"]
    result = importer.run(json_format.dump(document), "json", owner=instructor)
    assert result.warnings == []
    quiz = Quiz.objects.get()
    assert (quiz.tries, quiz.try_penalty, quiz.certainty) == (1, 0, False)
    assert set(Question.objects.values_list("level", flat=True)) == {""}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"feedback": "end"}, "feedback after each question"),
        ({"tries": 1}, "more than one try"),
        ({"tries": "three"}, "'tries' must be a whole number"),
        ({"certainty": "yes"}, "'certainty' must be true or false"),
    ],
)
def test_contradicting_settings_are_refused_and_nothing_is_written(instructor, change, expected):
    document = json.loads(json_format.export_quiz(_quiz(instructor)))
    _empty_the_content()
    document["quiz"].update(change)
    with pytest.raises(TransferError) as refused:
        importer.run(json_format.dump(document), "json", owner=instructor)
    assert expected in str(refused.value)
    assert Quiz.objects.count() == 0 and Question.objects.count() == 0


def test_an_unknown_level_is_refused_at_its_question(instructor):
    document = json.loads(json_format.export_quiz(_quiz(instructor)))
    _empty_the_content()
    document["questions"][0]["level"] = "expert"
    with pytest.raises(TransferError) as refused:
        importer.run(json_format.dump(document), "json", owner=instructor)
    assert "'level'" in str(refused.value) and "expert" in str(refused.value)
    assert Question.objects.count() == 0
