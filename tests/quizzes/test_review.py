"""The review queue: missed questions are scheduled by FSRS and rescheduled as they are answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizzes import review
from quizzes.models import ReviewCard
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_right_answer_to_a_question_not_in_the_queue_adds_nothing(learner):
    assert review.card_record(user=learner, question=make_question(), correct=True, now=NOW) is None
    assert not ReviewCard.objects.exists()


def test_a_miss_puts_the_question_in_the_queue_due_today(learner):
    question = make_question()
    card = review.card_record(user=learner, question=question, correct=False, now=NOW)
    assert NOW < card.due <= NOW + timedelta(minutes=10)
    assert (card.reviews, card.lapses) == (1, 1)
    assert card.card["due"] == card.due.isoformat()
    assert review.due_count(user=learner, now=NOW) == 1
    assert list(review.due_cards(user=learner, now=NOW)) == [card]


def test_right_answers_push_the_card_further_out_and_a_miss_brings_it_back(learner):
    question = make_question()
    card = review.card_record(user=learner, question=question, correct=False, now=NOW)
    dues = []
    now = card.due
    for _ in range(3):
        card = review.card_record(user=learner, question=question, correct=True, now=now)
        dues.append(card.due - now)
        now = card.due
    assert dues[0] < dues[1] < dues[2]
    assert dues[2] >= timedelta(days=1)
    assert review.due_count(user=learner, now=NOW) == 0  # not due on the first day any more
    assert review.due_count(user=learner, now=now) == 1
    card = review.card_record(user=learner, question=question, correct=False, now=now)
    assert card.due - now <= timedelta(minutes=10)
    assert (card.reviews, card.lapses) == (5, 2)
    assert ReviewCard.objects.count() == 1


def test_the_schedule_is_deterministic(learner, other_learner):
    question = make_question()
    a = review.card_record(user=learner, question=question, correct=False, now=NOW)
    b = review.card_record(user=other_learner, question=question, correct=False, now=NOW)
    assert a.due == b.due


def test_due_today_means_before_the_end_of_the_day(learner):
    question = make_question()
    review.card_record(user=learner, question=question, correct=False, now=NOW)
    ReviewCard.objects.update(due=NOW.replace(hour=23, minute=59))
    assert review.due_count(user=learner, now=NOW) == 1
    ReviewCard.objects.update(due=NOW + timedelta(days=1))
    assert review.due_count(user=learner, now=NOW) == 0


def test_cards_belong_to_one_learner(learner, other_learner):
    review.card_record(user=learner, question=make_question(), correct=False, now=NOW)
    assert review.due_count(user=other_learner, now=NOW) == 0


def test_the_badge_count_is_the_queue_count_now(learner, other_learner):
    """The Review link's count (its SQL compiled once) agrees with the review page's queue:
    due before now and exactly now count; later today, tomorrow and others' cards do not."""
    dues = [NOW - timedelta(days=3), NOW - timedelta(minutes=1), NOW, NOW + timedelta(hours=2)]
    for due in [*dues, NOW + timedelta(days=1)]:
        card = review.card_record(user=learner, question=make_question(), correct=False, now=NOW)
        ReviewCard.objects.filter(pk=card.pk).update(due=due)
    review.card_record(user=other_learner, question=make_question(), correct=False, now=NOW)
    for now in (NOW - timedelta(days=4), NOW, NOW + timedelta(hours=3), NOW + timedelta(days=2)):
        expected = review.queue(user=learner, now=now).now_count
        assert review.due_now_count(user=learner, now=now) == expected
    assert review.due_now_count(user=learner, now=NOW) == 3
    assert review.due_now_count(user=learner, now=NOW + timedelta(days=2)) == 5
