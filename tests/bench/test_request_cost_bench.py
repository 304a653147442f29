"""The fixed cost of a signed-in request (issue 15): home, a lesson, the quiz list and the
teaching dashboard for a learner and for an instructor, on the shipped course, through the
test client. Run with `make bench` (or `REQUEST_PROFILE=1` to print a profile of each page).
Figures go into the one table (tests/bench/report.py); no budget: they are for comparison
between runs (the README's "Performance").
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import Lesson
from srm_trainer.accounts.roles import set_instructor
from tests.bench import report
from tests.conftest import give_mfa
from tests.shipped import load_shipped

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

RUNS = 200


def samples_ms(client: Client, url: str) -> list[float]:
    for _ in range(10):  # warm: caches, the kept order, rendered Markdown
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(RUNS):
        start = time.thread_time()
        client.get(url)
        times.append((time.thread_time() - start) * 1000)
    if os.environ.get("REQUEST_PROFILE"):
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(RUNS):
            client.get(url)
        profile.disable()
        print(f"\n=== {url}")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    return times


def test_signed_in_request_cost():
    load_shipped()
    lesson = Lesson.objects.select_related("module").order_by("module__order", "order")[3]
    pages = {
        "home": reverse("home"),
        "lesson": reverse("lesson", args=[lesson.module.slug, lesson.slug]),
        "quiz list": reverse("quizzes:list"),
    }
    User = get_user_model()
    learner = User.objects.create_user("bench-learner", password="x" * 12)
    instructor = User.objects.create_user("bench-instructor", password="x" * 12)
    set_instructor(user=instructor, instructor=True)
    give_mfa(instructor)
    people = {
        "learner": (learner, pages),
        "instructor": (instructor, pages | {"teach dashboard": reverse("teach:dashboard")}),
    }
    for who, (user, urls) in people.items():
        client = Client()
        client.force_login(user)
        for page, url in urls.items():
            times = samples_ms(client, url)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            report.record_samples(
                "signed-in requests",
                f"{page}, {who}",
                times,
                "ms",
                note=f"{len(queries)} queries",
            )
            print(f"{who:10} {page:16} {statistics.median(times):6.2f} ms  {len(queries)} q")
