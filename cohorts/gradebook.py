"""The numbers of a cohort: which attempts count for an assignment, and per learner and
assignment the best and latest score, attempts, time spent, status and lessons completed.

Every function here costs a fixed number of queries, whatever the number of learners and
attempts: rows are fetched in bulk and combined in Python.

Which attempts count: a member's attempts at an assigned quiz started after the assignment
opened (its opening time, or when it was assigned) and after they joined the cohort, and, while
the cohort is archived, before it was archived (practice after the class ended does not change
its record). So practice before joining stays private, and the instructor sees exactly what the gradebook
counts (the attempt viewer in `cohorts.gates` uses the same rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from cohorts.models import Assignment, Cohort, Extension, Membership
from lessons import progress
from quizzes.models import Answer, Attempt, Quiz
from srm_trainer.prepared import (
    MAX_INTS,
    PreparedPerCount,
    PreparedQuery,
    concrete_attnames,
    instance,
)

# A learner page lists this many of a learner's latest attempts at each assignment.
ATTEMPTS_SHOWN = 20
NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
SUBMITTED = "submitted"
LATE = "late"


def counted_attempts(cohort: Cohort | int, among: Sequence[int] | None = None) -> QuerySet[Attempt]:
    """The attempts an assignment of `cohort` counts (see the module docstring); one query.
    `among`: only these learners' (ids), a page's few: looked up by them, not by the whole
    class (the database, not knowing a subquery's size, took the class's 250 over a page's
    25)."""
    member = Membership.objects.filter(
        cohort=cohort, user_id=OuterRef("user_id"), joined_at__lte=OuterRef("started_at")
    )
    assigned = (
        Assignment.objects.filter(cohort=cohort, quiz_id=OuterRef("quiz_id"))
        .annotate(start=Coalesce("opens_at", "created_at"))
        .filter(start__lte=OuterRef("started_at"))
        .filter(
            Q(cohort__archived_at__isnull=True) | Q(cohort__archived_at__gt=OuterRef("started_at"))
        )
    )
    # Narrowed first to the cohort's learners at its quizzes, which the (quiz, user) index finds:
    # the two rules alone were tested against every attempt on the site (a full scan on each
    # gradebook, learner page and export, 100,000 other learners' attempts 20 ms of a page).
    learners = Membership.objects.filter(cohort=cohort).values("user_id")
    return Attempt.objects.filter(
        quiz_id__in=Assignment.objects.filter(cohort=cohort).values("quiz_id"),
        user_id__in=learners if among is None else among,
    ).filter(Exists(member), Exists(assigned))


def counts(
    *, starts_at: datetime, joined_at: datetime, started_at: datetime, archived_at=None
) -> bool:
    """`counted_attempts`'s rule for one attempt already in hand (a learner's own few rows):
    started once the assignment opened (`starts_at`) and the learner had joined, and before
    the cohort was archived, if it is."""
    return started_at >= max(starts_at, joined_at) and (
        archived_at is None or started_at < archived_at
    )


def learners_due(
    due_at: datetime | None, extension: datetime | None
) -> tuple[datetime | None, bool]:
    """A learner's due date and whether it is their extension's. An extension gives more time,
    never less: once the cohort's due date moves past it (an instructor putting the whole
    class back), the cohort's applies, or the one learner given extra time would alone be
    late."""
    if extension is not None and (due_at is None or extension > due_at):
        return extension, True
    return due_at, False


def submitted_late(submitted_at: datetime | None, due: datetime | None) -> bool:
    """Handed in after its due date (the learner's own, an extension included)."""
    return bool(due and submitted_at and submitted_at > due)


@dataclass(frozen=True)
class AttemptRow:
    """One counted attempt, as the gradebook needs it."""

    id: int
    user_id: int
    quiz_id: int
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    last_saved: datetime | None = None

    @property
    def seconds(self) -> int:
        """From start to submit (or to the last answer saved, while in progress)."""
        end = self.submitted_at or self.last_saved or self.started_at
        return max(0, int((end - self.started_at).total_seconds()))

    def late(self, due: datetime | None) -> bool:
        return submitted_late(self.submitted_at, due)


@dataclass
class Cell:
    """One learner's standing on one assignment. Its figures are worked out once (a gradebook
    cell's template asks for the submitted attempts five times); `attempts` is not changed
    after the cell is made."""

    assignment: Assignment
    due: datetime | None
    extended: bool
    attempts: list[AttemptRow]
    lessons_done: int = 0
    lessons_total: int = 0

    @cached_property
    def submitted(self) -> list[AttemptRow]:
        return [a for a in self.attempts if a.submitted_at is not None]

    @cached_property
    def shown(self) -> list[tuple[int, AttemptRow]]:
        """The latest ATTEMPTS_SHOWN attempts, oldest of them first, each with its number among
        all of them (1 = the first): the learner page listed every one, and 1,000 attempts at
        one quiz made it 450 KB and 0.2 s."""
        first = max(0, len(self.attempts) - ATTEMPTS_SHOWN)
        return list(enumerate(self.attempts[first:], start=first + 1))

    @cached_property
    def best(self) -> float | None:
        scores = [a.score for a in self.submitted if a.score is not None]
        return max(scores) if scores else None

    @cached_property
    def best_attempt(self) -> AttemptRow | None:
        """The submitted attempt the best score is from (one on time, on a tie with a late one)."""
        scored = [a for a in self.submitted if a.score is not None]
        return max(scored, key=lambda a: (a.score, not a.late(self.due))) if scored else None

    @property
    def best_late(self) -> bool:
        """The best score was handed in after the due date: "Submitted" says only that some
        attempt was on time, so the page and the CSV mark a late best score."""
        best = self.best_attempt
        return best is not None and best.late(self.due)

    @property
    def latest_late(self) -> bool:
        latest = self.latest_attempt
        return latest is not None and latest.late(self.due)

    @cached_property
    def latest_attempt(self) -> AttemptRow | None:
        done = self.submitted
        return max(done, key=lambda a: (a.submitted_at, a.id)) if done else None

    @cached_property
    def latest(self) -> float | None:
        latest = self.latest_attempt
        return None if latest is None else latest.score

    @property
    def seconds(self) -> int:
        return sum(a.seconds for a in self.attempts)

    @cached_property
    def status(self) -> str:
        done = self.submitted
        if done:
            return SUBMITTED if any(not a.late(self.due) for a in done) else LATE
        return IN_PROGRESS if self.attempts else NOT_STARTED

    def overdue(self, now: datetime) -> bool:
        """Due and not handed in (a late flag before anything is submitted)."""
        return bool(self.due and now > self.due and not self.submitted)


@dataclass
class Row:
    membership: Membership
    cells: list[Cell] = field(default_factory=list)
    lessons_done: int = 0
    lessons_total: int = 0

    @property
    def user(self):
        return self.membership.user

    @property
    def handed_in(self) -> int:
        """How many of the assignments they have submitted an attempt at (late or not): the
        gradebook shows a few assignments at a time, and this row's sum of all of them."""
        return sum(1 for cell in self.cells if cell.submitted)

    def overdue(self, now: datetime) -> int:
        """How many of the assignments are overdue for them (`Cell.overdue`)."""
        return sum(1 for cell in self.cells if cell.overdue(now))


@cache
def _assignment_columns() -> tuple[list[str], list[str]]:
    return concrete_attnames(Assignment), concrete_attnames(Quiz)


# A cohort's assignments with their quizzes, as `cohort.assignments.select_related("quiz")`
# reads them: every gradebook, learner page and CSV starts with them, and building and
# compiling that queryset cost more than running it, so its SQL is compiled once.
_ASSIGNMENTS = PreparedQuery(
    Assignment,
    ["int"],
    lambda cohort_id: Assignment.objects.filter(cohort_id=cohort_id).values_list(
        *_assignment_columns()[0], *(f"quiz__{name}" for name in _assignment_columns()[1])
    ),
)


def assignments_of(cohort: Cohort) -> list[Assignment]:
    """The cohort's assignments, newest due first, with quiz (and cohort) set and lessons
    prefetched with their modules, as the related manager's select_related and
    prefetch_related give them (three queries)."""
    split = len(_assignment_columns()[0])
    assignments = []
    for row in _ASSIGNMENTS.rows(cohort.pk):
        assignment = instance(Assignment, row[:split])
        Assignment.quiz.field.set_cached_value(assignment, instance(Quiz, row[split:]))
        Assignment.cohort.field.set_cached_value(assignment, cohort)
        assignments.append(assignment)
    prefetch_related_objects(assignments, "lessons__module")
    return assignments


def _lessons_of(assignments: Iterable[Assignment]) -> dict[int, set[int]]:
    """Each assignment's lesson keys (prefetched), taken once: a related manager per learner
    and assignment was most of a gradebook row's cost."""
    return {a.pk: {lesson.pk for lesson in a.lessons.all()} for a in assignments}


def _attempt_values(attempts: QuerySet[Attempt]) -> QuerySet:
    """`attempts` as AttemptRow's fields, in order. The last answer's time is looked up only for
    an attempt in progress (a submitted one's time runs to its submit): joining every answer
    made a learner's 1,000 attempts (20,000 answers) cost each gradebook page and CSV ~20 ms."""
    last_saved = (
        Answer.objects.filter(attempt_id=OuterRef("pk"))
        .order_by("-saved_at")
        .values("saved_at")[:1]
    )
    return (
        attempts.annotate(
            last_saved=Case(When(submitted_at__isnull=True, then=Subquery(last_saved)))
        )
        .values_list(
            "id", "user_id", "quiz_id", "started_at", "submitted_at", "score", "last_saved"
        )
        .order_by("started_at", "id")
    )


def _attempt_rows(attempts: QuerySet[Attempt]) -> list[AttemptRow]:
    return [AttemptRow(*row) for row in _attempt_values(attempts)]


# The counted attempts of some of a cohort's learners (a gradebook page's, one learner's), as
# rows: asked on every gradebook and learner page, and compiling its SQL (two Exists subqueries
# and a grouped Max) cost more than running it, so it is compiled once per number of learners
# (PreparedQuery: the cohort's id and up to MAX_INTS - 1 learners' ids; the ORM past that).
_COUNTED_AMONG = PreparedPerCount(
    Attempt,
    lambda cohort_id, *user_ids: _attempt_values(counted_attempts(cohort_id, among=user_ids)),
    leading=["int"],
)


def _counted_rows(cohort_id: int, user_ids: list[int]) -> list[AttemptRow]:
    query = _COUNTED_AMONG(len(user_ids))
    return [AttemptRow(*row) for row in query.rows(cohort_id, *user_ids)]


def _cells(
    assignments: Sequence[Assignment],
    user_id: int,
    attempts: Iterable[AttemptRow],
    extensions: dict[tuple[int, int], datetime],
    completed: set[int],
    assigned_lessons: dict[int, set[int]],
) -> list[Cell]:
    by_quiz: dict[int, list[AttemptRow]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    cells = []
    for assignment in assignments:
        due, extended = learners_due(assignment.due_at, extensions.get((assignment.pk, user_id)))
        lesson_ids = assigned_lessons[assignment.pk]
        cells.append(
            Cell(
                assignment=assignment,
                due=due,
                extended=extended,
                attempts=by_quiz.get(assignment.quiz_id, []),
                lessons_done=len(lesson_ids & completed),
                lessons_total=len(lesson_ids),
            )
        )
    return cells


def gradebook_rows(
    *,
    cohort: Cohort,
    assignments: Sequence[Assignment],
    memberships: Sequence[Membership],
    counted: QuerySet[Attempt] | None = None,
) -> list[Row]:
    """A row per membership (with `user` loaded), a cell per assignment; three queries.
    `counted` is `counted_attempts(cohort)` when the caller has built it already (building it
    costs about as much as running it), for more learners than a prepared read takes."""
    user_ids = [m.user_id for m in memberships]
    extensions = {
        (e.assignment_id, e.user_id): e.due_at
        for e in Extension.objects.filter(assignment__cohort=cohort, user_id__in=user_ids)
    }
    if not user_ids:
        counted_rows = []  # (the ORM asks nothing for an empty `IN`)
    elif len(user_ids) < MAX_INTS:
        counted_rows = _counted_rows(cohort.pk, user_ids)
    else:
        counted = counted_attempts(cohort) if counted is None else counted
        counted_rows = _attempt_rows(counted.filter(user_id__in=user_ids))
    by_user: dict[int, list[AttemptRow]] = {}
    for attempt in counted_rows:
        by_user.setdefault(attempt.user_id, []).append(attempt)
    assigned_lessons = _lessons_of(assignments)
    lesson_ids = set().union(*assigned_lessons.values())
    completed = progress.completed_among(user_ids, lesson_ids)
    rows = []
    for membership in memberships:
        done = completed.get(membership.user_id, set())
        rows.append(
            Row(
                membership=membership,
                cells=_cells(
                    assignments,
                    membership.user_id,
                    by_user.get(membership.user_id, []),
                    extensions,
                    done,
                    assigned_lessons,
                ),
                lessons_done=len(done),
                lessons_total=len(lesson_ids),
            )
        )
    return rows


@dataclass(frozen=True)
class ClassFigures:
    """One assignment over the whole cohort, as its gradebook column sums it up: how many
    learners have handed in an attempt it counts (`Row.handed_in`'s rule), and the mean of
    those learners' best scores (`Cell.best`), each learner once however many attempts."""

    learners: int
    handed_in: int
    mean_best: float | None


def class_figures(
    cohort: Cohort, assignments: Sequence[Assignment], learners: int
) -> dict[int, ClassFigures]:
    """Each assignment's `ClassFigures`, by assignment id, in one query: the database takes
    each learner's best at each quiz and then counts and averages them, so what comes back is
    a row per quiz, not per learner (a gradebook page shows 25 of 250)."""
    best = (
        counted_attempts(cohort)
        .filter(submitted_at__isnull=False)
        .values("quiz_id", "user_id")
        .annotate(best=Max("score"))
        .order_by()
    )
    # The ORM aggregates an aggregate only into one row (`aggregate()`), not a row per quiz:
    # its compiled SQL is wrapped, every value still a bound parameter.
    sql, params = best.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT quiz_id, COUNT(*), AVG(best) FROM ({sql}) per_learner GROUP BY quiz_id",  # noqa: S608
            params,
        )
        by_quiz = {quiz_id: (n, mean) for quiz_id, n, mean in cursor.fetchall()}
    return {a.pk: ClassFigures(learners, *by_quiz.get(a.quiz_id, (0, None))) for a in assignments}


@dataclass
class Standing:
    """A learner's standing on one assignment, from their counted attempts' figures as the
    database adds them up (`assigned_work`): what a gradebook `Cell` says of it, without its
    rows of attempts, which grow with the learner's history."""

    assignment: Assignment
    due: datetime | None
    extended: bool
    started: int = 0  # counted attempts
    handed_in: int = 0  # of them submitted
    on_time: int = 0  # of those, submitted by the due date (all of them with no due date)
    best: float | None = None
    best_on_time: float | None = None

    @property
    def submitted(self) -> bool:
        return self.handed_in > 0

    @property
    def best_late(self) -> bool:
        """No attempt handed in on time has the best score (`Cell.best_late`)."""
        return self.best is not None and (
            self.best_on_time is None or self.best_on_time < self.best
        )

    @property
    def status(self) -> str:
        if self.handed_in:
            return SUBMITTED if self.on_time else LATE
        return IN_PROGRESS if self.started else NOT_STARTED

    def overdue(self, now: datetime) -> bool:
        """Due and not handed in (`Cell.overdue`)."""
        return bool(self.due and now > self.due and not self.handed_in)


@dataclass
class Work:
    """One assignment as its learner sees it on the home page."""

    cell: Standing
    cohort: Cohort
    completed_lessons: set[int]

    @property
    def assignment(self) -> Assignment:
        return self.cell.assignment


def _standings(user_id: int, cells: list[Standing], joined: dict[int, datetime]) -> None:
    """Fill in each standing's figures from the learner's attempts counted for it (started once
    the assignment opened and the learner had joined: `counts`), added up by the database in
    one query: reading the rows cost home 40 ms more for a learner with 2,000 attempts. The SQL
    is written here, five CASE sums a standing, because the ORM took ~20 ms to compile the same
    75 filtered aggregates for a learner in five cohorts (more than running it)."""
    if not cells:
        return
    ops = connection.ops
    # Their attnames are their columns (none sets db_column).
    column = {name.removesuffix("_id"): ops.quote_name(name) for name in
              ("quiz_id", "user_id", "started_at", "submitted_at", "score")}  # fmt: skip
    sums, params = [], []
    for cell in cells:
        a = cell.assignment
        start = ops.adapt_datetimefield_value(max(a.starts_at, joined[a.cohort_id]))
        counted = f"{column['quiz']} = %s AND {column['started_at']} >= %s"
        handed = f"{counted} AND {column['submitted_at']} IS NOT NULL"
        on_time = f"{handed} AND {column['submitted_at']} <= %s" if cell.due else handed
        due = [ops.adapt_datetimefield_value(cell.due)] if cell.due else []
        sums += [
            f"SUM(CASE WHEN {counted} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {handed} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {on_time} THEN 1 ELSE 0 END)",
            f"MAX(CASE WHEN {handed} THEN {column['score']} END)",
            f"MAX(CASE WHEN {on_time} THEN {column['score']} END)",
        ]
        key, by_due = [a.quiz_id, start], [a.quiz_id, start, *due]
        params += [*key, *key, *by_due, *key, *by_due]  # each sum's, in order
    quizzes = sorted({cell.assignment.quiz_id for cell in cells})
    # Only quoted column names and placeholders are put into the text; values are parameters.
    table = ops.quote_name(Attempt._meta.db_table)
    sql = (
        f"SELECT {', '.join(sums)} FROM {table} "  # noqa: S608
        f"WHERE {column['user']} = %s AND {column['quiz']} IN ({', '.join(['%s'] * len(quizzes))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, user_id, *quizzes])
        row = cursor.fetchone()
    for n, cell in enumerate(cells):
        started, handed_in, on_time_count, best, best_on_time = row[5 * n : 5 * n + 5]
        cell.started, cell.handed_in, cell.on_time = (
            started or 0,
            handed_in or 0,
            on_time_count or 0,
        )
        cell.best, cell.best_on_time = best, best_on_time


def assigned_work(*, user, now: datetime, limit: int = 30) -> list[Work]:
    """A learner's assignments in every cohort they are in, what is left to do first: work not
    handed in (and not closed) soonest due first, so overdue work leads and next year's comes
    after next week's, undated work after it; then work done or closed, newest due first (the
    limit drops the oldest of those). Due dates are the learner's own (extensions included).
    Archived cohorts' work is not listed: their class has ended (the learner's cohorts page
    lists them as past). Six queries, however much there is, and no attempt read: the
    database counts them (`_standings`)."""
    if not getattr(user, "is_authenticated", False):
        return []
    joined = dict(
        Membership.objects.filter(user=user, cohort__archived_at__isnull=True).values_list(
            "cohort_id", "joined_at"
        )
    )
    if not joined:
        return []
    assignments = list(
        Assignment.objects.filter(cohort_id__in=joined)
        .select_related("quiz", "cohort")
        .prefetch_related("lessons__module")
    )
    extensions = {
        e.assignment_id: e.due_at
        for e in Extension.objects.filter(user=user, assignment__in=assignments)
    }
    cells = [Standing(a, *learners_due(a.due_at, extensions.get(a.pk))) for a in assignments]
    _standings(user.pk, cells, joined)
    assigned_lessons = _lessons_of(assignments)
    lesson_ids = set().union(*assigned_lessons.values())
    completed = progress.completed_among([user.pk], lesson_ids).get(user.pk, set())
    work = [Work(cell=cell, cohort=cell.assignment.cohort, completed_lessons=completed)
            for cell in cells]  # fmt: skip
    to_do = [w for w in work if not w.cell.submitted and not w.assignment.is_closed()]
    done = [w for w in work if w.cell.submitted or w.assignment.is_closed()]
    return (
        sorted((w for w in to_do if w.cell.due), key=_due)
        + [w for w in to_do if w.cell.due is None]
        + sorted((w for w in done if w.cell.due), key=_due, reverse=True)
        + [w for w in done if w.cell.due is None]
    )[:limit]


def _due(work: Work) -> datetime:
    """The due date dated work is sorted by."""
    assert work.cell.due is not None  # only dated work is sorted
    return work.cell.due


@dataclass(frozen=True)
class Assigned:
    """One of a learner's cohorts that assigns a quiz, as the quiz's own pages tell them: the
    assignment (its cohort set), when they joined, and their due date (an extension's, if
    they have one)."""

    assignment: Assignment
    joined_at: datetime
    due: datetime | None
    extended: bool

    @property
    def cohort(self) -> Cohort:
        return self.assignment.cohort

    def counts(self, attempt: Attempt) -> bool:
        """Whether the cohort's gradebook counts this attempt (`counted_attempts`'s rule)."""
        return counts(
            starts_at=self.assignment.starts_at,
            joined_at=self.joined_at,
            started_at=attempt.started_at,
            archived_at=self.cohort.archived_at,
        )

    def late(self, attempt: Attempt) -> bool:
        """Counted, and handed in after this learner's due date (the gradebook's "late")."""
        return self.counts(attempt) and submitted_late(attempt.submitted_at, self.due)


def assigned_to(*, user_id: int, quiz_id: int) -> list[Assigned]:
    """Each cohort `user_id` is in that assigns the quiz, by name; archived ones too (their
    record stands), after the others. One query, however many."""
    own_due = Extension.objects.filter(assignment=OuterRef("pk"), user_id=user_id).values("due_at")
    joined = Membership.objects.filter(cohort=OuterRef("cohort_id"), user_id=user_id).values(
        "joined_at"
    )
    rows = (
        Assignment.objects.filter(quiz_id=quiz_id, cohort__memberships__user_id=user_id)
        .select_related("cohort")
        .annotate(own_due=Subquery(own_due[:1]), joined=Subquery(joined[:1]))
        .order_by(F("cohort__archived_at").asc(nulls_first=True), "cohort__name", "cohort_id")
    )
    return [Assigned(a, a.joined, *learners_due(a.due_at, a.own_due)) for a in rows]
