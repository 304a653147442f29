"""What every IAM API endpoint promises a developer (docs/sandbox.md, "The evaluation API"):
JSON answers, errors included, with the status the page lists; no CSRF token, no cookie, no
CORS headers; and no malformed body answered with a 500."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from srm_trainer.sandbox.state import MAX_BODY_BYTES

pytestmark = pytest.mark.django_db

ENDPOINTS = ("evaluate", "simulate", "summary", "diff")

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
REQUEST = {
    "principal": "arn:aws:iam::111122223333:user/alice",
    "resource_account": "111122223333",
}
GOOD = {
    "evaluate": {
        "request": {**REQUEST, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
        "identity_policies": [POLICY],
    },
    "simulate": {
        "request": {**REQUEST, "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/k"]},
        "identity_policies": [POLICY],
    },
    "summary": {"identity_policies": [POLICY]},
    "diff": {"old": POLICY, "new": POLICY},
}

MALFORMED = [
    "",
    " ",
    "a=b&c=d",
    "null",
    "[]",
    '"text"',
    "1e999",
    "-" + "9" * 5000,
    "{" * 3000,
    '{"request": 1e308, "old": -1e308, "new": 0.0000001}',
    '{"request": {"principal": 99999999999999999999, "action": [], "resource": {}}}',
    '{"request": {"actions": "s3:*", "resources": 1}}',
    '{"identity_policies": {"Statement": 1}, "services": 7}',
    '{"identity_policies": [1e308], "services": [null]}',
    '{"old": "{", "new": []}',
    '{"old": {"Statement": "x"}, "new": {"identity_policies": [[]]}, "services": [1]}',
    '{"a": 1, "a": 2}',
    '{"a": NaN}',
    '{"a": "\\ud800"}',
]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def url(endpoint):
    return f"/api/iam/{endpoint}"


def is_json_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_example_body_is_answered_as_json_without_a_token_or_a_cookie(endpoint):
    strict = Client(enforce_csrf_checks=True)  # as curl or a script calls it: no CSRF token
    response = strict.post(url(endpoint), json.dumps(GOOD[endpoint]), "application/json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert not response.cookies  # nothing of the caller's is kept
    assert "Access-Control-Allow-Origin" not in response  # same origin only, as documented


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options"])
def test_another_method_is_a_json_405_naming_post(client, endpoint, method):
    response = getattr(client, method)(url(endpoint))
    is_json_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"
    assert "Access-Control-Allow-Origin" not in response  # no CORS preflight is answered


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_body_is_a_json_400_never_a_500(client, endpoint, body):
    error = is_json_error(client.post(url(endpoint), body, "application/json"), 400)
    assert error["code"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_the_body_is_read_as_json_whatever_its_content_type(client, endpoint, content_type):
    body = json.dumps(GOOD[endpoint])
    assert client.post(url(endpoint), body, content_type).status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_body_over_64_kb_is_a_json_413(client, endpoint):
    body = json.dumps({**GOOD[endpoint], "pad": "x" * MAX_BODY_BYTES})
    is_json_error(client.post(url(endpoint), body, "application/json"), 413, "body_too_large")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_too_many_requests_is_a_json_429_with_retry_after(client, settings, endpoint):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "1/60"}
    body = json.dumps(GOOD[endpoint])
    assert client.post(url(endpoint), body, "application/json").status_code == 200
    response = client.post(url(endpoint), body, "application/json")
    is_json_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_body_that_is_not_utf_8_is_named_so(client, endpoint):
    body = json.dumps(GOOD[endpoint]).encode("utf-16")
    is_json_error(client.post(url(endpoint), body, "application/json"), 400, "invalid_encoding")


def test_an_address_that_is_no_endpoint_is_a_json_404(client):
    is_json_error(client.post("/api/iam/nope", "{}", "application/json"), 404, "not_found")
