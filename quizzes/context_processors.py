"""Puts the learner's review-due count on every page, so `lessons` need not import `quizzes`.

The count is lazy: the query runs only on a page whose template asks for `review_due`
(today the home page), and at most once per render.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from quizzes.review import due_count


class _DueCount:
    """A callable the template engine calls on first use; the result is kept."""

    def __init__(self, user) -> None:
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = due_count(user=self.user, now=timezone.now())
        return self.value


def review_due(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"review_due": 0}
    return {"review_due": _DueCount(user)}
