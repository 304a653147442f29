"""Smaller promises: HEAD works wherever GET does, and reaches the server without a body; the sandbox offers only presets of published
lessons; a permalink fits in the request line the shipped gunicorn config accepts."""

from __future__ import annotations

import base64
import os
import runpy
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from lessons.models import ComplianceProgram
from quizzes.models import Attempt
from srm_trainer.sandbox.state import (
    MAX_PERMALINK_CHARS,
    PolicyText,
    encode_permalink,
    starter_state,
)
from tests.conftest import make_lesson, make_module, make_scenario, make_srm
from tests.quizzes.builders import make_question, make_quiz

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_head_is_answered_wherever_get_is(learner_client, learner):
    lesson = make_lesson()
    quiz = make_quiz(make_question("true_false"))
    learner_client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    urls = [
        "/",
        "/learn/srm/",
        "/learn/compliance/",
        "/labs/",
        lesson.module.get_absolute_url(),
        lesson.get_absolute_url(),
        "/sandbox/",
        "/sandbox/actions/?action=s3:Get",
        "/quizzes/",
        quiz.get_absolute_url(),
        attempt.get_absolute_url(),
        reverse("quizzes:result", args=[attempt.pk]),
        "/quizzes/review/",
        "/accounts/signup/",
        "/accounts/login/",
    ]
    for url in urls:
        get, head = learner_client.get(url), learner_client.head(url)
        assert head.status_code == get.status_code != 405, url
        assert head.content == b"", url


def test_head_is_answered_for_anonymous_visitors_too(client):
    for url in ["/", "/sandbox/", "/quizzes/", "/accounts/signup/", "/accounts/login/"]:
        assert client.head(url).status_code == 200, url


@pytest.mark.parametrize(
    "path", ["/security/", "/healthz", "/no-such-page/", "/static/css/site.css"]
)
def test_head_answers_go_to_the_server_without_a_body(path):
    """What the WSGI server receives, not the test client (which drops a HEAD body itself):
    gunicorn logged a warning for each HEAD answer that came with its body."""
    from wsgiref.util import setup_testing_defaults

    from django.core.handlers.wsgi import WSGIHandler

    def answer(method):
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "testserver"}
        setup_testing_defaults(environ)
        started = {}
        body = b"".join(WSGIHandler()(environ, lambda status, headers: started.update(headers)))
        return started, body

    get_headers, get_body = answer("GET")
    head_headers, head_body = answer("HEAD")
    assert get_body and head_body == b""
    assert head_headers.get("Content-Type") == get_headers.get("Content-Type")


def test_a_scenario_taught_only_in_a_draft_lesson_is_not_a_preset(client):
    draft = make_lesson(published=False)
    hidden_module = make_lesson(module=make_module(published=False))
    published = make_lesson()
    secret = make_scenario(draft, hidden_module, title="Unreleased scenario")
    shared = make_scenario(draft, published, title="Taught scenario")
    body = client.get("/sandbox/").content.decode()
    assert "Unreleased scenario" not in body
    assert "Taught scenario" in body
    # nor can it be opened by its slug, and the draft lesson is not linked from a preset
    opened = client.get(f"/sandbox/?preset={secret.slug}").content.decode()
    assert "There is no preset called" in opened
    page = client.get(f"/sandbox/?preset={shared.slug}").content.decode()
    assert published.get_absolute_url() in page
    assert draft.get_absolute_url() not in page


def test_the_longest_permalink_fits_the_shipped_gunicorn_config():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    line = f"GET /sandbox/?case={'x' * MAX_PERMALINK_CHARS} HTTP/1.1"
    assert len(line) <= config["limit_request_line"] <= 8190
    assert config["workers"] >= 1 and config["preload_app"] is True
    # The app logs each request as JSON; gunicorn's access line is off unless asked for.
    assert config["accesslog"] is None and config["errorlog"] == "-"


def test_a_state_too_large_for_a_link_offers_the_case_file_instead(client):
    noise = base64.b64encode(os.urandom(9000)).decode()  # 12,000 characters that do not compress
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Sid": "'
        + noise
        + '", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    )
    big = replace(starter_state(), identity=(PolicyText(text=policy),))
    assert len(encode_permalink(big)) > MAX_PERMALINK_CHARS
    form = {
        "principal": big.principal,
        "action": big.action,
        "resource": big.resource,
        "identity-0-name": "",
        "identity-0-text": policy,
    }
    body = client.post("/sandbox/", form).content.decode()
    assert "too large to fit in a link" in body
    assert "?case=" not in body
    small = client.post(
        "/sandbox/", {**form, "identity-0-text": '{"Version": "2012-10-17", "Statement": []}'}
    )
    assert "?case=" in small.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/sandbox/?preset=",
        "/lab/network/?preset=",
        "/lab/waf/?preset=",
        "/lab/findings/?preset=",
        "/learn/srm/?service=",
        "/learn/compliance/?program=",
    ],
)
def test_an_unknown_name_in_a_link_is_isolated_from_the_sentence_around_it(client, url):
    """A right-to-left override in a made-up name turned the rest of the notice around
    ("…“nope” in the explorer, so…" drawn backwards): the name is shown in a <bdi>."""
    make_srm()
    ComplianceProgram.objects.create(slug="gdpr", name="GDPR", kind="law", summary="EU data.")
    body = client.get(url + "%E2%80%AEnope<i>").content.decode()
    assert "“<bdi>\u202enope&lt;i&gt;</bdi>”" in body


@pytest.mark.parametrize("page", ["module", "review"])
def test_an_unknown_level_or_module_in_a_link_is_isolated_and_cut_short(learner_client, page):
    """The module page's `?level=` and the review queue's `?module=` echo a made-up name too:
    isolated from the sentence around it, and cut short (a 2,000-character name was echoed
    whole on the review page)."""
    module = make_module()
    name = "\u202enope<i>" + "x" * 2000
    if page == "module":
        url = reverse("module", args=[module.slug]) + "?level="
    else:
        url = reverse("quizzes:review") + "?module="
    body = learner_client.get(url + quote(name)).content.decode()
    assert "<bdi>\u202enope&lt;i&gt;xxx" in body
    assert "x" * 100 not in body
