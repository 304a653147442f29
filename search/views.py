"""The search page: `/search/?q=` works as a plain GET form; with htmx, results follow typing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from search.query import MAX_QUERY, search
from srm_trainer.htmx import page_or_partial, wants_partial
from srm_trainer.pager import numbered
from srm_trainer.ratelimit import rate_limited

TEMPLATE = "search/search.html"


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the limit: with htmx the message takes the results' place (the box keeps what was
    typed); without, the usual page says when to try again."""
    if getattr(request, "htmx", None):
        return render(request, f"{TEMPLATE}#results", {"retry_after": retry_after, "live": True})
    return render(request, "429.html", {"retry_after": retry_after, "what": "searches"})


def _page_number(value: str | None) -> int:
    """`?page=` as a number, 1 for anything else: only ASCII digits ("²" passes
    `str.isdigit()` but not `int()`: a 500 for any visitor)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 4 else 1


@require_safe
@vary_on_headers("HX-Request")
@rate_limited("search", _too_many)
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:MAX_QUERY]
    results = search(q, page=_page_number(request.GET.get("page"))) if q.strip() else None
    context = {"q": q, "results": results, "max_query": MAX_QUERY, "live": wants_partial(request)}
    if results is not None and results.pages > 1:
        context["paged"] = numbered(results.page, results.pages)  # for templates/_pager.html
    return render(request, page_or_partial(request, TEMPLATE, "results"), context)
