"""What the error pages share: the way back to the page before, and a page for a 405.

Django answers a wrong method (a GET on an address only a form posts to, such as a lesson's
"complete/") with an empty 405, which the browser draws as its own blank error page: no header,
no words, no way back. `MethodNotAllowedPageMiddleware` puts the site's 405 page in that empty
body. The API keeps its JSON (`ApiJsonErrorsMiddleware`), and a live update (htmx) its empty
answer, which htmx does not swap.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from srm_trainer.htmx import wants_partial


def came_from(request: HttpRequest) -> str:
    """The page the browser came from (its Referer), as a path, if it is one of this site's
    pages and neither the address that failed nor the home page (the error page's "Go to the
    lessons" leads there): the "Back to the page before" of an error page.
    (The site sends its Referer only to itself: `SECURE_REFERRER_POLICY = "same-origin"`.)"""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if path.startswith(("//", "/\\")):  # would be read as another site's address
        return ""
    # The home page's address holds the script prefix of a site served under one (`/srm/`).
    return "" if path in (reverse("home"), request.get_full_path()) else path


class MethodNotAllowedPageMiddleware:
    """An empty 405 outside the API becomes the 405 page (templates/405.html), its `Allow`
    header kept. Listed after the middleware the page's header needs (the user, htmx, the kept
    fragments' versions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.streaming
            or response.content
            or request.path.startswith("/api/")
            or wants_partial(request)
        ):
            return response
        allow = response.get("Allow", "")
        context = {
            "form_only": request.method in ("GET", "HEAD") and allow == "POST",
            "method": request.method,
            "back": came_from(request),
        }
        page = render(request, "405.html", context, status=405)
        if allow:
            page["Allow"] = allow
        return page
