"""cohorts' rules plugged into quizzes (`quizzes.hooks`, registered in `CohortsConfig.ready`).

- `assignment_gate`: a learner whose assignment of a quiz is closed, or not open yet, may not
  start, answer or submit an attempt at that quiz, unless another of their cohorts has it open.
  An archived cohort's assignments gate nothing: its class has ended, and the quiz is practice.
- `instructor_viewer`: an instructor of a cohort may read (never change) a member's attempt
  that the cohort's gradebook counts (`gradebook.counted_attempts`); nobody else may.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from cohorts.access import cohorts_for_instructor
from cohorts.gradebook import counted_attempts
from cohorts.models import Assignment
from lessons.timezones import zoned
from quizzes.hooks import Viewing
from srm_trainer.prepared import PreparedQuery

# Asked on every start, answer and submit of a signed-in learner: its SQL compiled once.
_ASSIGNED = PreparedQuery(
    Assignment,
    ["int", "int"],
    lambda quiz_id, user_id: (
        Assignment.objects.filter(
            quiz_id=quiz_id,
            cohort__memberships__user_id=user_id,
            cohort__archived_at__isnull=True,
        )
        .order_by()
        .values_list("opens_at", "closed_at")
    ),
)


def assignment_gate(*, action: str, quiz, user_id: int, now: datetime) -> str | None:
    assignments = [
        Assignment(opens_at=opens_at, closed_at=closed_at)
        for opens_at, closed_at in _ASSIGNED.rows(quiz.pk, user_id)
    ]
    if not assignments or any(a.is_open(now) for a in assignments):
        return None
    waiting = [a.opens_at for a in assignments if not a.is_closed() and a.opens_at]
    if waiting:
        return f"This quiz is assigned to your cohort and opens on {zoned(min(waiting))}."
    return (
        "Your instructor has closed this assignment, so its quiz can no longer be started "
        "or submitted."
    )


def instructor_viewer(*, user, attempt) -> Viewing | None:
    if attempt.user_id is None:
        return None
    shared = cohorts_for_instructor(user).filter(memberships__user_id=attempt.user_id)
    for cohort in shared.order_by("pk"):
        if counted_attempts(cohort).filter(pk=attempt.pk).exists():
            learner = attempt.user.get_username()
            return Viewing(
                learner=learner,
                back_url=reverse("teach_cohorts:learner", args=[cohort.pk, attempt.user_id]),
                back_text=f"{cohort.name}: {learner}",
            )
    return None
