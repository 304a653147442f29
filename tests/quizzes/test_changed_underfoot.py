"""What a learner meets when an instructor changes a quiz under them: the result stays what it
was graded as, and says so against what it was graded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes import attempts
from tests.quizzes.builders import make_question, make_quiz, page_text, right_response

pytestmark = pytest.mark.django_db


def _half_right_submitted(learner, *, pass_mark: int):
    """An attempt at 50% (one of two true/false questions right), submitted, under `pass_mark`."""
    first, second = make_question("true_false"), make_question("true_false")
    quiz = make_quiz(first, second, pass_mark=pass_mark)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    attempts.answer_save(attempt=attempt, question=first, response=right_response(first))
    attempts.attempt_submit(attempt=attempt)
    return quiz, attempt


def test_a_pass_mark_raised_after_grading_leaves_the_result_explained(learner_client, learner):
    quiz, attempt = _half_right_submitted(learner, pass_mark=50)
    quiz.pass_mark = 80
    quiz.save()
    result = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    # It said "50% — passed (pass mark 80%)": a pass under a mark the score does not reach.
    assert "50% — passed (pass mark 50%)" in result
    detail = page_text(learner_client.get(quiz.get_absolute_url()))
    assert "Pass mark 80%" in detail
    assert "Passed (pass mark 50% then)" in detail


def test_a_pass_mark_lowered_after_grading_does_not_turn_a_fail_into_a_pass(learner, client):
    quiz, attempt = _half_right_submitted(learner, pass_mark=70)
    quiz.pass_mark = 40
    quiz.save()
    attempt.refresh_from_db()
    assert (attempt.passed, attempt.pass_mark, attempt.graded_pass_mark) == (False, 70, 70)


def test_an_attempt_graded_before_attempts_kept_their_pass_mark_shows_the_quizs(
    learner_client, learner
):
    quiz, attempt = _half_right_submitted(learner, pass_mark=50)
    type(attempt).objects.filter(pk=attempt.pk).update(pass_mark=None)
    result = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert "(pass mark 50%)" in result
    assert "then)" not in page_text(learner_client.get(quiz.get_absolute_url()))
