"""The learner's assigned work for the home page, so `lessons` need not import `cohorts`: the
home template shows `assigned_work` when it is there. Lazy: the queries run only on a page
that shows it, and their number is fixed (`gradebook.assigned_work`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cohorts.gradebook import assigned_work


def cohort_work(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"assigned_work": (), "cohorts_for_learners": False}
    now = timezone.now()
    return {
        "assigned_work": SimpleLazyObject(lambda: assigned_work(user=user, now=now)),
        "assigned_work_now": now,
        "cohorts_for_learners": True,  # the home page offers joining a cohort
    }
