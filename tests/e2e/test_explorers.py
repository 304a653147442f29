"""The SRM and compliance explorers: choose, compare, and the browser's Back and Forward."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import settled

pytestmark = pytest.mark.e2e


def whole_page(page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_srm_explorer_choose_compare_back_and_forward(page):
    page.goto("/learn/srm/")
    title = "The Shared Responsibility Model explorer"
    page.get_by_label("Service", exact=True).select_option(label="Amazon EC2")
    expect(page).to_have_url("/learn/srm/?service=ec2&compare=", timeout=5000)
    page.get_by_label("Compare with").select_option(label="Amazon RDS")
    expect(page.get_by_role("table")).to_contain_text("Amazon RDS")
    expect(page).to_have_url("/learn/srm/?service=ec2&compare=rds")

    page.go_back()
    whole_page(page, title)
    expect(page.get_by_label("Service", exact=True)).to_be_visible()
    expect(page.get_by_role("table")).not_to_contain_text("Amazon RDS")

    page.go_forward()
    whole_page(page, title)
    expect(page.get_by_role("table")).to_contain_text("Amazon RDS")


def test_compliance_explorer_back_and_forward(page):
    page.goto("/learn/compliance/")
    programs = page.get_by_role("navigation", name="Compliance programs")
    programs.get_by_role("link", name="HIPAA").click()
    expect(page.locator("#program-title")).to_have_text("HIPAA")
    settled(page)  # the list comes back with the program: its links are htmx's once settled
    programs.get_by_role("link", name="SOC 2").click()
    expect(page.locator("#program-title")).to_have_text("SOC 2")

    page.go_back()
    whole_page(page, "Compliance explorer")
    expect(page.locator("#program-title")).to_have_text("HIPAA")
    expect(programs).to_be_visible()
    page.go_forward()
    whole_page(page, "Compliance explorer")
    expect(page.locator("#program-title")).to_have_text("SOC 2")


def test_compliance_list_marks_only_the_chosen_program(page):
    page.goto("/learn/compliance/")
    programs = page.get_by_role("navigation", name="Compliance programs")
    programs.get_by_role("link", name="HIPAA").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#program-title")).to_have_text("HIPAA")
    current = programs.locator("[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("HIPAA")
    # Focus lands on the program just shown, not on the page's top.
    expect(page.locator("#program-title")).to_be_focused()
