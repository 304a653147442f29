"""The glossary pages: every term A to Z on one page, and one page per term."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from glossary.listing import letters_for, related_for, taught_in
from glossary.models import GlossaryTerm
from lessons import reading_order


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """One query for the terms; lessons come from the kept reading order."""
    terms = list(GlossaryTerm.objects.all())
    order = reading_order.visible_to(request.user)
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
    return render(request, "glossary/index.html", {"letters": letters_for(terms)})


@require_safe
def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(GlossaryTerm, slug=slug)
    related = GlossaryTerm.objects.filter(slug__in=term.related).only("slug", "term")
    term.taught = taught_in(term, reading_order.visible_to(request.user))
    term.related_terms = related_for(term, {t.slug: t for t in related})
    return render(request, "glossary/term.html", {"term": term})
