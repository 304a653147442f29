"""The glossary held in memory, and what other parts of the site ask of it.

Lesson pages link each term's first use. Building the matcher reads every term, so it is
built once per process and kept until the glossary changes: saving or deleting a term (the
loader does both) bumps a version in the shared cache, which every process checks (one cache
read per lesson page; `srm_trainer.versioned_cache`, as for `lessons.reading_order`). The
linked HTML is kept too, by glossary version, lesson and body, so a lesson page links its body
once per process and glossary version, not on every request (srm_trainer/kept_fragments.py,
which keeps nothing drawn from a build made inside a transaction).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace
from typing import NamedTuple

from django.urls import reverse

from glossary.listing import letters_for, page_numbers
from glossary.matching import Matcher, Term
from srm_trainer.kept_fragments import kept_drawing
from srm_trainer.versioned_cache import Kept, VersionedCache

VERSION_KEY = "glossary:version"


def _build() -> Matcher:
    from glossary.models import GlossaryTerm

    rows = GlossaryTerm.objects.values_list("slug", "term", "aliases", "lesson_id")
    terms = [
        Term(slug, (term, *[a for a in aliases if isinstance(a, str)]), lesson_id)
        for slug, term, aliases, lesson_id in rows
    ]
    # Which page of the A to Z listing each entry is on, to link a term where it is.
    listed = [
        SimpleNamespace(slug=slug, term=term, aliases=[a for a in aliases if isinstance(a, str)])
        for slug, term, aliases, _lesson in rows
    ]
    return replace(Matcher.build(terms), pages=page_numbers(letters_for(listed)))


_kept = VersionedCache(VERSION_KEY, _build)


def changed() -> None:
    """Forget the glossary everywhere (`VersionedCache.changed`)."""
    _kept.changed()


def matcher() -> Matcher:
    return _kept.get()


def kept() -> Kept[Matcher]:
    """The glossary as this process keeps it: a new object whenever the glossary changes (not
    `lasting` inside a transaction), so what is drawn from the terms can be kept under it."""
    return _kept.current()


def term_url(slug: str, page: int = 1) -> str:
    """Where a term's entry is: its anchor on the glossary page (of the listing's pages, the
    one it is on)."""
    on = f"?page={page}" if page > 1 else ""
    return f"{reverse('glossary:index')}{on}#term-{slug}"


def link_terms(html: str, *, lesson_id: int | None = None) -> str:
    """Lesson HTML with the first use of each glossary term linked to its entry. Terms taught
    in this very lesson are not linked: the lesson is where they are explained."""
    return _linked(_kept.current(), html, lesson_id)


@kept_drawing(limit=512)
def _linked(glossary: Kept[Matcher], html: str, lesson_id: int | None) -> str:
    found = glossary.value
    skip = found.taught_in.get(lesson_id, frozenset()) if lesson_id is not None else ()
    return found.link(html, href=lambda slug: term_url(slug, found.pages.get(slug, 1)), skip=skip)


def link_lesson_body(html: str, *, lesson) -> str:
    """The body filter registered with `lessons.hooks`."""
    return link_terms(html, lesson_id=lesson.pk)


class IndexEntry(NamedTuple):
    """One term for a search index: its plain-text definition, and the slug its page is found
    by (the search makes the address per request: search/sources.py)."""

    slug: str
    term: str
    aliases: tuple[str, ...]
    definition: str


_MARKUP = re.compile(r"[`*_]+")


def all_for_index() -> Iterator[IndexEntry]:
    """Every glossary term as (slug, term, aliases, definition), for the site search to index.
    The definition is plain text (Markdown marks removed); the search titles a term with its
    aliases, so a search for an abbreviation finds it."""
    from glossary.models import GlossaryTerm

    rows = GlossaryTerm.objects.order_by("slug").values_list(
        "slug", "term", "definition", "aliases"
    )
    for slug, term, definition, aliases in rows.iterator(chunk_size=500):
        text = _MARKUP.sub("", definition).strip()
        yield IndexEntry(slug, term, tuple(aliases or ()), text)
