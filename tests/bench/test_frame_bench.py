"""What the page frame costs (templates/base.html, the header, footer and messages, and every
context processor), as each kind of visitor sees it: a page whose own block is one paragraph,
drawn many times over on one real request (the middleware has run: session, user, messages,
the resolver's match), CPU time per render. Run with `make bench`; `FRAME_PROFILE=<role>`
prints a profile of that role's renders. Figures go into the one table; no budget.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.messages.storage import default_storage
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

from srm_trainer.accounts.roles import set_instructor
from tests.bench import report
from tests.bench.batches import print_profile
from tests.conftest import sign_in

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = 200
ROUNDS = int(os.environ.get("FRAME_ROUNDS", "7"))
FRAME = '{% extends "base.html" %}{% block content %}<p>Only the frame.</p>{% endblock %}'
_measured: dict[str, tuple[float, int]] = {}


def frame_view(request):
    """Draws the one-paragraph page RUNS times a round (each render runs the context
    processors afresh, as a page does), keeps the least round's CPU per render."""
    template = engines["django"].from_string(FRAME)
    with_message = request.GET.get("message") == "1"

    def render():
        if with_message:  # one message a page, as after a form's redirect
            request._messages = default_storage(request)
            messages.success(request, "Saved.")
        return template.render({}, request)

    for _ in range(20):
        render()
    rounds = []
    for _ in range(ROUNDS):
        start = time.thread_time()
        for _ in range(RUNS):
            render()
        rounds.append((time.thread_time() - start) * 1000 / RUNS)
    role = request.GET["role"]
    print_profile(role, render, runs=RUNS, env="FRAME")
    with CaptureQueriesContext(connection) as queries:
        render()
    _measured[role] = (min(rounds), len(queries))
    return HttpResponse(render())


urlpatterns = [path("frame-only/", frame_view), path("", include("srm_trainer.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_what_the_frame_costs():
    from quizzes import review
    from tests.quizzes.builders import make_question

    users = get_user_model().objects
    learner = users.create_user("frame-learner", password="x" * 12)
    due = users.create_user("frame-due", password="x" * 12)
    instructor = users.create_user("frame-instructor", password="x" * 12)
    set_instructor(user=instructor, instructor=True)
    staff = users.create_user("frame-staff", password="x" * 12, is_staff=True)
    past = timezone.now() - timedelta(days=2)
    for _ in range(3):
        review.card_record(user=due, question=make_question(), correct=False, now=past)
    cases = [
        ("anonymous", None, ""),
        ("learner", learner, ""),
        ("learner, 3 due for review", due, ""),
        ("learner, a message", learner, "&message=1"),
        ("instructor", instructor, ""),
        ("staff", staff, ""),
    ]
    for role, user, more in cases:
        client = Client()
        if user is not None:
            sign_in(client, user)
        response = client.get(f"/frame-only/?role={role}{more}")
        assert response.status_code == 200
        ms, queries = _measured[role]
        report.record("pages", f"page frame: {role}", ms, "ms", note=f"{queries} queries")
        print(f"frame, {role:28} {ms:6.3f} ms  {queries} q  (least of {ROUNDS} rounds of {RUNS})")
    print("load average", os.getloadavg())
