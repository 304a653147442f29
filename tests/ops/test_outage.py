"""The database or the cache not answering: pages say "briefly unavailable" (503 with
Retry-After), the API says it in JSON, and a fault of ours stays a 500.

Found with two gunicorn servers on one PostgreSQL and one Redis: stopping either made every
page the 500 "Something went wrong on our side" a bug gives (srm_trainer/outage.py)."""

from __future__ import annotations

import logging
import socket

import pytest
from django.db import OperationalError
from django.test import Client

from tests.ops.test_request_log import Lines

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_stopped(settings):
    """`CACHE_URL=redis://...` with the Redis server gone (Django rebuilds its caches when the
    setting changes, and again when the test restores it)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }


def test_a_page_while_redis_is_down_says_to_come_back_soon(redis_stopped, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/sandbox/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "SRM Trainer is briefly unavailable" in page
    assert "Nothing you saved was lost. Please try again in a minute." in page
    assert "Traceback" not in page and "Connection" not in page  # no internals
    # The operator still reads the driver's error in the log.
    assert any(r.exc_info and "Connection" in repr(r.exc_info[1]) for r in caplog.records)


def test_the_api_while_redis_is_down_answers_json(redis_stopped):
    response = Client(raise_request_exception=False).post(
        "/api/iam/evaluate", "{}", content_type="application/json"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "unavailable"


def test_a_page_while_the_database_is_down_says_to_come_back_soon(monkeypatch):
    """psycopg's "connection refused" reaches Django's handler as Django's OperationalError
    (seen with PostgreSQL stopped under gunicorn)."""

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", refused)
    response = Client(raise_request_exception=False).get("/quizzes/")
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()
    assert "5432" not in response.content.decode()


def test_a_fault_of_ours_is_still_a_500(monkeypatch):
    def broken(case):
        raise RuntimeError("a bug")

    monkeypatch.setattr("srm_trainer.sandbox.api.evaluate", broken)
    response = Client(raise_request_exception=False).post(
        "/api/iam/evaluate", "{}", content_type="application/json"
    )
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"


@pytest.fixture
def request_lines():
    """The request log's lines (its "request_failed" is at ERROR, which the suite writes)."""
    handler = Lines()
    logger = logging.getLogger("django_structlog")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def _failed(lines) -> list[int]:
    return [line["code"] for line in lines if line["event"] == "request_failed"]


def test_the_request_log_says_503_for_an_outage_and_500_for_a_fault(
    redis_stopped, monkeypatch, request_lines
):
    """django-structlog's "request_failed" line said "code": 500 for the 503 page: an operator
    counting 5xx by code saw faults of ours where the cache had stopped."""
    response = Client(raise_request_exception=False).get("/sandbox/")
    assert response.status_code == 503
    assert _failed(request_lines) == [503]
    request_lines.clear()

    # The same error taken for a fault of ours: the 500 page, and a line that says 500.
    monkeypatch.setattr("srm_trainer.outage.is_outage", lambda exc: False)
    response = Client(raise_request_exception=False).get("/sandbox/")
    assert response.status_code == 500
    assert _failed(request_lines) == [500]
