"""The policy sandbox in a browser: Enter, live updates, permalinks, refusals."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PRESET = "/sandbox/?preset=role-trust-cross-account-assume"
FIELDS = ["Principal (who calls)", "Action", "Resource ARN", "Resource account"]


def decision(page):
    return page.locator("#live .decision-word")


@pytest.mark.parametrize("field", FIELDS)
def test_enter_in_a_field_evaluates_and_keeps_the_principal(page, field):
    page.goto(PRESET)
    principal = page.get_by_label("Principal (who calls)").input_value()
    before = decision(page).inner_text()
    page.get_by_label(field, exact=True).press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Principal (who calls)")).to_have_value(principal)
    expect(decision(page)).to_have_text(before)


@pytest.fixture
def no_js_page(browser, base_url, curriculum):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_enter_without_javascript_evaluates_and_keeps_the_principal(no_js_page):
    page = no_js_page
    page.goto(PRESET)
    principal = page.get_by_label("Principal (who calls)").input_value()
    before = decision(page).inner_text()
    with page.expect_navigation():
        page.get_by_label("Resource ARN").press("Enter")
    expect(page.get_by_label("Principal (who calls)")).to_have_value(principal)
    expect(decision(page)).to_have_text(before)
