"""The harness itself: the home page opens in Chromium with the curriculum loaded."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_home_page_opens(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
