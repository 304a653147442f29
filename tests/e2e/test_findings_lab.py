"""The findings-routing lab, end to end: a preset, a pattern typed by keyboard and matched
live (said in the status region), a mistake located with the text kept, the page without
JavaScript; axe-core on the page at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import no_horizontal_scroll, settled
from tests.e2e.layout import layout_problems

pytestmark = pytest.mark.e2e


def test_fix_the_deliberately_wrong_rule_by_keyboard(page, screenshots):
    page.goto("/lab/findings/?preset=exact-severity-trap")
    result = page.locator("#findings-result")
    expect(result.locator(".findings-summary")).to_contain_text("2 of 10")
    assert_accessible(page)
    field = page.get_by_label("Event pattern (JSON)")
    field.focus()
    field.press("Control+a")
    page.keyboard.type(
        '{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}'
    )
    expect(result.locator(".findings-summary")).to_contain_text("4 of 10")
    expect(page.locator("#live-status")).to_have_text("4 of 10 sample findings match.")
    settled(page)
    page.keyboard.type(",")  # now it is not JSON: said where, the text kept
    expect(result).to_contain_text("Line 1, column")
    expect(page.locator("#live-status")).to_contain_text("EventBridge would refuse this pattern")
    assert field.input_value().endswith("}]}},")
    expect(field).to_be_focused()
    # The field is marked with its error as a page drawn whole marks it, and unmarked when fixed.
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "pattern-error pattern-hint")
    page.keyboard.press("Backspace")
    expect(result.locator(".findings-summary")).to_contain_text("4 of 10")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "pattern-hint")
    page.keyboard.type(",")
    expect(result).to_contain_text("Line 1, column")
    settled(page)
    assert_accessible(page)
    no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "findings-lab.png"), caret="initial")


def test_on_a_phone_the_lab_fits_and_passes_axe(phone):
    phone.goto("/lab/findings/?preset=inspector-critical-ecr")
    expect(phone.locator(".findings-summary")).to_contain_text("1 of 10")
    no_horizontal_scroll(phone)
    assert layout_problems(phone) == []
    assert_accessible(phone)


def test_the_lab_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/lab/findings/")
        page.get_by_label("Event pattern (JSON)").fill('{"source": ["aws.inspector2"]}')
        page.get_by_role("button", name="Test pattern").click()
        expect(page.locator(".findings-summary")).to_contain_text("3 of 10")
        expect(page.get_by_label("Event pattern (JSON)")).to_have_value(
            '{"source": ["aws.inspector2"]}'
        )
    finally:
        context.close()
