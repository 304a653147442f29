"""What a fresh walk through the site as a newcomer, a learner and an instructor found looking
unfinished (2026-12-07), each held here as the person saw it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import settled

pytestmark = pytest.mark.e2e

FIRST_LESSON = "/learn/shared-responsibility/of-and-in-the-cloud/"


def test_a_checks_verdict_is_a_pill_as_wide_as_its_words(page):
    """The verdict ("Right.", "Not right.") shares the labs' pill style; on the feedback's
    paragraph the pill stretched across the whole card, like an empty field to type in."""
    page.goto(FIRST_LESSON)
    check = page.locator(".knowledge-check").first
    check.locator("input[type=radio]").last.check()
    check.get_by_role("button", name="Check answer").click()
    settled(page)
    verdict = check.locator(".feedback .verdict")
    expect(verdict).to_be_visible()
    words = verdict.locator("strong").bounding_box()
    pill = verdict.bounding_box()
    feedback = check.locator(".feedback").bounding_box()
    assert pill["width"] < words["width"] + 40, (pill, words)
    assert pill["width"] < feedback["width"] / 2, (pill, feedback)
