"""A form Django refuses for what the client sent (a body over its size limit) is answered 400
and logged as one line with its reason, without a traceback: a traceback in the log means a
fault of ours. (The sandbox and the labs check their own sizes first and answer 413.)"""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_log():
    """What the site's own console handler (the settings' LOGGING, as Django set it up) writes,
    its stream swapped for the test and put back after."""
    handlers = logging.getLogger().handlers  # "console", which django.security writes to too
    stream = io.StringIO()
    before = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(before)


def test_a_form_over_the_size_limit_is_a_400_and_one_line_without_a_traceback(server_log):
    browser = Client(enforce_csrf_checks=True)  # the CSRF check is what reads the form first
    browser.get("/accounts/login/")
    too_big = "login=a&password=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = browser.post(
        "/accounts/login/", too_big, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    written = server_log.getvalue()
    assert "Request body exceeded" in written and "django.security.RequestDataTooBig" in written
    assert "Traceback" not in written


def test_a_fault_of_ours_keeps_its_traceback(server_log):
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        logging.getLogger("django.request").error("Internal Server Error", exc_info=True)
    assert "Traceback" in server_log.getvalue() and "a bug" in server_log.getvalue()


def test_a_refused_page_is_a_403_and_one_line_without_a_traceback(server_log, learner_client):
    """A learner opening /teach/ is refused by PermissionDenied, which Django logged with its
    traceback: the log said "fault of ours" for every such click."""
    request_log = logging.getLogger("django.request")
    quiet = request_log.level  # the suite hears only its errors (tests/conftest.py)
    request_log.setLevel(logging.WARNING)
    try:
        response = learner_client.get("/teach/")
    finally:
        request_log.setLevel(quiet)
    assert response.status_code == 403
    written = server_log.getvalue()
    assert "Forbidden (Permission denied): /teach/" in written
    assert "Traceback" not in written
