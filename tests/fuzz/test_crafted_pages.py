"""Every page a role reaches takes values plausible in shape but wrong (`make fuzz` only).

Each role crawls the site (tests/crawler.py, over the world of tests/test_site_crawl.py:
one page of each kind, and for the superuser one of each admin kind too) and sends each
page's query fields, its forms' fields (hidden ones too), its file inputs and its htmx
headers the crafted values of tests/fuzz/crafted_inputs.py. No answer may be a 5xx, raise
(the test client raises the view's exception) or show a traceback, and in `make fuzz` each
request stays within the CPU budget of tests/fuzz/conftest.py. A failure lists each request
with its role, page, field and value. Thousands of requests a role (docs/testing.md,
"Fuzzing", says how long), so `make test` skips it; FUZZ_PAGES_LIMIT=N sends N of each
role's requests, chosen by FUZZ_PAGES_SEED (default 0), for a short run."""

from __future__ import annotations

import os
import re
import traceback
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from quizzes.models import Quiz
from tests.crawler import Budget, pages_reached
from tests.fuzz import crafted_inputs
from tests.fuzz.conftest import FUZZ, check_budget, timed
from tests.test_site_crawl import NO_THROTTLING, STARTS, world  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FUZZ, reason="thousands of requests a role: make fuzz runs it"),
]

LIMIT = int(os.environ["FUZZ_PAGES_LIMIT"]) if os.environ.get("FUZZ_PAGES_LIMIT") else None
SEED = int(os.environ.get("FUZZ_PAGES_SEED", "0"))
ROLES = ("anonymous", "learner", "instructor", "staff", "superuser")
TRACEBACK = b"Traceback (most recent call last)"
# Pages whose forms held a 500 once (a hidden stamp): a crawl that stopped reaching them
# would pass without trying them.
MUST_REACH = {"instructor": (r"/teach/quizzes/\d+/edit/", r"/teach/questions/\d+/edit/")}


def _budget(role: str) -> Budget:
    """One page of each kind; staff (the Administrators role) and the superuser also one of
    each admin kind they reach."""
    admin = role in ("staff", "superuser")
    return Budget(per_kind=1, per_admin_kind=int(admin), per_variant=1, total=600)


def _own_quiz(role: str, world) -> list[str]:  # noqa: F811
    """The instructor's own quiz: the world's start for them (the final exam's page, which
    the crawl's sample opens as its one quiz page) links to no editor, and the quiz settings
    page's hidden stamp was a 500 (docs/testing.md, "Fuzzing")."""
    if role != "instructor":
        return []
    own = Quiz.objects.filter(owner=world.users[role], published=True).order_by("pk").first()
    return [reverse("teach:quiz", args=[own.pk])] if own else []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_takes_crafted_values(role, world):  # noqa: F811
    session = world.sessions.get(role)
    client = Client(raise_request_exception=True)
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    starts = (*STARTS[role], *world.starts.get(role, ()), *_own_quiz(role, world))
    with override_settings(**NO_THROTTLING):
        pages = pages_reached(client, role, starts, _budget(role))
        seen: set = set()
        every = [p for url, page in pages for p in crafted_inputs.probes(url, page, seen)]
        sent = crafted_inputs.sample(every, LIMIT, SEED)
        failures = [f for probe in sent if (f := _send(client, session, role, probe))]
    print(f"{role}: {len(pages)} pages, {len(sent)} of {len(every)} requests sent")
    paths = {url.partition("?")[0] for url, _ in pages}
    missed = [p for p in MUST_REACH.get(role, ()) if not any(re.fullmatch(p, u) for u in paths)]
    assert not missed, f"{role}'s crawl never reached {missed}: their fields went untried"
    assert not failures, (
        f"{len(failures)} of {role}'s {len(sent)} requests failed (signed in as {role}; the "
        "other fields as the page gives them):\n" + "\n".join(failures)
    )
    check_budget(f"pages {role}")


def _send(client: Client, session: str | None, role: str, probe) -> str | None:
    """Send `probe` in a savepoint rolled back after it, from the role's own session (a
    sign-out sent before it does not sign the next one out); what went wrong, or None."""
    client.cookies = SimpleCookie()
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    try:
        with transaction.atomic():
            response = timed(f"pages {role}", lambda: probe.send(client), probe.describe)
            transaction.set_rollback(True)
    except Exception as error:
        return f"{role}: {probe.describe()}: raised {_raised(error)}"
    if response.status_code >= 500:
        return f"{role}: {probe.describe()}: answered {response.status_code}"
    if not getattr(response, "streaming", False) and TRACEBACK in response.content:
        return f"{role}: {probe.describe()}: a traceback in the page"
    return None


def _raised(error: Exception) -> str:
    """The exception, and the last line of ours it passed through (not a library's)."""
    ours = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(str(settings.BASE_DIR)) and "/.venv/" not in frame.filename
    ]
    where = ""
    if ours:
        frame = ours[-1]
        where = f" (from {Path(frame.filename).relative_to(settings.BASE_DIR)}:{frame.lineno})"
    return f"{type(error).__name__}: {str(error)[:300]}{where}"
