"""A pager's links (srm_trainer/pager.py) set their own list's parameter and keep every other
one of the page's query as it was, repeated ones too, so one list's pager never moves another
list, a search or a filter on the same page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import RequestContext, Template
from django.templatetags.static import static
from django.test import RequestFactory

from srm_trainer import pager
from srm_trainer.pager import numbered, page_links, without


def _page(number: int, pages: int = 9):
    return Paginator(range(pages * 10), 10).get_page(number)


def test_a_link_sets_its_own_parameter_and_keeps_the_others():
    query = QueryDict("tags=3&q=s3+bucket&kind=a&kind=b&banks=1")
    links = page_links(query, _page(2), "banks", "banks-title")
    assert links.next == "?tags=3&q=s3+bucket&kind=a&kind=b&banks=3#banks-title"
    assert links.previous == "?tags=3&q=s3+bucket&kind=a&kind=b&banks=1#banks-title"
    kept = QueryDict(links.next.removeprefix("?").split("#")[0])
    assert kept.getlist("kind") == ["a", "b"] and kept["tags"] == "3"


def test_a_list_on_a_page_of_its_own_adds_its_parameter():
    links = page_links(QueryDict("tags=2"), _page(1), "banks")
    assert links.next == "?tags=2&banks=2"


def test_no_link_before_the_first_page_or_after_the_last():
    assert page_links(QueryDict(), _page(1), "p").previous == ""
    assert page_links(QueryDict(), _page(9), "p").next == ""


def test_the_numbers_mark_the_current_page_and_elide_the_far_ones():
    links = page_links(QueryDict("x=1"), _page(5), "p")
    assert [link.number for link in links.pages] == [1, None, 4, 5, 6, None, 9]
    assert [link.number for link in links.pages if link.current] == [5]
    assert links.pages[0].url == "?x=1&p=1"
    assert all(link.url == "" for link in links.pages if link.number is None)


class _CountedSoFar(Paginator):
    """A paginator that stopped counting (the question bank's `teach.bank.CountedAhead`)."""

    more = True


def test_a_list_counted_only_so_far_ends_its_numbers_with_a_gap():
    """Its last number is where the counting stopped, not the last page: the gap after it
    says there are more, as its words say "of more than"."""
    page = _CountedSoFar(range(90), 10).get_page(1)
    assert [link.number for link in page_links(QueryDict(), page, "p").pages] == [
        1,
        2,
        None,
        9,
        None,
    ]
    assert page_links(QueryDict(), _page(1), "p").pages[-1].number == 9  # a counted list: none


def test_a_list_cut_into_pages_its_own_way_is_numbered_by_its_pages():
    """The search's ranked results and the glossary's letters know only which page is shown
    and how many there are; past the last, the last, as a Paginator's get_page does."""
    page = numbered(3, 11)
    assert (page.number, page.paginator.num_pages) == (3, 11)
    links = page_links(QueryDict("q=s3"), page, "page")
    assert [link.number for link in links.pages] == [1, 2, 3, 4, None, 11]
    assert (links.previous, links.next) == ("?q=s3&page=2", "?q=s3&page=4")
    assert numbered(12, 11).number == 11
    assert numbered(1, 0).number == 1  # nothing to page: one page, no links


def test_a_query_without_a_value_the_page_could_not_use_keeps_the_rest():
    query = QueryDict("level=x&page=2&q=s3&level=y")
    kept = without(query, "level")
    assert kept.urlencode() == "page=2&q=s3"
    assert query.getlist("level") == ["x", "y"]  # the request's own, untouched
    assert page_links(kept, _page(2), "page").next == "?page=3&q=s3"


# The nav is drawn once for all it shows and kept (`{% pager %}`): each asker still gets their own.
PAGER = Template(
    '{% include "_pager.html" with page=page param="p" label=label noun="Rows" '
    'previous="Back" next="On" %}'
)


def _drawn(path: str, page, label: str = "Pages of rows") -> str:
    return PAGER.render(RequestContext(RequestFactory().get(path), {"page": page, "label": label}))


def test_a_kept_pager_is_drawn_for_its_own_query_page_and_words():
    first = _drawn("/?q=a", _page(2))
    assert 'href="?q=a&amp;p=3" rel="next">On</a>' in first
    assert "Rows 11 to 20 of 90" in first
    assert _drawn("/?q=a", _page(2)) == first
    assert 'href="?q=b&amp;p=3"' in _drawn("/?q=b", _page(2))  # another query: its own links
    fourth = _drawn("/?q=a", _page(4))
    assert "Rows 31 to 40 of 90" in fourth and 'href="?q=a&amp;p=4" aria-current="page"' in fourth
    assert 'aria-label="Pages of tags"' in _drawn("/?q=a", _page(2), label="Pages of tags")
    counted = _CountedSoFar(range(90), 10).get_page(2)
    assert "Rows 11 to 20 of more than 90" in _drawn("/?q=a", counted)


def test_a_pager_with_a_long_query_is_drawn_every_time_not_kept():
    """A pager holds its query about seven times, and a request line may be 8 KB: a query
    past QUERY_KEPT is drawn, so a few hundred of them cannot fill a worker's memory."""
    _drawn("/?q=short", _page(3))
    kept = len(pager._kept.kept)
    long = "q=" + "a" * pager.QUERY_KEPT
    assert f'href="?{long}&amp;p=4" rel="next"' in _drawn(f"/?{long}", _page(3))
    assert len(pager._kept.kept) == kept


# A pager whose list htmx swaps in place (`target=`), and the script that moves focus after it.
SWAPPED_PAGER = re.compile(r'{% include "_pager\.html" with [^%]*\btarget=')
PAGER_SCRIPT = "{% static 'js/pager.js' %}"


def test_the_pages_with_a_swapped_in_pager_load_its_script_and_no_other_template_does():
    """static/js/pager.js was linked by the page frame, so every page fetched and ran it for
    the two lists that need it (the search's, the question bank's); each page with such a
    pager now loads it itself, and a new one that forgot would lose the focus it moves."""
    templates = Path(settings.BASE_DIR, "templates")
    swapped, loading = set(), set()
    for path in templates.rglob("*.html"):
        text = path.read_text()
        name = path.relative_to(templates).as_posix()
        if SWAPPED_PAGER.search(text):
            swapped.add(name)
        if PAGER_SCRIPT in text:
            loading.add(name)
    assert swapped == {"search/search.html", "teach/bank.html"}
    assert loading == swapped


@pytest.mark.django_db
def test_the_pager_script_is_on_the_search_page_and_not_on_a_page_with_a_plain_pager(client):
    from lessons import reading_order
    from lessons.models import Lesson
    from lessons.views import LESSONS_PER_PAGE
    from tests.conftest import make_module

    module = make_module(slug="long")
    Lesson.objects.bulk_create(
        Lesson(module=module, slug=f"l-{i}", title=f"Lesson {i}", body="Words.", order=i)
        for i in range(LESSONS_PER_PAGE + 1)
    )
    reading_order.changed()
    script = f'<script src="{static("js/pager.js")}" defer></script>'
    assert script in client.get("/search/").content.decode()  # before any result too
    plain = client.get("/learn/long/").content.decode()
    assert 'aria-label="Pages of lessons"' in plain and script not in plain
    assert script not in client.get("/security/").content.decode()
