"""One JSON line per request, with an id the client also sees."""

from __future__ import annotations

import json
import logging
from unittest import mock

import pytest
import structlog
from django.test import Client, override_settings

from srm_trainer.about import views
from srm_trainer.ops.logconfig import structured_formatter
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(structured_formatter(json=True))
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def request_lines():
    """The request log's lines, at INFO as in production (the test suite logs requests only at
    ERROR: `_quiet_request_log` in tests/conftest.py)."""
    handler = Lines()
    logger = logging.getLogger("django_structlog")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.setLevel(level)
    logger.removeHandler(handler)


def finished(lines):
    return [line for line in lines if line["event"] == "request_finished"]


def test_each_request_logs_one_json_line_with_its_id_status_and_time(request_lines):
    response = Client().get("/security/")
    (line,) = finished(request_lines)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["code"] == 200 and line["request"] == "GET /security/"
    assert line["duration_ms"] >= 0 and line["level"] == "info"
    assert line["timestamp"].endswith("Z")


def test_every_request_gets_its_own_id():
    client = Client()
    assert client.get("/security/")["X-Request-ID"] != client.get("/security/")["X-Request-ID"]


def test_a_client_cannot_choose_its_request_id():
    response = Client().get("/security/", HTTP_X_REQUEST_ID="forged-id")
    assert response["X-Request-ID"] != "forged-id"


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_the_logged_address_is_the_one_rate_limits_trust_not_a_forged_header(request_lines):
    Client().get("/security/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="1.2.3.4")
    (line,) = finished(request_lines)
    assert line["ip"] == "198.51.100.4"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_forwarded_address_is_logged(request_lines):
    Client().get("/security/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
    (line,) = finished(request_lines)
    assert line["ip"] == "203.0.113.50"


def test_a_missing_page_is_logged_as_a_warning(request_lines):
    Client().get("/no-such-page/")
    (line,) = finished(request_lines)
    assert line["code"] == 404 and line["level"] == "warning"


def test_a_signed_in_request_is_logged_with_the_user(request_lines, learner):
    client = Client()
    sign_in(client, learner)
    client.get("/security/")
    (line,) = finished(request_lines)
    assert line["user_id"] == learner.pk and line["code"] == 200


def test_a_line_logged_while_answering_carries_the_request_id_and_address(request_lines):
    """The request's id and address are bound whatever the request log's own level, so the
    lines other code writes during the request carry them; the id is still sent back."""
    logging.getLogger("django_structlog").setLevel(logging.ERROR)  # the request's line off
    seen = []
    render = views.render

    def render_and_look(*args, **kwargs):
        seen.append(structlog.contextvars.get_contextvars())
        return render(*args, **kwargs)

    with mock.patch.object(views, "render", render_and_look):
        response = Client().get("/security/", REMOTE_ADDR="198.51.100.9")
    assert finished(request_lines) == []
    assert seen == [{"request_id": response["X-Request-ID"], "ip": "198.51.100.9"}]
    assert structlog.contextvars.get_contextvars() == {}  # cleared once answered


@pytest.fixture
def django_lines():
    """`django.request`'s lines (Django's own for each 4xx and 5xx answer), as formatted."""
    handler = Lines()
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)  # as in production (the suite's is ERROR)
    yield handler.lines
    logger.setLevel(level)
    logger.removeHandler(handler)


def test_djangos_own_line_for_a_missing_page_carries_the_request_id(django_lines):
    """Django writes "Not Found: <path>" after every middleware has returned; it went out with
    no request id (seen in gunicorn's log), against README's "every other log line of that
    request carries the same request_id"."""
    response = Client().get("/no-such-page/", REMOTE_ADDR="198.51.100.9")
    (line,) = django_lines
    assert line["event"] == "Not Found: /no-such-page/"
    assert line["request_id"] == response["X-Request-ID"] and line["ip"] == "198.51.100.9"
    assert structlog.contextvars.get_contextvars() == {}  # cleared once the response closed


def test_an_api_failure_is_logged_once(django_lines, monkeypatch):
    """The API's JSON copy of the 500 page was logged a second time, without its id; and a
    failed request's answer carried no X-Request-ID, the one a learner would quote."""

    def broken(case):
        raise RuntimeError("a bug")

    monkeypatch.setattr("srm_trainer.sandbox.api.evaluate", broken)
    response = Client(raise_request_exception=False).post(
        "/api/iam/evaluate", "{}", content_type="application/json"
    )
    (line,) = django_lines
    assert line["event"] == "Internal Server Error: /api/iam/evaluate"
    assert line["request_id"] == response["X-Request-ID"]
