"""Issuing the certificate: once per learner and course, only when `certificate_ready`, with
the name the learner chose to have printed and was shown, as printed, before it was issued
(`checked_token`, `checked_name`)."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from django.core import signing
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


_CHECKED_SALT = "certificates.name-checked"


class NotConfirmed(Exception):
    """A confirm post whose name is not the one its learner was shown to check."""


def checked_token(user, name: str) -> str:
    """What the confirm form carries beside the name it shows: a signed note that `user` was
    shown `name` (cleaned, as it will be printed), so "Issue my certificate" issues that name
    and no other. No expiry: it vouches for what was shown, which time does not change, and
    issuing twice is refused by `issue` whatever the token."""
    return signing.dumps({"u": user.pk, "n": name}, salt=_CHECKED_SALT)


def checked_name(user, token: str, shown: str) -> str:
    """The name `user` was shown and confirmed: `shown` (the confirm form's name) when `token`
    is `checked_token`'s for this user and that very name. NotConfirmed otherwise (a name
    changed in the form, a token of another account's, or none)."""
    try:
        note = signing.loads(token, salt=_CHECKED_SALT)
    except signing.BadSignature:
        note = None
    if not isinstance(note, dict) or note.get("u") != user.pk or note.get("n") != shown:
        raise NotConfirmed(
            "Nothing was issued: the name sent is not the name the check page showed you. "
            "Check the name below and continue to see it again before it is issued."
        )
    return shown


def preview(name: str) -> Certificate:
    """The certificate as it would be issued now, unsaved: the check step draws it with the
    certificate's own partial, so the name is shown as the certificate and its public page
    will show it."""
    return Certificate(
        course=COURSE_SLUG, course_title=COURSE_TITLE, name=name, issued_at=timezone.now()
    )


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
