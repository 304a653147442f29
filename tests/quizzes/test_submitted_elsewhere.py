"""A page of an attempt left open when another tab or window submitted it lands on the result
with a word about why (quizzes.views._closed_elsewhere), in the page's status messages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.views import SUBMITTED_ELSEWHERE
from tests.quizzes.builders import make_question, make_quiz, page_text, start_through_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(learner_client):
    """An attempt submitted (in "another tab") with its question page still open here."""
    attempt = start_through_page(learner_client, make_quiz(make_question("true_false")))
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    return attempt


def result_says(client, response) -> str:
    url = response.get("HX-Redirect") or response["Location"]
    assert url == reverse("quizzes:result", args=[Attempt.objects.get().pk])
    return page_text(client.get(url))


def test_an_answer_sent_after_a_submit_elsewhere_lands_with_a_notice(learner_client, submitted):
    response = learner_client.post(
        reverse("quizzes:answer", args=[submitted.pk, 1]), {"action": "save", "answer": "true"}
    )
    assert SUBMITTED_ELSEWHERE in result_says(learner_client, response)


def test_an_autosave_after_a_submit_elsewhere_lands_with_a_notice(learner_client, submitted):
    response = learner_client.post(
        reverse("quizzes:answer", args=[submitted.pk, 1]),
        {"action": "autosave", "answer": "true"},
        headers={"HX-Request": "true"},
    )
    assert SUBMITTED_ELSEWHERE in result_says(learner_client, response)


def test_a_question_link_after_a_submit_elsewhere_lands_with_a_notice(learner_client, submitted):
    response = learner_client.get(
        reverse("quizzes:take", args=[submitted.pk]) + "?q=1", headers={"HX-Request": "true"}
    )
    assert SUBMITTED_ELSEWHERE in result_says(learner_client, response)


def test_the_notice_is_in_the_pages_status_region(learner_client, submitted):
    learner_client.post(reverse("quizzes:flag", args=[submitted.pk, 1]), {"flagged": "1"})
    body = learner_client.get(reverse("quizzes:result", args=[submitted.pk])).content.decode()
    region = re.search(r'<div role="status"><ul class="messages">(.*?)</ul></div>', body, re.S)
    assert region and SUBMITTED_ELSEWHERE in region.group(1)


def test_back_after_submitting_here_says_nothing(learner_client, submitted):
    """A plain load of the question page (Back, after this tab's own submit) is not news."""
    response = learner_client.get(reverse("quizzes:take", args=[submitted.pk]))
    assert SUBMITTED_ELSEWHERE not in result_says(learner_client, response)


def test_a_double_click_on_submit_says_nothing_but_a_late_submit_does(learner_client, submitted):
    url = reverse("quizzes:submit", args=[submitted.pk])
    assert SUBMITTED_ELSEWHERE not in result_says(learner_client, learner_client.post(url))
    Attempt.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=2)
    )
    assert SUBMITTED_ELSEWHERE in result_says(learner_client, learner_client.post(url))


def test_an_attempt_closed_by_its_time_limit_says_that_instead(learner_client):
    """Closed at its deadline (by another tab, or by a teacher's look at it), the page says the
    time ran out, not that another tab submitted it."""
    attempt = start_through_page(
        learner_client, make_quiz(make_question("true_false"), time_limit=10)
    )
    ago = timezone.now() - timedelta(minutes=30)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=ago,
        deadline=ago + timedelta(minutes=10),
        submitted_at=ago + timedelta(minutes=10),
    )
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "save", "answer": "true"}
    )
    text = result_says(learner_client, response)
    assert "Time is up" in text and SUBMITTED_ELSEWHERE not in text
