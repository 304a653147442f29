"""/search/: a plain GET form without JavaScript, its results partial for htmx, friendly with
any input, escaped, rate-limited, and reachable from every page's header."""

from __future__ import annotations

import re

import pytest

from search.query import search
from tests.search.conftest import PHRASE

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def corpus(corpus_of_module, db):
    """The corpus built once for this module, whose tests only read it (`corpus_of_module`);
    each test runs in a savepoint inside it. The module's other tests do not mind it: none
    searches for its words (the next-page test searches for "guardrail", which it holds
    nowhere)."""
    return corpus_of_module


def test_the_page_without_a_query_invites_one(client):
    response = client.get("/search/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="search"' in page and '<label for="search-q">' in page
    assert "Type a word or two" in page


@pytest.mark.parametrize("empty", [{}, {"q": ""}, {"q": "   "}])
def test_the_page_without_a_query_opens_in_its_box(client, empty):
    """On a phone the header's box is hidden and its Search button opens this page empty:
    the focus was then on nothing, and a learner had to find and tap the box (by keyboard,
    tab past the whole header) to type. A page that asks for one thing opens on it."""
    page = client.get("/search/", empty).content.decode()
    box = re.search(r'<input id="search-q"[^>]*>', page)
    assert box and "autofocus" in box.group(0)
    assert page.count("autofocus") == 1


def test_a_page_of_results_does_not_take_the_focus(client, corpus):
    page = client.get("/search/", {"q": PHRASE}).content.decode()
    assert "autofocus" not in page


def test_a_query_lists_labelled_linked_results(client, corpus):
    page = client.get("/search/", {"q": PHRASE}).content.decode()
    assert "5 results for “permissions boundary”." in page
    assert f'href="{corpus["titled"].get_absolute_url()}"' in page
    assert 'href="/quizzes/iam-quiz/"' in page
    assert '<span class="search-kind">Quiz question</span>' in page
    assert "<mark>boundary</mark>" in page
    assert f'value="{PHRASE}"' in page  # the box keeps the words


def test_htmx_gets_the_results_and_the_count_only(client, corpus):
    response = client.get("/search/", {"q": PHRASE}, **HTMX)
    page = response.content.decode()
    assert "<html" not in page and 'class="search-results"' in page
    assert 'hx-swap-oob="innerHTML:#search-count">5 results' in page
    assert "HX-Request" in response["Vary"]


def test_a_full_page_carries_no_out_of_band_copy_of_the_count(client, corpus):
    page = client.get("/search/", {"q": PHRASE}).content.decode()
    assert "hx-swap-oob" not in page


@pytest.mark.parametrize(
    "typed", ['"', "***", "NEAR(", "a" * 10_000, "\x00", "boundary' OR 1=1 --", "   "]
)
def test_any_query_gives_a_page_never_an_error(client, corpus, typed):
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 200


# "²" and "٣" pass `str.isdigit()`; `int()` refuses the first (a 500) and reads the second.
@pytest.mark.parametrize(
    "page", ["abc", "-1", "0", "99999999999999999999", "", "²", "٣", "9" * 5000]
)
def test_any_page_number_gives_a_page(client, corpus, page):
    response = client.get("/search/", {"q": PHRASE, "page": page})
    assert response.status_code == 200
    assert "5 results" in response.content.decode()


def test_what_was_typed_is_shown_escaped(client, corpus):
    page = client.get("/search/", {"q": "<script>alert(1)</script> boundary"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; boundary" in page


def test_only_get(client):
    assert client.post("/search/", {"q": PHRASE}).status_code == 405


def test_every_page_has_the_header_search_box(client, corpus):
    page = client.get("/").content.decode()
    assert '<form role="search" aria-label="Site"' in page
    assert 'action="/search/"' in page and 'for="site-search-q"' in page


def test_too_many_searches_are_refused_politely(client, settings, corpus):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/60"}
    for _ in range(2):
        assert client.get("/search/", {"q": PHRASE}).status_code == 200
    plain = client.get("/search/", {"q": PHRASE})
    assert plain.status_code == 429 and "Retry-After" in plain
    live = client.get("/search/", {"q": PHRASE}, **HTMX)
    assert live.status_code == 429
    assert "Too many searches" in live.content.decode() and "<html" not in live.content.decode()


def test_a_refused_search_says_to_reload_it_not_to_go_back_to_a_form(client, settings, corpus):
    """The 429 page told every refused request "what you typed is still in the form": a search
    is no form sent, and Back leaves it. Its address holds the search: reloading asks again."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "0/60"}
    page = client.get("/search/", {"q": PHRASE})
    assert page.status_code == 429
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "still in the form" not in text
    assert f"Try again in {page['Retry-After']} seconds" in text
    assert "Then reload this page: its address still holds what you asked for." in text


def test_long_result_lists_link_to_the_next_page_with_and_without_htmx(client, db):
    from search import index
    from tests.conftest import make_lesson, make_module

    module = make_module()
    for n in range(25):
        make_lesson(module, title=f"Guardrail {n}")
    index.rebuild()
    page = client.get("/search/", {"q": "guardrail"}).content.decode()
    assert "page 1 of 2" in page
    assert 'href="?q=guardrail&amp;page=2" hx-get="?q=guardrail&amp;page=2"' in page
    second = client.get("/search/", {"q": "guardrail", "page": "2"}).content.decode()
    assert "page 2 of 2" in second and "Previous page" in second and "Next page" not in second


def test_the_result_pages_are_numbered_each_number_swapping_the_results_in(client, db):
    """The site's pager (templates/_pager.html): its page numbers, the current one marked,
    each link keeping the words searched and fetched by htmx into the results, its address
    pushed; the count line is where focus goes then (static/js/pager.js)."""
    from bs4 import BeautifulSoup

    from search import index
    from tests.conftest import make_lesson, make_module

    module = make_module()
    for n in range(45):
        make_lesson(module, title=f"Guardrail {n}")
    index.rebuild()
    for htmx in ({}, HTMX):  # the page, and the results htmx swaps in
        body = client.get("/search/", {"q": "guardrail", "page": "2"}, **htmx).content
        nav = BeautifulSoup(body, "html.parser").select_one('nav[aria-label="Result pages"]')
        assert (nav["hx-target"], nav["hx-push-url"], nav["data-pager-focus"]) == (
            "#search-results",
            "true",
            "search-count",
        )
        (current,) = nav.select('[aria-current="page"]')
        assert current.get_text(" ", strip=True) == "Page 2"
        links = {a.get_text(" ", strip=True): (a["href"], a["hx-get"]) for a in nav("a")}
        on = "?q=guardrail&page="
        assert links == {
            "Previous page": (on + "1", on + "1"),
            "Page 1": (on + "1", on + "1"),
            "Page 2": (on + "2", on + "2"),
            "Page 3": (on + "3", on + "3"),
            "Next page": (on + "3", on + "3"),
        }


PATHOLOGICAL = [
    "%",
    "_",
    "\\",
    "%%%%%%%%",
    "____",
    "\\\\\\%",
    "permissions%",
    "permissions_boundary",
    "permis\\sions bou%",
    "100% s3_bucket\\path",
    "%" * 5000,  # past MAX_QUERY: cut
    "perm" * 60,  # one word, too long to be one
    " ".join(f"w{n}%_" for n in range(500)),  # many words: the first eight
    "a " * 300,
    "\x00\x01\u202e\ufeff\ue000permissions\ue001",  # control, direction, hit markers
    "𝔭𝔢𝔯𝔪𝔦𝔰𝔰𝔦𝔬𝔫𝔰 東京 Übergang",
]


@pytest.mark.parametrize("typed", PATHOLOGICAL)
def test_a_pathological_query_answers_in_a_few_queries_never_an_error(
    client, corpus, typed, django_assert_max_num_queries
):
    """`%`, `_` and backslashes are never LIKE's wildcards or escapes (the words are compared,
    and a prefix looked up as a range, its completions too), and any text costs at most the
    rate limit's three queries, the search's three (the last word's completions, the page,
    its marks), and two more for a page past the last (the count, then the last page)."""
    with django_assert_max_num_queries(8):
        response = client.get("/search/", {"q": typed, "page": "9999"})
    assert response.status_code == 200


def test_wildcard_characters_match_only_themselves_as_word_breaks(client, corpus):
    found = client.get("/search/", {"q": "permissions% bou_"}).content.decode()
    assert "5 results for" in found  # "permissions" and "bou": `_` and `%` split words
    assert search("p%s").total == search("p s").total  # two words, not a pattern


def test_a_query_that_matches_nothing_says_what_to_try_next(client, corpus):
    """It said only "Nothing matches": a dead end, with or without htmx."""
    for extra in ({}, HTMX):
        page = client.get("/search/", {"q": "zzqqxxvv"}, **extra).content.decode()
        assert "Nothing matches" in page
        assert "Try fewer words or another spelling" in page
        assert 'href="/learn/glossary/">glossary</a>' in page
    assert "Try fewer words" not in client.get("/search/").content.decode()
