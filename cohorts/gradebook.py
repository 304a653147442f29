"""The numbers of a cohort: which attempts count for an assignment, and per learner and
assignment the best and latest score, attempts, time spent, status and lessons completed.

Every function here costs a fixed number of queries, whatever the number of learners and
attempts: rows are fetched in bulk and combined in Python.

Which attempts count: a member's attempts at an assigned quiz started after the assignment
opened (its opening time, or when it was assigned) and after they joined the cohort, and, while
the cohort is archived, before it was archived (practice after the class ended does not change
its record). So practice before joining stays private, and the instructor sees exactly what the gradebook
counts (the attempt viewer in `cohorts.gates` uses the same rule). The rule is written once, in
SQL (`_RULE`), and every query of counted attempts is built on it; `counts` says it in Python
for an attempt in hand, for the reason its docstring gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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
    """The attempts an assignment of `cohort` counts (see the module docstring): the rule's one
    definition (`_RULE`) as a condition on each attempt (`_Counted`); one query.
    `among`: only these learners' (ids), a page's few: looked up by them, not by the whole
    class (the database, not knowing a subquery's size, took the class's 250 over a page's
    25)."""
    cohort_id = cohort.pk if isinstance(cohort, Cohort) else cohort
    # Narrowed first to the cohort's learners at its quizzes, which the (quiz, user) index finds:
    # the rule alone was tested against every attempt on the site (a full scan on each
    # gradebook, learner page and export, 100,000 other learners' attempts 20 ms of a page).
    learners = Membership.objects.filter(cohort_id=cohort_id).values("user_id")
    return Attempt.objects.filter(
        quiz_id__in=Assignment.objects.filter(cohort_id=cohort_id).values("quiz_id"),
        user_id__in=learners if among is None else among,
    ).filter(_Counted(cohort_id))


def counted_since(*, starts_at: datetime, joined_at: datetime) -> datetime:
    """From when a learner's attempts at an assignment count: once it opened and they joined."""
    return max(starts_at, joined_at)


def counts(
    *, starts_at: datetime, joined_at: datetime, started_at: datetime, archived_at=None
) -> bool:
    """`_RULE` for one attempt already in hand, in Python: a learner's own quiz and attempt pages
    say of each cohort whether it counts and, if not, which part of the rule it fails
    (`gates._why_not_counted`), with no query per cohort. Held equal to `counted_attempts` by
    tests/cohorts/test_gradebook_tally.py."""
    return started_at >= counted_since(starts_at=starts_at, joined_at=joined_at) and (
        archived_at is None or started_at < archived_at
    )


def learners_due(
    due_at: datetime | None, extension: datetime | None
) -> tuple[datetime | None, bool]:
    """A learner's due date and whether it is their extension's. An extension gives more time,
    never less: once the cohort's due date moves past it (an instructor putting the whole
    class back), the cohort's applies, or the one learner given extra time would alone be
    late; and work with no due date (never given one, or its date taken away since) is late
    for nobody, so an extension there would make its learner alone late: it does not apply."""
    if extension is not None and due_at is not None and extension > due_at:
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


@dataclass(frozen=True)
class Tally:
    """One learner's counted attempts at one quiz, added up: all a gradebook cell and its CSV
    row say of them. Worked out by the database alone (`_tallies`), so a learner's 2,000
    attempts are not read to show five numbers."""

    started: int = 0  # counted attempts
    handed_in: int = 0  # of them submitted
    seconds: int = 0  # each attempt's whole seconds (`AttemptRow.seconds`), summed
    best: float | None = None  # the best score handed in
    best_on_time: float | None = None  # the best handed in by the learner's due date
    first_submitted: datetime | None = None
    latest_submitted: datetime | None = None
    latest: float | None = None  # the score of the last handed in (by time, then id)


@dataclass
class Cell:
    """One learner's standing on one assignment: its figures (`tally`), and `attempts`, the
    counted attempts read as rows (every one for the answers CSV, the latest ATTEMPTS_SHOWN for
    the learner page, none for the gradebook and its CSV: `gradebook_rows`' `read`)."""

    assignment: Assignment
    due: datetime | None
    extended: bool
    attempts: list[AttemptRow]
    lessons_done: int = 0
    lessons_total: int = 0
    figures: Tally | None = None  # the database's (`_tallies`); None: rows only (read=None)

    @property
    def tally(self) -> Tally:
        """The cell's figures, as the database added them up. Rows read whole (read=None: the
        answers CSV) come without them: that file numbers each attempt and asks no figure, and
        working them out from the rows in Python too was a second `_TALLIES` to keep equal."""
        if self.figures is None:
            raise ValueError("gradebook_rows(read=None) reads rows only: ask it with a `read`")
        return self.figures

    @property
    def started(self) -> int:
        """How many attempts count (not only those read)."""
        return self.tally.started

    @property
    def submitted(self) -> bool:
        return self.tally.handed_in > 0

    @property
    def unfinished_beside(self) -> int:
        """How many attempts are still in progress beside one handed in (0 when none was handed
        in: the status says "In progress" then). The cell said "Submitted" and nothing of a
        second attempt the learner was still working on; read from the figures, no query."""
        tally = self.tally
        return tally.started - tally.handed_in if tally.handed_in else 0

    @cached_property
    def shown(self) -> list[tuple[int, AttemptRow]]:
        """The latest ATTEMPTS_SHOWN attempts, oldest of them first, each with its number among
        all of them (1 = the first): the learner page listed every one, and 1,000 attempts at
        one quiz made it 450 KB and 0.2 s."""
        kept = self.attempts[-ATTEMPTS_SHOWN:] if ATTEMPTS_SHOWN else []
        first = self.started - len(kept)
        return list(enumerate(kept, start=first + 1))

    @property
    def best(self) -> float | None:
        return self.tally.best

    @property
    def best_late(self) -> bool:
        """No attempt with the best score was handed in by the due date: "Submitted" says only
        that some attempt was on time, so the page and the CSV mark a late best score."""
        best, on_time = self.tally.best, self.tally.best_on_time
        return best is not None and (on_time is None or on_time < best)

    @property
    def latest(self) -> float | None:
        return self.tally.latest

    @property
    def latest_late(self) -> bool:
        return submitted_late(self.tally.latest_submitted, self.due)

    @property
    def seconds(self) -> int:
        return self.tally.seconds

    @property
    def status(self) -> str:
        if self.tally.handed_in:
            return LATE if submitted_late(self.tally.first_submitted, self.due) else SUBMITTED
        return IN_PROGRESS if self.tally.started else NOT_STARTED

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


# The most assignments a class's pages (its gradebook, a learner's page) draw and add up: the
# most a cohort holds (`services.MAX_ASSIGNMENTS`). A cohort assigned more before the ceiling
# shows its newest due, and says so; its CSV files hold every one. 2,000 made the gradebook
# 306 ms of CPU and the learner page 208 ms.
ASSIGNMENTS_SHOWN = 100
_ASSIGNMENTS_SHOWN = PreparedQuery(
    Assignment, ["int"], lambda cohort_id: _ASSIGNMENTS.build(cohort_id)[: ASSIGNMENTS_SHOWN + 1]
)


@dataclass(frozen=True)
class Shown:
    """The assignments a class's page draws (`assignments_shown`), and how many it has."""

    assignments: list[Assignment]
    total: int

    @property
    def left_out(self) -> int:
        return self.total - len(self.assignments)


def assignments_shown(cohort: Cohort) -> Shown:
    """`assignments_of`, the first `ASSIGNMENTS_SHOWN` alone (newest due first); the rest
    counted, a query more, only when there are more."""
    rows = _ASSIGNMENTS_SHOWN.rows(cohort.pk)
    if len(rows) <= ASSIGNMENTS_SHOWN:
        return Shown(_built(cohort, rows), len(rows))
    return Shown(_built(cohort, rows[:ASSIGNMENTS_SHOWN]), cohort.assignments.count())


def assignments_of(cohort: Cohort) -> list[Assignment]:
    """The cohort's assignments, newest due first, with quiz (and cohort) set and lessons
    prefetched with their modules, as the related manager's select_related and
    prefetch_related give them (three queries)."""
    return _built(cohort, _ASSIGNMENTS.rows(cohort.pk))


def _built(cohort: Cohort, rows) -> list[Assignment]:
    split = len(_assignment_columns()[0])
    assignments = []
    for row in rows:
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
# rows: asked on every gradebook and learner page, and compiling its SQL (the rule's EXISTS)
# cost more than running it, so it is compiled once per number of learners
# (PreparedQuery: the cohort's id and up to MAX_INTS - 1 learners' ids; the ORM past that).
_COUNTED_AMONG = PreparedPerCount(
    Attempt,
    lambda cohort_id, *user_ids: _attempt_values(counted_attempts(cohort_id, among=user_ids)),
    leading=["int"],
)


def _counted_rows(cohort_id: int, user_ids: list[int]) -> list[AttemptRow]:
    query = _COUNTED_AMONG(len(user_ids))
    return [AttemptRow(*row) for row in query.rows(cohort_id, *user_ids)]


# Each counted attempt's whole seconds, from its start to its submit, or while in progress to
# its last answer saved (`AttemptRow.seconds`: truncated, never below 0), in each vendor's SQL.
# SQLite keeps a time as text, "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC): the whole seconds between
# the first 19 characters (its date functions keep milliseconds only), then the microseconds
# after the point, so the sum is exact.
_SECONDS = {
    "sqlite": (
        "MAX(0, (CAST(ROUND((julianday(substr({end}, 1, 19))"
        " - julianday(substr({start}, 1, 19))) * 86400) AS INTEGER) * 1000000"
        " + CAST(substr({end}, 21) AS INTEGER) - CAST(substr({start}, 21) AS INTEGER))"
        " / 1000000)"
    ),
    "postgresql": "GREATEST(0, TRUNC(EXTRACT(EPOCH FROM ({end} - {start}))))",
}

# Which attempts count, written once (the module docstring says it in words): the conditions an
# attempt's quiz, learner and start ({quiz}, {user}, {started}: its columns, as the query
# reading it names them) meet against the cohort's membership `m`, its assignment `s` and the
# cohort `c`, the cohort's id the rule's one parameter. An assignment is its quiz's once a
# cohort and a membership the learner's once, so an attempt meets it at most once. Every
# reader of counted attempts is built on it: the joins of `_counted_sql` (the tallies, a
# learner page's latest rows, the class figures) and the ORM's `counted_attempts` (EXISTS,
# `_Counted`); in Python only `counts`, for an attempt in hand (its docstring says why).
_RULE = """
    m.cohort_id = %s AND s.cohort_id = m.cohort_id
    AND {quiz} = s.quiz_id AND {user} = m.user_id
    AND {started} >= COALESCE(s.opens_at, s.created_at) AND {started} >= m.joined_at
    AND (c.archived_at IS NULL OR c.archived_at > {started})
"""
# The tables `_RULE` reads, {attempts} the attempts `a` when they are joined in (not an outer
# query's). CROSS JOIN keeps SQLite's order: each (learner, quiz) pair's attempts are found by
# the (quiz, user) index, not every attempt at the quiz on the site read and then its learner
# looked up.
_RULE_FROM = (
    "{membership} m CROSS JOIN {assignment} s{attempts} JOIN {cohort} c ON c.id = s.cohort_id"
)


@cache
def _tables(vendor: str) -> dict[str, str]:
    """The tables' names quoted, kept per database vendor like every SQL text built from them
    (`_counted_sql`, `_tallies_sql`, ...): `vendor` is the connection's."""
    quote = connection.ops.quote_name
    return {
        "attempt": quote(Attempt._meta.db_table),
        "assignment": quote(Assignment._meta.db_table),
        "membership": quote(Membership._meta.db_table),
        "cohort": quote(Cohort._meta.db_table),
        "extension": quote(Extension._meta.db_table),
        "answer": quote(Answer._meta.db_table),
    }


# The attempts' index on (quiz, user, submitted_at) (`Attempt.Meta.indexes`).
_PAIR_INDEX = "attempt_quiz_user_submitted"
# The attempts' index on (quiz, user, started_at newest first, id), for a pair's latest.
_LATEST_INDEX = "attempt_quiz_user_latest"


@cache
def _counted_sql(vendor: str) -> dict[str, str]:
    """`_RULE` as joins: FROM and WHERE of a cohort's counted attempts `a` (the cohort's `%s`
    the first parameter of the WHERE); and `rule_from`, its tables without the attempts
    (`_Counted`'s)."""
    tables = _tables(vendor)
    attempts = f" CROSS JOIN {tables['attempt']} a"
    if vendor == "sqlite":
        # Each (learner, quiz) pair's attempts by the (quiz, user) index. SQLite, which keeps no
        # statistics here, took the learner's newest-first index instead (quizzes migration
        # 0022, for the admin's lists: user, then a range of `started_at`) and read every
        # attempt of the learner at every quiz once per assigned quiz: the gradebook of 300
        # learners with 20 quizzes went from ~42 to ~84 ms.
        attempts += f" INDEXED BY {_PAIR_INDEX}"
    # Some learners' counted attempts (a page's, one learner's): on PostgreSQL too, pair by
    # pair. Its estimates average a quiz's attempts over the site's 1,000 quizzes, and it read
    # every attempt at each assigned quiz (a gradebook page of 25 learners of the bench's
    # 300 x 20 class: 9,000 read for the 730 counted) or each learner's at every quiz, as the
    # indexes came. A lateral subquery that is not flattened (OFFSET 0) is looked up once per
    # (learner, quiz) pair, by the (quiz, user) index. The whole class's (its figures, the
    # CSV) is left to the planner: there a quiz's attempts are mostly the class's, and
    # 6,000 pairs looked up one by one cost 40-50 ms where reading the quizzes' 9,000 cost 12.
    among = attempts
    if vendor == "postgresql":
        among = (
            f" CROSS JOIN LATERAL (SELECT * FROM {tables['attempt']} p"  # noqa: S608
            " WHERE p.quiz_id = s.quiz_id AND p.user_id = m.user_id OFFSET 0) a"
        )
    return {
        "rule_from": _RULE_FROM.format(attempts="", **tables),
        "counted_from": _RULE_FROM.format(attempts=attempts, **tables),
        "counted_among": _RULE_FROM.format(attempts=among, **tables),
        "where": _RULE.format(quiz="a.quiz_id", user="a.user_id", started="a.started_at"),
    }


class _Counted(Expression):
    """`_RULE` as a condition on the attempts of an ORM query (`counted_attempts`): EXISTS the
    cohort's membership and assignment under which the attempt counts. The attempt's columns
    are compiled as that query names them (an alias of its own, as a subquery's)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, cohort_id: int) -> None:
        super().__init__()
        self.cohort_id = cohort_id
        self.columns: list[Any] = [F("quiz_id"), F("user_id"), F("started_at")]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler, connection, **extra) -> tuple[str, tuple[int]]:
        quiz, user, started = (compiler.compile(column)[0] for column in self.columns)
        where = _RULE.format(quiz=quiz, user=user, started=started)
        # Only quoted names and the query's own columns are put into the text.
        sql = f"EXISTS (SELECT 1 FROM {_counted_sql(connection.vendor)['rule_from']} WHERE {where})"  # noqa: S608
        return sql, (self.cohort_id,)


# A cohort's counted attempts, each learner's at each quiz added up (`Tally`) in one query,
# the database reading no attempt twice: window functions (to pick the best and the latest
# attempt) sorted them twice over and took longer than reading them. The best on time is
# taken against the learner's own due date (an extension's, `learners_due`), as `_standings`
# does; the latest's score as each vendor finds it best (`_LATEST_SCORE`).
_TALLIES = """
WITH counted AS (
    SELECT a.id, a.user_id, a.quiz_id, a.submitted_at, a.score, {seconds} AS seconds,
        CASE WHEN e.due_at IS NOT NULL AND s.due_at IS NOT NULL AND e.due_at > s.due_at
            THEN e.due_at ELSE s.due_at END AS due
    FROM {counted_from}
    LEFT JOIN {extension} e ON e.assignment_id = s.id AND e.user_id = a.user_id
    WHERE {where}{among}
), tallied AS (
    SELECT user_id, quiz_id, COUNT(*) AS started, COUNT(submitted_at) AS handed_in,
        SUM(seconds) AS seconds,
        MAX(CASE WHEN submitted_at IS NOT NULL THEN score END) AS best,
        MAX(CASE WHEN submitted_at IS NOT NULL AND (due IS NULL OR submitted_at <= due)
            THEN score END) AS best_on_time,
        MIN(submitted_at) AS first_submitted, MAX(submitted_at) AS last_submitted{latest_agg}
    FROM counted GROUP BY user_id, quiz_id
)
SELECT t.user_id, t.quiz_id, t.started, t.handed_in, t.seconds, t.best, t.best_on_time,
    t.first_submitted, t.last_submitted, {latest}
FROM tallied t
"""
# The latest hand-in's score (by time, then id). SQLite looks it up among the counted attempts
# by its hand-in time (the rule again, its cohort's `%s` the last parameter), which the (quiz,
# user, submitted_at) index finds. PostgreSQL takes it as the counted attempts are grouped:
# its lookups read the class's memberships whole each time (a table that small is not worth
# an index to it), 410 of them 15 ms of a page's 24 (the bench's 300 x 20 class).
_LATEST_SCORE = {
    "sqlite": (
        "",
        """(
        SELECT a.score FROM {counted_from}
        WHERE {where} AND m.user_id = t.user_id AND s.quiz_id = t.quiz_id
        AND a.submitted_at = t.last_submitted
        ORDER BY a.id DESC LIMIT 1
    )""",
    ),
    "postgresql": (
        ",\n        (ARRAY_AGG(score ORDER BY submitted_at DESC, id DESC)"
        " FILTER (WHERE submitted_at IS NOT NULL))[1] AS latest",
        "t.latest",
    ),
}


def _reading(among: int) -> str:
    """Which of `_counted_sql`'s FROMs reads the attempts of `among` learners (0: the class)."""
    return "counted_among" if among else "counted_from"


def _among(count: int) -> str:
    return f" AND m.user_id IN ({', '.join(['%s'] * count)})" if count else ""


@cache
def _tallies_sql(vendor: str, among: int) -> str:
    """`_TALLIES` for `vendor`, narrowed to `among` learners (0: the whole cohort's)."""
    tables = _tables(vendor)
    latest_agg, latest = _LATEST_SCORE[vendor]
    return _TALLIES.format(
        latest_agg=latest_agg,
        latest=latest.format(**_counted_sql(vendor)),
        seconds=_SECONDS[vendor].format(
            # An attempt in progress runs to its last answer saved (`_attempt_values`).
            end=(
                f"COALESCE(a.submitted_at, (SELECT MAX(saved_at) FROM {tables['answer']} "  # noqa: S608
                "WHERE attempt_id = a.id), a.started_at)"
            ),
            start="a.started_at",
        ),
        among=_among(among),
        **{**_counted_sql(vendor), "counted_from": _counted_sql(vendor)[_reading(among)]},
        **tables,
    )


def _when(value: datetime | str | None) -> Any:
    """A time the database read, as the ORM gives a DateTimeField's (SQLite's is text, UTC)."""
    if value is None or isinstance(value, datetime) and timezone.is_aware(value):
        return value
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    assert moment is not None, value  # (the database's own text)
    return timezone.make_aware(moment, connection.timezone)


def _tallies_query(vendor: str, cohort_id: int, user_ids: Sequence[int]) -> tuple[str, list]:
    """`_TALLIES`' text and parameters for these learners of the cohort."""
    among = list(user_ids) if len(user_ids) < MAX_INTS else []
    # the cohort's id, again for the latest's rule where it is looked up (`_LATEST_SCORE`)
    again = [cohort_id] if "{where}" in _LATEST_SCORE[vendor][1] else []
    return _tallies_sql(vendor, len(among)), [cohort_id, *among, *again]


def _tallies(cohort_id: int, user_ids: Sequence[int]) -> dict[tuple[int, int], Tally]:
    """(learner, quiz) → their counted attempts there, added up (`Tally`): one query, and
    nothing read that grows with their history. A page's few learners are looked up by id;
    more, by the cohort's membership alone."""
    with connection.cursor() as cursor:
        cursor.execute(*_tallies_query(connection.vendor, cohort_id, user_ids))
        rows = cursor.fetchall()
    wanted = set(user_ids)
    return {
        (user_id, quiz_id): Tally(
            started=started,
            handed_in=handed_in,
            seconds=int(seconds),
            best=best,
            best_on_time=best_on_time,
            first_submitted=_when(first),
            latest_submitted=_when(last),
            latest=latest,
        )
        for user_id, quiz_id, started, handed_in, seconds, best, best_on_time, first, last, latest
        in rows
        if user_id in wanted
    }  # fmt: skip


# A learner's latest `keep` counted attempts at one quiz (a learner page lists ATTEMPTS_SHOWN):
# one part per quiz and learner, put together in one query. Each part walks that learner's
# attempts at the quiz newest first and stops at `keep`; a window function numbering them all
# sorted every attempt of the learner's first (12 ms for 2,000 on SQLite).
_LATEST_PART = """SELECT * FROM (
    SELECT a.id, a.user_id, a.quiz_id, a.started_at, a.submitted_at, a.score,
        CASE WHEN a.submitted_at IS NULL THEN (
            SELECT MAX(saved_at) FROM {answer} WHERE attempt_id = a.id
        ) END AS last_saved
    FROM {counted_from}
    WHERE {where} AND a.quiz_id = %s AND a.user_id = %s
    ORDER BY a.started_at DESC, a.id DESC LIMIT %s
) latest"""
# Parts a query may hold (SQLite's compound SELECTs take 500); past it (a page of learners
# asked for their rows), every counted row is read and the latest kept here.
_LATEST_PARTS = 200


@cache
def _latest_part_sql(vendor: str) -> str:
    """`_LATEST_PART` for `vendor`: the same text for every (learner, quiz) pair, only its
    parameters differ. On SQLite the pair's attempts are read newest first from their own
    index (quizzes migration 0024), which the walk stops in after `keep`: the (quiz, user,
    submitted_at) index the other readers are held to gave every attempt of the pair, sorted
    (1,000 for the heavy learner's drilled quiz, to list 20)."""
    sql = _counted_sql(vendor)
    if vendor == "sqlite":
        latest = f"INDEXED BY {_LATEST_INDEX}"
        sql = {
            **sql,
            "counted_from": sql["counted_from"].replace(f"INDEXED BY {_PAIR_INDEX}", latest),
        }
    return _LATEST_PART.format(**sql, **_tables(vendor))


def _latest_rows(
    cohort_id: int, user_ids: Sequence[int], quiz_ids: Sequence[int], keep: int
) -> list[AttemptRow]:
    """Each learner's latest `keep` counted attempts at each quiz, oldest first."""
    params = [
        value
        for user_id in user_ids
        for quiz_id in quiz_ids
        for value in (cohort_id, quiz_id, user_id, keep)
    ]
    parts = [_latest_part_sql(connection.vendor)] * (len(user_ids) * len(quiz_ids))
    sql = f"SELECT * FROM ({' UNION ALL '.join(parts)}) shown ORDER BY started_at, id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        AttemptRow(pk, user_id, quiz_id, _when(started), _when(submitted), score, _when(saved))
        for pk, user_id, quiz_id, started, submitted, score, saved in rows
    ]


def _cells(
    assignments: Sequence[Assignment],
    user_id: int,
    attempts: Iterable[AttemptRow],
    tallies: dict[tuple[int, int], Tally] | None,
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
        read = by_quiz.get(assignment.quiz_id, [])
        cells.append(
            Cell(
                assignment=assignment,
                due=due,
                extended=extended,
                attempts=read,
                lessons_done=len(lesson_ids & completed),
                lessons_total=len(lesson_ids),
                figures=None
                if tallies is None
                else tallies.get((user_id, assignment.quiz_id), Tally()),
            )
        )
    return cells


def gradebook_rows(
    *,
    cohort: Cohort,
    assignments: Sequence[Assignment],
    memberships: Sequence[Membership],
    counted: QuerySet[Attempt] | None = None,
    read: int | None = None,
) -> list[Row]:
    """A row per membership (with `user` loaded), a cell per assignment; three or four queries.
    `read`: how many of each cell's latest attempts are read as rows (`Cell.attempts`): None,
    every one, and no figures (the answers CSV numbers each attempt and asks none);
    a number, the database adds the figures up (`_tallies`), so a gradebook page, the learner
    page and the gradebook CSV cost the same with a learner's 20 attempts or 2,000 (reading and
    converting the rows was two thirds of the CSV's time at 2,000).
    `counted` is `counted_attempts(cohort)` when the caller has built it already (building it
    costs about as much as running it), for more learners than a prepared read takes."""
    user_ids = [m.user_id for m in memberships]
    extensions = {
        (e.assignment_id, e.user_id): e.due_at
        for e in Extension.objects.filter(assignment__cohort=cohort, user_id__in=user_ids)
    }
    tallies = None if read is None or not user_ids else _tallies(cohort.pk, user_ids)
    if not user_ids or read == 0:
        counted_rows = []  # (the ORM asks nothing for an empty `IN`)
    elif (
        read is not None
        and tallies
        and any(t.started > read for t in tallies.values())
        and (len(user_ids) * len(assignments) <= _LATEST_PARTS)
    ):
        # A history longer than the page lists: its latest only. (A short one is read whole
        # below, one read of a few rows, cheaper than a walk per assignment.)
        quiz_ids = [a.quiz_id for a in assignments]
        counted_rows = _latest_rows(cohort.pk, user_ids, quiz_ids, read)
    else:
        if len(user_ids) < MAX_INTS:
            counted_rows = _counted_rows(cohort.pk, user_ids)
        else:
            counted = counted_attempts(cohort) if counted is None else counted
            counted_rows = _attempt_rows(counted.filter(user_id__in=user_ids))
        if read is not None:
            counted_rows = _latest(counted_rows, read)
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
                    tallies,
                    extensions,
                    done,
                    assigned_lessons,
                ),
                lessons_done=len(done),
                lessons_total=len(lesson_ids),
            )
        )
    return rows


def _latest(rows: list[AttemptRow], keep: int) -> list[AttemptRow]:
    """Of `rows` (oldest first), each learner's latest `keep` at each quiz, oldest first."""
    groups: dict[tuple[int, int], list[AttemptRow]] = {}
    for row in rows:
        groups.setdefault((row.user_id, row.quiz_id), []).append(row)
    kept = {row.id for group in groups.values() for row in group[max(0, len(group) - keep) :]}
    return [row for row in rows if row.id in kept]


# Each learner's best at each quiz over their counted hand-ins (`_counted_sql`'s joins: the ORM's
# `counted_attempts` tests the rule as EXISTS on each attempt, twice the time), then per
# quiz how many learners and the mean of their bests.
_CLASS_FIGURES = """
SELECT quiz_id, COUNT(*), AVG(best) FROM (
    SELECT a.quiz_id, a.user_id, MAX(a.score) AS best FROM {counted_from}
    WHERE {where} AND a.submitted_at IS NOT NULL
    GROUP BY a.quiz_id, a.user_id
) per_learner GROUP BY quiz_id
"""


@cache
def _class_figures_sql(vendor: str) -> str:
    return _CLASS_FIGURES.format(**_counted_sql(vendor))


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
    with connection.cursor() as cursor:
        cursor.execute(_class_figures_sql(connection.vendor), [cohort.pk])
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
        """Due and not handed in (`Cell.overdue`), while it may still be: a closed assignment
        takes no more work, so its learner is told "Closed", not asked for it as "Overdue"
        (the instructor's gradebook still counts it overdue: it was not handed in)."""
        return bool(
            self.due and now > self.due and not self.handed_in and not self.assignment.closed_at
        )


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
    the assignment opened and the learner had joined: `counted_since`, as `counts`; archived
    cohorts are not listed), added up by the database in one query for each
    `STANDINGS_PER_QUERY` standings: reading the rows cost home
    40 ms more for a learner with 2,000 attempts. The SQL is written here, five CASE sums a
    standing, because the ORM took ~20 ms to compile the same 75 filtered aggregates for a
    learner in five cohorts (more than running it); and not on `_RULE`, which is one cohort's,
    so as not to cost home a query per cohort. Held equal to the gradebook's cells by
    tests/cohorts/test_gradebook_tally.py."""
    for at in range(0, len(cells), STANDINGS_PER_QUERY):
        _standings_of(user_id, cells[at : at + STANDINGS_PER_QUERY], joined)


# The standings one query adds up: five columns and twelve parameters each, within what every
# database takes in one statement (SQLite's 2,000 columns, PostgreSQL's 1,664): a learner whose
# cohorts assigned 333 quizzes in all made one query of 1,665 columns, and home was a 500.
STANDINGS_PER_QUERY = 60


def _standings_of(user_id: int, cells: list[Standing], joined: dict[int, datetime]) -> None:
    """`_standings` for at most `STANDINGS_PER_QUERY` cells, in one query."""
    ops = connection.ops
    # Their attnames are their columns (none sets db_column).
    column = {name.removesuffix("_id"): ops.quote_name(name) for name in
              ("quiz_id", "user_id", "started_at", "submitted_at", "score")}  # fmt: skip
    sums, params = [], []
    for cell in cells:
        a = cell.assignment
        since = counted_since(starts_at=a.starts_at, joined_at=joined[a.cohort_id])
        start = ops.adapt_datetimefield_value(since)
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
    limit drops the oldest of those), among each cohort's `ASSIGNMENTS_SHOWN` due last. Due
    dates are the learner's own (extensions included).
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
    # Each cohort's `ASSIGNMENTS_SHOWN` due last, as its gradebook shows them: a cohort
    # assigned past the ceiling before it made every member's home read each one.
    ranked = Window(
        RowNumber(),
        partition_by=F("cohort_id"),
        order_by=[F("due_at").desc(nulls_last=True), F("created_at").desc(), F("pk").desc()],
    )
    assignments = list(
        Assignment.objects.filter(cohort_id__in=joined)
        .annotate(rank=ranked)
        .filter(rank__lte=ASSIGNMENTS_SHOWN)
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
