"""The Review link's badge: how many questions are due now (lazily: one query, only on pages
that show the link to a signed-in learner)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from quizzes import review


def review_due(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "review_due_now": SimpleLazyObject(
            lambda: review.due_now_count(user=user, now=timezone.now())
        )
    }
