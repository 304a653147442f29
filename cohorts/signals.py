"""What keeps a cohort's statistics pages (`teach.statistics.kept_statistics`) in step: they
count what its gradebook counts (`gradebook._RULE`: the learner's joining time, the
assignment's opening or creation time, the cohort's archiving), so a learner joining or
leaving (an account's cascade too), an assignment added, moved or removed, or the cohort
archived or restored tells each quiz the cohort has assigned (`quizzes.results_version`).
Every such write is a save or delete with signals (cohorts/services.py, the admin, cascades).
A cohort's other saves (created, renamed, handed over, its code rotated) and an assignment's
(closed, reopened, its due date alone) change nothing its statistics count and tell no quiz."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from cohorts.models import Assignment, Cohort, Membership
from quizzes.results_version import results_changed


def _cohort_quizzes(cohort_id: int) -> None:
    results_changed(
        *Assignment.objects.filter(cohort_id=cohort_id).values_list("quiz_id", flat=True)
    )


def _membership_written(instance: Membership, **kwargs) -> None:
    _cohort_quizzes(instance.cohort_id)


# What of an assignment's row its quiz's statistics read: the rule reads its quiz, its cohort
# and when it opened (`opens_at`, else `created_at`); its due date and closing are the
# gradebook's, not counted (a closed assignment's attempts still count).
ASSIGNMENT_COUNTED_FIELDS = frozenset(
    {"opens_at", "created_at", "quiz", "quiz_id", "cohort", "cohort_id"}
)


def _counted_in(update_fields) -> bool:
    """A save of every field (`update_fields` None: the admin's) is taken as a change."""
    return update_fields is None or bool(ASSIGNMENT_COUNTED_FIELDS & set(update_fields))


def _assignment_saving(instance: Assignment, update_fields=None, **kwargs) -> None:
    """Before a save that may move an assignment to another quiz, the quiz it counted for,
    which is told too: its page counted the assignment's learners until now."""
    instance._quiz_before = None  # type: ignore[attr-defined]
    moves = update_fields is None or {"quiz", "quiz_id"} & set(update_fields)
    if instance.pk is not None and moves:
        rows = Assignment.objects.filter(pk=instance.pk).values_list("quiz_id", flat=True)
        instance._quiz_before = rows.first()  # type: ignore[attr-defined]


def _assignment_written(instance: Assignment, created=False, update_fields=None, **kwargs) -> None:
    """Added, removed, opened earlier or later, or moved to another quiz or cohort: its quiz
    (and the one it left) counts differently. Closed, reopened or given another due date
    (`update_fields` without a counted field) it counts the same attempts, and tells none."""
    if not created and not _counted_in(update_fields):
        return
    results_changed(instance.quiz_id, getattr(instance, "_quiz_before", None))


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
    pre_save.connect(_assignment_saving, sender=Assignment, dispatch_uid=f"{uid}assignment-pre")
    post_save.connect(_cohort_written, sender=Cohort, dispatch_uid=f"{uid}cohort")
