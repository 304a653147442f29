"""The marking rules for several tries and for certainty-based marking, as plain functions
(`quizzes.grading`), and the quiz settings that refuse contradictions (`Quiz.problems`)."""

from __future__ import annotations

import pytest

from quizzes.grading import (
    CERTAINTY_LEVELS,
    best_credit,
    certainty_credit,
    certainty_mark,
    try_credit,
)
from quizzes.models import Question, Quiz

# --- several tries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "try_number", "penalty", "expected"),
    [
        (1.0, 1, 0.25, 1.0),  # the first try costs nothing
        (1.0, 2, 0.25, 0.75),  # one earlier try
        (1.0, 3, 0.25, 0.5),
        (1.0, 5, 0.25, 0.0),  # never below zero
        (0.5, 2, 0.25, 0.25),  # partial credit loses the same share of the marks
        (0.2, 2, 0.5, 0.0),
        (1.0, 3, 0.0, 1.0),  # no penalty: a late right answer is worth full marks
    ],
)
def test_a_try_is_worth_its_score_less_the_penalty_per_earlier_try(
    score, try_number, penalty, expected
):
    assert try_credit(score, try_number=try_number, penalty=penalty) == pytest.approx(expected)


def test_a_further_try_never_lowers_the_mark():
    first = best_credit(None, 0.5, try_number=1, penalty=1 / 3)
    assert first == pytest.approx(0.5)
    # A wrong second try keeps the first try's half mark.
    assert best_credit(first, 0.0, try_number=2, penalty=1 / 3) == pytest.approx(0.5)
    # A right third try: 1 - 2/3, less than the half already earned.
    assert best_credit(first, 1.0, try_number=3, penalty=1 / 3) == pytest.approx(0.5)
    # A right second try beats it: 1 - 1/3.
    assert best_credit(first, 1.0, try_number=2, penalty=1 / 3) == pytest.approx(2 / 3)


def test_tries_are_counted_from_one():
    with pytest.raises(ValueError):
        try_credit(1.0, try_number=0, penalty=0.1)


# --- certainty-based marking --------------------------------------------------------------


@pytest.mark.parametrize(("certainty", "right", "wrong"), [(1, 1, 0), (2, 2, -2), (3, 3, -6)])
def test_the_certainty_table(certainty, right, wrong):
    assert certainty_mark(1.0, certainty) == right
    assert certainty_mark(0.0, certainty) == wrong


def test_a_confident_wrong_answer_costs_more_than_an_unsure_one():
    marks = [certainty_mark(0.0, c.value) for c in CERTAINTY_LEVELS]
    assert marks == sorted(marks, reverse=True) and marks[0] == 0


def test_saying_very_sure_pays_only_when_right_at_least_three_times_in_four():
    """The expected mark of each certainty at a given chance of being right: the honest
    choice is the best one, which is the point of the scheme."""

    def expected(p, c):
        return p * certainty_mark(1.0, c) + (1 - p) * certainty_mark(0.0, c)

    assert max((1, 2, 3), key=lambda c: expected(0.6, c)) == 1
    assert max((1, 2, 3), key=lambda c: expected(0.7, c)) == 2
    assert max((1, 2, 3), key=lambda c: expected(0.9, c)) == 3


def test_a_half_right_answer_earns_half_way_between_right_and_wrong():
    assert certainty_mark(0.5, 3) == pytest.approx(-1.5)
    assert certainty_mark(0.5, 1) == pytest.approx(0.5)


def test_certainty_credit_is_one_for_the_best_answer():
    assert certainty_credit(1.0, 3) == pytest.approx(1.0)
    assert certainty_credit(1.0, 1) == pytest.approx(1 / 3)
    assert certainty_credit(0.0, 3) == pytest.approx(-2.0)


def test_certainty_is_one_two_or_three():
    with pytest.raises(ValueError):
        certainty_mark(1.0, 4)


# --- settings that contradict each other --------------------------------------------------


def problems(**fields):
    return dict(Quiz(slug="q", **fields).problems())


def test_several_tries_need_feedback_after_each_question():
    found = problems(tries=3, feedback="end")
    assert "feedback after each question" in found["tries"]
    assert problems(tries=3, feedback="immediate") == {}


def test_a_penalty_needs_more_than_one_try():
    assert "more than one try" in problems(tries=1, try_penalty=25)["try_penalty"]
    assert problems(tries=2, try_penalty=25) == {}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"tries": 0}, "tries"),
        ({"tries": 11}, "tries"),
        ({"tries": 2, "try_penalty": 101}, "try_penalty"),
    ],
)
def test_out_of_range_settings_are_refused(fields, field):
    assert field in problems(**fields)


def test_how_many_tries_each_question_gets():
    quiz = Quiz(tries=3, feedback="immediate", certainty=True)
    assert quiz.tries_for(Question(type="single")) == 3
    assert quiz.tries_for(Question(type="true_false")) == 1  # a second try could not be wrong
    assert quiz.tries_for(Question(type="policy_decision")) == 1  # marked with certainty
    quiz.certainty = False
    assert quiz.tries_for(Question(type="policy_decision")) == 3
    quiz.feedback = "end"
    assert quiz.tries_for(Question(type="single")) == 1


def test_certainty_applies_to_policy_decision_questions_only():
    quiz = Quiz(certainty=True)
    assert quiz.uses_certainty(Question(type="policy_decision"))
    assert not quiz.uses_certainty(Question(type="single"))
    assert not Quiz(certainty=False).uses_certainty(Question(type="policy_decision"))
