"""Errors everywhere: the API answers JSON for every one, ids too large for the database are a
404, and every URL parameter that is an integer uses the bounded `id` converter."""

from __future__ import annotations

import logging

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from srm_trainer.converters import IdConverter

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_wrong_method_on_the_api_is_a_json_405_with_allow(client):
    response = client.get("/api/iam/evaluate")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == {
        "code": "method_not_allowed",
        "message": "This endpoint takes POST only.",
    }
    assert "Content-Security-Policy" in response


def test_an_unhandled_exception_on_the_api_is_a_logged_json_500(monkeypatch, caplog):
    def broken(case):
        raise RuntimeError("a bug")

    monkeypatch.setattr("srm_trainer.sandbox.api.evaluate", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post("/api/iam/evaluate", "{}", content_type="application/json")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "a bug" not in response.content.decode()  # the reason stays in the log
    assert any(r.exc_info and "a bug" in str(r.exc_info[1]) for r in caplog.records)


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", f"/quizzes/review/{2**63}/"),
        ("post", f"/quizzes/review/{10**30}/"),
        ("get", f"/quizzes/attempts/{2**63}/"),
        ("post", f"/quizzes/attempts/{2**63}/answer/{2**63}/"),
        ("post", f"/quizzes/attempts/{2**63}/submit/"),
        ("get", f"/quizzes/attempts/{2**63}/result/"),
    ],
)
def test_an_id_too_large_for_the_database_is_a_404(learner_client, method, path):
    response = getattr(learner_client, method)(path)
    assert response.status_code == 404


def test_the_largest_id_the_converter_takes_fits_the_database(learner_client):
    assert int("9" * 18) < 2**63 - 1
    response = learner_client.post(f"/quizzes/review/{'9' * 18}/")
    # Read as a number the database holds, not an overflow: no such card, and the queue says so.
    assert (response.status_code, response["Location"]) == (302, "/quizzes/review/")


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern


def test_no_route_of_ours_takes_an_unbounded_integer():
    """Django's `int` converter lets 2**63 reach the database; our routes use `id`."""
    offenders = [
        route
        for route, pattern in _patterns(get_resolver())
        if not route.startswith("admin/")
        and any(
            type(c).__name__ == "IntConverter" for c in getattr(pattern, "converters", {}).values()
        )
    ]
    assert offenders == []
    assert IdConverter.regex == "[0-9]{1,18}"


def test_a_request_django_refuses_gets_the_sites_own_400_page(client):
    """Over 1,000 query parameters (DATA_UPLOAD_MAX_NUMBER_FIELDS), fits in a URL a proxy
    accepts: Django's answer was a bare "Bad Request (400)" with no words and no way back."""
    response = client.get("/search/?" + "a&" * 1500)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This request could not be read" in body
    assert 'href="/"' in body
    assert "Content-Security-Policy" in response


def _page(response):
    return BeautifulSoup(response.content, "html.parser")


def _has_the_sites_header(page) -> bool:
    """The header every page starts with: the brand linking home, and the search box."""
    brand = page.select_one("header.site-header a.brand")
    search = page.select_one("header.site-header form[role=search]")
    stylesheet = page.select_one('link[rel=stylesheet][href$="css/site.css"]')
    return bool(brand and brand["href"] == "/" and search and stylesheet)


def test_the_400_page_has_the_sites_header_and_a_title_that_says_it(client):
    """It was a bare page: no brand, no search, nothing to say this was SRM Trainer."""
    page = _page(client.get("/search/?" + "a&" * 1500))
    assert _has_the_sites_header(page)
    assert page.title.get_text() == "Request not understood · SRM Trainer"


def boom(request):
    raise RuntimeError("secret detail of a bug")


urlpatterns = [path("boom/", boom)]


def test_a_500_page_says_what_happened_with_the_sites_header_and_no_traceback(settings, caplog):
    """A fault in a page (not the API) gets templates/500.html, drawn without a request: it had
    no header, so a learner met a page that did not look like the site's."""
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret detail" not in body and "Traceback" not in body
    page = _page(response)
    assert _has_the_sites_header(page)
    assert page.title.get_text() == "Something went wrong · SRM Trainer"
    assert page.h1.get_text() == "Something went wrong on our side"
    assert page.select_one("main .error-page a.button")["href"] == "/"


def test_the_400_and_500_pages_say_nothing_of_who_is_signed_in(settings, learner_client, caplog):
    """Drawn without a request, their fixed header (templates/_plain_header.html) cannot know
    who is signed in: a "Sign in" there would tell a signed-in learner they were not. Its
    links are the brand alone, and the page's way on is the lessons, whose header knows."""
    too_many = learner_client.get("/search/?" + "a&" * 1500)
    settings.ROOT_URLCONF = __name__
    learner_client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        fault = learner_client.get("/boom/")
    for response in (too_many, fault):
        page = _page(response)
        assert [a["href"] for a in page.select("header a")] == ["/"]
        assert not page.find(string=lambda text: "Sign" in text), response.status_code
    settings.ROOT_URLCONF = "srm_trainer.urls"
    header = _page(learner_client.get("/learn/glossary/")).select_one("header")
    assert header.find("button", string="Sign out") and not header.find("a", string="Sign in")


def test_opening_an_address_only_a_form_posts_to_is_a_405_page_not_a_blank_one(client):
    """A lesson's "complete/" opened directly (a bookmark, a copied link): Django's empty 405,
    which the browser draws as its own blank error page, with no way back."""
    lesson = "/learn/shared-responsibility/of-and-in-the-cloud/"
    response = client.get(lesson + "complete/", HTTP_REFERER="http://testserver" + lesson)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Content-Security-Policy" in response
    page = _page(response)
    assert page.select_one("header.site-header a.brand") is not None
    assert page.title.get_text() == "Not a page to open · SRM Trainer"
    assert page.h1.get_text() == "This address is not a page to open"
    links = {a.get_text(): a["href"] for a in page.select("main .error-page a.button")}
    assert links == {"Back to the page before": lesson, "Go to the lessons": "/"}
    # A live update keeps its empty 405: htmx swaps nothing on a 4xx, so a page drawn into
    # its answer would be read by nobody.
    response = client.get(lesson + "complete/", HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content) == (405, b"")


def test_another_method_on_a_page_is_a_405_page_naming_it(client):
    response = client.delete(reverse("security"))
    assert response.status_code == 405
    page = _page(response)
    assert page.title.get_text() == "Request not accepted · SRM Trainer"
    assert "a DELETE request" in page.select_one("main").get_text()


@pytest.mark.parametrize(
    "referer, back",
    [
        ("http://testserver/quizzes/?page=2", "/quizzes/?page=2"),
        ("https://elsewhere.example/quizzes/", None),  # not one of ours
        ("http://testserver//elsewhere.example/", None),  # would be read as another site
        ("http://testserver/no-such-page/", None),  # the page that failed itself
        ("http://testserver/", None),  # the lessons: "Go to the lessons" is there already
        ("", None),
    ],
)
def test_a_404_offers_the_page_before_only_when_it_is_one_of_ours(client, referer, back):
    """A broken link followed from one of our pages: the 404 led only to the lessons."""
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/learn/glossary/")
    buttons = {a.get_text(): a["href"] for a in _page(response).select("main a.button")}
    assert buttons["Back to the page before"] == "/learn/glossary/"
    extra = {"HTTP_REFERER": referer} if referer else {}
    response = client.get("/no-such-page/", **extra)
    assert response.status_code == 404
    buttons = {a.get_text(): a["href"] for a in _page(response).select("main a.button")}
    assert buttons.get("Back to the page before") == back
    assert buttons["Go to the lessons"] == "/"


def test_the_404_page_does_not_assume_a_lesson_was_meant(client):
    """A quiz's or a certificate's address got "the lesson may have moved"."""
    text = _page(client.get("/quizzes/no-such-quiz/")).select_one("main").get_text()
    assert "lesson may have moved" not in text
    assert "Search, at the top of every page" in text


def test_a_403_offers_the_page_before(learner_client):
    response = learner_client.get(
        reverse("teach:dashboard"), HTTP_REFERER="http://testserver/quizzes/"
    )
    assert response.status_code == 403
    buttons = {a.get_text(): a["href"] for a in _page(response).select("main a.button")}
    assert buttons == {"Back to the page before": "/quizzes/", "Go to the lessons": "/"}


def _sign_in_href(response) -> str:
    return _page(response).select_one("header").find("a", string="Sign in")["href"]


@pytest.mark.parametrize(
    "referer, signed_in_to",
    [
        ("http://testserver/learn/glossary/", "/accounts/login/?next=/learn/glossary/"),
        ("", "/accounts/login/"),  # home, LOGIN_REDIRECT_URL
    ],
)
def test_signing_in_from_a_404_leads_to_the_page_before_not_the_missing_one(
    client, referer, signed_in_to
):
    """The header's "Sign in" brought a person back to the address that failed, to the same
    404 once signed in: it leads to the page before (as the page's own button), or home."""
    extra = {"HTTP_REFERER": referer} if referer else {}
    response = client.get("/no-such-page/", **extra)
    assert response.status_code == 404
    assert _sign_in_href(response) == signed_in_to
    # Sign up alike; any other page is come back to after signing in, as before.
    assert _page(response).find("a", string="Sign up")["href"] == signed_in_to.replace(
        "login", "signup"
    )
    assert _sign_in_href(client.get("/learn/glossary/")) == "/accounts/login/?next=/learn/glossary/"


def test_signing_in_from_a_403_comes_back_to_it(rf):
    """Signing in may open what an anonymous person was refused: the 403 keeps its address."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.core.exceptions import PermissionDenied

    from srm_trainer.gone import permission_denied

    request = rf.get("/teach/?page=2", HTTP_REFERER="http://testserver/quizzes/")
    request.user, request.session = AnonymousUser(), SessionStore()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert _sign_in_href(response) == "/accounts/login/?next=/teach/%3Fpage%3D2"
