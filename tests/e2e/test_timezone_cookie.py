"""The time-zone cookie `static/js/timezone.js` writes is Secure on an https page, as every
cookie of a production site is (/security/, "Transport"), and still plain on http, where the
development server runs and a Secure cookie would not be kept."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e

SCRIPT = (ROOT / "static" / "js" / "timezone.js").read_text(encoding="utf-8")
PAGE = '<!doctype html><title>t</title><script src="/static/js/timezone.js"></script>'


def _tz_cookie(context, origin: str) -> dict:
    """Opens a page of `origin` that loads the site's script (served from the file, so no TLS
    server is needed) and returns the cookie it wrote."""

    def serve(route) -> None:
        if route.request.url.endswith("/timezone.js"):
            route.fulfill(body=SCRIPT, content_type="text/javascript")
        else:
            route.fulfill(body=PAGE, content_type="text/html")

    context.route(f"{origin}/**", serve)
    page = context.new_page()
    page.goto(f"{origin}/")
    page.wait_for_function("document.cookie.indexOf('tz=') !== -1")
    (cookie,) = [c for c in context.cookies(origin) if c["name"] == "tz"]
    return cookie


def test_on_https_the_time_zone_cookie_is_secure(context):
    assert _tz_cookie(context, "https://srm.example.org")["secure"] is True


def test_on_http_it_is_kept_without_secure(context):
    assert _tz_cookie(context, "http://srm.example.org")["secure"] is False
