"""A score is shown rounded down: a result just under the pass mark never reads as the mark
itself ("70% — not passed (pass mark 70%)" for 16 of 23 right, 69.57%)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes import attempts
from quizzes.models import reaches_mark
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


def test_passing_is_judged_by_the_percent_shown_so_the_two_never_disagree():
    # 0.29 * 100 and 0.57 * 100 fall a hair under 29 and 57 in floats: shown as 29% and 57%,
    # they pass marks of 29 and 57; 16 of 23 is shown as 69% and fails a mark of 70.
    assert reaches_mark(0.29, 29) and reaches_mark(0.57, 57) and reaches_mark(7 / 10, 70)
    assert not reaches_mark(16 / 23, 70) and not reaches_mark(0.69999, 70)
    assert reaches_mark(0.0, 0) and reaches_mark(1.0, 100)
    for n in range(1, 41):
        for k in range(n + 1):
            shown = int(percent(k / n)[:-1])
            assert reaches_mark(k / n, shown) and not reaches_mark(k / n, shown + 1)


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
