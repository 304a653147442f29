"""The labs refuse a live update too large in the result panel: the message above the last
result, which greys out as stale, and the form keeps what was typed (htmx leaves 4xx answers
unswapped: the old result stayed on screen as if it described the new input)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.netlab.test_refusals import big_web_acl

pytestmark = pytest.mark.e2e


def refused_in_the_panel(page, panel: str, words: str, timeout: float = 5_000) -> None:
    alert = page.locator(f"{panel} #live-refusal").get_by_role("alert")
    expect(alert).to_contain_text(words, timeout=timeout)
    expect(alert).to_contain_text("from before this change")
    stale = page.locator(f"{panel} #live-refusal ~ .netlab-outcome")
    expect(stale).to_have_css("opacity", "0.6")


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_port_too_long_is_refused_in_the_panel_and_kept(page, console, settings, debug):
    """In debug, django-htmx's helper would replace the whole page with a 413 answer."""
    settings.DEBUG = debug
    console.allow("status of 413")
    page.goto("/lab/network/")
    result = page.locator("#result")
    expect(result.locator(".verdict").first).to_have_text("Request allowed")
    port = page.get_by_label("Port", exact=True)
    port.fill("9" * 70_000)
    port.press("Tab")
    refused_in_the_panel(page, "#result", "more than the lab takes at once (64 KB)")
    expect(port).to_have_value("9" * 70_000)
    port.fill("22")  # fixed: a result again as typed, the refusal gone
    expect(result.locator("#live-refusal")).to_be_empty()
    expect(result.locator(".netlab-outcome")).to_contain_text("Request")
    expect(page.locator("#live-status")).to_contain_text("Request ")


@pytest.mark.parametrize(
    ("rules", "status"), [(300, 413), (10_000, 413)], ids=["over-64-KB", "over-djangos-limit"]
)
def test_a_web_acl_too_large_is_refused_in_the_panel_and_kept(page, console, rules, status):
    """10,000 rules (3 MB) are over Django's own limit: refused while the CSRF check reads the
    form (a bare "Bad Request" it was), and answered in the lab's words all the same."""
    console.allow(f"status of {status}")
    page.goto("/lab/waf/")
    result = page.locator("#waf-result")
    expect(result).to_contain_text("requests evaluated")
    acl = big_web_acl(rules)
    editor = page.get_by_label("Web ACL (AWS WAF JSON: Name, DefaultAction, Rules)")
    # Pasted: Playwright's fill, key by key in effect, took over 30 s for 90 KB.
    editor.evaluate(
        "(box, text) => { box.value = text; box.dispatchEvent(new Event('change', {bubbles: true})); }",
        acl,
    )
    # Chromium takes ~30 s to lay out 3 MB in the textarea before htmx sends it.
    refused_in_the_panel(
        page, "#waf-result", "more than the lab takes at once (64 KB)", timeout=90_000
    )
    assert editor.input_value() == acl


def test_a_refused_paste_gives_the_focus_back_to_the_pasted_text(page):
    """“Open this case” reloads the page: focus was left at its top, far from the error, for a
    keyboard or screen-reader user to find."""
    page.goto("/lab/network/")
    summary = page.get_by_text("Edit the whole case as JSON, or paste a downloaded one")
    summary.focus()
    page.keyboard.press("Enter")  # opens the fold
    pasted = page.get_by_label("Case (network and flow)")
    pasted.fill('{"network": {"subnets": [,]}}')
    page.get_by_role("button", name="Open this case").press("Enter")
    page.wait_for_load_state()
    expect(pasted).to_be_focused()
    expect(pasted).to_have_value('{"network": {"subnets": [,]}}')
    expect(pasted).to_have_accessible_description(re.compile("^Not opened: .*line 1, column"))


def test_a_refused_update_does_not_mark_a_field_with_the_last_results_error(
    page, console, settings
):
    """The port's error marked the field (invalid, described by the message); fixed and sent
    over the rate limit, the result is greyed as from before the change, and the field no
    longer says it is invalid with the stale message (it kept both)."""
    console.allow("status of 429")
    page.goto("/lab/network/")
    port = page.get_by_label("Port", exact=True)
    port.fill("abc")
    expect(page.locator("#result-error")).to_contain_text("Port")
    expect(port).to_have_attribute("aria-invalid", "true")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "0/60"}
    port.fill("22")  # refused as typed, the field not left
    refused_in_the_panel(page, "#result", "a lot of updates in a short time")
    expect(port).not_to_have_attribute("aria-invalid", "true")
    expect(port).not_to_have_attribute("aria-describedby", re.compile("result-error"))
