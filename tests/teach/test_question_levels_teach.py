"""Question levels in /teach/: the question editor sets one (or follows the lesson), and the
bank filters by the level a question has (its own, else its lesson's)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Source
from tests.conftest import make_lesson
from tests.quizzes.builders import make_question
from tests.teach.formdata import form_fields
from tests.teach.test_bank import URL, listed

pytestmark = pytest.mark.django_db


def test_the_editor_sets_a_level_and_clears_it(teacher, owned):
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"
    fields = form_fields(teacher.get(url).content.decode())
    assert fields.get("level", "") == ""  # "same as its lesson" is what a new question has
    assert teacher.post(url, {**fields, "level": "advanced", "action": "save"}).status_code == 302
    question.refresh_from_db()
    assert question.level == "advanced"
    fields = form_fields(teacher.get(url).content.decode())
    assert fields["level"] == "advanced"  # shown selected again
    teacher.post(url, {**fields, "level": "", "action": "save"})
    question.refresh_from_db()
    assert question.level == "" and question.effective_level == "foundational"


def test_an_unknown_level_is_refused_on_its_field(teacher, owned):
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"
    fields = form_fields(teacher.get(url).content.decode())
    response = teacher.post(url, {**fields, "level": "expert", "action": "save"})
    assert response.status_code == 200
    assert "expert is not one of the available choices" in response.content.decode()
    question.refresh_from_db()
    assert question.level == ""


def test_the_bank_filters_by_the_level_a_question_has(teacher, instructor):
    advanced_lesson = make_lesson(level="advanced")

    def mine(slug, **fields):
        return make_question(
            "single", slug=slug, owner=instructor, source=Source.AUTHORED, **fields
        )

    mine("follows-lesson", lesson=advanced_lesson)
    mine("own-level", lesson=None, level="advanced")
    mine("lowered", lesson=advanced_lesson, level="associate")
    mine("plain", lesson=None)
    assert listed(teacher.get(URL, {"level": "advanced"})) == {"follows-lesson", "own-level"}
    assert listed(teacher.get(URL, {"level": "associate"})) == {"lowered"}
    assert listed(teacher.get(URL, {"level": "foundational"})) == {"plain"}
    body = teacher.get(URL, {"level": "nonsense"}).content.decode()
    assert "could not be used and are ignored" in body
    assert 'href="?level=advanced"' in body  # each row's level links to its filter
