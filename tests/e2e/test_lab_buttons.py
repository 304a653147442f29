"""The labs' own buttons, pressed from the keyboard with JavaScript on: "Trace" (and Enter in a
field of the network lab) and the WAF lab's "Send" redraw the result in place, as a change
does, and as the sandbox's "Evaluate" does. They posted the whole page: it came back scrolled to
its top with the focus on nothing (a phone's result some 6,000 px below), and the result was
never said, the status region of a page just drawn being empty."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _mark_the_page(page: Page) -> None:
    """A flag a reload would lose."""
    page.evaluate("window.stillTheSamePage = true")


def _same_page(page: Page) -> bool:
    return page.evaluate("window.stillTheSamePage === true")


def test_trace_redraws_the_result_in_place_and_says_it(page: Page):
    page.goto("/lab/network/?preset=db-from-web-tier")
    _mark_the_page(page)
    source = page.get_by_label("From", exact=True)
    source.fill("admin")
    trace = page.get_by_role("button", name="Trace", exact=True)
    trace.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#result .verdict").first).to_have_text("Request blocked")
    expect(page.locator("#live-status")).to_contain_text("Request blocked")
    assert _same_page(page)
    expect(trace).to_be_focused()


def test_enter_in_a_network_lab_field_traces_in_place(page: Page):
    page.goto("/lab/network/?preset=db-from-web-tier")
    _mark_the_page(page)
    port = page.get_by_label("Port", exact=True)
    port.fill("22")
    port.press("Enter")
    expect(page.locator("#result .verdict").first).to_have_text("Request blocked")
    expect(page.locator("#live-status")).to_contain_text("Request blocked")
    assert _same_page(page)
    expect(port).to_be_focused()


def test_send_redraws_the_waf_result_in_place_and_says_its_error(page: Page):
    page.goto("/lab/waf/")
    _mark_the_page(page)
    acl = page.get_by_label("Web ACL (AWS WAF JSON: Name, DefaultAction, Rules)")
    acl.fill(acl.input_value().replace('"Limit": 100,', '"Limit": 100'))
    send = page.get_by_role("button", name="Send", exact=True)
    send.focus()
    page.keyboard.press("Enter")
    said = "Web ACL, line 16, column 11: A comma is probably missing at the end of line 15."
    expect(page.locator("#waf-result")).to_contain_text(said)
    expect(page.locator("#live-status")).to_contain_text(said)
    assert _same_page(page)
    expect(send).to_be_focused()
    expect(acl).to_have_attribute("aria-invalid", "true")
