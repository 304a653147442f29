"""A sandbox form sent without JavaScript and refused comes back with what it held: the
refusal page's "Use your browser's Back button: your policies are still in the form" was false
(the fields have autocomplete=off, so the browser does not restore them)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.sandbox.test_views_sandbox import form

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
