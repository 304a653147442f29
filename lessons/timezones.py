"""The learner's own time zone, reported by their browser (static/js/timezone.js sets the
`tz` cookie) and kept on their profile, so times and "today" follow their clock. Pages cost
no query for it: the cookie comes with every request."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from urllib.parse import unquote

from django.http import HttpRequest
from django.utils import formats, timezone

COOKIE = "tz"
SESSION_KEY = "time_zone"


# Old names browsers still report (Chromium's ICU keeps CLDR's ids: a learner in India gets
# "Asia/Calcutta"), shown on every time as the zone's current name. Each is a link to it in
# the IANA database, so the clock is the same; only the words change.
_RENAMED = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Rangoon": "Asia/Yangon",
    "Europe/Kiev": "Europe/Kyiv",
    "America/Godthab": "America/Nuuk",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Enderbury": "Pacific/Kanton",
}


def valid_zone(name: str) -> str:
    """The IANA zone name if it is one (by its current name), else "" (the cookie is the
    browser's word, unchecked)."""
    name = unquote(name or "").strip()[:64]
    if not name:
        return ""
    for candidate in (_RENAMED.get(name), name):  # the new name, if this tzdata has it
        if not candidate:
            continue
        try:
            zoneinfo.ZoneInfo(candidate)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError, OSError):
            # OSError: a folder of the zone database ("America", "Etc") is opened as a file.
            continue
        return candidate
    return ""


def zone_name() -> str:
    """The zone times are shown and typed in for this request: the reader's, or the site's."""
    return timezone.get_current_timezone_name()


def zoned(moment: datetime | None, fmt: str = "j M Y, H:i") -> str:
    """`moment` on the reader's clock, with the zone named: "1 Jun 2031, 21:00 (Asia/Tokyo)".
    A time read in another zone than it is shown in is an hour or a day wrong, so every page
    (learner's or instructor's) and message says it this one way ({{ x|zoned }} in templates,
    lessons/templatetags/zoned.py). No time (None, or a missing variable's "") is ""."""
    if not moment:
        return ""
    return f"{formats.date_format(timezone.localtime(moment), fmt)} ({zone_name()})"


def learner_zone(request: HttpRequest) -> str:
    """The zone the browser reports (every request carries it); a signed-in learner's new
    zone is also stored on their profile, once per change (the session remembers it)."""
    reported = valid_zone(request.COOKIES.get(COOKIE, ""))
    if not reported:
        return ""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if session is not None and user is not None and user.is_authenticated:
        key = f"{SESSION_KEY}:{user.pk}"
        if session.get(key) != reported:
            from lessons.models import Profile

            Profile.objects.update_or_create(user=user, defaults={"time_zone": reported})
            session[key] = reported
    return reported


class LearnerTimeZoneMiddleware:
    """The request is answered in the learner's zone, or the site's (settings.TIME_ZONE) when
    the browser reports none; no zone is left active after it.

    The site's zone is activated rather than the active one cleared: the same zone for every
    date and time the request shows, but clearing a zone that is not set (asgiref's Local
    raising and catching an AttributeError) cost twice as much, on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        zone = learner_zone(request)
        timezone.activate(zoneinfo.ZoneInfo(zone) if zone else timezone.get_default_timezone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
