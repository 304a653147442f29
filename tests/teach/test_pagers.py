"""The teaching dashboard's five lists, the import page's banks and the question bank page
through one pager (templates/_pager.html, srm_trainer/pager.py): each link keeps every other
parameter of the page's query, so paging one list leaves the others on the page they were at
and the bank's filters stay on; the current page is marked for a screen reader, and a link to
no page (before the first, after the last) is not drawn. The bank's links swap its results in
place with htmx."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Quiz
from teach import bank, shown
from teach.views import DASHBOARD_QUIZZES
from tests.quizzes.builders import make_question
from tests.teach.test_past_ceiling import _banks, _tags

pytestmark = pytest.mark.django_db


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _nav(soup: BeautifulSoup, label: str):
    navs = soup.select(f'nav[aria-label="{label}"]')
    assert len(navs) == 1, label
    return navs[0]


def _current(nav) -> str:
    (here,) = nav.select('[aria-current="page"]')
    return " ".join(here.get_text(" ").split())


def _bank_rows(soup: BeautifulSoup) -> list[str]:
    return [th.get_text() for th in soup.select("section[aria-labelledby=banks-title] tbody th")]


def test_two_lists_on_the_dashboard_page_on_their_own(teacher, instructor):
    made = _banks(instructor, shown.BANKS_SHOWN + 7)
    _tags(made, shown.TAGS_SHOWN + 7)
    dashboard = reverse("teach:dashboard")
    first = _soup(teacher.get(dashboard))
    banks, tags = _nav(first, "Pages of the question banks"), _nav(first, "Pages of the tags")
    assert _current(banks) == "Page 1" and _current(tags) == "Page 1"
    # On the first page no link goes back, and none is drawn dead in its place.
    assert banks.find("a", rel="prev") is None and banks.find(string="Previous banks") is None

    second_banks = _soup(teacher.get(dashboard + banks.find("a", string="More banks")["href"]))
    shown_banks = _bank_rows(second_banks)
    assert len(shown_banks) == 7
    # The tags' link, taken from the banks' second page, keeps the banks there.
    more_tags = _nav(second_banks, "Pages of the tags").find("a", string="More tags")["href"]
    both = _soup(teacher.get(dashboard + more_tags))
    assert _bank_rows(both) == shown_banks
    assert len(both.select(".tag-cloud a.tag")) == 7
    banks, tags = _nav(both, "Pages of the question banks"), _nav(both, "Pages of the tags")
    assert _current(banks) == "Page 2" and _current(tags) == "Page 2"
    # On the last page no link goes on; back to the first banks keeps the tags' page.
    assert banks.find("a", rel="next") is None and banks.find(string="More banks") is None
    back = _soup(teacher.get(dashboard + banks.find("a", string="Previous banks")["href"]))
    assert len(_bank_rows(back)) == shown.BANKS_SHOWN
    assert len(back.select(".tag-cloud a.tag")) == 7


def test_the_dashboards_quizzes_pager_keeps_the_other_lists_pages(teacher, instructor):
    """Its links were written by hand and kept only `?files=`: "More quizzes" sent the banks
    and the tags back to their first page."""
    Quiz.objects.bulk_create(
        Quiz(slug=f"own-{n}", title=f"Own {n}", owner=instructor, source=Source.AUTHORED)
        for n in range(DASHBOARD_QUIZZES + 1)
    )
    _banks(instructor, shown.BANKS_SHOWN + 2)
    dashboard = reverse("teach:dashboard")
    soup = _soup(teacher.get(dashboard, {"banks": "2", "files": "1"}))
    quizzes = _nav(soup, "Pages of your quizzes")
    more = quizzes.find("a", string="More quizzes")["href"]
    assert more.endswith("#quizzes-title")
    after = _soup(teacher.get(dashboard + more))
    assert len(_bank_rows(after)) == 2
    assert _current(_nav(after, "Pages of your quizzes")) == "Page 2"
    assert _current(_nav(after, "Pages of the question banks")) == "Page 2"


def test_the_import_pages_banks_pager_keeps_the_pages_other_parameters(teacher, instructor):
    _banks(instructor, shown.BANKS_SHOWN + 3)
    page = reverse("teach:import")
    soup = _soup(teacher.get(page, {"format": "gift", "banks": "1"}))
    nav = _nav(soup, "Pages of the question banks")
    assert _current(nav) == "Page 1"
    more = nav.find("a", string="More banks")["href"]
    assert more.startswith("?format=gift&") and more.endswith("#export-title")
    soup = _soup(teacher.get(page + more))
    assert len(soup.select("section[aria-labelledby=export-title] tbody tr")) == 3
    nav = _nav(soup, "Pages of the question banks")
    assert "format=gift" in nav.find("a", string="Previous banks")["href"]
    assert nav.find("a", string="More banks") is None


def _links(nav) -> dict[str, tuple[str, str]]:
    """Each link of a pager, by its words: (href, hx-get)."""
    return {" ".join(a.get_text(" ").split()): (a["href"], a.get("hx-get")) for a in nav("a")}


def test_the_banks_pager_numbers_its_pages_and_swaps_them_in_with_the_filters_kept(
    teacher, instructor
):
    """Its links were written out with the filters' query; now the shared pager's, its page
    numbers too, each fetched by htmx into the results (swapped whole, its address pushed),
    and the line that says which page is shown is where focus goes then (static/js/pager.js)."""
    for n in range(60):
        make_question(
            "single", owner=instructor, source=Source.AUTHORED, lesson=None, prompt=f"Walrus {n}?"
        )
    url = reverse("teach:bank")
    query = {"q": "walrus", "kind": "single", "page": "2"}
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):  # the page, and the results htmx swaps in
        nav = _nav(_soup(teacher.get(url, query, **htmx)), "Pages of questions")
        assert (nav["hx-target"], nav["hx-swap"], nav["hx-push-url"]) == (
            "#bank-results",
            "outerHTML",
            "true",
        )
        assert nav["data-pager-focus"] == "bank-count"
        assert _current(nav) == "Page 2"
        on = "?q=walrus&kind=single&page="
        assert _links(nav) == {
            "Previous page": (on + "1", on + "1"),
            "Page 1": (on + "1", on + "1"),
            "Page 2": (on + "2", on + "2"),
            "Page 3": (on + "3", on + "3"),
            "Next page": (on + "3", on + "3"),
        }


def test_a_bank_search_counted_only_so_far_says_so_in_its_pager(teacher, instructor, monkeypatch):
    """The count stops a page or so past the one shown: the last number is where it stopped,
    and a gap after it says there are more."""
    monkeypatch.setattr(bank, "COUNTED_AHEAD", 1)
    for n in range(80):
        make_question(
            "single", owner=instructor, source=Source.AUTHORED, lesson=None, prompt=f"Walrus {n}?"
        )
    nav = _nav(_soup(teacher.get(reverse("teach:bank"), {"q": "walrus"})), "Pages of questions")
    assert "Page 1 of more than 2" in nav.get_text(" ")
    numbers = [li.get_text(" ", strip=True) for li in nav.select(".page-numbers li")]
    assert numbers == ["Page 1", "Page 2", "…"]
