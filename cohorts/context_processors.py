"""The learner's assigned work for the home page, so `lessons` need not import `cohorts`: the
home template shows `assigned_work` when it is there. Lazy: the queries run only on a page
that shows it, and their number is fixed (`gradebook.assigned_work`). For a signed-out visitor,
`joining`: the cohort a join link brought them to sign in for (`invitations.joining`), also
lazy (only the sign-in and sign-up pages ask)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cohorts import invitations
from cohorts.gradebook import assigned_work


def cohort_work(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "assigned_work": (),
            "cohorts_for_learners": False,
            "joining": SimpleLazyObject(lambda: invitations.joining(request)),
        }
    now = timezone.now()
    return {
        "assigned_work": SimpleLazyObject(lambda: assigned_work(user=user, now=now)),
        "assigned_work_now": now,
        "cohorts_for_learners": True,  # the home page offers joining a cohort
    }
