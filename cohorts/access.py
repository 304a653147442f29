"""Who may see which cohort, in one place (the views, the gradebook, the attempt viewer and the
statistics page all ask here).

- a cohort exists for its owner and its co-instructors, while they can teach (instructors and
  staff); for everyone else, staff included, it does not (404): a learner's results are shown
  only to the people teaching them;
- only the owner changes who co-teaches;
- learners see the cohorts they are in (`cohorts.views_learner`), never anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.text import get_text_list

from cohorts.models import Assignment, Cohort, Membership
from srm_trainer.counts import counted
from srm_trainer.gone import Refused
from srm_trainer.prepared import PreparedQuery, concrete_attnames, instance
from teach.access import can_run_classes


def _taught_by(user_id: int) -> QuerySet[Cohort]:
    co_taught = Cohort.co_instructors.through.objects.filter(user_id=user_id).values("cohort_id")
    return Cohort.objects.filter(Q(owner_id=user_id) | Q(pk__in=co_taught))


def cohorts_for_instructor(user) -> QuerySet[Cohort]:
    """The cohorts `user` teaches (owns or co-teaches); none unless they can teach."""
    if not can_run_classes(user):
        return Cohort.objects.none()
    return _taught_by(user.pk)


def cohort_lists(user) -> tuple[QuerySet[Cohort], QuerySet[Cohort]]:
    """The teacher's list page: the cohorts they teach now (by name), and those archived
    (most recently archived first), each with its owner and how many learners and
    assignments it has (`learner_count`, `assignment_count`: three classes of 250 were three
    names, their sizes a click away each)."""
    taught = (
        cohorts_for_instructor(user)
        .select_related("owner")
        .annotate(
            learner_count=counted(Membership.objects.filter(cohort=OuterRef("pk")), "cohort"),
            assignment_count=counted(Assignment.objects.filter(cohort=OuterRef("pk")), "cohort"),
        )
    )
    return (
        taught.filter(archived_at__isnull=True),
        taught.filter(archived_at__isnull=False).order_by("-archived_at", "name", "pk"),
    )


def teaches(user, cohort: Cohort) -> bool:
    return cohorts_for_instructor(user).filter(pk=cohort.pk).exists()


@dataclass(frozen=True)
class Teachers:
    """Who teaches a cohort, as its learners are told on joining and leaving it: every one of
    them sees their results (the pages named the owner alone, co-instructors unsaid)."""

    names: list[str]  # the owner first, then the co-instructors by username

    @property
    def said(self) -> str:
        """In words: "ines", "ines and colm", "ines, colm and otto"."""
        return str(get_text_list(self.names, "and"))

    @property
    def several(self) -> bool:
        return len(self.names) > 1


def teachers(cohort: Cohort) -> Teachers:
    """`Teachers` of `cohort` (its owner read with it, or one query more; one for the rest)."""
    co = cohort.co_instructors.order_by("username").values_list("username", flat=True)
    return Teachers([cohort.owner.get_username(), *co])


def teachers_of(cohorts: list[Cohort]) -> dict[int, Teachers]:
    """`teachers` of each of `cohorts` (their owners read with them), by cohort id, in one
    query for them all: a learner's Cohorts page names every instructor of each."""
    co: dict[int, list[str]] = {cohort.pk: [] for cohort in cohorts}
    rows = (
        Cohort.co_instructors.through.objects.filter(cohort_id__in=list(co))
        .order_by("user__username")
        .values_list("cohort_id", "user__username")
    )
    for cohort_id, username in rows:
        co[cohort_id].append(username)
    return {
        cohort.pk: Teachers([cohort.owner.get_username(), *co[cohort.pk]]) for cohort in cohorts
    }


def learners(cohort: Cohort) -> QuerySet:
    """The cohort's learners (user rows), by username."""
    return get_user_model().objects.filter(cohort_memberships__cohort=cohort).order_by("username")


def learner_ids(cohort: Cohort) -> QuerySet:
    """The ids of the cohort's learners, as a subquery: `Attempt.objects.filter(user_id__in=
    learner_ids(cohort))` is one query however large the cohort."""
    return Membership.objects.filter(cohort=cohort).values("user_id")


@cache
def _columns() -> tuple[list[str], list[str]]:
    """A cohort's columns and its owner's, as `select_related("owner")` reads them."""
    return concrete_attnames(Cohort), concrete_attnames(get_user_model())


# The cohort a teaching page opens, with its owner, if the teacher teaches it: every page under
# /teach/cohorts/<id>/ starts with it, and building this queryset (an OR over a subquery)
# cost more than running it, so its SQL is compiled once (srm_trainer/prepared.py).
_TAUGHT = PreparedQuery(
    Cohort,
    ["int", "int"],
    lambda pk, user_id: (
        _taught_by(user_id)
        .filter(pk=pk)
        .order_by()
        .values_list(*_columns()[0], *(f"owner__{name}" for name in _columns()[1]))
    ),
)


def _cohort_for_instructor(request: HttpRequest, pk: int, *, owner_only: bool = False) -> Cohort:
    """The cohort `pk` if this teacher teaches it (404 otherwise); with `owner_only`, 403 for
    a co-instructor. `pk` is a URL's `<id:...>` (at most 18 digits: it fits the column)."""
    rows = _TAUGHT.rows(pk, request.user.pk) if can_run_classes(request.user) else []
    if not rows:
        raise Http404("No Cohort matches the given query.")
    cohort_columns, owner_columns = _columns()
    cohort = instance(Cohort, rows[0][: len(cohort_columns)])
    owner = instance(get_user_model(), rows[0][len(cohort_columns) :])
    Cohort._meta.get_field("owner").set_cached_value(cohort, owner)
    if owner_only and cohort.owner_id != request.user.pk:
        raise Refused(
            f"Only its owner, {owner.get_username()}, changes who teaches {cohort.name}, "
            "archives, restores or deletes it. You teach it as a co-instructor.",
            back_url=reverse("teach_cohorts:people", args=[cohort.pk]),
            back_label="Back to its learners and instructors",
        )
    return cohort


def statistics_scopes(user, quiz) -> list[tuple[str, str]]:
    """For the quiz statistics page: one view per cohort this teacher teaches that has the
    quiz assigned (one query); an archived one says so, as its gradebook does."""
    taught = cohorts_for_instructor(user).filter(assignments__quiz=quiz).distinct()
    return [
        (
            f"Cohort {cohort.name}" + (" (archived)" if cohort.archived else ""),
            reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk]),
        )
        for cohort in taught.order_by("name", "pk")
    ]
