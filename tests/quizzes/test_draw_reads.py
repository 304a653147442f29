"""A draw's start reads whole only the questions it draws: every id of the bank (and, for a
draw by rules, each question's category and module) light, then the drawn ones whole and
checked (`quizzes.exam.sample_usable`). It read and checked every question of the bank, ~35 µs
each (0.37 s at 10,000; `make bench` measures it). What the draw gives is unchanged: the drawn
count of usable questions, never a broken or archived one, each usable one as likely."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from quizzes import attempts, exam
from quizzes.models import Attempt, Question
from tests.conftest import make_module
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows_read(monkeypatch) -> Counter:
    """How many question rows the ORM builds whole, by slug prefix."""
    counted: Counter = Counter()
    built = Question.from_db.__func__

    def counting(cls, db, field_names, values):
        counted["questions"] += 1
        return built(cls, db, field_names, values)

    monkeypatch.setattr(Question, "from_db", classmethod(counting))
    return counted


def _broken(**fields) -> Question:
    return make_question("single", data={"choices": []}, **fields)  # no choice: never shown


def test_a_draw_from_a_category_reads_whole_only_the_questions_drawn(learner, rows_read):
    bank = [make_question("true_false", category="big", lesson=None) for _ in range(60)]
    quiz = make_quiz(draw_category="big", draw_count=5)
    rows_read.clear()
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    assert len(attempt.question_ids) == 5
    assert set(attempt.question_ids) <= {q.pk for q in bank}
    assert rows_read["questions"] == 5  # all 60 before


def test_a_draw_by_rules_reads_whole_only_the_questions_drawn(learner, rows_read):
    module = make_module(slug="rules")
    for _ in range(40):
        make_question("true_false", category="kms", lesson=None)
        make_question("true_false", category="other", lesson=None, module=module)
    quiz = make_quiz(draw_rules=[{"category": "kms", "count": 3}, {"module": "rules", "count": 2}])
    rows_read.clear()
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    assert rows_read["questions"] == 5  # all 80 before
    drawn = Question.objects.filter(pk__in=attempt.question_ids)
    assert sorted(q.category for q in drawn) == ["kms", "kms", "kms", "other", "other"]


def test_broken_and_archived_questions_are_never_drawn_and_the_count_still_is(learner):
    usable = [make_question("true_false", category="mixed", lesson=None) for _ in range(3)]
    for _ in range(7):
        _broken(category="mixed", lesson=None)
    make_question("true_false", category="mixed", lesson=None, archived=True)
    quiz = make_quiz(draw_category="mixed", draw_count=3)
    for seed in range(20):
        drawn = attempts._drawn(quiz, random.Random(seed))
        assert sorted(q.pk for q in drawn) == [q.pk for q in usable]


def test_each_usable_question_is_as_likely_to_be_drawn():
    """Two of five usable questions, with five broken ones among them, 500 seeded draws: each
    is drawn 200 times in expectation (a standard deviation of ~11)."""
    usable = [make_question("true_false", category="fair", lesson=None) for _ in range(5)]
    for _ in range(5):
        _broken(category="fair", lesson=None)
    quiz = make_quiz(draw_category="fair", draw_count=2, shuffle_questions=True)
    rng = random.Random(11)
    seen: Counter = Counter()
    orders: Counter = Counter()
    for _ in range(500):
        drawn = [q.pk for q in attempts._drawn(quiz, rng)]
        seen.update(drawn)
        orders[drawn[0] < drawn[1]] += 1
    assert set(seen) == {q.pk for q in usable}
    assert all(160 <= seen[q.pk] <= 240 for q in usable), seen
    assert 200 <= orders[True] <= 300  # shuffled: either of a pair first


def test_the_same_attempt_of_a_draw_by_rules_draws_the_same_questions_with_broken_ones(learner):
    for _ in range(6):
        make_question("true_false", category="seeded", lesson=None)
        _broken(category="seeded", lesson=None)
    quiz = make_quiz(draw_rules=[{"category": "seeded", "count": 4}])
    first = attempts.attempt_start(quiz=quiz, user=learner)
    ids = list(first.question_ids)
    Attempt.objects.filter(pk=first.pk).delete()
    assert attempts.attempt_start(quiz=quiz, user=learner).question_ids == ids
    assert not Question.objects.filter(pk__in=ids, data={"choices": []}).exists()
    assert len(exam.draw_by_rules(quiz, random.Random(1), attempts.usable)) == 4
