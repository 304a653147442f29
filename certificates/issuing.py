"""Issuing the certificate: once per learner and course, only when `certificate_ready`, with
the name the learner chose to have printed."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates.models import COURSE_SLUG, COURSE_TITLE, Certificate
from certificates.progress import course_progress

NAME_MAX = 100


class NotReady(Exception):
    """The course is not complete yet; `str(exc)` says what is left."""


# Zero-width joiners shape the letters of some scripts (Persian, Indic); every other
# invisible format character (direction overrides above all) could make a name read one way
# and be stored another, so it is refused.
_JOINERS = frozenset("\u200c\u200d")


def clean_name(raw: str) -> str:
    """The name as it will be printed, or ValueError with what is wrong.

    Whitespace is collapsed. Any script is accepted: the web certificate shows the name as
    typed, and the PDF draws it with a bundled font or says it cannot (`certificates.pdf`).
    Control and invisible format characters (except joiners), unassigned code points and
    private-use characters are refused: nobody can read them on a certificate."""
    name = " ".join(unicodedata.normalize("NFC", raw or "").split())
    if not name:
        raise ValueError("Write the name to print on the certificate.")
    if len(name) > NAME_MAX:
        raise ValueError(f"The name is {len(name)} characters long; at most {NAME_MAX} fit.")
    hidden = [ch for ch in name if unicodedata.category(ch).startswith("C") and ch not in _JOINERS]
    if hidden:
        raise ValueError(
            f"The name contains a control or invisible character (U+{ord(hidden[0]):04X}); "
            "type it again."
        )
    return name


def remaining(course) -> list[str]:
    """What stands between a learner and the certificate, in words."""
    out = [f"complete “{m.module.title}”" for m in course.modules if not m.complete]
    if not course.exam_passed:
        out.append(f"pass the {course.exam['title'].lower()}")
    return out


def issue(*, user, name: str, now: datetime | None = None) -> Certificate:
    """The learner's certificate, issued now if the course is complete. Idempotent: a second
    call (a double click, a second tab) returns the first certificate, name and date unchanged.
    Raises NotReady (what is left) or ValueError (the name)."""
    existing = Certificate.objects.filter(user=user, course=COURSE_SLUG).first()
    if existing is not None:
        return existing
    name = clean_name(name)
    course = course_progress(user)
    if not course.ready:
        raise NotReady("Not yet: " + "; ".join(remaining(course)) + ".")
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                course=COURSE_SLUG,
                course_title=COURSE_TITLE,
                name=name,
                issued_at=now or timezone.now(),
            )
    except IntegrityError:  # issued a moment ago by another request
        return Certificate.objects.get(user=user, course=COURSE_SLUG)
