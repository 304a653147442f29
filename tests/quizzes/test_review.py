"""The review queue: missed questions are scheduled by FSRS and rescheduled as they are answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizzes import review
from quizzes.models import ReviewCard
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _due_today(user, now) -> int:
    """What the review page counts as due today: ready now, and back later today."""
    standing = review.queue(user=user, now=now)
    return standing.now_count + standing.later_today


def test_a_right_answer_to_a_question_not_in_the_queue_adds_nothing(learner):
    assert review.card_record(user=learner, question=make_question(), correct=True, now=NOW) is None
    assert not ReviewCard.objects.exists()


def test_a_miss_puts_the_question_in_the_queue_due_today(learner):
    question = make_question()
    card = review.card_record(user=learner, question=question, correct=False, now=NOW)
    assert NOW < card.due <= NOW + timedelta(minutes=10)
    assert (card.reviews, card.lapses) == (1, 1)
    assert card.card["due"] == card.due.isoformat()
    assert _due_today(learner, NOW) == 1
    assert list(ReviewCard.objects.filter(user=learner)) == [card]


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
    assert _due_today(learner, NOW) == 0  # not due on the first day any more
    assert _due_today(learner, now) == 1
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
    assert _due_today(learner, NOW) == 1
    ReviewCard.objects.update(due=NOW + timedelta(days=1))
    assert _due_today(learner, NOW) == 0


def test_cards_belong_to_one_learner(learner, other_learner):
    review.card_record(user=learner, question=make_question(), correct=False, now=NOW)
    assert _due_today(other_learner, NOW) == 0


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


def _cards(user) -> list[tuple]:
    return [
        (c.question_id, c.card, c.due, c.reviews, c.lapses, c.last_reviewed_at)
        for c in ReviewCard.objects.filter(user=user).order_by("pk")
    ]


def test_a_submits_cards_recorded_at_once_are_those_recorded_one_by_one(learner, other_learner):
    """`cards_record` (a submit's answers, in a few queries) leaves each learner's queue as
    `card_record` does answer by answer: stored cards rescheduled (right or wrong), new ones
    for misses only, inserted in the answers' order, and a question met twice scheduled twice."""
    stored = [make_question() for _ in range(3)]
    fresh = [make_question() for _ in range(4)]
    for user in (learner, other_learner):
        for question in stored:
            review.card_record(user=user, question=question, correct=False, now=NOW)
    later = NOW + timedelta(days=2)
    results = [
        (stored[0], True),
        (fresh[0], False),
        (stored[1], False),
        (fresh[1], True),  # right and not in the queue: no card
        (fresh[2], False),
        (fresh[2], True),  # missed, then right in the same results: reviewed twice
        (fresh[3], False),
        (stored[2], True),
        (stored[2], False),
    ]
    review.cards_record(user=learner, results=results, now=later)
    for question, correct in results:
        review.card_record(user=other_learner, question=question, correct=correct, now=later)
    assert _cards(learner) == _cards(other_learner)
    assert len(_cards(learner)) == 6
    review.cards_record(user_id=learner.pk, results=results, now=later + timedelta(days=1))
    for question, correct in results:
        review.card_record(
            user=other_learner, question=question, correct=correct, now=later + timedelta(days=1)
        )
    assert _cards(learner) == _cards(other_learner)


def test_recording_a_submits_cards_costs_three_queries_however_many(
    learner, django_assert_num_queries
):
    """One read of the learner's cards, one UPDATE of those stored, one INSERT of the new."""
    stored = [make_question() for _ in range(5)]
    for question in stored:
        review.card_record(user=learner, question=question, correct=False, now=NOW)
    results = [(q, i % 2 == 0) for i, q in enumerate(stored)]
    results += [(make_question(), False) for _ in range(10)]
    with django_assert_num_queries(3):
        review.cards_record(user=learner, results=results, now=NOW + timedelta(days=1))
    assert ReviewCard.objects.filter(user=learner).count() == 15
    with django_assert_num_queries(0):
        review.cards_record(user=learner, results=[], now=NOW)


def test_a_card_another_tab_inserted_meanwhile_is_kept_as_it_is(learner, monkeypatch):
    """The race `card_record` handles with its IntegrityError: another request inserted the
    card after our read. Our insert leaves that card alone and fails nothing."""
    question, other = make_question(), make_question()
    theirs = review.card_record(user=learner, question=question, correct=False, now=NOW)
    monkeypatch.setattr(review, "_cards_of", lambda user_id, results: [])  # read before it
    later = NOW + timedelta(days=1)
    review.cards_record(user=learner, results=[(question, False), (other, False)], now=later)
    monkeypatch.undo()
    kept = ReviewCard.objects.get(user=learner, question=question)
    assert (kept.card, kept.due, kept.reviews) == (theirs.card, theirs.due, 1)
    assert ReviewCard.objects.get(user=learner, question=other).last_reviewed_at == later


def test_past_a_prepared_reads_size_the_cards_are_read_by_the_orm_alike(
    learner, other_learner, monkeypatch
):
    questions = [make_question() for _ in range(4)]
    for user in (learner, other_learner):
        review.card_record(user=user, question=questions[0], correct=False, now=NOW)
    results = [(q, i == 1) for i, q in enumerate(questions)]
    later = NOW + timedelta(days=1)
    review.cards_record(user=learner, results=results, now=later)
    monkeypatch.setattr(review, "MAX_INTS", 2)  # more questions than a prepared read takes
    review.cards_record(user=other_learner, results=results, now=later)
    assert _cards(learner) == _cards(other_learner)
    assert len(_cards(learner)) == 3


# --- one card answered on the review page ---------------------------------------------------


def _fields(card: ReviewCard) -> tuple:
    return (card.card, card.due, card.last_reviewed_at, card.reviews, card.lapses)


def test_a_card_the_caller_holds_is_rescheduled_in_one_query_as_one_read_afresh(
    learner, other_learner, django_assert_num_queries
):
    """The review page passes the card it read: no second read, and the same card stored."""
    question = make_question()
    for user in (learner, other_learner):
        review.card_record(user=user, question=question, correct=False, now=NOW)
    later = NOW + timedelta(days=1)
    held = ReviewCard.objects.get(user=learner)
    with django_assert_num_queries(1):
        card = review.card_record(
            user=learner, question=question, correct=True, now=later, card=held
        )
    assert card is held
    afresh = review.card_record(user=other_learner, question=question, correct=True, now=later)
    stored = {c.user_id: _fields(c) for c in ReviewCard.objects.all()}
    assert stored[learner.pk] == stored[other_learner.pk] == _fields(afresh) == _fields(held)


def test_a_review_another_tab_recorded_since_the_card_was_read_is_not_lost(learner):
    """Two tabs answer the same card: the second, holding the card as it was before the first
    answer, schedules its answer on top of the first's (read again), not over it."""
    question = make_question()
    review.card_record(user=learner, question=question, correct=False, now=NOW)
    first_tab = ReviewCard.objects.get()
    second_tab = ReviewCard.objects.get()
    later = NOW + timedelta(hours=1)
    review.card_record(user=learner, question=question, correct=True, now=later, card=first_tab)
    card = review.card_record(
        user=learner, question=question, correct=False, now=later, card=second_tab
    )
    stored = ReviewCard.objects.get()
    assert (stored.reviews, stored.lapses) == (3, 2)
    assert _fields(stored) == _fields(card)
    # as the two answers recorded one after the other
    twin = make_question()
    for correct, when in ((False, NOW), (True, later), (False, later)):
        review.card_record(user=learner, question=twin, correct=correct, now=when)
    again = ReviewCard.objects.get(question=twin)
    assert _fields(stored)[1:] == _fields(again)[1:]
    assert {**stored.card, "card_id": 0} == {**again.card, "card_id": 0}


def test_a_card_deleted_while_it_was_answered_counts_the_answer_as_a_new_one(learner):
    question = make_question()
    review.card_record(user=learner, question=question, correct=False, now=NOW)
    held = ReviewCard.objects.get()
    ReviewCard.objects.all().delete()
    later = NOW + timedelta(hours=1)
    assert (
        review.card_record(user=learner, question=question, correct=True, now=later, card=held)
        is None
    )
    card = review.card_record(user=learner, question=question, correct=False, now=later, card=held)
    assert (card.reviews, card.lapses, card.last_reviewed_at) == (1, 1, later)
    assert ReviewCard.objects.get().pk == card.pk


def test_a_card_that_keeps_changing_is_tried_a_bounded_number_of_times(learner, monkeypatch):
    from django.db import DatabaseError

    question = make_question()
    review.card_record(user=learner, question=question, correct=False, now=NOW)
    tries = []
    monkeypatch.setattr(review._REVIEWED, "update", lambda row, *args: tries.append(args) or 0)
    with pytest.raises(DatabaseError):
        review.card_record(user=learner, question=question, correct=True, now=NOW)
    assert len(tries) == review._TRIES


def _row(obj) -> list:
    return [getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields] if obj else [None]


def test_the_due_card_is_the_one_the_orm_reads_with_its_question_whole(learner, other_learner):
    questions = [make_question("true_false"), make_question("policy_decision")]
    questions.append(make_question("single", lesson=None))
    for question in questions:
        review.card_record(user=learner, question=question, correct=False, now=NOW)
    for question in questions:
        card = review.due_card(user=learner, question_id=question.pk, now=NOW)
        orm = ReviewCard.objects.select_related(
            "question__lesson__module", "question__scenario"
        ).get(user=learner, question=question)
        _same_card(card, orm)
    assert review.due_card(user=other_learner, question_id=questions[0].pk, now=NOW) is None
    ReviewCard.objects.filter(question=questions[0]).update(due=NOW + timedelta(days=2))
    assert review.due_card(user=learner, question_id=questions[0].pk, now=NOW) is None


def test_the_queue_counts_what_the_orms_aggregate_counts(learner, other_learner):
    """`queue` (SQL compiled once, for all modules or one) gives the aggregate the ORM gives:
    a question's own module or else its lesson's, due now, later today, tomorrow, nothing."""
    from django.db.models import Count, Min, Q

    from tests.conftest import make_lesson

    lesson = make_lesson()
    module = lesson.module
    other = make_lesson().module
    questions = [
        make_question(lesson=lesson),  # the module by its lesson
        make_question(lesson=None, module=module),  # by its own
        make_question(lesson=lesson, module=other),  # its own wins: the other module
        make_question(lesson=None),  # none
    ]
    dues = [NOW - timedelta(days=2), NOW, NOW + timedelta(hours=3), NOW + timedelta(days=1)]
    for question, due in zip(questions, dues, strict=True):
        for user in (learner, other_learner):
            card = review.card_record(user=user, question=question, correct=False, now=NOW)
            ReviewCard.objects.filter(pk=card.pk).update(due=due)

    def orm(now, module_id):
        cards = ReviewCard.objects.filter(
            review._in_module(module_id), user=learner, due__lt=review.end_of_day(now)
        )
        row = cards.aggregate(
            now_count=Count("pk", filter=Q(due__lte=now)),
            later_today=Count("pk", filter=Q(due__gt=now)),
            next_due=Min("due", filter=Q(due__gt=now)),
        )
        return review.Queue(row["now_count"], row["later_today"], row["next_due"])

    seen = set()
    for now in (NOW - timedelta(days=3), NOW - timedelta(hours=1), NOW, NOW + timedelta(days=2)):
        for module_id in (None, module.pk, other.pk, other.pk + 100):
            standing = review.queue(user=learner, now=now, module_id=module_id)
            assert standing == orm(now, module_id), (now, module_id)
            seen.add(standing)
    assert len(seen) >= 6  # not one answer for all


def test_the_filters_modules_are_those_the_orm_reads():
    """The published modules, in their order, read as `only()` reads them (the rest deferred);
    a draft is not among them."""
    from lessons.models import Module
    from tests.conftest import make_lesson

    for _ in range(4):
        make_lesson()  # each in a module of its own
    Module.objects.filter(pk=Module.objects.order_by("pk")[1].pk).update(published=False)
    Module.objects.filter(pk=Module.objects.order_by("pk")[2].pk).update(order=0, title="Zed")
    orm = list(Module.objects.published().only("pk", "slug", "title", "order"))
    read = review.modules()
    assert len(orm) == 3
    assert [(m.pk, m.slug, m.title, m.order) for m in read] == [
        (m.pk, m.slug, m.title, m.order) for m in orm
    ]
    assert [m.get_deferred_fields() for m in read] == [m.get_deferred_fields() for m in orm]


def _orm_ready(user, now, module_id, level):
    """The review page's ready cards as it read them with the ORM before `ready_cards`."""
    from django.db.models import Q

    from quizzes.models import Question

    ready = ReviewCard.objects.filter(
        user=user, due__lt=review.end_of_day(now), due__lte=now
    ).order_by("due", "pk")
    if module_id is not None:  # the question's module, else its lesson's
        ready = ready.filter(
            Q(question__module_id=module_id)
            | Q(question__module__isnull=True, question__lesson__module_id=module_id)
        )
    if level:
        ready = ready.filter(question__in=Question.objects.at_level(level).values("pk"))
    return ready


def _same_card(card, orm) -> None:
    assert _row(card) == _row(orm)
    assert _row(card.question) == _row(orm.question)
    assert _row(card.question.lesson) == _row(orm.question.lesson)
    if orm.question.lesson is not None:
        assert _row(card.question.lesson.module) == _row(orm.question.lesson.module)
    assert _row(card.question.scenario) == _row(orm.question.scenario)


def test_the_ready_cards_and_their_count_are_what_the_orm_reads(
    learner, other_learner, django_assert_num_queries
):
    """`ready_cards` and `ready_count` (SQL compiled once per shape) give the review page's ORM
    reads: due by `now` and today (each boundary to the microsecond), a question's own module
    or else its lesson's, its own level or else its lesson's, in order, each question whole."""
    from tests.conftest import make_lesson

    lesson = make_lesson(level="advanced")
    module = lesson.module
    other = make_lesson().module
    end = review.end_of_day(NOW)
    tick = timedelta(microseconds=1)
    questions = [
        (make_question(lesson=lesson), NOW - timedelta(days=3)),  # advanced by its lesson
        (make_question("policy_decision", lesson=None, module=module), NOW - tick),
        (make_question(lesson=lesson, module=other, level="associate"), NOW),
        (make_question(lesson=None), NOW),  # foundational, no module: same due, by id
        (make_question(level="advanced"), NOW + tick),
        (make_question(lesson=lesson), end - tick),
        (make_question(lesson=lesson), end),  # tomorrow
    ]
    for question, due in questions:
        for user in (learner, other_learner):
            card = review.card_record(user=user, question=question, correct=False, now=NOW)
            ReviewCard.objects.filter(pk=card.pk).update(due=due)
    seen = set()
    for now in (NOW - timedelta(days=4), NOW - tick, NOW, NOW + tick, end - tick, end):
        for module_id in (None, module.pk, other.pk, 0):
            for level in ("", "foundational", "associate", "advanced"):
                filters = {"now": now, "module_id": module_id, "level": level}
                orm = list(
                    _orm_ready(learner, **filters).select_related(
                        "question__lesson__module", "question__scenario"
                    )[: review.READY_PICKED]
                )
                with django_assert_num_queries(1):
                    cards = review.ready_cards(user=learner, **filters)
                assert [c.pk for c in cards] == [c.pk for c in orm]
                for card, expected in zip(cards, orm, strict=True):
                    _same_card(card, expected)
                with django_assert_num_queries(1):
                    count = review.ready_count(user=learner, **filters)
                assert count == _orm_ready(learner, **filters).count()
                seen.add(len(cards))
    assert {0, 1, 2, 3} <= seen  # none ready, and some


def test_the_ready_cards_are_the_first_fifty_in_order(learner):
    for i in range(review.READY_PICKED + 2):
        card = review.card_record(user=learner, question=make_question(), correct=False, now=NOW)
        ReviewCard.objects.filter(pk=card.pk).update(due=NOW - timedelta(minutes=i % 7))
    cards = review.ready_cards(user=learner, now=NOW)
    orm = _orm_ready(learner, NOW, None, "")[: review.READY_PICKED]
    assert [c.pk for c in cards] == [c.pk for c in orm]
    assert len(cards) == review.READY_PICKED
    assert review.ready_count(user=learner, now=NOW) == review.READY_PICKED + 2
