"""A score is shown rounded down: a result just under the pass mark never reads as the mark
itself ("70% — not passed (pass mark 70%)" for 16 of 23 right, 69.57%)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes import attempts
from quizzes.templatetags.quizzes_extras import percent
from tests.quizzes.builders import make_question, make_quiz, page_text, right_response

pytestmark = pytest.mark.django_db


def test_the_percent_shown_is_rounded_down_never_up_to_a_pass_mark():
    assert percent(16 / 23) == "69%"
    assert percent(0.995) == "99%"
    assert percent(1 / 3 * 3) == "100%"  # a float a hair under a whole number is that number
    assert percent(0.7) == "70%"  # 0.7 * 100 is 70.00000000000001 or 69.99999999999999
    assert percent(0.29) == "29%"  # 0.29 * 100 is 28.999999999999996
    assert percent(0) == "0%" and percent(None) == ""


def test_a_score_just_under_the_pass_mark_is_shown_under_it_everywhere(learner_client, learner):
    questions = [make_question("true_false") for _ in range(23)]
    quiz = make_quiz(*questions, pass_mark=70)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    for question in questions[:16]:
        attempts.answer_save(attempt=attempt, question=question, response=right_response(question))
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    assert attempt.passed is False
    result = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert "69% — not passed (pass mark 70%)" in result
    assert "69%" in page_text(learner_client.get(quiz.get_absolute_url()))
    assert "best 69%" in page_text(learner_client.get(reverse("quizzes:list")))
