"""The superuser's page of a user has a date and a time for "Last login" and "Date joined", and
beside each Django's shortcuts: "Today" and a calendar icon, "Now" and a clock icon. The icons
are links whose only content is an empty <span title=…>, and the page had two of each link,
none saying which field it sets ("Today", "Choose a Date"); the calendar and the clock were
drawn at the end of the page, where Tab from their icon never led. static/js/admin-date-
shortcuts.js names each after its field, takes focus into the calendar or clock it opens and
back to its icon once closed without a choice (a choice puts it on the box it fills), and names the calendar's month arrows ("<", ">")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import serious_violations

pytestmark = pytest.mark.e2e

FIELDS = ("Last login", "Date joined")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_each_date_and_time_shortcut_is_named_for_its_field_and_worked_by_keyboard(
    staff_page, size
):
    from django.contrib.auth import get_user_model

    learner = get_user_model().objects.create_user("ada", password="correct-horse-42")
    page, _ = staff_page(size)
    page.goto(f"/admin/auth/user/{learner.pk}/change/")
    page.wait_for_load_state("load")
    focused = page.locator(":focus")

    expect(page.locator(".datetimeshortcuts a")).to_have_count(4 * len(FIELDS))
    for field in FIELDS:
        date, time = page.get_by_label(f"{field}: date"), page.get_by_label(f"{field}: time")
        # Each control, in the order Tab reaches it from the date's box.
        date.focus()
        for name in ("today", "choose a date", "time", "now", "choose a time"):
            page.keyboard.press("Tab")
            expect(focused).to_have_accessible_name(f"{field}: {name}")

        # The clock: opened from the keyboard, focus in it; a time chosen, on the time's box.
        page.keyboard.press("Enter")
        clock = page.locator(".clockbox").filter(visible=True)
        expect(clock).to_have_count(1)
        expect(focused).to_have_accessible_name("Now")
        page.keyboard.press("Tab")  # Midnight
        page.keyboard.press("Enter")
        expect(clock).to_have_count(0)
        expect(time).to_have_value("00:00:00")
        expect(focused).to_have_accessible_name(f"{field}: time")

        # The calendar: its arrows named; Escape closes it, back on its icon.
        date.fill("2026-03-14")
        date.focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        calendar = page.locator(".calendarbox").filter(visible=True)
        expect(calendar).to_have_count(1)
        expect(calendar.get_by_role("link", name="Previous month")).to_be_visible()
        expect(calendar.get_by_role("link", name="Next month")).to_be_visible()
        expect(focused).to_have_text("14")  # the day the box holds
        assert serious_violations(page) == []
        page.keyboard.press("Escape")
        expect(calendar).to_have_count(0)
        expect(focused).to_have_accessible_name(f"{field}: choose a date")
        # "Today", from the keyboard.
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        expect(date).not_to_have_value("2026-03-14")

    assert serious_violations(page) == []
