"""An instructor who changes which answer is right on a question learners answered is told
that the answers already marked keep their marks: fixing a wrong key does not move the
gradebook, and "Question saved." alone let them think it had (found walking through the
instructor's first day, 2026-12-06)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.answer_key import key_changed
from quizzes.models import Answer
from tests.teach.formdata import text
from tests.teach.test_reworded_choices import _save, _stored, _submitted_choosing
from tests.teach.test_views_questions import form_data

pytestmark = pytest.mark.django_db

REKEYED = "The right answer changed: answers already marked keep their marks"


def _right(rows: list[dict], wanted: str) -> list[dict]:
    for row in rows:
        row["correct"] = row["text"] == wanted
    return rows


def test_changing_the_key_of_an_answered_question_says_the_marks_stay(teacher, owned, learner):
    quiz, question = owned
    attempt = _submitted_choosing(quiz, question, learner, "Share it")
    marked = Answer.objects.get(attempt=attempt).score
    page = _save(teacher, question, _right(_stored(question), "Share it"))
    assert "Question saved." in page and REKEYED in page
    # And it is so: the answer keeps the mark it was given.
    assert Answer.objects.get(attempt=attempt).score == marked


def test_the_editor_of_an_answered_question_says_so_before_the_save(teacher, owned, learner):
    quiz, question = owned
    _submitted_choosing(quiz, question, learner, "Share it")
    editor = text(teacher.get(reverse("teach:question-edit", args=[question.pk])))
    assert "A change to which answer is right does not mark them again" in editor


def test_nothing_is_said_of_marks_when_the_key_stays_or_nobody_answered(teacher, owned, learner):
    quiz, question = owned
    # Nobody has answered: a new key is only a new key.
    rows = _right(_stored(question), "Share it")
    assert REKEYED not in _save(teacher, question, rows)
    _submitted_choosing(quiz, question, learner, "Use it daily")
    # Answered, the key unchanged (a feedback edited): nothing about marks.
    rows = _stored(question)
    rows[0]["feedback"] = "Yes: MFA."
    assert REKEYED not in _save(teacher, question, rows)


def test_a_key_change_goes_back_to_the_quiz_page_top_where_it_is_said(teacher, owned, learner):
    quiz, question = owned
    _submitted_choosing(quiz, question, learner, "Share it")
    url = reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"
    rows = _right(_stored(question), "Use it daily")
    response = teacher.post(url, form_data(rows, category=question.category))
    assert response["Location"] == reverse("teach:quiz", args=[quiz.pk])
    said = re.findall(
        r'<li class="message message-(\w+)">(.*?)</li>',
        teacher.get(response["Location"]).content.decode(),
        re.S,
    )
    assert len(said) == 1 and REKEYED in said[0][1]


@pytest.mark.parametrize(
    "kind, before, after, changed",
    [
        (
            "single",
            {"choices": [{"id": "a", "correct": True}, {"id": "b"}]},
            {"choices": [{"id": "a"}, {"id": "b", "correct": True}]},
            True,
        ),
        (
            "single",
            {"choices": [{"id": "a", "correct": True}, {"id": "b"}]},
            {"choices": [{"id": "b"}, {"id": "a", "correct": True}]},
            False,
        ),  # only moved
        (
            "multiple",
            {"choices": [{"id": "a", "correct": True}, {"id": "b"}]},
            {"choices": [{"id": "a", "correct": True}, {"id": "b", "correct": True}]},
            True,
        ),
        ("true_false", {"answer": True}, {"answer": False}, True),
        ("true_false", {"answer": True}, {"answer": True}, False),
        ("policy_decision", {}, {}, False),
    ],
)
def test_key_changed_reads_the_authors_mark(kind, before, after, changed):
    assert key_changed(kind, before, after) is changed


REMOVED = (
    "Choice “Share it” was taken out: answers that chose it keep it and their marks, and are "
    "counted as a removed choice in the statistics; learners with an attempt still open who "
    "chose it are asked to choose again."
)


def test_taking_out_an_answered_questions_choice_says_what_becomes_of_its_answers(
    teacher, owned, learner
):
    """It said "Question saved." alone, where a reworded choice's save says all this."""
    quiz, question = owned
    _submitted_choosing(quiz, question, learner, "Share it")
    rows = [row for row in _stored(question) if row["text"] != "Share it"]
    page = _save(teacher, question, rows)
    assert f"Question saved. {REMOVED}" in page
    assert REKEYED not in page  # the right choice stayed


def test_a_choice_taken_out_before_anyone_answered_or_reworded_is_not_said_taken_out(
    teacher, owned, learner
):
    quiz, question = owned
    rows = [row for row in _stored(question) if row["text"] != "Use it daily"]
    assert "was taken out" not in _save(teacher, question, rows)  # nobody answered yet
    _submitted_choosing(quiz, question, learner, "Share it")
    rows = _stored(question)
    rows[1]["text"] = "Keep it in a password manager"  # reworded: said as reworded
    page = _save(teacher, question, rows)
    assert "was reworded" in page and "was taken out" not in page
