"""Smaller sandbox details: what the preset menu shows, limits that say so, step wording."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from srm_trainer.sandbox.state import (
    MAX_IDENTITY_POLICIES,
    PolicyText,
    SandboxState,
    encode_permalink,
)
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import IDENTITY_EDITOR

pytestmark = pytest.mark.e2e


def test_the_preset_menu_names_what_is_open(page):
    page.goto("/sandbox/")
    expect(page.get_by_label("Start from a preset")).to_have_value("")
    expect(page.locator("#preset option:checked")).to_have_text("(the starter example)")
    page.goto("/sandbox/?preset=role-trust-cross-account-assume")
    expect(page.get_by_label("Start from a preset")).to_have_value(
        "role-trust-cross-account-assume"
    )
    page.goto("/sandbox/?case=" + encode_permalink(SandboxState()))
    expect(page.locator("#preset option:checked")).to_contain_text("your own case")


def test_an_add_button_at_its_limit_says_so(page):
    empty = '{"Version": "2012-10-17", "Statement": []}'
    full = SandboxState(
        identity=tuple(PolicyText(text=empty) for _ in range(MAX_IDENTITY_POLICIES))
    )
    page.goto("/sandbox/?case=" + encode_permalink(full))
    expect(page.get_by_role("button", name="Add an identity policy")).to_have_count(0)
    expect(
        page.get_by_text("That is the most the sandbox takes (20 identity policies)")
    ).to_be_visible()


def test_steps_not_reached_read_plainly_and_the_page_is_accessible(page):
    page.goto("/sandbox/")
    policy = page.locator(IDENTITY_EDITOR).first
    policy.fill(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
    )
    expect(page.locator("#live .decision-word")).to_contain_text("Denied")
    expect(page.locator("#live")).not_to_contain_text("(not reached)")
    expect(page.locator("#live .step-unreached").first).to_contain_text("Not reached")
    assert_accessible(page)


DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'


def test_on_a_phone_the_diagram_is_folded_under_the_steps_and_stays_as_opened(phone):
    """On a phone the diagram repeats the step list a screen and a half below it: folded there,
    opened by keyboard it stays open as the result changes."""
    phone.goto("/sandbox/")
    live = phone.locator("#live")
    expect(live.locator(".flow")).to_be_visible()
    summary = live.locator("summary", has_text="The same steps as a diagram")
    diagram = summary.locator("xpath=..")
    expect(diagram).not_to_have_attribute("open", "")
    expect(diagram.locator("figure")).to_be_hidden()
    summary.focus()
    phone.keyboard.press("Enter")
    expect(diagram.locator("figure")).to_be_visible()
    phone.locator(IDENTITY_EDITOR).first.fill(DENY_ALL)
    expect(live.locator(".decision-word")).to_contain_text("Denied")
    expect(diagram).to_have_attribute("open", "")
    expect(diagram.locator("figure")).to_be_visible()


def test_on_a_wide_screen_the_diagram_shows_and_an_opened_fold_stays_open(page):
    page.goto("/sandbox/")
    live = page.locator("#live")
    expect(live.locator(".flow")).to_be_visible()
    expect(live.locator("figure.diagram")).to_be_visible()
    expect(live.get_by_text("The same steps as a diagram")).to_be_hidden()
    statements = live.locator("details.statements")
    statements.locator("summary").click()
    expect(statements.locator(".policy-explain").first).to_be_visible()
    page.locator(IDENTITY_EDITOR).first.fill(DENY_ALL)
    expect(live.locator(".decision-word")).to_contain_text("Denied")
    expect(statements).to_have_attribute("open", "")
    expect(statements.locator(".policy-explain").first).to_contain_text("a Deny statement applied")
    expect(live.locator("figure.diagram")).to_be_visible()
