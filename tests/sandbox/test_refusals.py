"""A sandbox form sent without JavaScript and refused comes back with what it held: the
refusal page's "Use your browser's Back button: your policies are still in the form" was false
(the fields have autocomplete=off, so the browser does not restore them)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.sandbox.test_views_sandbox import ALLOW_GET, form

pytestmark = pytest.mark.django_db
EDITED = "s3:PutObject"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.mark.parametrize(
    ("content", "status", "says"),
    [
        (b'{"request": }', 400, "Line 1, column 13"),
        (b" " * (70 * 1024), 413, "The case file is larger than the sandbox opens (64 KB)"),
    ],
    ids=["malformed", "over-64-KB"],
)
def test_a_refused_case_file_keeps_the_edited_form(client, content, status, says):
    upload = SimpleUploadedFile("case.json", content, content_type="application/json")
    response = client.post("/sandbox/", {**form(action=EDITED), "op": "open", "case_file": upload})
    assert response.status_code == status
    html = response.content.decode()
    assert says in html
    assert f'value="{EDITED}"' in html  # the Action as edited, in the form drawn again
    assert "still in the form" not in html


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"request": }', "Line 1, column 13"),
        (b" " * (70 * 1024), "larger than the sandbox opens"),
        (b'{"request": "x"}', "request"),
    ],
    ids=["malformed", "over-64-KB", "not-a-case"],
)
def test_a_refused_case_file_is_said_beside_the_file_input_which_takes_the_focus(
    client, content, says
):
    """The page comes back after a refused "Open": its error was a status paragraph at the
    top, announced by no screen reader (a live region is read when it changes, not on load),
    with the focus on nothing. Now the file input is invalid, described by the error beside
    it, and focused, so the error is read as the page lands."""
    upload = SimpleUploadedFile("case.json", content, content_type="application/json")
    response = client.post("/sandbox/", {**form(), "op": "open", "case_file": upload})
    page = BeautifulSoup(response.content, "html.parser")
    field = page.find("input", id="case_file")
    assert field.get("aria-invalid") == "true"
    assert field.has_attr("autofocus")
    error = page.find(id=field["aria-describedby"])
    assert says in error.get_text()
    assert not page.select(".notice"), "said once, beside the input"


def test_a_refused_evaluation_without_javascript_marks_no_file_input(client):
    response = client.post("/sandbox/", {**form(), "identity-0-text": "x" * 20_001})
    field = BeautifulSoup(response.content, "html.parser").find("input", id="case_file")
    assert not field.has_attr("aria-invalid") and not field.has_attr("autofocus")


def test_a_form_that_cannot_be_read_does_not_promise_back_restores_it():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/sandbox/")
    too_big = {**form(), "identity-0-text": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    response = browser.post("/sandbox/", too_big)
    assert response.status_code == 413  # was Django's bare 400 "Bad Request"
    html = response.content.decode()
    assert "more than the sandbox takes at once (64 KB)" in html
    assert "still in the form" not in html and "may not bring back what you had typed" in html
    live = browser.post("/sandbox/", too_big, headers={"HX-Request": "true"})
    assert live.status_code == 413 and live["HX-Retarget"] == "#live-refusal"


def test_the_slow_down_page_does_not_promise_back_restores_the_form(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "1/60"}
    client.post("/sandbox/", form())
    response = client.post("/sandbox/", form())
    assert response.status_code == 429
    html = response.content.decode()
    assert "still in the form" not in html and "may not bring back what you had typed" in html


@pytest.mark.parametrize("url", ["/sandbox/batch/", "/sandbox/summary/", "/sandbox/compare/"])
def test_a_many_request_tools_refusal_takes_the_results_place_whatever_was_pressed(
    client, settings, url
):
    """An "Add" button swaps the form with the form it selects from the answer: the refusal,
    which holds none, swapped the whole form away (tests/e2e/test_sandbox_analysis.py)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "0/60"}
    response = client.post(url, {"op": "add-identity"}, headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#results", "outerHTML")
    assert response["HX-Reselect"] == "#results"
    assert 'id="results"' in response.content.decode()


def _textarea(html: str, name: str) -> str:
    found = BeautifulSoup(html, "html.parser").find("textarea", attrs={"name": name})
    assert found is not None, name
    return found.string or ""


@pytest.mark.parametrize("op", ["evaluate", "download"])
def test_a_policy_too_long_comes_back_as_typed_not_a_page_without_it(client, op):
    """ "Download case" posts without htmx, JavaScript or not: a policy past its 20,000
    characters made the page "The sandbox couldn't take that", with nothing typed on it."""
    typed = ALLOW_GET + " " * 25_000
    response = client.post("/sandbox/", {**form(action=EDITED, **{"identity-0-text": typed}),
                                         "op": op})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Identity policy 1 is 25,140 characters long; the sandbox takes at most 20,000" in html
    assert _textarea(html, "identity-0-text") == typed
    assert f'value="{EDITED}"' in html
    assert "Can't evaluate yet" in html and "Decision:" not in html  # nothing evaluated
    assert 'id="permalink"' not in html and "could not keep what you sent" not in html
    assert "too large to fit in a link" not in html  # nor the advice to download it


def test_a_form_over_64_kb_without_htmx_comes_back_with_each_field_once():
    """It was "This page could not keep what you sent": Back does not bring the fields back
    (autocomplete=off). Each field once, escaped, on a page of its own size: 780,000 `<` are a
    3.1 MB page, 4.7 MB for `"` (escaped as six characters), in 20-60 ms past Django's parse."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/sandbox/")
    typed = "<" * 80_000  # 240 KB sent: within what the sandbox reads to draw it back (256 KB)
    fields = {**form(action=EDITED), "identity-0-text": typed, "ctx-0-key": "k" * 300,
              "ctx-0-value": "v"}  # fmt: skip
    fields["csrfmiddlewaretoken"] = browser.cookies["csrftoken"].value
    response = browser.post("/sandbox/", fields)
    assert response.status_code == 413
    html = response.content.decode()
    assert "more than the sandbox takes at once (64 KB)" in html
    assert _textarea(html, "identity-0-text") == typed
    assert html.count("&lt;" * 1_000) == 80  # once
    assert html.count("k" * 300) == 1  # the folded keys' summary names it by its start
    assert len(response.content) < len(typed) * 4 + 120_000
    assert "Decision:" not in html and 'id="permalink"' not in html
    assert "too large to fit in a link" not in html  # nor the advice to download it
