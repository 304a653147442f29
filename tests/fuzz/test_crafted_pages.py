"""Every page a role reaches takes values plausible in shape but wrong (`make fuzz` only).

Each role crawls the site (tests/crawler.py, over the world of tests/test_site_crawl.py:
one page of each kind, and for the superuser one of each admin kind too) and sends each
page's query fields, its forms' fields (hidden ones too), its file inputs and its htmx
headers the crafted values of tests/fuzz/crafted_inputs.py; each form is also sent once
validly, and a page that answer shows with a form of its own (a preview, a confirmation: no
crawl reaches it) gets the same, after those steps. No answer may be a 5xx, raise
(the test client raises the view's exception) or show a traceback, and in `make fuzz` each
request stays within the CPU budget of tests/fuzz/conftest.py. A failure lists each request
with its role, page, field and value. Thousands of requests a role (docs/testing.md,
"Fuzzing", says how long), so `make test` skips it; FUZZ_PAGES_LIMIT=N sends N of each
role's requests, chosen by FUZZ_PAGES_SEED (default 0), for a short run (the valid sends
that find the pages only a POST shows are sent whatever the limit)."""

from __future__ import annotations

import os
import random
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from quizzes import attempts
from quizzes.models import Quiz
from tests.crawler import Budget, PageParser, pages_reached, parse, same_site
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
# Pages only a POST shows, as (the route of the form's action, a field only that step's form
# has): a crawl of the POSTs that stopped reaching them would pass without trying them.
MUST_REACH_AFTER_POST = {
    "anonymous": (("mfa_authenticate", "code"),),
    "learner": (("account_email", "confirmed"),),
    "instructor": (("teach:import", "token"),),
    "staff": (("admin:auth_user_hand_over", "previewed"),),
    "superuser": (("admin:auth_user_hand_over", "previewed"),),
}
STEPS_DEEP = 3  # a page a POST shows may show another when sent (sign-in, then its code)


def _budget(role: str) -> Budget:
    """One page of each kind; staff (the Administrators role) and the superuser also one of
    each admin kind they reach."""
    admin = role in ("staff", "superuser")
    return Budget(per_kind=1, per_admin_kind=int(admin), per_variant=1, total=600)


def _more_starts(role: str, world) -> list[str]:  # noqa: F811
    """The instructor's own quiz: the world's start for them (the final exam's page, which
    the crawl's sample opens as its one quiz page) links to no editor, and the quiz settings
    page's hidden stamp was a 500 (docs/testing.md, "Fuzzing"). For staff and the superuser,
    the instructor's "Hand over teaching…" page: the one user page the crawl opens is the
    first of the list's (a learner's, who owns nothing to hand over), and its confirmation
    is a step only a POST shows."""
    if role in ("staff", "superuser"):
        return [reverse("admin:auth_user_hand_over", args=[world.users["instructor"].pk])]
    if role != "instructor":
        return []
    own = Quiz.objects.filter(owner=world.users[role], published=True).order_by("pk").first()
    return [reverse("teach:quiz", args=[own.pk])] if own else []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_takes_crafted_values(role, world, monkeypatch):  # noqa: F811
    # An attempt a valid "Start" begins draws its questions as the seed says, not as the
    # system's random source does: the same seed sends the same requests.
    monkeypatch.setattr(attempts, "_random", random.Random(SEED))
    session = world.sessions.get(role)
    client = Client(raise_request_exception=True)
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    starts = (*STARTS[role], *world.starts.get(role, ()), *_more_starts(role, world))
    with override_settings(**NO_THROTTLING):
        pages = pages_reached(client, role, starts, _budget(role))
        seen: set = set()
        every = [p for url, page in pages for p in crafted_inputs.probes(url, page, seen)]
        steps: list[str] = []  # the valid sends' failures
        after_post, reached, steps_sent = _after_posts(client, session, role, pages, seen, steps)
        every += after_post
        sent = crafted_inputs.sample(every, LIMIT, SEED)
        failures = steps + [f for probe in sent if (f := _send(client, session, role, probe))]
    print(
        f"{role}: {len(pages)} pages, {len(reached)} forms only a POST shows, {len(steps_sent)} "
        f"valid sends, {len(sent)} of {len(every)} requests sent ({len(after_post)} of them "
        "after a POST)"
    )
    for line in reached:
        print(f"  after a POST: {line}")
    paths = {url.partition("?")[0] for url, _ in pages}
    missed = [p for p in MUST_REACH.get(role, ()) if not any(re.fullmatch(p, u) for u in paths)]
    assert not missed, f"{role}'s crawl never reached {missed}: their fields went untried"
    after = [
        (route, name)
        for route, name in MUST_REACH_AFTER_POST.get(role, ())
        if not any(f"{route} " in line and f" {name}," in line for line in reached)
    ]
    assert not after, f"{role} never reached the step after a POST with {after}"
    assert not failures, (
        f"{len(failures)} of {role}'s {len(sent)} requests failed (signed in as {role}; the "
        "other fields as the page gives them):\n" + "\n".join(failures)
    )
    check_budget(f"pages {role}")


def _after_posts(client, session, role, pages, forms_seen, failures):
    """The requests for the pages only a POST shows, a line naming each such page's new
    form, and the valid sends made to find them.

    Each form of the crawled pages is sent once validly (`crafted_inputs.valid_steps`); where
    the answer, or the page it redirects to, holds a form of a kind not seen yet (the
    import's preview and its confirm form, a removal's "are you sure?", an admin action's
    confirmation), that page's forms get the crafted requests too, each sent after the steps
    that lead to it in the same savepoint. Such a page's own forms are sent validly in turn,
    up to STEPS_DEEP steps. A valid step that fails is a failure like any other."""
    found: list = []
    reached: list[str] = []
    stepped: set = set()
    frontier: list[tuple[str, PageParser, tuple]] = [(url, page, ()) for url, page in pages]
    for _ in range(STEPS_DEEP):
        following = []
        for url, page, before in frontier:
            for key, step in crafted_inputs.valid_steps(url, page, before):
                if key in stepped:
                    continue
                stepped.add(key)
                shown = _step(client, session, role, step, failures)
                if shown is None:
                    continue
                chain, where, next_page, redirected = shown
                kinds = {
                    kind
                    for form in next_page.forms
                    if form.method == "post"
                    and (action := same_site(where, form.action or where))
                    and (kind := crafted_inputs.form_kind(action, form)) not in forms_seen
                }
                if not kinds:
                    continue
                for route, names, _ in sorted(kinds, key=str):
                    said = ", ".join(sorted(names)) + ","
                    reached.append(f"{route} {said} on {where} [after {step.describe()}]")
                found += crafted_inputs.probes(
                    where, next_page, forms_seen, chain, gets=redirected and "?" in where
                )
                following.append((where, next_page, chain))
        frontier = following
    return found, reached, stepped


def _step(client, session, role, step, failures):
    """Send `step` (after what leads to it); when it answers with an HTML page, or redirects
    to one on the site, (the requests to send again to see it, its address, the page, whether
    it was a redirect's). A failure is added to `failures`."""
    _signed_in_as(client, session)
    chain = (*step.before, step)
    try:
        with _rolled_back():
            if problem := _replay(client, step.before):
                failures.append(f"{role}: {step.describe()}: {problem}")
                return None
            response = timed(f"pages {role}", lambda: step.send(client), step.describe)
            where, redirected = step.url, False
            if response.status_code in (301, 302, 303) and (
                followed := same_site(step.url, response["Location"])
            ):
                follow = crafted_inputs.Probe("get", followed, "where it redirects", step.url)
                chain, where, redirected = (*chain, follow), followed, True
                response = timed(f"pages {role}", lambda: follow.send(client), follow.describe)
    except Exception as error:
        failures.append(f"{role}: {step.describe()}: raised {_raised(error)}")
        return None
    if problem := _problem(response):
        failures.append(f"{role}: {step.describe()}: {problem}")
        return None
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    page = parse(response.content.decode(response.charset or "utf-8", "replace"))
    return chain, where, page, redirected


def _signed_in_as(client: Client, session: str | None) -> None:
    client.cookies = SimpleCookie()
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session


def _problem(response) -> str | None:
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    if not getattr(response, "streaming", False) and TRACEBACK in response.content:
        return "a traceback in the page"
    return None


def _send(client: Client, session: str | None, role: str, probe) -> str | None:
    """Send `probe` in a savepoint rolled back after it, from the role's own session (a
    sign-out sent before it does not sign the next one out), after the requests that lead to
    the page it is sent from when only a POST shows that page (untimed); what went wrong, or
    None."""
    _signed_in_as(client, session)
    try:
        with _rolled_back():
            if problem := _replay(client, probe.before):
                return f"{role}: {probe.describe()}: {problem}"
            response = timed(f"pages {role}", lambda: probe.send(client), probe.describe)
    except Exception as error:
        return f"{role}: {probe.describe()}: raised {_raised(error)}"
    if problem := _problem(response):
        return f"{role}: {probe.describe()}: {problem}"
    return None


def _replay(client: Client, before: tuple) -> str | None:
    """Send again the steps that lead to a page only a POST shows; what went wrong when one
    no longer answers as it did (each answered with a page or a redirect when first sent),
    or None. Without this, a request sent after steps that lead elsewhere would be a 404
    that passes."""
    for earlier in before:
        response = earlier.send(client)
        if response.status_code >= 400:
            said = f"{earlier.method.upper()} {earlier.url}"
            return f"its step {said} answered {response.status_code} when sent again"
    return None


@contextmanager
def _rolled_back() -> Iterator[None]:
    """A savepoint rolled back after the block, and on PostgreSQL its sequences put back as
    they were: a rollback leaves them advanced (SQLite's counters go back with the rows), so
    the steps sent again before each request would make rows with new ids, a copied question
    or a started attempt its page does not name, and the request would go to a 404."""
    sequences = _sequences()
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        if sequences:
            _put_back(sequences)


def _sequences() -> dict[str, tuple[int | None, int]]:
    """Each PostgreSQL sequence's last value (None before its first) and start; none on
    SQLite."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
            "FROM pg_sequences"
        )
        return {name: (last, start) for name, last, start in cursor.fetchall()}


def _put_back(sequences: dict[str, tuple[int | None, int]]) -> None:
    with connection.cursor() as cursor:
        for name, now in _sequences().items():
            if now == (then := sequences.get(name)) or then is None:
                continue
            last, start = then
            # setval is not undone by a rollback either, which is what is wanted here.
            args = (name, last, True) if last is not None else (name, start, False)
            cursor.execute("SELECT setval(%s::regclass, %s, %s)", args)


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
