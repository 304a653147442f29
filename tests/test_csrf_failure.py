"""A form or live update sent from a page older than a sign-in or sign-out in the browser is
refused by the CSRF check (srm_trainer/csrf_failure.py): the site's own page says what happened
and what to do, and a live update gets the same words in the page's alert region, not a
silent 403 that leaves the old result on screen."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STALE_TOKEN = "x" * 64  # the right shape, not the cookie's secret: a page from before a sign-in


def _browser_with_a_page_open() -> Client:
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/sandbox/").status_code == 200  # sets the CSRF cookie
    return browser


def _live_update_from_an_old_page(shown: str):
    """The sandbox's live update as htmx sends it, from the page at `shown`, with its old token."""
    headers = {"HX-Request": "true", "HX-Current-URL": shown, "X-CSRFToken": STALE_TOKEN}
    return _browser_with_a_page_open().post("/sandbox/", {"principal": "*"}, headers=headers)


def test_a_form_from_an_out_of_date_page_gets_the_sites_explaining_page():
    browser = _browser_with_a_page_open()
    response = browser.post("/sandbox/", {"csrfmiddlewaretoken": STALE_TOKEN, "principal": "*"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>This page was out of date, so nothing was sent</h1>" in page
    assert "Someone signed in or out in this browser" in page
    assert "Nothing was saved" in page and "Go back, copy anything you typed" in page
    assert 'id="main"' in page  # the site's own layout, under its CSP (no inline style)
    assert "CSRF verification failed" not in page and "<style" not in page
    assert "Content-Security-Policy" in response


def test_a_browser_that_sends_no_cookie_is_told_to_allow_one():
    response = Client(enforce_csrf_checks=True).post("/sandbox/", {"principal": "*"})
    assert response.status_code == 403
    assert "This site needs a cookie to accept forms" in response.content.decode()


def test_a_refused_live_update_is_a_notice_for_the_pages_alert_region():
    response = _live_update_from_an_old_page("http://testserver/sandbox/?preset=x")
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#page-alert"
    assert response["HX-Reswap"] == "innerHTML"
    assert response["X-Page-Stale"] == "1"
    notice = response.content.decode()
    assert notice.startswith('<p class="note note-error" role="alert">') and "<h1" not in notice
    assert '<a href="http://testserver/sandbox/?preset=x">reload the page</a>' in notice


def test_the_notice_links_only_to_a_page_of_this_site():
    response = _live_update_from_an_old_page("https://elsewhere.example/phish")
    notice = response.content.decode()
    assert "reload the page" in notice and "elsewhere.example" not in notice
    assert "<a " not in notice


def test_every_page_has_the_alert_region_the_notice_goes_to(client):
    page = client.get("/").content.decode()
    assert re.search(r'<div id="page-alert"></div>', page)
    assert "js/stale-page" in page


def test_the_policy_editors_findings_request_gets_the_words_as_json_it_shows():
    """The editor shows a refused findings check's `message` where findings appear: without
    one it could only say the server answered 403."""
    response = _browser_with_a_page_open().post(
        "/sandbox/findings/", {"policy": "{}"}, headers={"X-CSRFToken": STALE_TOKEN}
    )
    assert response.status_code == 403
    answer = response.json()
    assert answer["findings"] == []
    message = answer["message"]
    assert message.startswith("Someone signed in or out in this browser")
    assert "Nothing was saved. Copy anything you typed, then reload the page" in message
    assert "<" not in message and "  " not in message


TYPED = "My notes on the\npolicy <b>so far</b>"


def test_a_form_from_this_site_shows_back_what_was_typed_to_copy():
    """Back draws a never_cache page again from the server, so "go back and copy" found it
    empty: the refusal itself shows the typing (escaped), not the page's own fields."""
    browser = _browser_with_a_page_open()
    response = browser.post(
        "/sandbox/",
        {
            "csrfmiddlewaretoken": STALE_TOKEN,
            "policy": TYPED,
            "seen": "x",
            "agree": "on",
            "module": "8",
            "choice": "54927e39f9",
        },
        headers={"Origin": "http://testserver"},
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "Copy what you typed below" in page
    assert '<label for="typed-back-1">Policy</label>' in page
    assert "policy &lt;b&gt;so far&lt;/b&gt;</textarea>" in page
    assert "typed-back-2" not in page  # the stamp and the ticked box were not typed
    assert STALE_TOKEN not in page


@pytest.mark.parametrize("origin", [None, "https://elsewhere.example"])
def test_a_form_posted_from_another_site_is_not_shown_back(origin):
    """Another site's form could put words of its choosing on one of our pages."""
    headers = {"Origin": origin} if origin else {}
    response = _browser_with_a_page_open().post(
        "/sandbox/", {"csrfmiddlewaretoken": STALE_TOKEN, "policy": TYPED}, headers=headers
    )
    assert response.status_code == 403
    assert "so far" not in response.content.decode()


@pytest.mark.parametrize("name", ["choices-²-text", "rows-٣-text", "note-" + "9" * 5_000])
@pytest.mark.parametrize(("address", "status"), [("/sandbox/", 403), ("/no-such-page/", 404)])
def test_a_field_named_with_other_digits_is_labelled_as_it_was_sent(name, address, status):
    """A field's label counts a row from 1 ("rows-0-text" is "Rows 1 text"): only ASCII digits
    are a row's number. "²" passes `str.isdigit()` but not `int()`, which was a 500 for anyone
    posting such a name, here and on the 404 page (which shows a form's typing back too)."""
    response = _browser_with_a_page_open().post(
        address,
        {"csrfmiddlewaretoken": STALE_TOKEN, name: TYPED},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == status
    assert "policy &lt;b&gt;so far&lt;/b&gt;</textarea>" in response.content.decode()
