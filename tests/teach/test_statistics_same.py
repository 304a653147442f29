"""The statistics the database counts (teach.statistics) are the numbers the earlier
computation gave, which read every attempt and answer into Python (tests/teach/
statistics_before.py), on a varied class: partial credit, unanswered questions, retakes,
anonymous learners, late attempts, a learner who left the cohort, a drawn quiz whose attempts
hold different questions, and every kind that counts choices, items, decisions or requests.
Floating-point sums may differ in their last digit (added in another order)."""

from __future__ import annotations

import random
from dataclasses import astuple
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from cohorts import gradebook
from cohorts import services as cohorts
from cohorts.models import Membership
from teach.statistics import band_of, quiz_statistics, submitted_attempts
from tests.quizzes.builders import make_question
from tests.teach import statistics_before as before
from tests.teach.statsdata import T0, bulk_class, mixed_quiz, submitted_attempt

pytestmark = pytest.mark.django_db


def _rows(tallies) -> list[tuple]:
    """Tallies as tuples (the two modules' Tally classes are not the same class)."""
    return [astuple(t) if t is not None else None for t in tallies]


def _same(new, old) -> None:
    assert new.attempts == old.attempts
    assert new.learners == old.learners
    assert new.mean_score == pytest.approx(old.mean_score, rel=1e-12, abs=1e-12)
    assert new.bands == [sum(1 for s in old.scores if band_of(s) == k) for k in range(10)]
    assert [q.question.pk for q in new.questions] == [q.question.pk for q in old.questions]
    for n, o in zip(new.questions, old.questions, strict=True):
        where = f"Q{n.position} {n.question.type}"
        assert (n.position, n.attempts, n.answered, n.detail) == (
            o.position,
            o.attempts,
            o.answered,
            o.detail,
        ), where
        assert n.facility == pytest.approx(o.facility, abs=1e-12), where
        if o.discrimination is None:
            assert n.discrimination is None, where
        else:
            assert n.discrimination == pytest.approx(o.discrimination, abs=1e-12), where
        assert n.flag == o.flag, where
        assert _rows(n.tallies) == _rows(o.tallies), where
        assert _rows([n.statement_right]) == _rows([o.statement_right]), where
        assert (_rows(n.overgrants), n.overgranting, n.unparsed, n.checked) == (
            _rows(o.overgrants),
            o.overgranting,
            o.unparsed,
            o.checked,
        ), where
    assert [(m.tag, m.learners, m.wrong_answers, m.lessons) for m in new.misconceptions] == [
        (m.tag, m.learners, m.wrong_answers, m.lessons) for m in old.misconceptions
    ]


def _both(quiz, attempts):
    """Both computations, over all the attempts and over each learner's first; the first."""
    found = []
    for first_only in (False, True):
        new = quiz_statistics(quiz=quiz, attempts=attempts, first_only=first_only)
        _same(new, before.quiz_statistics(quiz=quiz, attempts=attempts, first_only=first_only))
        found.append(new)
    assert found[1].attempts < found[0].attempts or found[0].attempts == found[0].learners
    return found[0]


def _varied_class(quiz, questions, responses, users, rng):
    """Attempts by `users` (several each, some anonymous), each answering a random share of
    the questions with a random one of the responses, the rest left unanswered."""
    made = []
    for n in range(90):
        user = users[n % len(users)] if n % 5 else None
        answers = {
            q: rng.choice(responses[q]) for q in questions if rng.random() < 0.85
        }  # fmt: skip
        made.append(
            submitted_attempt(
                quiz,
                questions,
                user=user,
                key="" if user else f"anon-{n % 7}",
                minutes=rng.randrange(0, 600),
                answers=answers,
            )
        )
    return made


def test_a_varied_class_gives_the_numbers_it_gave_before():
    rng = random.Random(20261205)
    quiz, questions, responses = mixed_quiz()
    # partial credit: a multiple-choice answer half right, a decision with the wrong statement
    multiple, decision = questions[1], questions[4]
    responses[multiple].append({"choices": [responses[multiple][0]["choices"][0]]})
    responses[decision].append({"decision": "Allow", "statement": "none"})
    users = [get_user_model().objects.create_user(f"same-{n}") for n in range(12)]
    _varied_class(quiz, questions, responses, users, rng)
    bulk_class(quiz, questions, responses, 40, users=users[:4])  # retakes, tied totals
    stats = _both(quiz, submitted_attempts(quiz=quiz))
    assert stats.attempts == 130 and all(q.discrimination is not None for q in stats.questions)
    assert any(q.answered < q.attempts for q in stats.questions)  # some left unanswered
    assert stats.misconceptions and any(q.overgrants for q in stats.questions)
    _both(quiz, submitted_attempts(quiz=quiz, users=get_user_model().objects.filter(pk__in=[
        u.pk for u in users[:5]])))  # fmt: skip


def test_a_drawn_quiz_whose_attempts_hold_different_questions():
    """Each attempt holds its own draw (in its own order), one question more than once in its
    list; some answered, others not; totals of many values."""
    rng = random.Random(7)
    quiz, questions, responses = mixed_quiz()
    extra = make_question("single", misconceptions=["root-is-limited"])
    responses[extra] = [{"choice": c["id"]} for c in extra.data["choices"]]
    pool = [*questions, extra]
    for n in range(60):
        drawn = rng.sample(pool, 5)
        answers = {q: rng.choice(responses[q]) for q in drawn if rng.random() < 0.8}
        attempt = submitted_attempt(quiz, drawn, key=f"draw-{n % 25}", minutes=n, answers=answers)
        if n % 9 == 0:
            attempt.question_ids = [*attempt.question_ids, attempt.question_ids[0]]
            attempt.save(update_fields=["question_ids"])
    stats = _both(quiz, submitted_attempts(quiz=quiz))
    assert len(stats.questions) == len(pool)
    assert len({q.attempts for q in stats.questions}) > 1  # each question held by its own share


def test_a_cohorts_counted_attempts_late_ones_in_a_leavers_out():
    """A cohort's statistics count its counted attempts: late ones included (they count in the
    gradebook, marked late), those of a learner removed from the cohort left out."""
    rng = random.Random(3)
    owner = get_user_model().objects.create_user("same-owner")
    quiz, questions, responses = mixed_quiz(owner=owner)
    cohort = cohorts.cohort_create(owner=owner, name="Same class")
    assignment = cohorts.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    assignment.created_at = T0 - timedelta(days=1)
    assignment.due_at = T0 + timedelta(hours=3)  # attempts after this are late
    assignment.save()
    learners = [get_user_model().objects.create_user(f"same-c{n}") for n in range(8)]
    for learner in learners:
        Membership.objects.create(cohort=cohort, user=learner, joined_at=T0 - timedelta(days=1))
    _varied_class(quiz, questions, responses, learners, rng)
    Membership.objects.filter(cohort=cohort, user=learners[0]).delete()  # left the class
    counted = gradebook.counted_attempts(cohort)
    stats = _both(quiz, counted)
    assert stats.attempts == counted.filter(quiz=quiz).count() < 90
    assert counted.filter(quiz=quiz, submitted_at__gt=T0 + timedelta(hours=3)).exists()
    assert not counted.filter(user=learners[0]).exists()


def test_no_attempts_and_attempts_given_as_ids():
    quiz, questions, responses = mixed_quiz()
    empty = quiz_statistics(quiz=quiz, attempts=submitted_attempts(quiz=quiz))
    assert (empty.attempts, empty.learners, empty.mean_score, empty.questions) == (0, 0, None, [])
    assert empty.bands == [0] * 10
    made = bulk_class(quiz, questions, responses, 12)
    assert _both(quiz, [a.pk for a in made[:7]] + [10**9]).attempts == 7
