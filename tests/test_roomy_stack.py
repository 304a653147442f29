"""Every request runs in one frame that reserves a large stack (srm_trainer/middleware.py,
`RoomyStackMiddleware`), so Python 3.11 stops mapping and unmapping frame chunks as the stack
goes up and down; the request itself is untouched. Its cost is measured by `make bench`. And
the test clients' shared middleware chain (tests/conftest.py) still follows the settings."""

from __future__ import annotations

import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from srm_trainer.middleware import RoomyStackMiddleware


def test_it_is_the_outermost_middleware():
    assert settings.MIDDLEWARE[0] == "srm_trainer.middleware.RoomyStackMiddleware"


def test_the_rest_of_the_request_runs_under_the_roomy_frame_and_its_answer_is_kept():
    seen = {}
    answer = HttpResponse("kept", status=201)

    def rest(request):
        seen["request"] = request
        seen["reserved"] = sys._getframe(1).f_code.co_stacksize
        return answer

    request = RequestFactory().get("/lessons/")
    assert RoomyStackMiddleware(rest)(request) is answer
    assert seen["request"] is request
    assert seen["reserved"] >= 32_768  # slots: 256 KB and more, so one 512 KB chunk


def test_an_exception_goes_through_unchanged():
    def rest(request):
        raise LookupError("from the view")

    with pytest.raises(LookupError, match="from the view"):
        RoomyStackMiddleware(rest)(RequestFactory().get("/"))


CSP = "srm_trainer.middleware.ContentSecurityPolicyMiddleware"


@pytest.mark.django_db
def test_the_test_clients_shared_middleware_follows_a_settings_change():
    """The tests' clients share one middleware chain (tests/conftest.py,
    `_middleware_built_once`); a changed MIDDLEWARE must still reach the next client."""
    from django.test import Client, override_settings

    assert "Content-Security-Policy" in Client().get("/")
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != CSP]):
        assert "Content-Security-Policy" not in Client().get("/")
    assert "Content-Security-Policy" in Client().get("/")
