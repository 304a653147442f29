"""The links of a list's pager, for `templates/_pager.html`, the site's one pager.

A page may hold several lists paged on their own (the teaching dashboard has five), each by a
query parameter of its own (`?banks=`, `?tags=`). Django's `{% querystring %}` keeps the other
parameters, but takes the one it sets only as a literal keyword, so one shared pager could not
use it: the links are built here, each keeping every other parameter as it was, so paging one
list leaves the others where they are, and a search's words and a filter stay on every link.
The same links serve a pager whose list htmx swaps in place (the question bank's, the
search's): the partial draws them as its `hx-get` too. A template builtin (settings.TEMPLATES).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.template.loader import render_to_string

from srm_trainer.kept_fragments import kept_drawing

register = template.Library()

# Page numbers beside the current one, and at each end, before a gap ("1 … 4 5 6 … 34"): at
# most seven entries, which fit a phone's line.
ON_EACH_SIDE = 1
ON_ENDS = 1


@dataclass(frozen=True)
class PageLink:
    """One entry of the numbers: a page (`number`, its `url`) or a gap (`number` None)."""

    number: int | None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class PageLinks:
    """Where a pager's links go: the page before and after ("" at an end, where the link is
    left out) and the numbers between."""

    previous: str
    next: str
    pages: list[PageLink]


def page_url(query: QueryDict, param: str, number: int, anchor: str = "") -> str:
    """The address of page `number` of the list paged by `param`: the page's own query
    (`query`, each other parameter as it was) with `param` set, and `#anchor` after it."""
    kept = query.copy()
    kept[param] = str(number)
    return f"?{kept.urlencode()}" + (f"#{anchor}" if anchor else "")


def page_links(query: QueryDict, page: Page, param: str, anchor: str = "") -> PageLinks:
    """The links of `page`'s pager (`param` its query parameter, `anchor` the list's heading,
    so a link opens at the list rather than at the top of the page)."""
    number, pages, _count, _first, _last, more = _place(page)
    return _links(query, number, pages, more, param, anchor)


def _place(page: Page) -> tuple[int, int, int, int, int, bool]:
    """Where `page` stands, all a pager shows of it: its number, how many pages, how many
    items, its first and last item's place, and whether the list was counted only so far
    (the question bank's `CountedAhead`, which knows `more` once it has counted)."""
    paginator = page.paginator
    count, pages = paginator.count, paginator.num_pages
    more = bool(getattr(paginator, "more", False))
    return page.number, pages, count, page.start_index(), page.end_index(), more


def _links(
    query: QueryDict, number: int, pages: int, more: bool, param: str, anchor: str
) -> PageLinks:
    """`page_links` of page `number` of `pages`: what the numbers are depends on no more."""

    def url(n: int) -> str:
        return page_url(query, param, n, anchor)

    numbers = Paginator(range(pages), 1).get_elided_page_range(
        number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    )
    links = [
        PageLink(n, url(n), n == number) if isinstance(n, int) else PageLink(None) for n in numbers
    ]
    # A paginator that counts only so far (the question bank's `CountedAhead`) knows its last
    # number is not the last page: a gap after it says there are more.
    if more:
        links.append(PageLink(None))
    return PageLinks(
        previous=url(number - 1) if number > 1 else "",
        next=url(number + 1) if number < pages else "",
        pages=links,
    )


def numbered(number: int, pages: int) -> Page:
    """Page `number` of `pages`, for the pager of a list cut into pages its own way (the
    search's ranked results, the glossary's letters), not by a Paginator: the pager needs only
    where it is and how many there are. Its "items" are its pages, one to a page."""
    return Paginator(range(max(pages, 1)), 1).get_page(number)


def without(query: QueryDict, *params: str) -> QueryDict:
    """`query` with `params` left out, for a pager whose page could not use their values (a
    module page's unknown `?level=`): its links would carry such a value onto every page, and
    the page's notice that it was not used with it."""
    kept = query.copy()
    for param in params:
        kept.pop(param, None)
    return kept


# Pagers drawn and kept (`kept_drawing`), each under all it shows: a list's place (its page,
# how many), its words and the page's query. A query longer than QUERY_KEPT is drawn every time,
# not kept: a pager holds it about seven times, and a request line may be 8 KB long.
PAGERS_KEPT = 256
QUERY_KEPT = 512
# The include's words, as the nav names them.
WORDS = ("label", "noun", "order", "previous", "next", "target", "swap", "focus")


def _draw(
    query: str, place: tuple[int, int, int, int, int, bool], param: str, anchor: str, words: tuple
) -> str:
    """`templates/_pager.html`'s nav, from all it shows: its links keep `query`; `place` is
    `_place`'s; `words` are the include's, in `WORDS`' order."""
    number, pages, count, first, last, more = place
    return render_to_string(
        "_pager.html#nav",
        {
            "links": _links(QueryDict(query), number, pages, more, param, anchor),
            "number": number,
            "pages": pages,
            "count": count,
            "first": first,
            "last": last,
            "more": more,
            **dict(zip(WORDS, words, strict=True)),
        },
    )


_kept = kept_drawing(limit=PAGERS_KEPT)(_draw)


@register.simple_tag(takes_context=True, name="pager")
def pager_tag(context) -> str:
    """`{% pager %}`: `_pager.html`'s nav, from the names its include sets (page, param, anchor,
    query and `WORDS`, read as the template read them: one it does not set is the page's own,
    or ""), drawn once for all it shows and kept (srm_trainer/kept_fragments.py). Drawn on
    every request, its links and numbers had cost a module page at 100 times the course, which
    has pages, a fifth more than at the shipped size, where it has none. Its links keep the
    request's query, or `query` when the page gives one (`without`)."""
    page: Page = context["page"]
    query = context.get("query")
    if not isinstance(query, QueryDict):  # none given
        request = context.get("request")
        query = request.GET if request is not None else QueryDict()
    place = _place(page)
    words = tuple([context.get(name, "") for name in WORDS])
    encoded = query.urlencode()
    draw = _kept if len(encoded) <= QUERY_KEPT else _draw
    return draw(encoded, place, context["param"], context.get("anchor", ""), words)
