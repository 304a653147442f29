"""One learner's own history growing (tests/heavy_learner.py): every page and action that
learner reaches, their instructor's view of them and the admin's, with the history at 1x
(20 attempts, 400 answers, 30 review cards), 10x and 100x (2,000 attempts, 40,000 answers,
3,000 review cards): queries and server CPU per request, into the one table
(tests/bench/report.py). Also the data download's size, time and peak memory, and closing
the account. Run with `make bench` (`HISTORY_PAGES=name,...` measures only those).

Query counts must not grow with the history (the page-cost tests hold the pages to that in
`make test`: tests/accounts/test_history_cost.py); every page stays within 3 times its 1x
CPU plus 5 ms at 100x (the admin's lists, a page of 100 rows, 1.5 times their 10x), each
scale's figure the lowest of `HISTORY_RUNS` requests taken in turn with the other scales'
(`batches.in_turn`: the three histories side by side, so a burst of load hits all three), the
files that hold every answer (the data download, the cohort's answers CSV) stream in bounded
memory and closing the account stays under a second."""

from __future__ import annotations

import os
import time
import tracemalloc
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import ReviewCard
from srm_trainer.accounts import closing
from tests.bench import batches, report
from tests.conftest import give_mfa
from tests.heavy_learner import build

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

RUNS = int(os.environ.get("HISTORY_RUNS", "5"))
SCALES = (1, 10, 100)
# Files that hold every answer, so their time follows the history (streamed, rate-limited).
STREAMED_EXPORTS = ("answers csv",)


def _pages(history) -> list[tuple[str, str, str]]:
    learner = history.learner
    c = f"/teach/cohorts/{history.cohort.pk}"
    card = ReviewCard.objects.filter(user=learner).order_by("due", "pk").first()
    return [
        ("learner", "home", "/"),
        ("learner", "progress", reverse("certificates:progress")),
        ("learner", "quiz list", reverse("quizzes:list")),
        ("learner", "quiz", reverse("quizzes:detail", args=[history.quiz.slug])),
        ("learner", "result", reverse("quizzes:result", args=[history.latest.pk])),
        ("learner", "review", reverse("quizzes:review")),
        ("learner", "review card", reverse("quizzes:review-answer", args=[card.question_id])),
        ("learner", "certificate", reverse("certificates:mine")),
        ("learner", "certificate pdf", reverse("certificates:pdf")),
        ("learner", "my cohorts", reverse("cohorts:mine")),
        ("learner", "your data", "/accounts/data/"),
        ("learner", "search", reverse("search") + "?q=policy"),
        ("learner", "sandbox", reverse("sandbox")),
        ("instructor", "gradebook", f"{c}/"),
        ("instructor", "learner", f"{c}/learners/{learner.pk}/"),
        ("instructor", "gradebook csv", f"{c}/gradebook.csv"),
        ("instructor", "answers csv", f"{c}/answers.csv"),
        ("admin", "admin user", f"/admin/auth/user/{learner.pk}/change/"),
        ("admin", "admin attempts", f"/admin/quizzes/attempt/?user__id__exact={learner.pk}"),
        ("admin", "admin cards", f"/admin/quizzes/reviewcard/?user__id__exact={learner.pk}"),
        ("admin", "admin progress", f"/admin/lessons/lessonprogress/?user__id__exact={learner.pk}"),
    ]


def _get(client, url):
    response = client.get(url)
    size = 0
    if response.streaming:
        size = sum(len(piece) for piece in response.streaming_content)
    else:
        size = len(response.content)
    return response, size


def _prepare(clients, history) -> dict:
    """page -> (queries, size, call): each page asked for once (a warm-up), then counted."""
    only = os.environ.get("HISTORY_PAGES", "")
    out = {}
    for who, page, url in _pages(history):
        if only and page not in only.split(","):
            continue
        client = clients[who]

        def call(client=client, url=url, who=who, page=page):
            response, size = _get(client, url)
            assert response.status_code == 200, (who, page, response.status_code)
            return size

        call()
        with batches.Counted() as queries:
            size = call()
        out[page] = (len(queries), size, call)
    return out


def _download(client) -> tuple[int, float, int, int]:
    """Queries, CPU ms, bytes and peak traced memory of a data download (the CPU from a run
    without tracemalloc, which slows it several times over)."""
    cache.clear()  # the download's rate limit
    start = time.thread_time()
    with batches.Counted() as queries:
        response = client.get("/accounts/data/download/")
        size = sum(len(piece) for piece in response.streaming_content)
    spent = (time.thread_time() - start) * 1000
    assert response.status_code == 200
    tracemalloc.start()
    sum(len(piece) for piece in client.get("/accounts/data/download/").streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return len(queries), spent, size, peak


def _review_answer(client, history) -> tuple[int, float]:
    """Queries and CPU ms of answering a review card (a true/false one, made due)."""
    card = (
        ReviewCard.objects.filter(user=history.learner, question__type="true_false")
        .order_by("pk")
        .first()
    )
    ReviewCard.objects.filter(pk=card.pk).update(due=timezone.now() - timedelta(hours=1))
    cache.clear()  # the answer rate limit
    url = reverse("quizzes:review-answer", args=[card.question_id])
    start = time.thread_time()
    with batches.Counted() as queries:
        response = client.post(url, {"answer": "true"}, headers={"HX-Request": "true"})
    spent = (time.thread_time() - start) * 1000
    assert response.status_code == 200
    return len(queries), spent


def _sign_in() -> tuple[int, float]:
    cache.clear()  # sign-in's rate limit
    client = Client()
    client.get("/accounts/login/")
    start = time.thread_time()
    with batches.Counted() as queries:
        response = client.post(
            "/accounts/login/", {"login": "heavy-100", "password": "correct-horse-42"}
        )
    spent = (time.thread_time() - start) * 1000
    assert response.status_code == 302, response.status_code
    return len(queries), spent


def test_one_learner_with_a_long_history():
    call_command("load_curriculum", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("bench-root")
    give_mfa(root)
    prepared, downloads, reviews, histories = {}, {}, {}, {}
    for scale in SCALES:
        history = histories[scale] = build(scale, username=f"heavy-{scale}")
        give_mfa(history.instructor)
        clients = {"learner": Client(), "instructor": Client(), "admin": Client()}
        clients["learner"].force_login(history.learner)
        clients["instructor"].force_login(history.instructor)
        clients["admin"].force_login(root)
        prepared[scale] = _prepare(clients, history)
    # Every page at every scale in turn, the three histories side by side: a burst of the
    # machine's load lands on one batch of each scale, not on all of one (batches.in_turn).
    timed = batches.in_turn(
        {(scale, page): call for scale in SCALES for page, (_, _, call) in prepared[scale].items()},
        rounds=RUNS,
    )
    results = {
        scale: {page: (count, timed[scale, page], size)
                for page, (count, size, _) in prepared[scale].items()}
        for scale in SCALES
    }  # fmt: skip
    for scale in SCALES:
        clients = {"learner": Client()}
        clients["learner"].force_login(histories[scale].learner)
        downloads[scale] = _download(clients["learner"])
        reviews[scale] = _review_answer(clients["learner"], histories[scale])
    print(f"\nlowest of {RUNS} batches of one request, every page and scale in turn, CPU ms")
    grew, slow = [], []
    base = results[1]
    for page, (count, samples, size) in base.items():
        low = min(samples)
        line = f"{page:20} 1x {count:3} q {low:7.1f} ms {size / 1000:6.0f} KB"
        for scale in SCALES[1:]:
            big_count, big_samples, big_size = results[scale][page]
            high = min(big_samples)
            line += f" | {scale}x {big_count:3} q {high:7.1f} ms {big_size / 1000:6.0f} KB"
            report.record_samples(
                "pages", f"heavy learner: {page}, {scale}x", big_samples, "ms",
                note=f"{big_count} q; lowest {high:.1f} ms; 1x {count} q, lowest {low:.1f} ms",
            )  # fmt: skip
            if big_count > count:
                grew.append((page, scale, count, big_count))
        print(line)
        # The admin's lists show a page of 100 rows, which the 1x history does not fill.
        limit = 3 * low + 5 if not page.startswith("admin") else 1.5 * min(results[10][page][1]) + 5
        if page in STREAMED_EXPORTS:  # every answer, streamed: ~25 µs each (docs/limits.md)
            limit = 2_000
        if min(results[100][page][1]) > limit:
            slow.append(line)
    for scale, (count, spent, size, peak) in downloads.items():
        print(f"data download {scale}x: {count} q {spent:.0f} ms {size / 1e6:.1f} MB, "
              f"peak {peak / 1e6:.1f} MB")  # fmt: skip
        report.record("memory", f"data download, {scale}x history", peak / 1e6, "MB",
                      note=f"{size / 1e6:.1f} MB sent, {spent:.0f} ms CPU, {count} q")  # fmt: skip
    for scale, (count, spent) in reviews.items():
        print(f"review answer {scale}x: {count} q {spent:.1f} ms")
        report.record("pages", f"heavy learner: review answer, {scale}x", spent, "ms",
                      note=f"{count} q")  # fmt: skip
    assert reviews[100][0] == reviews[1][0]
    q, spent = _sign_in()
    print(f"sign-in 100x: {q} q {spent:.0f} ms")
    report.record("pages", "heavy learner: sign-in, 100x", spent, "ms", note=f"{q} q")
    closes = {}
    for scale in SCALES:
        learner = histories[scale].learner
        start = time.perf_counter()
        with batches.Counted() as queries:
            closing.close_account(learner)
        spent = closes[scale] = (time.perf_counter() - start) * 1000
        print(f"close account {scale}x: {len(queries)} q {spent:.0f} ms")
        report.record("pages", f"heavy learner: close account, {scale}x", spent, "ms",
                      note=f"{len(queries)} q, wall time")  # fmt: skip
    assert grew == []
    assert slow == []
    assert downloads[100][3] < 20e6  # streamed: memory does not follow the history
    assert downloads[100][1] < 3_000  # ~8 µs an answer (docs/limits.md; its own bench holds less)
    assert closes[100] < 1_000
