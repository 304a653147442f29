"""cohorts' rules plugged into quizzes (`quizzes.hooks`, registered in `CohortsConfig.ready`).

- `assignment_gate`: a learner whose assignment of a quiz is closed, or not open yet, may not
  start, answer or submit an attempt at that quiz, unless another of their cohorts has it open.
  An archived cohort's assignments gate nothing: its class has ended, and the quiz is practice.
- `instructor_viewer`: an instructor of a cohort may read (never change) a member's attempt
  that the cohort's gradebook counts (`gradebook.counted_attempts`); nobody else may.
- `assignment_notes`: on a quiz's start page, an attempt being taken and its result, the
  learner reads which of their cohorts assigned it, when it is due for them (extensions
  included, in their zone), whether this attempt counts for the gradebook and whether it is
  late: the gradebook's own rules (`gradebook.assigned_to`), one query per page.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils.timesince import timeuntil

from cohorts.access import cohorts_for_instructor
from cohorts.gradebook import (
    Assigned,
    assigned_to,
    counted_attempts,
    learners_due,
    submitted_late,
)
from cohorts.models import Assignment, Extension
from lessons import shown_names
from lessons.timezones import zoned
from quizzes.hooks import Note, Viewing
from srm_trainer.accounts.roles import has_mfa
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
    """A learner's attempt read by those teaching them: a page of the teaching area's data at
    the learner's address (/quizzes/attempts/<n>/result/), outside /teach/ and so outside its
    two-factor rule (`RequireMFAMiddleware`), which is asked here: a co-instructor added
    before setting up an authenticator, or one who turned theirs off, read the results by id.
    The learner is named as on the gradebook, with their chosen name (`lessons.shown_names`),
    read with the attempt (`quizzes.views._attempt_read`), so no query of its own."""
    if attempt.user_id is None or not has_mfa(user):
        return None
    shared = cohorts_for_instructor(user).filter(memberships__user_id=attempt.user_id)
    for cohort in shared.order_by("pk"):
        if counted_attempts(cohort).filter(pk=attempt.pk).exists():
            learner = attempt.user.get_username()
            return Viewing(
                learner=learner,
                back_url=reverse("teach_cohorts:learner", args=[cohort.pk, attempt.user_id]),
                back_text=f"{cohort.name}: {learner}",
                shown_name=shown_names.of(attempt.user),
                **_on_time(cohort, attempt),
            )
    return None


def _on_time(cohort, attempt) -> dict:
    """Whether a handed-in attempt came by the learner's due date in `cohort` (an extension's
    included), as its gradebook marks it: the learner's own result page says "your instructor
    sees it as late", and the instructor's view of it said nothing, so the mark could not be
    checked there. Two queries, on this one page."""
    if attempt.submitted_at is None:
        return {}
    assignment = Assignment.objects.filter(cohort=cohort, quiz_id=attempt.quiz_id).first()
    if assignment is None:
        return {}
    extension = (
        Extension.objects.filter(assignment=assignment, user_id=attempt.user_id)
        .values_list("due_at", flat=True)
        .first()
    )
    due, extended = learners_due(assignment.due_at, extension)
    if due is None:
        return {"note": f"No due date in {cohort.name}."}
    when = f"their extension: {zoned(due)}" if extended else zoned(due)
    if submitted_late(attempt.submitted_at, due):
        return {
            "note": f"Handed in after their due date in {cohort.name} ({when}): late.",
            "late": True,
        }
    return {"note": f"Handed in by their due date in {cohort.name} ({when})."}


# Within this long of the due date, the notice says how long is left.
DUE_SOON = timedelta(hours=24)


def assignment_notes(*, quiz, user_id: int, attempt, now: datetime, unfinished=None) -> list[Note]:
    """One short note per cohort of the learner's that assigns `quiz` (none when none does).
    `attempt` (theirs; None on the start page) is said to count or not, and to be late. On the
    start page, `unfinished` is the attempt in progress its one button continues."""
    found = assigned_to(user_id=user_id, quiz_id=quiz.pk)
    return [_note(assigned, user_id, attempt, now, unfinished) for assigned in found]


def _note(assigned: Assigned, user_id: int, attempt, now: datetime, unfinished=None) -> Note:
    cohort, due = assigned.cohort, assigned.due
    when = f"due {zoned(due)}" if due else "no due date"
    if assigned.extended:
        when += " (your extension)"
    if cohort.archived and (attempt is None or not _counted(assigned, user_id, attempt)):
        # Its class has ended: its due date no longer matters to what the learner does now.
        ended = f"Assigned in “{cohort.name}”, whose class has ended (archived):"
        if attempt is None:
            return Note(text=f"{ended} attempts you start now are practice and do not count.")
        why = _why_not_counted(assigned, attempt)
        return Note(text=f"{ended} {why[0].lower()}{why[1:]}")
    ended = " (archived: its class has ended)" if cohort.archived else ""
    head = f"Assigned in “{cohort.name}”{ended}: {when}."
    if attempt is None:
        return _before_starting(assigned, head, now, user_id, unfinished)
    if not _counted(assigned, user_id, attempt):
        return Note(text=f"{head} {_why_not_counted(assigned, attempt)}")
    if attempt.submitted_at is None and assigned.assignment.is_closed() and not cohort.archived:
        return Note(text=f"{head} Your instructor has closed it.")
    if assigned.late(attempt):
        return Note(
            text=f"{head} This attempt counts.",
            alert="Submitted after the due date: your instructor sees it as late.",
        )
    if attempt.submitted_at is None and due and not cohort.archived:
        if now > due:
            return Note(
                text=f"{head} This attempt counts.",
                alert="The due date has passed: submitted now, your instructor sees it as late.",
            )
        if due - now <= DUE_SOON:
            return Note(text=f"{head} This attempt counts. Due in {timeuntil(due, now)}.")
    return Note(text=f"{head} This attempt counts.")


def _counted(assigned: Assigned, user_id: int, attempt) -> bool:
    """The learner's own attempt, counted by this cohort's gradebook."""
    return attempt.user_id == user_id and assigned.counts(attempt)


def _why_not_counted(assigned: Assigned, attempt) -> str:
    if attempt.user_id is None:  # made signed out, kept in this browser: nobody's record
        return "This attempt was made before you signed in, so it does not count."
    if assigned.cohort.archived_at and attempt.started_at >= assigned.cohort.archived_at:
        return "This attempt is practice, started after the class ended."
    if attempt.started_at < assigned.joined_at:
        return "This attempt was started before you joined, so it does not count."
    return "This attempt was started before the assignment opened, so it does not count."


def _before_starting(
    assigned: Assigned, head: str, now: datetime, user_id: int, unfinished=None
) -> Note:
    """On the start page: whether an attempt started now would count, and how it stands. Its
    one button continues an attempt in progress: one that will not count is said so, or a
    learner finished it believing the note's "Attempts you start now count"."""
    assignment, due = assigned.assignment, assigned.due
    if assignment.is_closed():
        return Note(text=f"{head} Your instructor has closed it.")
    if not assignment.is_open(now):
        return Note(text=f"{head} It opens {zoned(assignment.opens_at)}.")
    if unfinished is not None and not _counted(assigned, user_id, unfinished):
        why = _why_not_counted(assigned, unfinished).removeprefix("This attempt ").rstrip(".")
        return Note(
            text=f"{head} Your attempt in progress {why}: submit it, and the attempts you start "
            "after it count.",
            alert=(
                "The due date has passed: your instructor sees work submitted now as late."
                if due and now > due
                else ""
            ),
        )
    if due and now > due:
        return Note(
            text=f"{head} Attempts you start now count.",
            alert="The due date has passed: your instructor sees work submitted now as late.",
        )
    if due and due - now <= DUE_SOON:
        return Note(text=f"{head} Attempts you start now count. Due in {timeuntil(due, now)}.")
    return Note(text=f"{head} Attempts you start now count.")
