"""Errors everywhere: the API answers JSON for every one, ids too large for the database are a
404, and every URL parameter that is an integer uses the bounded `id` converter."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

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
