"""Attempts made before signing in belong to the account afterwards, misses and all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt, ReviewCard
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def test_signing_in_carries_anonymous_attempts_and_their_misses(client, learner):
    quiz = make_quiz(make_question("true_false"), make_question("single"))
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    client.post(reverse("quizzes:submit", args=[attempt.pk]))  # nothing answered: two misses
    client.post(reverse("account_login"), {"login": "ada", "password": "a-long-passphrase-1"})
    attempt.refresh_from_db()
    assert attempt.user == learner
    assert ReviewCard.objects.filter(user=learner).count() == 2
    body = client.get(quiz.get_absolute_url()).content.decode()
    assert body.count("Review this attempt") == 1


def test_another_browsers_attempts_stay_where_they_are(client, learner):
    quiz = make_quiz(make_question("true_false"))
    Attempt.objects.create(
        quiz=quiz, learner_key="someone-else", question_ids=[], started_at="2026-01-01T00:00Z"
    )
    client.post(reverse("account_login"), {"login": "ada", "password": "a-long-passphrase-1"})
    assert Attempt.objects.get().user is None
