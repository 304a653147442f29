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

    def url(number: int) -> str:
        return page_url(query, param, number, anchor)

    numbers = page.paginator.get_elided_page_range(
        page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    )
    pages = [
        PageLink(n, url(n), n == page.number) if isinstance(n, int) else PageLink(None)
        for n in numbers
    ]
    # A paginator that counts only so far (the question bank's `CountedAhead`) knows its last
    # number is not the last page: a gap after it says there are more.
    if getattr(page.paginator, "more", False):
        pages.append(PageLink(None))
    return PageLinks(
        previous=url(page.previous_page_number()) if page.has_previous() else "",
        next=url(page.next_page_number()) if page.has_next() else "",
        pages=pages,
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


@register.simple_tag(takes_context=True, name="page_links")
def page_links_tag(
    context, page: Page, param: str, anchor: str = "", query: QueryDict | None = None
) -> PageLinks:
    """`{% page_links page "banks" "banks-title" as links %}`: `page_links` over the request's
    query, or over `query` when the page gives one (`without`)."""
    if not isinstance(query, QueryDict):  # none given: a missing variable is ""
        request = context.get("request")
        query = request.GET if request is not None else QueryDict()
    return page_links(query, page, param, anchor)
