"""Search: the header's box on any page, then results that follow typing on /search/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import next_page_with_htmx, no_horizontal_scroll, settled

pytestmark = pytest.mark.e2e


def test_the_header_box_finds_a_phrase_in_lessons_glossary_and_questions(page, screenshots):
    # `load_curriculum` (the `curriculum` fixture) loads the glossary and then rebuilds the index.
    page.goto("/learn/iam/")
    header = page.get_by_role("search", name="Site")
    header.get_by_label("Search the course").fill("permissions boundary")
    header.get_by_label("Search the course").press("Enter")

    expect(page).to_have_url("/search/?q=permissions+boundary")
    page.wait_for_load_state()  # htmx has set the page up: typing below searches live
    count = page.locator("#search-count")
    expect(count).to_contain_text("results for “permissions boundary”")
    results = page.get_by_role("list", name="Results")
    expect(results.locator(".search-kind", has_text="Lesson").first).to_be_visible()
    expect(results.locator(".search-kind", has_text="Glossary").first).to_be_visible()
    expect(results.locator(".search-kind", has_text="Quiz question").first).to_be_visible()
    term = results.get_by_role("listitem").filter(
        has=page.locator(".search-kind", has_text="Glossary")
    )
    expect(
        term.get_by_role("link", name=re.compile("permissions boundary", re.I)).first
    ).to_be_visible()
    expect(results.locator("mark", has_text="boundary").first).to_be_visible()
    assert_accessible(page)

    # Typing on the page updates the results without a reload; the count is announced.
    box = page.get_by_role("search", name="Search the course").get_by_label("Words to look for")
    box.fill("session polic")
    expect(count).to_contain_text("for “session polic”")
    settled(page)
    expect(page).to_have_url(re.compile(r"/search/\?q=session(\+|%20)polic$"))
    expect(results.locator("mark").first).to_be_visible()
    assert_accessible(page)

    page.screenshot(path=str(screenshots / "search-desktop.png"))
    results.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/search/" not in page.url


def test_nothing_found_and_nonsense_are_said_plainly(page):
    page.goto("/search/?q=%22zqxnear%28*")
    expect(page.locator("#search-count")).to_contain_text("Nothing matches")
    box = page.get_by_label("Words to look for")
    box.fill("***")
    expect(page.locator("#search-count")).to_contain_text("Nothing to search for")
    assert_accessible(page)


def test_search_on_a_phone(phone):
    """The header stays two rows: its box folds into a button that opens the search page."""
    phone.goto("/")
    phone.get_by_role("search", name="Site").get_by_role("button", name="Search").click()
    phone.wait_for_url(re.compile(r"/search/\?q="))  # and its load: htmx has set the page up
    box = phone.get_by_label("Words to look for")
    expect(box).to_be_visible()
    box.fill("root user")
    expect(phone.locator("#search-count")).to_contain_text("results for “root user”")
    no_horizontal_scroll(phone)


def test_paging_the_results_swaps_them_in_and_puts_focus_on_the_count(page):
    """The pager (templates/_pager.html) fetches a page with htmx: the results change without
    a reload, the address is pushed (Back returns to it), and the count line, which says the
    page, takes focus above the new results (static/js/pager.js): with the link swapped out,
    focus fell to the page's body and Tab went on from the footer."""
    page.goto("/search/?q=policy")
    page.wait_for_load_state()  # htmx has set the page up
    count = page.locator("#search-count")
    expect(count).to_contain_text(re.compile(r"results for “policy”, page 1 of \d+\."))
    next_page_with_htmx(
        page,
        count=count,
        pager="Result pages",
        url=re.compile(r"/search/\?q=policy&page=2$"),
        rows=page.locator(".search-title"),
    )
    box = count.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"], box
    page.keyboard.press("Tab")  # on into the new page's results
    expect(page.locator(".search-title").first).to_be_focused()
    assert_accessible(page)

    pager = page.get_by_role("navigation", name="Result pages")  # swapped in anew
    pager.get_by_role("link", name="Page 3", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search/\?q=policy&page=3$"))
    expect(pager.locator('[aria-current="page"]')).to_have_text("Page 3")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=policy&page=2$"))
    expect(count).to_contain_text("page 2 of")


def test_the_result_pager_on_a_phone(phone):
    """Its links and page numbers wrap inside the screen: nothing scrolls sideways."""
    phone.goto("/search/?q=policy&page=5")
    pager = phone.get_by_role("navigation", name="Result pages")
    expect(pager.locator('[aria-current="page"]')).to_have_text("Page 5")
    box = pager.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= phone.viewport_size["width"], box
    no_horizontal_scroll(phone)
