"""What a fresh walk through the site as a newcomer, a learner and an instructor found looking
unfinished (2026-12-07), each held here as the person saw it."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from tests.e2e.journeys import PASSWORD, settled, sign_up

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


def _turn_on_an_authenticator_app(page, username: str) -> None:
    """Sign up as `username` and turn on an authenticator app: the recovery codes page follows."""
    page.goto("/")
    sign_up(page, username)
    page.goto("/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:  # "Confirm it's you", as allauth asks before 2FA changes
        page.get_by_label(re.compile(r"^Password$")).fill(PASSWORD)
        page.get_by_label(re.compile(r"^Password$")).press("Enter")
    secret = page.get_by_label("Authenticator secret").input_value()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()


def test_two_messages_at_once_stand_apart(page):
    """Turning on an authenticator app says so and that the recovery codes are made: two
    messages at once, which were drawn edge to edge as one box."""
    _turn_on_an_authenticator_app(page, "two-notes")
    messages = page.locator(".messages .message")
    expect(messages).to_have_count(2)
    first, second = messages.nth(0).bounding_box(), messages.nth(1).bounding_box()
    assert second["y"] - (first["y"] + first["height"]) >= 6, (first, second)


def test_the_recovery_codes_buttons_keep_apart_on_a_phone_and_in_line_on_a_desktop(phone):
    """On a phone "Generate new codes" wrapped under "Download codes" edge to edge, as one
    two-line button."""
    _turn_on_an_authenticator_app(phone, "codes-kept")
    download = phone.get_by_role("link", name="Download codes").bounding_box()
    generate = phone.get_by_role("link", name="Generate new codes").bounding_box()
    assert generate["y"] - (download["y"] + download["height"]) >= 6, (download, generate)
    phone.set_viewport_size({"width": 1280, "height": 900})
    download = phone.get_by_role("link", name="Download codes").bounding_box()
    generate = phone.get_by_role("link", name="Generate new codes").bounding_box()
    assert abs(download["y"] - generate["y"]) < 1, (download, generate)


def test_the_glossary_pointer_keeps_its_distance_from_the_module_cards(page):
    """On the home page, "Met a term you do not know?" sat flush against the cards above it."""
    page.goto("/")
    grid = page.locator(".module-grid").bounding_box()
    pointer = page.locator(".glossary-pointer").bounding_box()
    assert pointer["y"] - (grid["y"] + grid["height"]) >= 12, (grid, pointer)
