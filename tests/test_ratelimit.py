"""Rate limits: who counts as one client, every endpoint that evaluates or grades is limited,
and the counters themselves (database and cache). The multi-process proof is in
tests/test_ratelimit_processes.py."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt
from srm_trainer.ratelimit import BROWSER_COOKIE, address_key
from srm_trainer.ratelimit.counters import Limit, count
from srm_trainer.ratelimit.models import Counter
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db

API_CASE = {
    "request": {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
    },
    "identity_policies": [
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    ],
}


def limit(settings, group: str, per_client: str, per_address: str = "1000/60") -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, group: per_client}
    settings.RATE_LIMITS_PER_ADDRESS = {**settings.RATE_LIMITS_PER_ADDRESS, group: per_address}


def api(client, **extra):
    return client.post("/api/iam/evaluate", API_CASE, content_type="application/json", **extra)


def sandbox(client, **extra):
    return client.get("/sandbox/", **extra)


# --- who is one client --------------------------------------------------------------------


def test_a_browser_gets_exactly_its_budget_then_429_with_retry_after(client, settings):
    limit(settings, "sandbox", "3/60")
    assert [sandbox(client).status_code for _ in range(3)] == [200, 200, 200]
    response = sandbox(client)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_browsers_behind_one_address_each_have_their_own_budget(settings):
    limit(settings, "sandbox", "2/60")
    alice, bob = Client(), Client()  # same REMOTE_ADDR (127.0.0.1): a classroom behind NAT
    assert [sandbox(alice).status_code for _ in range(3)] == [200, 200, 429]
    assert [sandbox(bob).status_code for _ in range(2)] == [200, 200]


def test_dropping_the_cookie_gains_nothing(settings):
    limit(settings, "sandbox", "2/60")
    # every request without the cookie counts in one budget for cookie-less clients
    statuses = [sandbox(Client()).status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]


def test_a_forged_browser_cookie_counts_as_none(settings):
    limit(settings, "sandbox", "2/60")
    statuses = []
    for n in range(4):
        forged = Client()
        forged.cookies[BROWSER_COOKIE] = f"made-up-{n}"
        statuses.append(sandbox(forged).status_code)
    assert statuses == [200, 200, 429, 429]


def test_an_address_has_a_ceiling_however_many_browsers_it_has(settings):
    limit(settings, "sandbox", "5/60", per_address="4/60")
    browsers = [Client() for _ in range(6)]
    for browser in browsers[:3]:  # each gets its id (and one request through)
        assert sandbox(browser).status_code == 200
    assert sandbox(browsers[0]).status_code == 200
    assert sandbox(browsers[1]).status_code == 429  # five through would pass the address's 4
    assert sandbox(browsers[2], REMOTE_ADDR="198.51.100.7").status_code == 200  # another address


def test_a_signed_in_user_counts_as_one_client_wherever_they_are(learner, settings):
    limit(settings, "api", "2/60")
    home, phone = Client(), Client()
    home.force_login(learner)
    phone.force_login(learner)
    assert api(home, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert api(phone, REMOTE_ADDR="203.0.113.9").status_code == 200
    assert api(home, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert api(Client(), REMOTE_ADDR="192.0.2.1").status_code == 200  # others are not affected


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    limit(settings, "api", "1/60")
    client = Client()
    assert api(client, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200
    assert api(client, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limit(settings, "api", "1/60")
    client = Client()
    assert api(client, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200
    assert api(client, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert api(client, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200
    # a client's own made-up entries are left of the proxy's and change nothing
    assert api(client, HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.1").status_code == 429


def test_an_ipv6_client_counts_as_its_whole_slash_64():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key("192.0.2.1") == "192.0.2.1"


# --- every endpoint that evaluates or grades ----------------------------------------------


def test_the_api_answers_429_as_json(client, settings):
    limit(settings, "api", "1/60")
    api(client)
    response = api(client)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert BROWSER_COOKIE not in response.cookies  # a JSON API is not given a browser cookie


def test_anonymous_quiz_starts_are_limited(client, settings):
    limit(settings, "start", "2/60")
    quizzes = [make_quiz(make_question("true_false")) for _ in range(3)]
    for quiz in quizzes[:2]:
        assert client.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 302
    response = client.post(reverse("quizzes:start", args=[quizzes[2].slug]))
    assert response.status_code == 429
    assert "Slow down" in response.content.decode()
    assert int(response["Retry-After"]) >= 1
    assert Attempt.objects.count() == 2


def test_the_429_page_is_laid_out_like_the_other_error_pages(client, settings):
    """A refused page reads as the 404 and 403 do: the same plain section (it was a card, its
    text against the card's edge) and the same way out, a button to the lessons."""
    limit(settings, "start", "1/60")
    quiz = make_quiz(make_question("true_false"))
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    refused = client.post(reverse("quizzes:start", args=[quiz.slug]))
    missing = client.get("/no-such-page/")
    assert (refused.status_code, missing.status_code) == (429, 404)
    for response in (refused, missing):
        section = BeautifulSoup(response.content, "html.parser").select_one("main .error-page")
        assert section is not None and section["class"] == ["error-page"]
        button = section.select_one("a.button")
        assert button is not None and button.get_text() == "Go to the lessons"
        assert button["href"] == reverse("home")


def test_answer_saves_are_limited_and_htmx_shows_the_message_in_the_status_line(
    learner_client, learner, settings
):
    limit(settings, "answer", "2/60")
    quiz = make_quiz(make_question("true_false"))
    attempt = make_attempt(quiz, user=learner)
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    htmx = {"HX-Request": "true"}
    for _ in range(2):
        response = learner_client.post(url, {"action": "autosave", "answer": "true"}, headers=htmx)
        assert response.status_code == 200
    response = learner_client.post(url, {"action": "check", "answer": "true"}, headers=htmx)
    assert response.status_code == 429
    # the question drawn again as sent, the message in its status line
    status = BeautifulSoup(response.content, "html.parser").find(id="answer-status")
    assert "nothing was saved" in status.get_text()
    assert not attempt.answers.filter(graded_at__isnull=False).exists()
    # an autosave's refusal goes into the status line on the page the learner is looking at
    autosave = learner_client.post(url, {"action": "autosave", "answer": "true"}, headers=htmx)
    assert autosave.status_code == 429 and autosave["HX-Retarget"] == "#answer-status"
    assert 'id="answer-status"' in learner_client.get(attempt.get_absolute_url()).content.decode()
    # without JavaScript: a page that says when to try again
    page = learner_client.post(url, {"action": "save", "answer": "true"})
    assert page.status_code == 429 and "Slow down" in page.content.decode()


def test_least_privilege_answers_are_limited(learner_client, learner, settings):
    limit(settings, "answer", "1/60")
    quiz = make_quiz(make_question("least_privilege"))
    attempt = make_attempt(quiz, user=learner)
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    body = {"action": "check", "policy": '{"Version": "2012-10-17", "Statement": []}'}
    learner_client.post(url, body)
    assert learner_client.post(url, body).status_code == 429


def test_review_answers_are_limited(learner_client, learner, settings):
    from datetime import timedelta

    from django.utils import timezone

    from quizzes import review

    limit(settings, "answer", "1/60")
    question = make_question("true_false")
    review.card_record(
        user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    url = reverse("quizzes:review-answer", args=[question.pk])
    learner_client.post(url, {"answer": "false"})
    response = learner_client.post(url, {"answer": "false"}, headers={"HX-Request": "true"})
    assert response.status_code == 429
    # the question drawn again as sent, the message in its status line
    status = BeautifulSoup(response.content, "html.parser").find(id="answer-status")
    assert "nothing was saved" in status.get_text()


@pytest.mark.parametrize("what", ["flag", "start-again"])
def test_a_flag_and_start_again_count_with_the_answers(learner_client, learner, settings, what):
    """They write the attempt as an answer does, so they share its limit: over it nothing is
    changed, a 429 with Retry-After. With htmx the refusal goes to the page's alert region and
    is said in the status region, the question on screen left as it is (what is typed in it
    too); without, the page that says when to try again."""
    from tests.test_live_status import said_within

    limit(settings, "answer", "2/60")
    question = make_question("flow_fix")
    attempt = make_attempt(make_quiz(question), user=learner)
    url = reverse(f"quizzes:{what}", args=[attempt.pk, 1])
    htmx = {"HX-Request": "true"}
    flag = {"question": str(question.pk), "flagged": "1"}
    assert learner_client.post(url, flag, headers=htmx).status_code == 200
    rules = '{"network_acls": [], "security_groups": []}'
    answer = reverse("quizzes:answer", args=[attempt.pk, 1])
    learner_client.post(answer, {"action": "autosave", "rules": rules}, headers=htmx)
    unflag = {"question": str(question.pk), "flagged": "0"}
    refused = learner_client.post(url, unflag, headers=htmx)
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert refused["HX-Retarget"] == "#page-alert" and refused["HX-Reswap"] == "innerHTML"
    done = "the flag was not changed" if what == "flag" else "your answer was not replaced"
    note = BeautifulSoup(refused.content, "html.parser").select_one("p.note")
    assert done in note.get_text() and "Try again in" in note.get_text()
    assert said_within(refused) == note.get_text()
    assert "attempt-body" not in refused.content.decode()  # the question is not drawn again
    page = learner_client.post(url, unflag)
    assert page.status_code == 429 and "Slow down" in page.content.decode()
    assert int(page["Retry-After"]) >= 1
    attempt.refresh_from_db()
    # Neither refusal changed anything: the flag stays, the answer typed over the rules stays.
    assert attempt.flagged == ([question.pk] if what == "flag" else [])
    assert attempt.answers.get().response["rules"] == rules


def test_sign_up_posts_are_limited_but_the_form_is_not(client, settings):
    limit(settings, "signup", "2/600")
    for n in range(2):
        client.post(reverse("signup"), {"username": f"user{n}"})  # invalid: no password
    assert client.post(reverse("signup"), {"username": "user9"}).status_code == 429
    assert client.get(reverse("signup")).status_code == 200


# --- every learner post, as docs/limits.md lists it ------------------------------------------

# Views whose limit counts inside them, not on the view the URLconf names.
COUNTED_WITHIN = {"quizzes:review-answer": "quizzes.views._review_answer_counted"}


def _views_by_name() -> dict[str, object]:
    """Each URL name → the view a request to it reaches (the first route of that name)."""
    from django.urls import URLResolver, get_resolver

    found: dict[str, object] = {}

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, inner)
            elif entry.name:
                found.setdefault(f"{namespace}:{entry.name}" if namespace else entry.name, entry)

    walk(get_resolver().url_patterns)
    return {name: entry.callback for name, entry in found.items()}


def _allauths(view) -> bool:
    """A page of django-allauth's (its view, or ours made from its class) that we do not count
    ourselves: allauth's ACCOUNT_RATE_LIMITS count those, as the docs say in a sentence."""
    view_class = getattr(view, "view_class", None)
    ours = getattr(view, "rate_limit_group", None)
    if view.__module__.startswith("allauth"):
        return ours is None
    bases = view_class.__mro__ if view_class is not None else ()
    return ours is None and any(base.__module__.startswith("allauth") for base in bases)


def _learner_posts() -> set[str]:
    """The routes a learner, or a signed-out visitor, may post to (the authorization matrix's
    answers, not 405), outside /teach/ and the admin, allauth's own pages left out."""
    from tests.test_authorization_matrix import ROUTES

    views = _views_by_name()
    posts = set()
    for name, entry in ROUTES.items():
        if name.startswith(("teach", "admin")) or name not in views:
            continue
        cases = entry if isinstance(entry, tuple) else (entry,)
        answers = {c.expected("POST").get(role) for c in cases for role in ("anonymous", "learner")}
        if answers - {None, 405} and not _allauths(views[name]):
            posts.add(name)
    return posts


def _documented_limits() -> dict[str, str]:
    """docs/limits.md's "Every learner post and its limit": route → its group, or "none"."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "limits.md").read_text()
    section = text.split("### Every learner post and its limit", 1)[1].split("\n#", 1)[0]
    out = {}
    for routes, limit in re.findall(
        r"^\| ((?:`[\w:-]+`(?:, )?)+) \| [^|]+ \| ([^|]+) \|$", section, re.M
    ):
        group = re.match(r"`(\w+)`", limit)
        for route in re.findall(r"`([\w:-]+)`", routes):
            out[route] = group.group(1) if group else limit.split(":")[0].strip()
    return out


def test_every_learner_post_is_listed_in_the_docs_with_the_limit_that_counts_it():
    """A learner's post missing from docs/limits.md's list, or listed with a limit its view
    does not count (or "none" for one it does), fails: no post is added without deciding."""
    from django.utils.module_loading import import_string

    documented = _documented_limits()
    views = _views_by_name()
    posts = _learner_posts()
    assert {"quizzes:flag", "quizzes:start-again", "quizzes:submit", "account_signup"} <= posts
    assert posts - documented.keys() == set(), "learner posts docs/limits.md does not list"
    assert documented.keys() - posts == set(), "listed, but not a learner's post"
    for name in posts:
        view = import_string(COUNTED_WITHIN[name]) if name in COUNTED_WITHIN else views[name]
        counted = getattr(view, "rate_limit_group", None) or "none"
        assert counted == documented[name], f"{name}: docs say {documented[name]}"


def test_a_submit_counts_with_the_answers(learner_client, learner, settings):
    """A submit grades the attempt: over the answer limit it is refused, a 429 with
    Retry-After and the page that says when to try again, and the attempt stays open."""
    limit(settings, "answer", "1/60")
    attempt = make_attempt(make_quiz(make_question("true_false")), user=learner)
    answer = reverse("quizzes:answer", args=[attempt.pk, 1])
    learner_client.post(answer, {"action": "save", "answer": "true"})
    refused = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Slow down" in refused.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


# --- the counters -------------------------------------------------------------------------


def test_the_database_counter_counts_in_its_table_and_starts_again_each_window():
    per_minute = Limit(3, 60)
    t = 6_000_000.0  # the start of a window
    assert [count("k", per_minute, t + s).count for s in (0, 1, 59)] == [1, 2, 3]
    assert count("k", per_minute, t + 60).count == 1
    assert Counter.objects.get(pk="k").count == 1
    assert count("k", per_minute, t + 61).retry_after == 59


def test_the_update_then_read_counter_agrees(monkeypatch):
    from srm_trainer.ratelimit import counters

    monkeypatch.setattr(counters, "_can_upsert_returning", lambda: False)
    per_minute = Limit(3, 60)
    t = 6_000_000.0
    assert [count("k2", per_minute, t + s).count for s in (0, 1, 2)] == [1, 2, 3]
    assert count("k2", per_minute, t + 60).count == 1


def test_with_a_cache_that_increments_atomically_it_counts_in_the_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    per_minute = Limit(3, 60)
    t = 6_000_000.0
    assert [count("k3", per_minute, t + s).count for s in (0, 1)] == [1, 2]
    assert not Counter.objects.filter(pk="k3").exists()


def test_htmx_swaps_a_429_in_so_its_message_is_shown(client):
    import json
    import re

    body = client.get("/quizzes/").content.decode()
    config = json.loads(re.search(r"name=\"htmx-config\" content='([^']*)'", body).group(1))
    codes = [rule["code"] for rule in config["responseHandling"]]
    rule = config["responseHandling"][codes.index("429")]
    assert rule["swap"] is True and codes.index("429") < codes.index("[45]..")
