"""What instructors and learners do to cohorts, as plain functions (views and tests call these).

Each takes keyword arguments and either does the thing or raises `CohortError` with a sentence
the person can read. Who may call them is the views' job (`cohorts.access`).

An archived cohort is a record of a class that ended: what would change its gradebook (its
work, due dates, extensions, learners) or bring anyone new in (its name, its code, joining) is
refused while it is archived (`check_not_archived`); reading it, exporting it, changing who
co-teaches it, restoring and deleting it are not.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from cohorts import codes, departures
from cohorts.gradebook import counted_attempts, learners_due
from cohorts.models import Assignment, Cohort, Extension, Membership
from lessons.timezones import zoned
from quizzes.models import Attempt
from srm_trainer.typed_text import hidden_character
from teach.access import can_run_classes, quizzes_visible


class CohortError(Exception):
    """A rule said no; `str(exc)` says why, in words for the person who asked."""


def _fresh_code() -> str:
    """A code no cohort uses now. A collision is rare (1 in ~10^10 per cohort); try again."""
    for _ in range(20):
        code = codes.new_code()
        if not Cohort.objects.filter(join_code=code).exists():
            return code
    raise CohortError("Could not make a new join code; try again.")  # pragma: no cover


def _checked_name(*, owner, name: str, other_than: int | None = None) -> str:
    """The name as kept: NFC, whitespace collapsed; refused when empty, invisible in part, or
    one of the owner's other cohorts' (in any case)."""
    name = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not name:
        raise CohortError("Give the cohort a name.")
    name = name[:120]
    hidden = hidden_character(name)
    if hidden:
        raise CohortError(
            f"The name contains an invisible or control character (U+{ord(hidden):04X}), "
            "which learners could not read: type it again."
        )
    taken = Cohort.objects.filter(owner=owner, name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
        # Two of one instructor's cohorts by one name could not be told apart in the menus
        # (assigning, statistics) nor by learners joining; another instructor's may share it.
        raise CohortError(
            f"You already have a cohort called “{name}”: give this one a name of its own "
            "(its term or its group, for example)."
        )
    return name


def check_not_archived(cohort: Cohort, what: str = "it cannot be changed") -> None:
    """Refuse a change to an archived cohort, saying what and how to undo the archiving."""
    if cohort.archived_at is not None:
        raise CohortError(
            f"“{cohort.name}” is archived, so {what}. Its owner can restore it from its "
            "gradebook page; its gradebook stays readable meanwhile."
        )


def cohort_archive(*, cohort: Cohort, now: datetime | None = None) -> bool:
    """Archive a class that ended: it leaves the instructors' list and its learners' to-do
    work, its code admits no one, and its gradebook stays as it was (attempts started from now
    on do not count). Returns False when it was archived already (a double click, Back): the
    first time is kept, and nothing else changes."""
    return _set_archived(cohort, now or timezone.now())


def _set_archived(cohort: Cohort, when: datetime | None) -> bool:
    """Archive (`when`) or restore (None) unless it is so already, read under the row's lock so
    that of two sent at once the second changes nothing; saved (not a queryset update) so the
    audit log records it with who did it."""
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if (locked.archived_at is None) == (when is None):
            cohort.archived_at = locked.archived_at
            return False
        locked.archived_at = when
        locked.save(update_fields=["archived_at"])
    cohort.archived_at = when
    return True


def cohort_restore(*, cohort: Cohort) -> bool:
    """Undo `cohort_archive`: back in the lists, its work on its learners' home pages, its
    code (unchanged) admitting learners again. False when it was not archived."""
    return _set_archived(cohort, None)


def cohort_create(*, owner, name: str, now: datetime | None = None) -> Cohort:
    name = _checked_name(owner=owner, name=name)
    return Cohort.objects.create(
        owner=owner, name=name, join_code=_fresh_code(), created_at=now or timezone.now()
    )


MAX_SHIFT_DAYS = 3660  # ten years: a later term than that is a new course
# The most assignments a cohort holds. Each member's home page sums up every assignment of
# every cohort they are in (`gradebook.assigned_work`), and the gradebook and learner pages
# list each: 2,000 in one cohort made every member's home a 500 (170 ms of CPU once its sums
# were split) and the gradebook 306 ms and 0.67 MB; at 100, 20 ms and 29 ms. A term assigns ~40.
MAX_ASSIGNMENTS = 100


class ShiftRefused(CohortError):
    """`cohort_next_term`'s days to move the dates by are refused (said beside that box)."""


@dataclass
class NextTerm:
    """What `cohort_next_term` made: the cohort, how many assignments it copied, and the
    titles of the quizzes it left out: another instructor's, which its new owner may not
    assign (`left_out`), and those not published now, which the assignment form would refuse
    too, as their learners could not open them (`unpublished`)."""

    cohort: Cohort
    copied: int
    left_out: list[str]
    unpublished: list[str] = field(default_factory=list)


def cohort_next_term(
    *,
    source: Cohort,
    owner,
    name: str,
    shift_days: int | None = None,
    with_instructors: bool = True,
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> NextTerm:
    """A new cohort for the next term, set up as `source` was: its assignments (quiz and
    lessons to read; opening and due times moved `shift_days` later by the clock of `zone`,
    the one the teacher's page was drawn in (the active time zone when None), or none), and,
    with
    `with_instructors`, the same people teaching it. No learner, extension or result comes
    along: those are last term's, and stay in `source`, which this leaves as it is (archived
    or not). `owner` owns the new cohort; a quiz `owner` may not assign, by the assignment
    form's rule (another instructor's, or one not published now), is left out and named.
    Refused, creating nothing, when a moved date would already be over
    (every submission late) or the name is taken."""
    now = now or timezone.now()
    name = _checked_name(owner=owner, name=name)
    if shift_days is not None and not 0 <= shift_days <= MAX_SHIFT_DAYS:
        raise ShiftRefused(f"Move the dates by 0 to {MAX_SHIFT_DAYS} days.")
    shift = timedelta(days=shift_days or 0)

    def moved(when: datetime) -> datetime:
        # By the clock on the wall, in the zone the teacher reads times in (the active one):
        # 17:00 in December is 17:00 in June, not 18:00 after the clocks went forward.
        return timezone.localtime(when, zone) + shift

    old = list(source.assignments.select_related("quiz").prefetch_related("lessons"))
    # The assignment form's rule (`views._assignable_quizzes`): theirs or the curriculum's,
    # and published.
    visible = dict(
        quizzes_visible(owner)
        .filter(pk__in=[a.quiz_id for a in old])
        .values_list("pk", "published")
    )
    kept = [a for a in old if visible.get(a.quiz_id)]
    if len(kept) > MAX_ASSIGNMENTS:  # assigned before the ceiling
        raise CohortError(
            f"“{source.name}” has {len(kept)} assignments, more than the {MAX_ASSIGNMENTS} a "
            "cohort holds, so its next term could not take them all: remove "
            f"{len(kept) - MAX_ASSIGNMENTS} from it first."
        )
    if shift_days is not None:
        over = sorted(moved(a.due_at) for a in kept if a.due_at and moved(a.due_at) < now)
        if over:
            with timezone.override(zone or timezone.get_current_timezone()):
                said = zoned(over[0])
            raise ShiftRefused(
                f"Moved by {shift_days} day{pluralize(shift_days)}, a due date would be "
                f"{said}, already over: every submission would be late. Move the "
                "dates by more days, or leave the box empty to set each date later."
            )
    with transaction.atomic():
        cohort = Cohort.objects.create(
            owner=owner, name=name, join_code=_fresh_code(), created_at=now
        )
        if with_instructors:
            teachers = [source.owner, *source.co_instructors.all()]
            cohort.co_instructors.add(
                *[u for u in teachers if u.pk != owner.pk and can_run_classes(u)]
            )
        for each in kept:
            dated = shift_days is not None
            assignment = Assignment.objects.create(
                cohort=cohort,
                quiz=each.quiz,
                opens_at=moved(each.opens_at) if dated and each.opens_at else None,
                due_at=moved(each.due_at) if dated and each.due_at else None,
                created_at=now,
                created_by=owner,
            )
            assignment.lessons.set([lesson for lesson in each.lessons.all() if lesson.published])
    left_out = sorted(a.quiz.title for a in old if a.quiz_id not in visible)
    unpublished = sorted(a.quiz.title for a in old if visible.get(a.quiz_id) is False)
    return NextTerm(cohort=cohort, copied=len(kept), left_out=left_out, unpublished=unpublished)


def cohort_rename(*, cohort: Cohort, name: str) -> Cohort:
    """A new name (a new term, a typo), by the rules a new cohort's follows; its learners,
    code and gradebook stay, and they see the new name at once."""
    check_not_archived(cohort, "its name stays as its learners knew it")
    name = _checked_name(owner=cohort.owner, name=name, other_than=cohort.pk)
    if name != cohort.name:
        cohort.name = name
        cohort.save(update_fields=["name"])
    return cohort


def code_rotate(*, cohort: Cohort, now: datetime | None = None) -> Cohort:
    """A new join code; the old code and the link that carries it stop working at once.
    Learners who already joined stay."""
    check_not_archived(cohort, "its code admits no one and stays as it was")
    cohort.join_code = _fresh_code()
    cohort.code_rotated_at = now or timezone.now()
    cohort.save(update_fields=["join_code", "code_rotated_at"])
    return cohort


def cohort_by_code(text: str) -> Cohort | None:
    """The cohort whose current code this is (as typed: case and dashes do not matter)."""
    code = codes.normalise(text)
    return Cohort.objects.filter(join_code=code).first() if code else None


def cohort_join(*, cohort: Cohort, user, now: datetime | None = None) -> tuple[Membership, bool]:
    """Join; returns (membership, whether it is new). Joining twice changes nothing."""
    if cohort.owner_id == user.pk or cohort.co_instructors.filter(pk=user.pk).exists():
        raise CohortError("You teach this cohort, so you cannot join it as a learner.")
    if cohort.archived_at is not None:
        membership = Membership.objects.filter(cohort=cohort, user=user).first()
        if membership is not None:
            return membership, False
        raise CohortError(
            f"“{cohort.name}” has ended: its instructor archived it, so it takes no new "
            "learners. If you should be in it, ask your instructor for the code of their "
            "current cohort."
        )
    try:
        with transaction.atomic():
            membership, created = Membership.objects.get_or_create(
                cohort=cohort, user=user, defaults={"joined_at": now or timezone.now()}
            )
    except IntegrityError:  # two joins at once: the other one made the row
        return Membership.objects.get(cohort=cohort, user=user), False
    return membership, created


def member_remove(*, cohort: Cohort, user_id: int, by) -> bool:
    """An instructor (`by`) takes a learner out. Their attempts stay theirs; the cohort's
    instructors stop seeing them. Their extensions in this cohort go too. Not while the cohort
    is archived: its instructors change nothing in it then. Recorded for the audit log and
    the cohort's "Recently left" (`cohorts.departures`), as taken out by `by`."""
    check_not_archived(cohort, "its learners stay in its gradebook as the class ended")
    return _drop_membership(cohort=cohort, user_id=user_id, by=by)


def learner_leave(*, cohort: Cohort, user_id: int) -> bool:
    """A learner leaves, as an instructor would take them out (`member_remove`), and an
    archived cohort too: archiving freezes what its instructors can change, not whether a
    learner stays listed in a class that has ended. Leaving one does what leaving a running
    cohort does: their work leaves its gradebook and their extensions go; their attempts
    stay theirs. Recorded as left by themselves (`cohorts.departures`)."""
    return _drop_membership(cohort=cohort, user_id=user_id, by=None)


def _drop_membership(*, cohort: Cohort, user_id: int, by) -> bool:
    """False when they were not in it (a double click): nothing is recorded twice."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_related("user").filter(cohort=cohort, user_id=user_id).first()
        )
        if membership is None:
            return False
        Extension.objects.filter(assignment__cohort=cohort, user_id=user_id).delete()
        deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
        if deleted:
            departures.record(cohort=cohort, learner=membership.user, by=by)
    return bool(deleted)


def co_instructor_add(*, cohort: Cohort, username: str) -> AbstractBaseUser:
    """Add another instructor by username; they must be able to teach (the Instructors group,
    or staff) and not be a learner in the cohort."""
    username = (username or "").strip()
    if not username:
        raise CohortError("Type the username of an instructor.")
    users = get_user_model().objects
    # Signing in ignores a username's case (allauth's `iexact`, which also keeps sign-up from
    # making "Otto" beside "otto"): "OTTO" is otto here too, where it was "No account is
    # called". The exact name first, so two accounts an administrator made apart stay apart.
    user = users.filter(username=username).first()
    if user is None:
        alike = list(users.filter(username__iexact=username)[:2])
        user = alike[0] if len(alike) == 1 else None
    if user is None:
        raise CohortError(f"No account is called “{username[:150]}”: check the spelling with them.")
    if not can_run_classes(user):
        raise CohortError(
            f"{user.get_username()} is not an instructor here. Ask an administrator to make "
            "them one, then add them again."
        )
    if user.pk == cohort.owner_id:
        raise CohortError("The owner already teaches this cohort.")
    if Membership.objects.filter(cohort=cohort, user=user).exists():
        raise CohortError(f"{user.get_username()} is a learner in this cohort.")
    if cohort.co_instructors.filter(pk=user.pk).exists():
        # Said "otto now teaches this cohort with you." as if something had changed.
        raise CohortError(f"{user.get_username()} teaches this cohort with you already.")
    cohort.co_instructors.add(user)
    return user


@dataclass(frozen=True)
class Work:
    """A cohort's counted attempts as its delete page tells them: handed in (results) and
    still in progress (no result yet), each with its distinct learners."""

    handed_in: int
    handed_in_by: int
    in_progress: int
    in_progress_by: int

    def __bool__(self) -> bool:
        return bool(self.handed_in or self.in_progress)


def cohort_results(cohort: Cohort) -> Work:
    """The work its gradebook counts, which deleting it takes away, in one query: an attempt
    still in progress has no result yet, so it is counted apart (the page called it one)."""
    done, open_ = Q(submitted_at__isnull=False), Q(submitted_at__isnull=True)
    counts = counted_attempts(cohort).aggregate(
        handed_in=Count("pk", filter=done),
        handed_in_by=Count("user_id", filter=done, distinct=True),
        in_progress=Count("pk", filter=open_),
        in_progress_by=Count("user_id", filter=open_, distinct=True),
    )
    return Work(**counts)


def _attempts_and_learners(attempts) -> tuple[int, int]:
    """(attempts, distinct learners) of an attempt queryset, counted by the database."""
    counts = attempts.aggregate(attempts=Count("pk"), learners=Count("user_id", distinct=True))
    return counts["attempts"], counts["learners"]


def cohort_delete(*, cohort: Cohort) -> None:
    """Delete the cohort with its memberships, assignments and extensions. Learners' attempts
    are theirs, not the cohort's: they stay, in each learner's history."""
    cohort.delete()


def free_name(*, owner, name: str, whose: str, taken: set[str] | None = None) -> str:
    """`name`, or, when `owner` has a cohort called so already (a cohort handed to them by
    another instructor), `name (whose)`, numbered past that: two of one owner's cohorts by one
    name could not be told apart in their lists (`_checked_name`), and an archived one cannot
    be renamed to make room. `taken`, casefolded, stands for `owner`'s names when given (a
    hand-over names its cohorts before it moves any, `cohorts/handover.py`)."""
    if taken is None:
        taken = {
            other.casefold()
            for other in Cohort.objects.filter(owner=owner).values_list("name", flat=True)
        }
    if name.casefold() not in taken:
        return name
    for n in range(1, 1000):
        candidate = f"{name[:100]} ({whose[:12]}{'' if n == 1 else f' {n}'})"
        if candidate.casefold() not in taken:
            return candidate
    raise CohortError("Could not find a free name; rename the cohort first.")  # pragma: no cover


def cohort_hand_to(*, cohort: Cohort, user_id: int) -> AbstractBaseUser:
    """The owner hands the cohort to one of its co-instructors (a term's leave, a course
    changing hands): they own it from now on, with its learners, work and results as they
    are, and the former owner co-teaches it, so nothing of theirs is lost on the way; the new
    owner can take them off. Allowed while archived: it changes who runs the class, not its
    record. A name the new owner has already is told apart by the former owner's
    (`free_name`)."""
    user = cohort.co_instructors.filter(pk=user_id).first()
    if user is None:
        raise CohortError("Only one of the cohort's co-instructors can be made its owner.")
    if not can_run_classes(user):
        raise CohortError(
            f"{user.get_username()} is no longer an instructor here, so they cannot own it."
        )
    former = cohort.owner
    with transaction.atomic():
        cohort.owner = user
        cohort.name = free_name(owner=user, name=cohort.name, whose=former.get_username())
        cohort.save(update_fields=["owner", "name"])
        cohort.co_instructors.remove(user)
        cohort.co_instructors.add(former)
    return user


def co_instructor_remove(*, cohort: Cohort, user_id: int) -> AbstractBaseUser | None:
    """Only one who co-teaches it: Django tells the audit log of a removal it was asked for
    whether or not there was one (a double click would log it twice). The one removed, or
    None when they did not co-teach it (removed already: a double click, another tab)."""
    user = cohort.co_instructors.filter(pk=user_id).first()
    if user is not None:
        cohort.co_instructors.remove(user_id)
    return user


def assignment_create(
    *,
    cohort: Cohort,
    quiz,
    lessons: Iterable = (),
    opens_at: datetime | None = None,
    due_at: datetime | None = None,
    by=None,
    now: datetime | None = None,
    count_ok: bool = False,
) -> Assignment:
    """Assign `quiz` to `cohort`. An opening time in the past would count at once the attempts
    its learners started since then, before the quiz was assigned: raises `WouldStartCounting`
    when there are any, unless `count_ok` (the page asked already)."""
    check_not_archived(cohort, "no work can be assigned to it")
    _check_dates(opens_at, due_at)
    taken = CohortError(f"“{quiz.title}” is already assigned to this cohort: change that one.")
    if Assignment.objects.filter(cohort=cohort, quiz=quiz).exists():
        raise taken
    if cohort.assignments.order_by().values("pk")[:MAX_ASSIGNMENTS].count() >= MAX_ASSIGNMENTS:
        raise CohortError(
            f"This cohort has {MAX_ASSIGNMENTS} assignments, the most a cohort holds: remove "
            "one it no longer needs (its learners' attempts are kept), or start a cohort for "
            "the next part of the course."
        )
    now = now or timezone.now()
    if opens_at is not None and not count_ok:
        attempts, learners = attempts_newly_counted(
            cohort_id=cohort.pk, quiz_id=quiz.pk, since=opens_at, until=now
        )
        if attempts:
            raise WouldStartCounting(
                f"{_learners_started(learners, attempts)} this quiz after that time, before "
                f"it was assigned, so {_they(attempts)} would count in the gradebook at once: "
                "attempts count from the opening time (each learner's once they joined), even "
                "those made before the quiz was assigned. Leave the time empty to count only "
                "attempts from now on; to count theirs too, save again as it is."
            )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                cohort=cohort,
                quiz=quiz,
                opens_at=opens_at,
                due_at=due_at,
                created_at=now,
                created_by=by,
            )
            assignment.lessons.set(lessons)
    except IntegrityError:  # the same form sent twice at once (a double click): the other won
        raise taken from None
    return assignment


def assignment_stamp(assignment: Assignment) -> str:
    """What the assignment's page remembers of what it drew (a hidden `seen` field): its
    lessons and times, as a short digest. An assignment keeps no time of its last save, and
    this is all its form writes."""
    lessons = sorted(
        Assignment.lessons.through.objects.filter(assignment_id=assignment.pk).values_list(
            "lesson_id", flat=True
        )
    )
    times = [t.isoformat() if t else "" for t in (assignment.opens_at, assignment.due_at)]
    drawn = "|".join([",".join(map(str, lessons)), *times])
    return hashlib.sha256(drawn.encode()).hexdigest()[:16]


class AssignmentEditedElsewhere(CohortError):
    """The assignment was saved after its page was drawn; `stamp` is what it holds now
    (`assignment_stamp`), for the refused page to remember so that saving it again is
    deliberate."""

    def __init__(self, now: Assignment | None) -> None:
        if now is None:
            super().__init__("This assignment was removed after you opened this page.")
            self.stamp = ""
            return
        count = now.lessons.count()
        saved = [
            f"opens {zoned(now.opens_at)}" if now.opens_at else "opens when assigned",
            f"due {zoned(now.due_at)}" if now.due_at else "no due date",
            f"{count} lesson{pluralize(count)} to read",
        ]
        super().__init__(
            "This assignment was changed somewhere else (another tab, or a co-instructor) "
            "after you opened this page, so nothing was saved here: your changes are below as "
            f"you made them. It now {', '.join(saved)}. Saving again keeps yours and replaces "
            "that version."
        )
        self.stamp = assignment_stamp(now)


class WouldStopCounting(CohortError):
    """A new opening time after attempts the gradebook counts now: they would leave it. Said
    once; sent again unchanged, the time is kept (`uncount_ok`)."""


class WouldStartCounting(CohortError):
    """An opening time earlier than the one in force (a new assignment's: now) before attempts
    the gradebook does not count now: they would join it, work done before the quiz was
    assigned among them. Said once; sent again unchanged, the time is kept (`count_ok`)."""


def attempts_newly_counted(
    *, cohort_id: int, quiz_id: int, since: datetime, until: datetime
) -> tuple[int, int]:
    """(attempts, learners) at the quiz by the cohort's learners, started from `since` up to
    `until` and after they joined: those an assignment opening at `since` counts where one
    counting from `until` does not (`gradebook.counted_attempts`'s rule; the cohort, not
    archived, is not asked)."""
    if since >= until:
        return 0, 0
    joined = Membership.objects.filter(
        cohort_id=cohort_id, user_id=OuterRef("user_id"), joined_at__lte=OuterRef("started_at")
    )
    started = Attempt.objects.filter(quiz_id=quiz_id, started_at__gte=since, started_at__lt=until)
    return _attempts_and_learners(started.filter(Exists(joined)))


def _learners_started(learners: int, attempts: int) -> str:
    """The questions' first words: "2 learners (3 attempts) started"."""
    return (
        f"{learners} learner{pluralize(learners)} ({attempts} attempt{pluralize(attempts)}) started"
    )


def _they(n: int) -> str:
    return "it" if n == 1 else "they"


def attempts_uncounted(assignment: Assignment, opens_at: datetime | None) -> tuple[int, int]:
    """(attempts, learners) of this assignment counted now that would stop counting were it
    to open at `opens_at` (None: when it was assigned): those started before then. An
    attempt counts only from when its work opened (`gradebook.counted_attempts`), so moving
    the opening time later takes work already done out of the gradebook."""
    start = opens_at or assignment.created_at
    if start <= assignment.starts_at:
        return 0, 0
    return _attempts_and_learners(_counted_for(assignment).filter(started_at__lt=start))


def assignment_update(
    *,
    assignment: Assignment,
    lessons: Iterable = (),
    opens_at: datetime | None = None,
    due_at: datetime | None = None,
    seen: str = "",
    uncount_ok: bool = False,
    count_ok: bool = False,
) -> Assignment:
    """Save the assignment's lessons and times. `seen`: the `assignment_stamp` of the page
    they were typed on; if the assignment has changed since (another tab, a co-instructor),
    raise `AssignmentEditedElsewhere` and write nothing, since writing the page's copy would
    undo that save unseen (lessons dropped, a due date moved back). A post without one (a
    script) is not asked. An opening time after attempts counted now raises
    `WouldStopCounting` unless `uncount_ok` (the page asked already); one earlier than the
    time attempts count from now, before attempts not counted now, raises
    `WouldStartCounting` unless `count_ok`. The opening time is
    written only when it changes: the page sends it with every edit, and a save naming it
    renews the quiz's kept statistics (`cohorts.signals`), which a due date or the lessons
    alone cannot change."""
    check_not_archived(assignment.cohort, "its assignments stay as they were")
    _check_dates(opens_at, due_at)
    with transaction.atomic():
        # Read under the row's lock (PostgreSQL; SQLite's IMMEDIATE transaction holds the
        # write lock from BEGIN), so of two saves sent at once the second sees the first.
        now = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        if seen and (now is None or assignment_stamp(now) != seen):
            raise AssignmentEditedElsewhere(now)
        if not uncount_ok:
            attempts, learners = attempts_uncounted(assignment, opens_at)
            if attempts:
                raise WouldStopCounting(
                    f"{learners} learner{pluralize(learners)} started this quiz before that "
                    f"time ({attempts} attempt{pluralize(attempts)}), so "
                    f"{'it' if attempts == 1 else 'they'} would stop counting in the "
                    "gradebook: only attempts started after the opening time count. Their "
                    "attempts stay theirs, and count again if the time is moved back. Choose "
                    "an earlier time, or leave it empty; to keep it anyway, save again as it is."
                )
        if not count_ok:
            attempts, learners = attempts_newly_counted(
                cohort_id=assignment.cohort_id,
                quiz_id=assignment.quiz_id,
                since=opens_at or assignment.created_at,
                until=assignment.starts_at,
            )
            if attempts:
                was = (
                    f"its opening time now, {zoned(assignment.opens_at)}"
                    if assignment.opens_at
                    else "when it was assigned"
                )
                raise WouldStartCounting(
                    f"{_learners_started(learners, attempts)} this quiz between that time and "
                    f"{was}, so {_they(attempts)} would start counting in the gradebook: "
                    "attempts count from the opening time (each learner's once they joined), "
                    "even those made before the quiz was assigned. Choose a later time; to "
                    "count them, save again as it is."
                )
        # Against the row, not the instance in hand: it may be older than the row.
        opens_moved = now is None or now.opens_at != opens_at
        assignment.opens_at, assignment.due_at = opens_at, due_at
        assignment.save(update_fields=["opens_at", "due_at"] if opens_moved else ["due_at"])
        assignment.lessons.set(lessons)
    return assignment


def _check_dates(opens_at: datetime | None, due_at: datetime | None) -> None:
    if opens_at and due_at and due_at <= opens_at:
        raise CohortError("The due date must come after the opening time.")


def assignment_close(*, assignment: Assignment, closed: bool, now: datetime | None = None) -> None:
    """Close (no attempt of it may be started or submitted any more) or open it again."""
    check_not_archived(assignment.cohort, "its assignments stay as they were")
    assignment.closed_at = (now or timezone.now()) if closed else None
    assignment.save(update_fields=["closed_at"])


def learners_mid_attempt(assignment: Assignment) -> int:
    """How many of the cohort's learners have a counted attempt at it started and not handed
    in: closing it stops them submitting, so the instructor is told as it closes."""
    unsubmitted = _counted_for(assignment).filter(submitted_at__isnull=True)
    return unsubmitted.values("user_id").distinct().count()


def assignment_results(assignment: Assignment) -> tuple[int, int]:
    """(attempts, learners): the work the gradebook counts for this assignment now."""
    return _attempts_and_learners(_counted_for(assignment))


def _counted_for(assignment: Assignment):
    """The attempts its cohort's gradebook counts for this assignment's quiz."""
    return counted_attempts(assignment.cohort_id).filter(quiz_id=assignment.quiz_id)


def assignment_remove(*, assignment: Assignment) -> None:
    """Take work assigned by mistake (the wrong quiz, a week too early) out of the cohort, with
    its extensions. Refused once any learner's attempt counts for it: the gradebook and CSVs
    would lose those results, and assigning the quiz again would not bring them back (an
    attempt counts only from when its work was assigned). Closing it keeps them."""
    check_not_archived(assignment.cohort, "its assignments stay as they were")
    with transaction.atomic():
        attempts, learners = assignment_results(assignment)
        if attempts:
            raise CohortError(
                f"“{assignment.quiz.title}” cannot be removed: {learners} learner"
                f"{pluralize(learners)} {pluralize(learners, 'has,have')} started or handed it "
                f"in here ({attempts} attempt{pluralize(attempts)}), and removing it would take "
                "those results out of the gradebook and its CSVs. Close it instead: learners "
                "can then neither start nor submit it, and their results stay."
            )
        assignment.delete()


def extension_set(*, assignment: Assignment, user_id: int, due_at: datetime) -> Extension:
    check_not_archived(assignment.cohort, "its due dates and extensions stay as they were")
    if not Membership.objects.filter(cohort_id=assignment.cohort_id, user_id=user_id).exists():
        raise CohortError("Only a learner in this cohort can be given an extension.")
    extension, _ = Extension.objects.update_or_create(
        assignment=assignment, user_id=user_id, defaults={"due_at": due_at}
    )
    return extension


def extension_of(*, assignment: Assignment, user_id: int) -> datetime | None:
    """The learner's extension's date, if they have one: giving another changes it, which the
    instructor is told ("moved from …"), as a second form for the same learner replaces it."""
    return (
        Extension.objects.filter(assignment=assignment, user_id=user_id)
        .values_list("due_at", flat=True)
        .first()
    )


def lateness_moved(
    *, assignment: Assignment, user_id: int, was: datetime | None, now: datetime | None
) -> str:
    """What an extension's change (`was` to `now`, None for none) does to the learner's work
    already handed in, as a sentence for the instructor ("" when nothing moves): a late
    attempt silently turned on time, or an on-time one late, where the gradebook shows it."""
    before, _ = learners_due(assignment.due_at, was)
    after, _ = learners_due(assignment.due_at, now)
    if before == after or (before is None and after is None):
        return ""
    # No due date is later than any date: late for nobody.
    later = before is None or (after is not None and before > after)
    lo, hi = (after, before) if later else (before, after)
    handed_in = _counted_for(assignment).filter(
        user_id=user_id, submitted_at__isnull=False, submitted_at__gt=lo
    )
    if hi is not None:
        handed_in = handed_in.filter(submitted_at__lte=hi)
    n = handed_in.count()
    if not n:
        return ""
    if later:
        return f"{n} attempt{pluralize(n)} handed in on time now count{pluralize(n, 's,')} as late."
    return f"{n} late attempt{pluralize(n)} now count{pluralize(n, 's,')} as on time."


def extension_remove(*, assignment: Assignment, user_id: int) -> bool:
    """Whether there was one to remove (a double click, or a tab drawn before, finds none)."""
    check_not_archived(assignment.cohort, "its due dates and extensions stay as they were")
    deleted, _ = Extension.objects.filter(assignment=assignment, user_id=user_id).delete()
    return bool(deleted)
