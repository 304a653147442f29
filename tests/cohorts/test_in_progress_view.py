"""An instructor reading a learner's attempt still in progress (docs/teaching.md, Gradebook):
the answers saved so far, ungraded, with the keys kept back as the quiz keeps them."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from cohorts import services
from quizzes import attempts
from tests.cohorts.conftest import at, client_for
from tests.quizzes.builders import right_response

pytestmark = pytest.mark.django_db


def test_an_attempt_in_progress_keeps_every_explanation_back_answered_or_not(
    cohort, owner, learner, published
):
    """The quiz shows an explanation only once the answer is graded, and the teacher's view
    of an attempt in progress keeps the keys back as the quiz does: the explanation appeared
    under the question not answered yet (and only there), telling what the answered one
    hid. Neither shows one now; handed in, both do."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner, now=at(hours=2))
    answered, unanswered = published.questions.order_by("entries__order")
    attempt = attempts.attempt_start(quiz=published, user=learner, now=at(days=1))
    attempts.answer_save(
        attempt=attempt, question=answered, response=right_response(answered), now=at(days=1)
    )
    url = reverse("quizzes:result", args=[attempt.pk])
    page = html.unescape(client_for(owner).get(url).content.decode())
    assert "Not graded yet" in page and "Not answered yet" in page
    for question in (answered, unanswered):
        assert question.explanation not in page
    attempts.attempt_submit(attempt=attempt, now=at(days=1, minutes=5))
    page = html.unescape(client_for(owner).get(url).content.decode())
    for question in (answered, unanswered):
        assert question.explanation in page
