"""The admin's times name their zone, as every other page's do (`lessons.timezones.zoned`).

Django drew a date and time in a list or a read-only field as "Dec. 6, 2026, 8:11 p.m.", on
the reader's clock (the middleware activates the browser's zone) with no word of which clock:
an admin comparing it with a learner's page ("6 Dec 2026, 20:11 (UTC)") or a log could be an
hour or a day out. Both of Django's ways of drawing a value (`display_for_field`, for a model
field, and `display_for_value`, for what a list's method returns) go through `admin_time`, in
each module that imported them by name. Dates without a time, and form inputs, are unchanged.
"""

from __future__ import annotations

import datetime

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import timezone

from lessons.timezones import zoned


def admin_time(value: datetime.datetime) -> str:
    """A date and time as the admin shows it: the site's one way, with the zone named."""
    return zoned(value)


def _aware(value: object) -> bool:
    """A moment, which has a zone to name (a naive time is drawn as Django draws it)."""
    return isinstance(value, datetime.datetime) and timezone.is_aware(value)


def use_in_every_admin() -> None:
    """Draw every admin's date-and-time values with `admin_time`."""
    for_field = utils.display_for_field
    for_value = utils.display_for_value

    def display_for_field(value, field, empty_value_display, avoid_link=False):
        dated = isinstance(field, models.DateTimeField) and _aware(value)
        if dated and not getattr(field, "flatchoices", None):
            return admin_time(value)
        return for_field(value, field, empty_value_display, avoid_link)

    def display_for_value(value, empty_value_display, boolean=False):
        if not boolean and _aware(value):
            return admin_time(value)
        return for_value(value, empty_value_display, boolean)

    for module in (utils, helpers, admin_list):
        if hasattr(module, "display_for_field"):
            module.display_for_field = display_for_field  # type: ignore[attr-defined]
        if hasattr(module, "display_for_value"):
            module.display_for_value = display_for_value  # type: ignore[attr-defined]
