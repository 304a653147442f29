"""A live update over Django's own size limits (srm_trainer/too_large.py): Django refuses it
while the CSRF check reads the form, before any view runs. It was the 400 page, which htmx
leaves unswapped: the learner saw the old result, or nothing, and no word of why. Now each
live tool says so where the learner is looking (its results, its status line), and in the
page's status region, and swaps nothing else: the form keeps what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import review
from quizzes.models import Answer, Attempt
from tests.conftest import make_lesson, make_module, sign_in
from tests.quizzes.builders import make_question, make_quiz
from tests.test_live_status import said_within

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TOO_MUCH = "more text than this page can send at once (at most 2.5 MB)"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def browser_for(user=None) -> Client:
    """A browser whose CSRF check runs, as a real one's does: that check reads the form first."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32  # as a page with a form leaves it
    if user is not None:
        sign_in(client, user)
    return client


def too_big(**fields: str) -> dict[str, str]:
    return {**fields, "filler": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}


def too_many(**fields: str) -> dict[str, str]:
    return {**fields, **{f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}}


def refused_in(response, place: str) -> str:
    """The refusal, swapped into `place` although it is a 4xx (static/js/stale-page.js), and
    said in the page's status region; its words."""
    assert response.status_code == 413
    assert response["HX-Retarget"] == place and response["X-Page-Stale"] == "1"
    said = said_within(response)
    assert "nothing was saved or checked" in said or "not evaluated" in said
    return said


# --- the sandbox's many-request tools -----------------------------------------------------------


@pytest.mark.parametrize("url", ["/sandbox/batch/", "/sandbox/summary/", "/sandbox/compare/"])
def test_a_tool_over_the_limit_says_so_in_its_results(url):
    browser = browser_for()
    assert 'id="results"' in browser.get(url).content.decode()
    response = browser.post(url, too_big(actions="s3:GetObject"), headers=HTMX)
    said = refused_in(response, "#results")
    assert said.startswith("Error: That is more than the sandbox takes at once (64 KB)")
    assert (response["HX-Reswap"], response["HX-Reselect"]) == ("outerHTML", "#results")
    results = BeautifulSoup(response.content, "html.parser").find(id="results")
    assert "What you typed is still here." in results.get_text()
    assert 'id="analysis-form"' not in response.content.decode()  # the form is left as typed
    page = browser.post(url, too_big())  # without htmx: a page that says why, not "Bad Request"
    assert page.status_code == 413 and "takes at once (64 KB)" in page.content.decode()


# --- quizzes ------------------------------------------------------------------------------------


def start(browser: Client, quiz) -> Attempt:
    """Started through a client without the CSRF check (the refused request is what matters)."""
    plain = Client()
    plain.cookies = browser.cookies
    assert plain.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 302
    return Attempt.objects.latest("pk")


@pytest.mark.parametrize("action", ["autosave", "check"])
@pytest.mark.parametrize("over", [too_big, too_many], ids=["too-big", "too-many-fields"])
def test_a_quiz_answer_over_the_limit_is_said_in_its_status_line(learner, action, over):
    browser = browser_for(learner)
    attempt = start(browser, make_quiz(make_question("single"), feedback="immediate"))
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    page = browser.get(attempt.get_absolute_url()).content.decode()
    assert 'id="answer-status"' in page
    response = browser.post(url, over(action=action), headers=HTMX)
    said = refused_in(response, "#answer-status")
    assert response["HX-Reswap"] == "innerHTML"
    assert response.content.decode().startswith(said)  # a sentence of text, as the line holds
    assert "<form" not in response.content.decode()  # the question stays as typed
    assert not Answer.objects.exists()


def test_a_review_answer_over_the_limit_is_said_in_its_status_line(learner, midday):
    question = make_question("true_false")
    earlier = timezone.now() - timedelta(hours=1)
    review.card_record(user=learner, question=question, correct=False, now=earlier)
    browser = browser_for(learner)
    assert 'id="answer-status"' in browser.get(reverse("quizzes:review")).content.decode()
    url = reverse("quizzes:review-answer", args=[question.pk])
    refused_in(browser.post(url, too_big(answer="true"), headers=HTMX), "#answer-status")


def test_a_lesson_check_over_the_limit_is_said_beside_its_button(learner):
    lesson = make_lesson(make_module(slug="iam"), slug="policies", body="::: check q-root\n:::\n")
    question = make_question("single", slug="q-root", lesson=lesson)
    page = browser_for(learner).get(lesson.get_absolute_url()).content.decode()
    assert f'id="check-{question.slug}-status"' in page
    browser = browser_for(learner)
    url = reverse("lesson-check", args=[lesson.module.slug, lesson.slug, question.slug])
    headers = {**HTMX, "HX-Target": f"check-{question.slug}"}
    refused_in(browser.post(url, too_big(), headers=headers), f"#check-{question.slug}-status")


@pytest.mark.parametrize("target", ["check-q%0Aroot", "check-q%0D%0Aroot", "%E2%80%A8"])
def test_a_lesson_checks_target_that_is_no_id_is_said_in_the_alert_region(learner, target):
    """`HX-Target` is the client's, and django-htmx decodes it when HX-Target-URI-AutoEncoded
    says so: a line break in it went into HX-Retarget, Django's BadHeaderError, a 500."""
    lesson = make_lesson(make_module(slug="iam"), slug="policies", body="::: check q-root\n:::\n")
    question = make_question("single", slug="q-root", lesson=lesson)
    url = reverse("lesson-check", args=[lesson.module.slug, lesson.slug, question.slug])
    headers = {**HTMX, "HX-Target": target, "HX-Target-URI-AutoEncoded": "true"}
    refused_in(browser_for(learner).post(url, too_big(), headers=headers), "#page-alert")


def test_any_other_live_update_over_the_limit_is_said_in_the_pages_alert_region(learner):
    browser = browser_for(learner)
    attempt = start(browser, make_quiz(make_question("single")))
    url = reverse("quizzes:flag", args=[attempt.pk, 1])
    response = browser.post(url, too_big(flagged="1"), headers=HTMX)
    refused_in(response, "#page-alert")
    assert '<p class="note note-error">' in response.content.decode()
    page = browser.post(url, too_big(flagged="1"))  # without htmx: the 400 page, as before
    assert page.status_code == 400
    assert "This request could not be read" in page.content.decode()
    # It says what was too large, not "too many fields or parameters, or a malformed header",
    # and that what was typed is back a page.
    said = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
    # A flag is a default door's few short fields (srm_trainer/too_large.py, `body_limit`).
    assert "That is more text than this page can send at once (at most 32 KB)" in said
    assert "malformed header" not in said and "Go back to the form" in said


# Too many fields is a count, not a size: "more than … takes at once (64 KB)" told the learner
# to shorten what was not too long.
COUNTED = "more fields than the {} takes at once (at most 1,000)"


@pytest.mark.parametrize(
    ("url", "who", "fix"),
    [
        ("/sandbox/", "sandbox", "Remove some policies or context keys and try again."),
        ("/lab/network/", "lab", "remove some rules and try again."),
        ("/lab/waf/", "lab", "remove some requests and try again."),
    ],
)
def test_too_many_fields_in_the_sandbox_or_a_lab_are_refused_as_a_count(url, who, fix):
    browser = browser_for()
    response = browser.post(url, too_many(), headers=HTMX)
    assert response.status_code == 413 and response["HX-Retarget"] == "#live-refusal"
    said = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert COUNTED.format(who) in said and fix in said
    assert "KB" not in said  # nothing about a size
    page = browser.post(url, too_many()).content.decode()  # without htmx: its page says so
    assert COUNTED.format(who) in page and "64 KB" not in page


@pytest.mark.parametrize("url", ["/sandbox/batch/", "/sandbox/summary/", "/sandbox/compare/"])
def test_too_many_fields_in_a_tool_are_refused_as_a_count_in_its_results(url):
    response = browser_for().post(url, too_many(actions="s3:GetObject"), headers=HTMX)
    said = refused_in(response, "#results")
    assert said == (
        "Error: That is more fields than the sandbox takes at once (at most 1,000), so it was "
        "not evaluated: remove some policies and try again."
    )


# --- with DEBUG on, as `make run` serves -------------------------------------------------------


@pytest.mark.parametrize("over", [too_big, too_many], ids=["too-big", "too-many-fields"])
def test_with_debug_on_a_form_over_the_limit_is_refused_in_the_same_words(settings, over):
    """Django answers these with its technical page (a traceback) when DEBUG is on, and never
    calls handler400: `make run` showed that page for a paste too large to read."""
    settings.DEBUG = True
    browser = browser_for()
    words = (
        "more than the sandbox takes at once (64 KB)"
        if over is too_big
        else COUNTED.format("sandbox")
    )
    live = browser.post("/sandbox/batch/", over(actions="s3:GetObject"), headers=HTMX)
    assert refused_in(live, "#results").startswith(f"Error: That is {words}")
    page = browser.post("/sandbox/batch/", over())
    assert page.status_code == 413 and words in page.content.decode()
    assert "Traceback" not in page.content.decode()
    other = browser.post("/search/", over(), headers=HTMX)  # no page of its own to say it in
    assert other.status_code in (400, 413) and "Traceback" not in other.content.decode()


def test_the_api_refuses_a_form_encoded_body_over_the_limit_in_its_own_words():
    """The JSON API checks its own body's size: a form-encoded one over Django's limit is its
    413, not the pages' refusal (FormTooLargeMiddleware leaves CSRF-exempt views alone)."""
    response = Client().post(
        "/api/iam/evaluate",
        "a=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


# --- the policy editor's findings (a fetch, not htmx: it reads JSON) ------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    ("over", "words"),
    [
        (
            too_big,
            "The policy is more than 67 KB long, too long to check for findings (at most 20,000 "
            "characters): shorten it to see them.",
        ),
        (
            too_many,
            "That is more fields than the findings check reads at once (at most 1,000): send "
            "the policy alone.",
        ),
    ],
    ids=["too-big", "too-many-fields"],
)
def test_the_editors_findings_over_the_limit_come_back_as_a_message_it_shows(
    settings, debug, over, words
):
    """It was the 400 page, which the editor cannot read: it showed no findings, as if the
    policy had none. Now the JSON every refusal of it comes in, with words it shows."""
    settings.DEBUG = debug
    response = browser_for().post("/sandbox/findings/", over(policy="{}"))
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert response.json() == {"findings": [], "message": words}


def test_the_editors_findings_in_a_form_that_does_not_parse_come_back_as_a_message():
    response = browser_for().post(
        "/sandbox/findings/",
        b"policy",
        content_type="multipart/form-data",  # no boundary
    )
    assert response.status_code == 400
    assert response.json() == {
        "findings": [],
        "message": "This request could not be read as a form: no findings were checked.",
    }


# --- a live update over a lab's own limit, refused before its form is read ------------------

OWN_LIMITS = [
    ("/sandbox/", "identity-0-text", "#live-refusal", "more than the sandbox takes at once (64 KB)"),
    ("/sandbox/batch/", "identity-0-text", "#results", "more than the sandbox takes at once (64 KB)"),
    ("/sandbox/summary/", "identity-0-text", "#results", "more than the sandbox takes at once (64 KB)"),
    ("/sandbox/compare/", "new-identity-0-text", "#results", "more than the sandbox takes at once (64 KB)"),
    ("/lab/network/", "flow-port", "#live-refusal", "more than the lab takes at once (64 KB)"),
    ("/lab/waf/", "web_acl", "#live-refusal", "more than the lab takes at once (64 KB)"),
    ("/lab/findings/", "pattern", "#live-refusal", "more than the lab takes at once (16 KB)"),
]  # fmt: skip


@pytest.fixture
def forms_unread(monkeypatch):
    """Reading a form fails the test: what the early refusal spares (Django's parse, ~0.4 µs
    an escape: ~0.3 s for 2.5 MB of `%3C`)."""
    from django.core.handlers.wsgi import WSGIRequest

    def read(request):
        raise AssertionError(f"the form of {request.path} was read")

    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", read)


@pytest.mark.parametrize(("url", "field", "place", "words"), OWN_LIMITS)
def test_a_live_update_over_a_labs_own_limit_is_refused_unread(
    forms_unread, url, field, place, words
):
    """780,000 `<` (2.3 MB of escapes) cost 0.2-0.3 s of CPU each time the form was sent, for
    the refusal its length already decided; now ~2 ms. The fragment is the view's own, swapped
    where its results go: the editors keep what was typed."""
    typed = "<" * 780_000
    response = browser_for().post(url, {field: typed}, headers=HTMX)
    assert response.status_code == 413
    assert response["HX-Retarget"] == place
    html = response.content.decode()
    assert words in html and "<form" not in html and "&lt;&lt;" not in html
    assert len(response.content) < 2_000


@pytest.mark.parametrize(
    ("url", "field"), [(url, field) for url, field, *_ in OWN_LIMITS if url != "/lab/network/"]
)
def test_a_form_over_a_labs_own_limit_without_htmx_is_read_to_draw_it_back(url, field):
    """Only the form read can draw what was typed again (Back does not restore these fields);
    the network lab's, which needs its whole form, in tests/netlab/test_refusals.py."""
    own = 16 * 1024 if url == "/lab/findings/" else 64 * 1024
    thousands = own // 3_000 + 2  # `<` sent as `%3C`: just over the page's own limit
    typed = "<" * (1_000 * thousands)
    fields = {field: typed, "actions": "s3:GetObject", "csrfmiddlewaretoken": "a" * 32}
    response = browser_for().post(url, fields)
    assert response.status_code in (200, 413)  # the tools draw their page with the error
    html = response.content.decode()
    assert "decision-error" in html or "form-error" in html  # refused, in the result's place
    assert html.count("&lt;" * 1_000) == thousands  # once


def test_a_live_update_within_a_labs_limit_is_answered(forms_unread):
    with pytest.raises(AssertionError, match="was read"):
        browser_for().post("/lab/findings/", {"pattern": "<" * 4_000}, headers=HTMX)
