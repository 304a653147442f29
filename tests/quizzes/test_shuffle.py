"""No presentation gives the answer away by its position: the loader's stored layout is
shuffled (deterministically, by slug), and the review queue shuffles on every showing."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from curriculum.quiz_loader import with_layout
from quizzes import review
from quizzes.kinds import text_id
from quizzes.models import Attempt, Question
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.quizzes.builders import choices, make_question, make_quiz

ITEMS = ["First", "Second", "Third", "Fourth", "Fifth"]


def ordering_data(texts=ITEMS) -> dict:
    return {"items": [{"id": text_id(t), "text": t} for t in texts]}


def test_the_stored_layout_is_the_same_on_every_load_and_differs_between_questions():
    data = {"choices": choices(*[(t, t == "First") for t in ITEMS])}
    assert with_layout("q-one", data)["layout"] == with_layout("q-one", data)["layout"]
    layouts = {tuple(with_layout(f"q-{n}", data)["layout"]) for n in range(20)}
    assert len(layouts) > 10
    assert sorted(with_layout("q-one", data)["layout"]) == sorted(c["id"] for c in data["choices"])


@pytest.mark.parametrize("n", [2, 3, 5])
def test_an_ordering_question_is_never_laid_out_in_its_right_order(n):
    data = ordering_data(ITEMS[:n])
    key = [i["id"] for i in data["items"]]
    assert all(with_layout(f"o-{k}", data)["layout"] != key for k in range(50))


def test_the_shipped_questions_no_longer_show_the_right_choice_first():
    content = shipped_quizzes(check_cases=False)  # CONTENT_DIR's, against its lessons
    singles = [q for q in content.questions if q.type == "single"]
    first_right = [
        q.slug
        for q in singles
        if next(
            c for c in q.data["choices"] if c["id"] == with_layout(q.slug, q.data)["layout"][0]
        )["correct"]
    ]
    assert len(singles) >= 20
    assert len(first_right) < len(singles) / 2, first_right  # by chance about 1 in 4
    for q in content.questions:
        if q.type == "ordering":
            assert with_layout(q.slug, q.data)["layout"] != [i["id"] for i in q.data["items"]]


@pytest.mark.django_db
def test_an_attempt_without_shuffling_uses_the_stored_layout(learner_client):
    data = with_layout("stored", {"choices": choices(*[(t, t == "First") for t in ITEMS])})
    question = make_question("single", data=data)
    quiz = make_quiz(question, shuffle_choices=False)
    learner_client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    assert attempt.layout[str(question.pk)] == data["layout"]


@pytest.mark.django_db
def test_the_review_queue_shows_a_new_order_each_time(learner_client, learner):
    question = make_question("ordering", data=ordering_data())
    review.card_record(
        user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )

    def shown() -> list[str]:
        body = learner_client.get(reverse("quizzes:review")).content.decode()
        return [t for t in sorted(ITEMS, key=body.find) if t in body]

    seen = {tuple(shown()) for _ in range(8)}
    assert len(seen) > 1
    assert tuple(ITEMS) not in seen


def test_a_review_presentation_of_an_ordering_question_is_never_its_right_order():
    q = Question(type="ordering", data=ordering_data(ITEMS[:2]))
    rng = random.Random(7)
    assert all(
        review.presentation_order(q, rng) == [i["id"] for i in reversed(q.items())]
        for _ in range(20)
    )


@pytest.mark.django_db
def test_a_review_correction_keeps_the_order_the_learner_saw(learner_client, learner):
    question = make_question("ordering", data=ordering_data())
    review.card_record(
        user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    shown = [text_id(t) for t in ["Third", "Fifth", "First", "Fourth", "Second"]]
    response = learner_client.post(
        reverse("quizzes:review-answer", args=[question.pk]),
        {"shown": shown, f"pos_{shown[0]}": "1"},  # incomplete: the form comes back
    )
    body = response.content.decode()
    assert [t for t in sorted(ITEMS, key=body.find)] == [
        "Third",
        "Fifth",
        "First",
        "Fourth",
        "Second",
    ]
