"""Attempts made before signing in belong to the account afterwards, misses and all."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import review
from quizzes.attempts import MAX_ANONYMOUS_ATTEMPTS
from quizzes.models import Attempt, ReviewCard
from quizzes.session_carry import LEARNER_KEY, MAX_CARRIED_RESULTS, carry_attempts
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


# --- a sign-in's carry is bounded (docs/limits.md, "A sign-in carries a bounded amount") ------


def _handed_in(quiz, key: str, count: int, *, missed: list | None = None) -> list[Attempt]:
    """`count` submitted attempts of a signed-out browser, written directly (as many starts
    and submits would leave them), each missing `missed` (every question by default)."""
    ids = [q.pk for q in quiz.questions.all()]
    made = Attempt.objects.bulk_create(
        Attempt(quiz=quiz, learner_key=key, question_ids=ids, started_at=timezone.now(),
                submitted_at=timezone.now() - timedelta(minutes=count - n))
        for n in range(count)
    )  # fmt: skip
    return made


def _key(client, quiz) -> str:
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    return client.session[LEARNER_KEY]


def test_a_signed_out_browser_keeps_a_bounded_number_of_attempts_and_is_told_to_sign_in(
    client, learner
):
    quiz = make_quiz(make_question("true_false"))
    other = make_quiz(make_question("true_false"))
    key = _key(client, quiz)
    client.post(reverse("quizzes:submit", args=[Attempt.objects.get().pk]))
    _handed_in(quiz, key, MAX_ANONYMOUS_ATTEMPTS - 1)
    response = client.post(reverse("quizzes:start", args=[other.slug]), follow=True)
    assert Attempt.objects.count() == MAX_ANONYMOUS_ATTEMPTS  # none started, none lost
    assert not Attempt.objects.filter(quiz=other).exists()
    said = html.unescape(response.content.decode())
    assert f"started {MAX_ANONYMOUS_ATTEMPTS} quiz attempts without signing in" in said
    assert "Sign in or create a free account" in said
    # Signed in, the same browser starts again, every attempt it made now the account's.
    client.post(reverse("account_login"), {"login": "ada", "password": "a-long-passphrase-1"})
    client.post(reverse("quizzes:start", args=[other.slug]))
    assert Attempt.objects.filter(user=learner).count() == MAX_ANONYMOUS_ATTEMPTS + 1


def test_a_sign_in_carries_any_number_of_attempts_in_the_same_queries(client, learner):
    quiz = make_quiz(make_question("true_false"), make_question("single"))
    key = _key(client, quiz)
    counts = []
    for many in (3, 3 * MAX_ANONYMOUS_ATTEMPTS):  # past the ceiling: attempts kept before it
        Attempt.objects.filter(learner_key=key).update(user=None)
        ReviewCard.objects.all().delete()
        _handed_in(quiz, key, many)
        with CaptureQueriesContext(connection) as queries:
            carried = carry_attempts(user=learner, learner_key=key)
        assert carried == Attempt.objects.filter(learner_key=key).count()
        assert not Attempt.objects.filter(user__isnull=True).exists()  # every one carried
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_sign_in_replays_at_most_its_share_of_answers_into_the_review_queue(
    client, learner, monkeypatch
):
    """Each replayed question is one scheduling step; the newest attempts are replayed first."""
    questions = [make_question("true_false") for _ in range(200)]
    quiz = make_quiz(*questions)
    key = _key(client, quiz)
    _handed_in(quiz, key, MAX_ANONYMOUS_ATTEMPTS - 1)
    steps = []
    reviewed = review._reviewed
    monkeypatch.setattr(review, "_reviewed", lambda *a: steps.append(a) or reviewed(*a))
    carry_attempts(user=learner, learner_key=key)
    assert len(steps) == MAX_CARRIED_RESULTS  # ten attempts of 200, of 49 handed in
    assert Attempt.objects.filter(user=learner).count() == MAX_ANONYMOUS_ATTEMPTS
    handed_in = Attempt.objects.filter(user=learner, submitted_at__isnull=False)
    newest = handed_in.order_by("-submitted_at")[0]  # not the open one: PostgreSQL sorts NULL first
    assert max(when for *_, when in steps) == newest.submitted_at


def test_attempts_replayed_together_schedule_as_one_by_one(learner, other_learner):
    missed, right = make_question("true_false"), make_question("single")
    times = [timezone.now() - timedelta(days=3), timezone.now() - timedelta(days=1)]
    sittings = [(t, [(missed, False), (right, True), (missed, False)]) for t in times]
    review.cards_replay(user_id=learner.pk, sittings=sittings)
    for when, results in sittings:
        review.cards_record(user=other_learner, results=results, now=when)
    together = ReviewCard.objects.get(user=learner)
    apart = ReviewCard.objects.get(user=other_learner)
    assert (together.reviews, together.lapses, together.due, together.card) == (
        apart.reviews, apart.lapses, apart.due, {**apart.card}
    )  # fmt: skip
    assert together.reviews == 4
