"""The learner's time zone (lessons/timezones.py): each request is answered in the zone the
browser reports, or the site's; nothing stays active after the request."""

from __future__ import annotations

import zoneinfo

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from lessons.timezones import LearnerTimeZoneMiddleware


def _zone_seen(cookie: str | None) -> tuple[str, bool]:
    """The zone a view sees, and whether any zone is left active once the request is done."""
    seen = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES["tz"] = cookie
    LearnerTimeZoneMiddleware(view)(request)
    return seen[0], hasattr(timezone._active, "value")


@pytest.mark.parametrize(
    ("cookie", "zone"),
    [
        ("Asia/Tokyo", "Asia/Tokyo"),
        ("America%2FNew_York", "America/New_York"),
        (None, "site"),
        ("", "site"),
        ("Mars/Olympus_Mons", "site"),
        # folders of the zone database: opening one raised IsADirectoryError (a 500 on every
        # page for a browser sending it)
        ("America", "site"),
        ("Etc", "site"),
        # Chromium reports a learner in India as "Asia/Calcutta": shown by its current name
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
    ],
)
def test_the_request_is_answered_in_the_reported_zone_or_the_sites(cookie, zone, settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    expected = "Europe/Lisbon" if zone == "site" else zone
    assert _zone_seen(cookie) == (expected, False)


def test_a_zone_active_before_the_request_does_not_reach_it():
    timezone.activate(zoneinfo.ZoneInfo("Asia/Tokyo"))
    try:
        seen, left_active = _zone_seen(None)
    finally:
        timezone.deactivate()
    assert seen == timezone.get_default_timezone_name()
    assert not left_active
