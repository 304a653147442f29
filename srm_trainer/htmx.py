"""One rule for "partial or whole page", shared by every view that htmx swaps."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from srm_trainer.live_status import announcement


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for type annotations only: every
    request has `htmx`, but HttpRequest does not say so (the pattern django-htmx documents)."""

    htmx: HtmxDetails


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx swap; False for a normal visit *and* for htmx restoring history on
    Back/Forward, which replaces the whole body and so needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """`template`, or its `{% partialdef %}` named `partial` when htmx swaps just that."""
    return f"{template}#{partial}" if wants_partial(request) else template


def status_line(message: str, target: str) -> HttpResponse:
    """`message` as the text of the status line `target`, in place of the part the request
    would have swapped: a refusal (over a rate limit) that leaves what the learner chose or
    typed on screen. The page's status region (srm_trainer/live_status.py) says it: a status
    line is swapped with its form, so it is no live region of its own, and the region must not
    keep an earlier verdict's words beside the refusal as if they still applied."""
    body = escape(message) + announcement(message)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    return reswap(retarget(response, target), "innerHTML")


def stale_notice(response: HttpResponse, target: str) -> HttpResponse:
    """A refused live update (a 4xx) drawn into `target`, whose page it marks as stale: htmx
    leaves a 4xx unswapped, so the old result stayed on screen as if it described what was
    typed; static/js/stale-page.js swaps in a 4xx that carries X-Page-Stale, and no other."""
    retarget(response, target)
    reswap(response, "innerHTML")
    response["X-Page-Stale"] = "1"
    return response
