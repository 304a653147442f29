"""Who may see which cohort, in one place (the views, the gradebook, the attempt viewer and the
statistics page all ask here).

- a cohort exists for its owner and its co-instructors, while they can teach (instructors and
  staff); for everyone else, staff included, it does not (404): a learner's results are shown
  only to the people teaching them;
- only the owner changes who co-teaches;
- learners see the cohorts they are in (`cohorts.views_learner`), never anyone else's.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from cohorts.models import Cohort, Membership
from teach.access import can_teach


def cohorts_for_instructor(user) -> QuerySet[Cohort]:
    """The cohorts `user` teaches (owns or co-teaches); none unless they can teach."""
    if not can_teach(user):
        return Cohort.objects.none()
    co_taught = Cohort.co_instructors.through.objects.filter(user=user).values("cohort_id")
    return Cohort.objects.filter(Q(owner=user) | Q(pk__in=co_taught))


def teaches(user, cohort: Cohort) -> bool:
    return cohorts_for_instructor(user).filter(pk=cohort.pk).exists()


def learners(cohort: Cohort) -> QuerySet:
    """The cohort's learners (user rows), by username."""
    return get_user_model().objects.filter(cohort_memberships__cohort=cohort).order_by("username")


def learner_ids(cohort: Cohort) -> QuerySet:
    """The ids of the cohort's learners, as a subquery: `Attempt.objects.filter(user_id__in=
    learner_ids(cohort))` is one query however large the cohort."""
    return Membership.objects.filter(cohort=cohort).values("user_id")


def _cohort_for_instructor(request: HttpRequest, pk: int, *, owner_only: bool = False) -> Cohort:
    """The cohort `pk` if this teacher teaches it (404 otherwise); with `owner_only`, 403 for
    a co-instructor."""
    cohort = get_object_or_404(cohorts_for_instructor(request.user).select_related("owner"), pk=pk)
    if owner_only and cohort.owner_id != request.user.pk:
        raise PermissionDenied("Only the cohort's owner can do that.")
    return cohort


def statistics_scopes(user, quiz) -> list[tuple[str, str]]:
    """For the quiz statistics page: one view per cohort this teacher teaches that has the
    quiz assigned (one query)."""
    taught = cohorts_for_instructor(user).filter(assignments__quiz=quiz).distinct()
    return [
        (
            f"Cohort {cohort.name}",
            reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk]),
        )
        for cohort in taught.order_by("name", "pk")
    ]
