"""Pages that show a learner's own answers or personal data are kept by no cache (Django's
`never_cache`: `Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`), so
on a shared computer Back after signing out, or the browser's cache, shows them to nobody else.
The rule is per view, as the gradebook's and the authenticator set-up page's are: pages with
nothing of anyone's are left as they were."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, review
from quizzes.models import Attempt, ReviewCard
from tests.quizzes.builders import make_question, make_quiz, right_response

pytestmark = pytest.mark.django_db

# The learner's own pages, by URL name: each must carry `no-store` and `private`.
PRIVATE = [
    "quizzes:take",  # an attempt's question, its answer filled in
    "quizzes:summary",
    "quizzes:result",  # each question with the learner's answer (sent with no header until 2026-12-08)
    "quizzes:review",
    "quizzes:review-answer",  # a review question with the answer kept (until 2026-12-08)
    "certificates:progress",
    "certificates:mine",  # the name form, before issue (until 2026-12-08)
    "account_data",  # "Your data" (until 2026-12-08)
    "account_shown_name",  # the name instructors see (until 2026-12-08)
    "cohorts:mine",  # the learner's classes (until 2026-12-08)
    "account_email",  # the account's addresses: allauth's, every /accounts/ page (2026-12-08)
    "mfa_index",  # its two-factor keys
    "account_change_password",
]


@pytest.fixture
def learner_pages(learner, midday):
    """An address of each private page: an attempt in progress, one submitted, a review card
    due."""
    first, second = make_question("true_false"), make_question("true_false")
    quiz = make_quiz(first, second)
    open_attempt = attempts.attempt_start(quiz=quiz, user=learner)
    done = attempts.attempt_start(quiz=make_quiz(first), user=learner)
    attempts.answer_save(attempt=done, question=first, response=right_response(first))
    attempts.attempt_submit(attempt=done)
    now = timezone.now()
    review.card_record(user=learner, question=second, correct=False, now=now - timedelta(days=3))
    ReviewCard.objects.update(due=now - timedelta(hours=1))
    args = {
        "quizzes:take": [open_attempt.pk],
        "quizzes:summary": [open_attempt.pk],
        "quizzes:result": [done.pk],
        "quizzes:review-answer": [second.pk],
    }
    return {name: reverse(name, args=args.get(name)) for name in PRIVATE}


@pytest.mark.parametrize("name", PRIVATE)
def test_a_learners_own_pages_are_kept_by_no_cache(learner_client, learner_pages, name):
    response = learner_client.get(learner_pages[name])
    assert response.status_code == 200, (name, response.status_code)
    said = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= said, (name, response.get("Cache-Control"))


def test_a_signed_out_visitors_result_is_kept_by_no_cache_too(client):
    """A visitor with no account keeps the attempt in the browser's session: the same page."""
    question = make_question("true_false")
    started = client.post(reverse("quizzes:start", args=[make_quiz(question).slug]))
    assert started.status_code == 302
    attempt = Attempt.objects.latest("pk")
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    response = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/learn/glossary/", "/learn/srm/", "/security/"])
def test_pages_with_nothing_of_anyones_are_left_as_they_were(learner_client, url):
    """The rule is on the learner's pages, not on every signed-in response."""
    response = learner_client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
