"""A form or live update refused by Django's CSRF check, explained in the site's own words.

It happens to real people, not only to forged requests: signing in or out rotates the token,
so a page opened before that (another tab, a sandbox left open) can send nothing more. Django's
own page is unstyled here (its inline styles meet our CSP) and says "CSRF verification failed";
a live update refused this way left the old result on screen as if it still applied. The page
says what happened and what to do; an htmx request gets the same words in the page's alert
region (`#page-alert`, base.html, as a role=alert note; static/js/stale-page.js swaps the 403 in).
The policy editor's findings request reads JSON, not htmx: it gets the same words as the
`message` it shows where findings appear (srm_trainer/sandbox/views.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme

from srm_trainer.htmx import stale_notice
from srm_trainer.too_large import view_name
from srm_trainer.typed_back import same_site_form, typed_back


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """`CSRF_FAILURE_VIEW`: the explaining page, or for htmx its notice, with status 403."""
    live = bool(getattr(request, "htmx", False))
    context: dict[str, object] = {"no_cookie": reason == REASON_NO_CSRF_COOKIE, "live": live}
    if view_name(request) == "sandbox-findings":
        context["live"] = True  # its words for a page still open: copy, then reload
        notice = render_to_string("403_csrf.html#notice", context, request)
        message = " ".join(strip_tags(notice).split())
        return JsonResponse({"findings": [], "message": message}, status=403)
    if not live:
        # What the form held, to copy: Back draws the editors' pages again from the server.
        context["typed"] = typed_back(request) if same_site_form(request) else []
        return render(request, "403_csrf.html", context, status=403)
    context["reload"] = page_address(request)
    return stale_notice(render(request, "403_csrf.html#notice", context, status=403), "#page-alert")


def page_address(request: HttpRequest) -> str:
    """The page to reload: the one the browser shows (htmx names it), if it is one of ours."""
    shown = request.htmx.current_url or ""  # type: ignore[attr-defined]
    allowed = {request.get_host()}
    if shown and url_has_allowed_host_and_scheme(shown, allowed, require_https=request.is_secure()):
        return shown
    return ""
