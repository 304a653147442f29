"""A term in a lesson leads to its glossary entry, and both pages pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


def test_a_term_link_in_a_lesson_opens_its_glossary_entry(page):
    page.goto("/learn/iam/policy-evaluation/")
    assert_accessible(page)
    prose = page.locator(".prose")
    link = prose.locator("a.glossary-term[href$='#term-service-control-policy']")
    expect(link).to_have_count(1)  # the first use only
    expect(link).to_have_text("Service control policies")  # the plural, at a sentence start
    # no term is linked inside a heading or a code sample
    expect(
        prose.locator("h2 a.glossary-term, code a.glossary-term, pre a.glossary-term")
    ).to_have_count(0)

    link.focus()
    page.keyboard.press("Enter")  # keyboard users follow it too
    expect(page).to_have_url("/learn/glossary/#term-service-control-policy")
    entry = page.locator("#term-service-control-policy")
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text("service control policy")
    definition = entry.locator("xpath=following-sibling::dd[1]")
    expect(definition).to_contain_text("grants nothing")
    expect(
        definition.get_by_role(
            "link", name="Service control policies and resource control policies"
        )
    ).to_be_visible()
    assert_accessible(page)

    entry.get_by_role("link", name="service control policy", exact=True).click()
    expect(page).to_have_url("/learn/glossary/service-control-policy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("service control policy")
    assert_accessible(page)


def test_the_glossary_is_in_the_site_navigation_and_reads_on_a_phone(phone):
    phone.goto("/")
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Glossary").click()
    expect(phone).to_have_url("/learn/glossary/")
    expect(phone.get_by_role("link", name="Glossary", exact=True).first).to_have_attribute(
        "aria-current", "page"
    )
    phone.get_by_role("navigation", name="Letters").get_by_role(
        "link", name="W", exact=True
    ).click()
    expect(phone).to_have_url("/learn/glossary/#letter-w")
    wide = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, "the glossary scrolls sideways on a phone"
    assert_accessible(phone)
