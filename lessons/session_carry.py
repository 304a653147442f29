"""Lessons marked complete before signing in count for the account afterwards: a receiver of
Django's `user_logged_in` (sign-up, sign-in, allauth) moves them from the session."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from lessons import progress
from lessons.models import Lesson


def carry_completions(*, user, session) -> int:
    ids = progress.session_completed(session)
    if ids:  # most sign-ins carry none: building the (empty) query cost ~0.3 ms of each
        # In the order they were completed (the session's, most recent last), not the course's:
        # the last one carried is where home's "Continue" goes on from, as it did before.
        lessons = Lesson.objects.in_bulk(ids)
        for pk in dict.fromkeys(ids):
            if pk in lessons:
                progress.mark_complete(user=user, lesson=lessons[pk])
    session.pop(progress.SESSION_KEY, None)
    return len(ids)


@receiver(user_logged_in, dispatch_uid="lessons-carry-anonymous-completions")
def _carry_on_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        carry_completions(user=user, session=session)
