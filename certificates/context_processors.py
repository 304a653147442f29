"""Course progress for the home page, so `lessons` need not import `certificates`: the home
template shows `course_progress` when it is there. Lazy: its queries run only on a page that
shows it (a fixed number: `progress.course_progress`)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from certificates.progress import course_progress as _course_progress
from quizzes.session_carry import LEARNER_KEY


def course_progress(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    session = getattr(request, "session", None)
    key = session.get(LEARNER_KEY, "") if session is not None else ""
    return {
        "course_progress": SimpleLazyObject(
            lambda: _course_progress(user, session, learner_key=key)
        )
    }
