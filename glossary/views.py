"""The glossary pages: every term A to Z on one page, and one page per term."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from glossary import terms as glossary_terms
from glossary.listing import letters_for, related_for, split_pages, taught_in
from glossary.models import GlossaryTerm
from lessons import reading_order
from srm_trainer.kept_fragments import kept_drawing
from srm_trainer.pager import numbered


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The A to Z listing is the same for every reader of one reading order (drafts are staff
    only) until a term changes: drawn once per version of the glossary and of the course and
    kept (~20 ms of drawing on the shipped course)."""
    course = reading_order.kept()
    published_only = course.value.visible_to(request.user).published_only
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    listing = _listing(course, published_only, glossary_terms.kept(), page)
    return render(request, "glossary/index.html", {"listing": listing})


def _arranged(course, published_only: bool) -> list:
    """The listing's pages (`listing.split_pages`) for readers of the published course or of
    all of it (staff). Arranged for each page drawn: a page is drawn once per version of the
    glossary and of the course (`_listing` keeps it), and the shipped glossary is one page."""
    order = course.value.published if published_only else course.value.everything
    return split_pages(_letters(order))


@kept_drawing(limit=16)
def _listing(course, published_only: bool, glossary, page: int) -> str:
    """One page of the listing (the whole of it while it fits on one; past the last, the
    last), drawn from the terms of this version of the glossary (`glossary`: what it is kept
    under)."""
    pages = _arranged(course, published_only)
    page = min(page, max(len(pages), 1))
    letters = [group for part in pages for group in part if group.items]
    return render_to_string(
        "glossary/index.html#listing",
        {
            "letters": pages[page - 1] if pages else [],
            # Each letter once, with the page it starts on.
            "index": [(group.letter, group.anchor, group.page) for group in _unique(letters)],
            "page": page,
            "pages": len(pages),
            # The site's pager (templates/_pager.html); drawn without the request, its links
            # carry `?page=` alone, the listing's only parameter.
            "paged": numbered(page, len(pages)),
        },
    )


def _unique(letters: list) -> list:
    """Each letter once, at its first part."""
    seen: set[str] = set()
    out = []
    for group in letters:
        if group.anchor not in seen:
            seen.add(group.anchor)
            out.append(group)
    return out


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
