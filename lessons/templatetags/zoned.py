"""`{{ when|zoned }}`: a date and time on the reader's clock, with the zone named ("1 Jun 2031,
21:00 (Asia/Tokyo)"); `{{ when|zoned:"H:i" }}` in another format. One way for every page, the
learner's and the instructor's (lessons.timezones.zoned)."""

from __future__ import annotations

from django import template

from lessons import timezones

register = template.Library()


@register.filter
def zoned(moment, fmt: str = "j M Y, H:i") -> str:
    return timezones.zoned(moment, fmt)
