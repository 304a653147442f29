"""The glossary pages: every term A to Z on one page, and one page per term."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from glossary import terms as glossary_terms
from glossary.listing import letters_for, related_for, taught_in
from glossary.models import GlossaryTerm
from lessons import reading_order


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The A to Z listing is the same for every reader of one reading order (drafts are staff
    only) until a term changes: it is drawn once per glossary version and order and kept with
    the order (~20 ms of drawing on the shipped course); inside a transaction, drawn afresh."""
    order = reading_order.visible_to(request.user)
    if connection.in_atomic_block:
        return render(request, "glossary/index.html", {"letters": _letters(order)})
    glossary = glossary_terms.kept()
    found = order.kept.get("glossary-listing")
    if found is None or found[0] is not glossary:
        listing = render_to_string("glossary/index.html#listing", {"letters": _letters(order)})
        found = order.kept["glossary-listing"] = (glossary, listing)
    return render(request, "glossary/index.html", {"listing": found[1]})


def _letters(order) -> list:
    """The terms by letter, each with its address, its lesson and related terms. One query for
    the terms; lessons come from the reading order."""
    terms = list(GlossaryTerm.objects.all())
    by_slug = {term.slug: term for term in terms}
    # Addresses are worked out once per page, not reversed for each of hundreds of links.
    base = reverse("glossary:index")
    lesson_urls: dict[int, str] = {}
    for term in terms:
        term.url = f"{base}{term.slug}/"
        term.taught = taught_in(term, order)
        if term.taught is not None:
            term.taught_url = lesson_urls.get(term.taught.pk) or lesson_urls.setdefault(
                term.taught.pk, term.taught.get_absolute_url()
            )
        term.related_terms = related_for(term, by_slug)
    return letters_for(terms)


@require_safe
def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(GlossaryTerm, slug=slug)
    related = GlossaryTerm.objects.filter(slug__in=term.related).only("slug", "term")
    term.taught = taught_in(term, reading_order.visible_to(request.user))
    term.related_terms = related_for(term, {t.slug: t for t in related})
    return render(request, "glossary/term.html", {"term": term})
