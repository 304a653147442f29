"""One learner's own history growing: every page and action they reach, their instructor's
view of them and the admin's, cost the same number of queries with 20 attempts (400 answers,
30 review cards) or ten times as many (tests/heavy_learner.py); the quiz page lists the latest
attempts and says how many there are; closing the account costs the same queries either way;
the data download holds every attempt and answer. Timing, the 100x history and the
download's memory live in tests/bench/test_learner_history_bench.py (`make bench`)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.gradebook import ATTEMPTS_SHOWN
from curriculum.quiz_loader import load_quizzes
from lessons.models import LessonProgress, ModuleCompletions
from quizzes.models import Answer, Attempt, ReviewCard
from quizzes.views import PAST_ATTEMPTS_SHOWN
from srm_trainer.accounts import closing, export
from tests.conftest import give_mfa, page_queries, sign_in
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.heavy_learner import build
from tests.shipped import load_shipped

pytestmark = pytest.mark.django_db


def _pages(history, admin_pk) -> list[tuple[str, str]]:
    learner = history.learner
    c = f"/teach/cohorts/{history.cohort.pk}"
    card = ReviewCard.objects.filter(user=learner).order_by("due", "pk").first()
    assert card is not None
    return [
        ("learner", "/"),
        ("learner", reverse("certificates:progress")),
        ("learner", reverse("quizzes:list")),
        ("learner", reverse("quizzes:detail", args=[history.quiz.slug])),
        ("learner", reverse("quizzes:result", args=[history.latest.pk])),
        ("learner", reverse("quizzes:review")),
        ("learner", reverse("quizzes:review-answer", args=[card.question_id])),
        ("learner", reverse("certificates:mine")),
        ("learner", reverse("cohorts:mine")),
        ("learner", "/accounts/data/"),
        ("learner", reverse("search") + "?q=policy"),
        ("instructor", f"{c}/"),
        ("instructor", f"{c}/learners/{learner.pk}/"),
        ("instructor", f"{c}/gradebook.csv"),
        ("instructor", f"{c}/answers.csv"),
        ("admin", f"/admin/auth/user/{learner.pk}/change/"),
        ("admin", f"/admin/quizzes/attempt/?user__id__exact={learner.pk}"),
        ("admin", f"/admin/quizzes/reviewcard/?user__id__exact={learner.pk}"),
    ]


def _costs(history, admin) -> dict[str, int]:
    give_mfa(history.instructor)
    clients = {"learner": Client(), "instructor": Client(), "admin": Client()}
    for who, user in (("learner", history.learner), ("instructor", history.instructor),
                      ("admin", admin)):  # fmt: skip
        sign_in(clients[who], user)
    out = {}
    for who, url in _pages(history, admin.pk):
        client = clients[who]
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        out[url.replace(str(history.learner.pk), "N").split("/teach/cohorts/")[-1]] = len(queries)
    return out


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The shipped course and quizzes with both learners, built once for the module in a
    transaction rolled back when it ends; each test runs in a savepoint inside it (`db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Unaudited while building only: a context variable set across the yield would be
        # restored at teardown to whatever the first test's set-up had set, leaving the audit
        # off for the modules after this one.
        with disable_auditlog():
            load_shipped()
            load_quizzes(shipped_quizzes(check_cases=False))
            admin = get_user_model().objects.create_superuser(
                "root-admin", password="a-long-pass-9"
            )
            give_mfa(admin)
            made = build(1, username="light"), build(10, username="heavy"), admin
        yield made
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        cache.clear()  # nothing kept about the rolled-back rows reaches the next module


@pytest.fixture
def histories(built, db):
    cache.clear()  # what the pages keep (the reading order, rate limits) starts afresh
    return built


def test_every_page_costs_the_same_queries_with_ten_times_the_history(histories):
    light, heavy, admin = histories
    assert Answer.objects.filter(attempt__user=heavy.learner).count() >= 2_500
    small, large = _costs(light, admin), _costs(heavy, admin)
    assert list(small.values()) == list(large.values()), (small, large)


def test_the_quiz_page_lists_the_latest_attempts_and_says_how_many(histories):
    _, heavy, _ = histories
    client = Client()
    sign_in(client, heavy.learner)
    mine = Attempt.objects.filter(user=heavy.learner, quiz=heavy.quiz)
    total = mine.count()
    assert total > PAST_ATTEMPTS_SHOWN
    _, page = page_queries(client, reverse("quizzes:detail", args=[heavy.quiz.slug]))
    rows = re.findall(r'href="/quizzes/attempts/(\d+)/result/"', page)
    newest = mine.order_by("-started_at", "-pk").values_list("pk", flat=True)
    assert rows == [str(pk) for pk in newest[:PAST_ATTEMPTS_SHOWN]]
    assert f"Showing your latest {PAST_ATTEMPTS_SHOWN} of {total:,} attempts." in page
    assert 'href="/accounts/data/">your data download</a> holds every one' in page


def test_a_quiz_page_with_few_attempts_lists_them_all_without_the_note(histories):
    light, _, _ = histories
    client = Client()
    sign_in(client, light.learner)
    total = Attempt.objects.filter(user=light.learner, quiz=light.quiz).count()
    assert 0 < total <= PAST_ATTEMPTS_SHOWN
    _, page = page_queries(client, reverse("quizzes:detail", args=[light.quiz.slug]))
    assert len(re.findall(r"Review this attempt", page)) == total
    assert "Showing your latest" not in page


def test_an_unfinished_attempt_older_than_those_listed_is_still_offered(histories):
    _, heavy, _ = histories
    oldest = Attempt.objects.filter(user=heavy.learner, quiz=heavy.quiz).order_by("started_at")[0]
    Attempt.objects.filter(pk=oldest.pk).update(submitted_at=None, score=None, passed=None)
    client = Client()
    sign_in(client, heavy.learner)
    _, page = page_queries(client, reverse("quizzes:detail", args=[heavy.quiz.slug]))
    assert f'href="/quizzes/attempts/{oldest.pk}/">Continue your attempt</a>' in page


def test_the_data_download_holds_every_attempt_and_answer(histories):
    _, heavy, _ = histories
    document = export.export_data(heavy.learner)
    attempts = document["quiz_attempts"]
    assert len(attempts) == Attempt.objects.filter(user=heavy.learner).count()
    assert sum(len(a["answers"]) for a in attempts) == (
        Answer.objects.filter(attempt__user=heavy.learner).count()
    )
    first = Attempt.objects.filter(user=heavy.learner).order_by("started_at", "pk")[0]
    answer = first.answers.order_by("pk").select_related("question")[0]
    assert attempts[0]["quiz"] == first.quiz.slug
    assert attempts[0]["answers"][0] == _as_sent({
        "question": answer.question.slug, "response": answer.response, "score": answer.score,
        "correct": answer.correct, "credit": None, "tries": 1, "certainty": None,
        "feedback": answer.feedback, "saved_at": answer.saved_at, "graded_at": answer.graded_at,
    })  # fmt: skip


def _as_sent(value):
    """`value` as the document holds it (dates as the JSON encoder writes them)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_closing_costs_the_same_queries_with_ten_times_the_history(histories):
    light, heavy, _ = histories
    counts = []
    for history in (light, heavy):
        # Each closing starts with the content types unread (the audit log's clean-up reads
        # them once a process): whether an earlier test in this process left them kept is no
        # cost of closing an account, and made the first count one higher in some test orders.
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            closing.close_account(history.learner)
        counts.append(len(queries))
        user = history.learner.pk
        assert not Attempt.objects.filter(user_id=user).exists()
        assert not Answer.objects.filter(attempt__user_id=user).exists()
        assert not LessonProgress.objects.filter(user_id=user).exists()
        assert not ModuleCompletions.objects.filter(user_id=user).exists()
    assert counts[0] == counts[1]


def test_the_instructors_learner_page_lists_the_latest_attempts_numbered_among_all(histories):
    _, heavy, _ = histories
    give_mfa(heavy.instructor)
    client = Client()
    sign_in(client, heavy.instructor)
    url = f"/teach/cohorts/{heavy.cohort.pk}/learners/{heavy.learner.pk}/"
    _, page = page_queries(client, url)
    counted = Attempt.objects.filter(user=heavy.learner, quiz=heavy.quiz).order_by(
        "started_at", "pk"
    )
    total = counted.count()
    assert total > ATTEMPTS_SHOWN
    section = page.split('<h2 id="a-')[1:]
    mine = next(s for s in section if f">{heavy.quiz.title}</h2>" in s)
    numbered = re.findall(r'href="/quizzes/attempts/(\d+)/result/">Attempt (\d+)</a>', mine)
    latest = list(counted.values_list("pk", flat=True))[-ATTEMPTS_SHOWN:]
    assert numbered == [
        (str(pk), str(n)) for n, pk in enumerate(latest, start=total - ATTEMPTS_SHOWN + 1)
    ]
    assert f"Showing the latest {ATTEMPTS_SHOWN} of {total:,} attempts" in mine
    assert "answers.csv" in mine


def _answer_a_card(history) -> tuple[int, int]:
    """Queries of a review answer (a true/false card made due), and its status."""
    card = (
        ReviewCard.objects.filter(user=history.learner, question__type="true_false")
        .order_by("pk")
        .first()
    )
    assert card is not None
    ReviewCard.objects.filter(pk=card.pk).update(due=timezone.now() - timedelta(hours=1))
    client = Client()
    sign_in(client, history.learner)
    url = reverse("quizzes:review-answer", args=[card.question_id])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"answer": "true"}, headers={"HX-Request": "true"})
    card.refresh_from_db()
    assert card.due > timezone.now()  # counted: rescheduled
    return len(queries), response.status_code


def test_answering_a_review_card_costs_the_same_queries_with_ten_times_the_history(histories):
    light, heavy, _ = histories
    assert _answer_a_card(light) == _answer_a_card(heavy)
