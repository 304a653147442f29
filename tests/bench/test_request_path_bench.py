"""What every request pays around its view (middleware, session, user, request log, the base
template): the cheapest pages, anonymous and signed in, staff past the MFA guard, a POST
refused before any page is drawn, and allauth's sign-in page, through the test client. Run with `make bench`; `REQUEST_PROFILE=1` prints a profile of each.
Figures go into the one table (tests/bench/report.py), CPU time per request; no budget.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.bench import report
from tests.conftest import give_mfa, sign_in

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = 300
ROUNDS = 5


def cpu_ms(client: Client, url: str, status: int, method: str = "get") -> float:
    """The least, over a few rounds, of a round's mean CPU time per request."""
    send = getattr(client, method)
    for _ in range(20):  # warm: caches, compiled queries, templates
        assert send(url).status_code == status, url
    rounds = []
    for _ in range(ROUNDS):
        start = time.thread_time()
        for _ in range(RUNS):
            send(url)
        rounds.append((time.thread_time() - start) * 1000 / RUNS)
    if os.environ.get("REQUEST_PROFILE"):
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(RUNS):
            send(url)
        profile.disable()
        print(f"\n=== {url}")
        pstats.Stats(profile).sort_stats(os.environ["REQUEST_PROFILE"]).print_stats(60)
    return min(rounds)


def test_fixed_cost_of_a_request():
    learner = get_user_model().objects.create_user("bench-path", password="x" * 12)
    signed_in = Client()
    sign_in(signed_in, learner)
    # Staff with an authenticator, under /teach/: the MFA guard's path (a 404 past it).
    staff = get_user_model().objects.create_user("bench-staff", password="x" * 12, is_staff=True)
    give_mfa(staff)
    staff_client = Client()
    sign_in(staff_client, staff)
    cases = [
        ("security page, anonymous", Client(), "get", "/security/", 200),
        ("security page, signed in", signed_in, "get", "/security/", 200),
        ("a page that is not there, signed in", signed_in, "get", "/no-such-page/", 404),
        ("a /teach/ page not there, staff", staff_client, "get", "/teach/no-such-page/", 404),
        ("POST to a GET-only page, anonymous", Client(), "post", "/security/", 405),
        ("sign-in page, anonymous", Client(), "get", "/accounts/login/", 200),
    ]
    for what, client, method, url, status in cases:
        ms = cpu_ms(client, url, status, method)
        with CaptureQueriesContext(connection) as queries:
            getattr(client, method)(url)
        report.record("pages", f"request path: {what}", ms, "ms", note=f"{len(queries)} queries")
        print(f"{what:40} {ms:6.3f} ms  {len(queries)} q  (min of {ROUNDS} rounds of {RUNS})")
    print("load average", os.getloadavg())
