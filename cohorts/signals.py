"""What keeps a cohort's statistics pages (`teach.statistics.kept_statistics`) in step: they
count what its gradebook counts (`gradebook._RULE`: the learner's joining time, the
assignment's opening or creation time, the cohort's archiving), so a learner joining or
leaving (an account's cascade too), an assignment added, moved or removed, or the cohort
archived or restored tells each quiz the cohort has assigned (`quizzes.results_version`).
Every such write is a save or delete with signals (cohorts/services.py, the admin, cascades).
A cohort's other saves (created, renamed, handed over, its code rotated) change nothing its
statistics count and tell no quiz."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from cohorts.models import Assignment, Cohort, Membership
from quizzes.results_version import results_changed


def _cohort_quizzes(cohort_id: int) -> None:
    results_changed(
        *Assignment.objects.filter(cohort_id=cohort_id).values_list("quiz_id", flat=True)
    )


def _membership_written(instance: Membership, **kwargs) -> None:
    _cohort_quizzes(instance.cohort_id)


def _assignment_written(instance: Assignment, **kwargs) -> None:
    results_changed(instance.quiz_id)


# What of a cohort's own row its statistics read: the rule reads its archiving alone (its
# name, owner, code are the page's, read on each view, not kept).
COUNTED_FIELDS = frozenset({"archived_at"})


def _cohort_written(instance: Cohort, created: bool, update_fields=None, **kwargs) -> None:
    """A cohort archived or restored changes which attempts count; renamed, handed over or its
    code rotated (`update_fields` without its archiving) it does not. A new cohort has no
    assignment yet; a save of every field (no caller makes one) is taken as a change."""
    if created or (update_fields is not None and not COUNTED_FIELDS & set(update_fields)):
        return
    _cohort_quizzes(instance.pk)


def connect() -> None:
    uid = "cohorts-quiz-results-"
    for signal in (post_save, post_delete):
        signal.connect(_membership_written, sender=Membership, dispatch_uid=f"{uid}{signal}-m")
        signal.connect(_assignment_written, sender=Assignment, dispatch_uid=f"{uid}{signal}-a")
    post_save.connect(_cohort_written, sender=Cohort, dispatch_uid=f"{uid}cohort")
