"""The learner's review count on every page, so `lessons` need not import `quizzes`: the
Review link's badge and the home page's "due for review now" (lazily: one query, and only on
pages that show them to a signed-in learner)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject, new_method_proxy

from quizzes import review


class LazyCount(SimpleLazyObject):
    """A count worked out on first use that filters can still read as a number: `pluralize`
    and `add` call float() and int(), which a plain SimpleLazyObject does not pass on (so the
    home page said "8 question due")."""

    __int__ = new_method_proxy(int)
    __float__ = new_method_proxy(float)


def review_due(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"review_due": 0, "review_due_now": 0}
    due = LazyCount(lambda: review.due_now_count(user=user, now=timezone.now()))
    return {"review_due": due, "review_due_now": due}
