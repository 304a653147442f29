"""Bounded review sittings ("keep going") and the review queue filtered by module."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import review
from quizzes.models import ReviewCard
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_midday(midday):
    """ "Later today" needs room left in the day."""


def _miss(user, question, hours=3):
    review.card_record(
        user=user, question=question, correct=False, now=timezone.now() - timedelta(hours=hours)
    )


@pytest.fixture
def two_modules(learner):
    """Three missed questions in module A (one by its lesson only) and two in module B."""
    a, b = make_module(title="Module A"), make_module(title="Module B")
    lesson_a, lesson_b = make_lesson(a), make_lesson(b)
    questions = {
        "a": [
            make_question("true_false", prompt=f"A question {n}?", lesson=lesson_a, module=a)
            for n in range(2)
        ]
        + [make_question("true_false", prompt="A by lesson?", lesson=lesson_a, module=None)],
        "b": [
            make_question("true_false", prompt=f"B question {n}?", lesson=lesson_b, module=b)
            for n in range(2)
        ],
    }
    for group in questions.values():
        for question in group:
            _miss(learner, question)
    return {"a": a, "b": b, "questions": questions}


def _answer(client, question, module=""):
    data = {"answer": "true" if question.data["answer"] else "false"}
    if module:
        data["module"] = module
    return client.post(reverse("quizzes:review-answer", args=[question.pk]), data)


def _shown(body: str, questions) -> list:
    return [q for q in questions if q.prompt in body]


def test_a_sitting_stops_after_its_size_and_keep_going_starts_another(
    learner_client, two_modules, settings
):
    settings.REVIEW_SESSION_SIZE = 2
    everything = two_modules["questions"]["a"] + two_modules["questions"]["b"]
    for _ in range(2):
        body = learner_client.get(reverse("quizzes:review")).content.decode()
        [question] = _shown(body, everything)
        body = _answer(learner_client, question).content.decode()
    assert "Next question" not in body
    assert "Keep going: 2 more" in body and "That is 2 questions in this sitting" in body
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert _shown(body, everything) == []
    assert "3 questions due now" in body and "Keep going" in body
    # answering a card directly still works (nothing is lost), but the page offers no more
    response = learner_client.post(reverse("quizzes:review-more"))
    assert response.status_code == 302 and response.url == reverse("quizzes:review")
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert len(_shown(body, everything)) == 1


def test_the_default_sitting_is_twenty(settings):
    assert review.session_size() == 20


def test_a_pause_of_over_an_hour_starts_a_new_sitting():
    session: dict = {}
    clock = iter([1000.0, 1000.0, 1010.0, 1010.0 + review.SESSION_GAP + 1]).__next__
    assert review.session_count_answer(session, clock=clock) == 1
    assert review.session_answered(session, clock=clock) == 1
    assert review.session_answered(session, clock=clock) == 0


def test_the_queue_filters_by_module(learner_client, two_modules):
    a, b = two_modules["a"], two_modules["b"]
    in_a, in_b = two_modules["questions"]["a"], two_modules["questions"]["b"]
    body = learner_client.get(reverse("quizzes:review"), {"module": a.slug}).content.decode()
    assert "3 questions due now in Module A" in body
    assert f'<option value="{a.slug}" selected>' in body
    assert len(_shown(body, in_a)) == 1 and _shown(body, in_b) == []
    # answering keeps the filter: the next question comes from the same module
    [question] = _shown(body, in_a)
    body = _answer(learner_client, question, module=a.slug).content.decode()
    assert "2 questions due now in Module A" in body
    assert f'href="/quizzes/review/?module={a.slug}"' in body
    body = learner_client.get(reverse("quizzes:review"), {"module": a.slug}).content.decode()
    assert len(_shown(body, in_a)) == 1 and _shown(body, in_b) == []
    body = learner_client.get(reverse("quizzes:review"), {"module": b.slug}).content.decode()
    assert "2 questions due now in Module B" in body and _shown(body, in_a) == []


def test_a_module_with_nothing_due_says_so_and_points_to_the_others(learner_client, two_modules):
    # Module B's two answered (right, so pushed to later today) while A's three are due: the
    # page said "Nothing is due now." and "Well done: nothing left to review today." beside a
    # Review badge of 3, and offered no way to the three.
    b = two_modules["b"]
    for question in two_modules["questions"]["b"]:
        answered = _answer(learner_client, question, module=b.slug).content.decode()
    shown = learner_client.get(reverse("quizzes:review"), {"module": b.slug}).content.decode()
    for body in (answered, shown):
        assert "Nothing is due now in Module B." in body
        assert "Well done" not in body
        assert "3 questions are due now in other modules" in body
        assert '<a href="/quizzes/review/">review every module</a>' in body
    # with nothing due anywhere, the page says so as before
    for question in two_modules["questions"]["a"]:
        body = _answer(learner_client, question, module=two_modules["a"].slug).content.decode()
    assert "other modules" not in body and "Nothing is due now in Module A." in body


def test_keep_going_keeps_the_module(learner_client, two_modules):
    a = two_modules["a"]
    response = learner_client.post(reverse("quizzes:review-more"), {"module": a.slug})
    assert response.url == f"/quizzes/review/?module={a.slug}"
    response = learner_client.post(reverse("quizzes:review-more"), {"module": "no-such"})
    assert response.url == "/quizzes/review/"


def test_an_unknown_module_is_reported_and_everything_shown(learner_client, two_modules):
    body = learner_client.get(reverse("quizzes:review"), {"module": "networking"}).content
    body = body.decode()
    assert "There is no module “<bdi>networking</bdi>”: showing every module." in body
    assert "5 questions due now." in body


def test_the_sitting_count_does_not_promise_more_questions_than_are_due(
    learner_client, two_modules
):
    """Five due and a sitting of twenty: after one answer the page said "1 of 20 answered in
    this sitting", as if nineteen more were coming."""
    everything = two_modules["questions"]["a"] + two_modules["questions"]["b"]
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    [question] = _shown(body, everything)
    _answer(learner_client, question)
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert "4 questions due now." in body
    assert "1 of 20" not in body
    assert "1 answered in this sitting, which pauses after 20." in body


def test_a_learner_with_nothing_ever_missed_is_told_how_questions_get_here(learner_client, learner):
    """A brand-new learner's queue said "Well done: nothing left to review today", praise for
    work not done and no word of what the page is for."""
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert "Well done" not in body
    assert "Nothing to review yet." in body
    assert "A question you miss in a quiz comes back here" in body
    # A learner whose cards are all due on later days has cleared today's: the praise is due.
    _miss(learner, make_question("true_false", prompt="Missed once?"))
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() + timedelta(days=3))
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert "Well done: nothing left to review today." in body
    assert "Nothing to review yet." not in body
