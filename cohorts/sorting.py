"""The order of a gradebook's learners: by name (the class list's order, `cohorts.roster`), by
progress, or by their best score on one assignment, read from `?sort=` and `?order=`, so a
reload, the pagers, a search and the gradebook CSV (its link carries them) keep it.

Progress is how many of the cohort's assignments a learner has handed in (`Row.handed_in`'s
rule), then how many of the assigned lessons they have completed; a score is the cell's best
(`Cell.best`), learners with none after the others whichever the direction. A tie keeps the
class list's order (A to Z).

The keys are worked out by the database in the roster's one query, a subquery each over the
learner's counted attempts and completed lessons, so a sorted page costs the queries of one in
name order, whatever the size of the class, and no attempt is read here. Only the class's few
hundred (id, name, key) rows are then put in order here, as the names are: `roster.fold` is no
SQL collation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Max, OuterRef, Subquery

from cohorts.gradebook import counted_attempts
from cohorts.models import Assignment, Cohort
from lessons.models import LessonProgress

NAME, PROGRESS, SCORE = "name", "progress", "score"
# What a link on each heading says it will do, ascending then descending.
_ACTIONS = {
    NAME: ("A to Z", "Z to A"),
    PROGRESS: ("fewest first", "most first"),
    SCORE: ("lowest first", "highest first"),
}
# What a heading's link does, said when it is focused (its aria-describedby), by id.
HINTS = [
    (f"sort-{by}-{'desc' if down else 'asc'}", f"Sorts the learners {what}, {_ACTIONS[by][down]}.")
    for by, what in (
        (NAME, "by name"),
        (PROGRESS, "by assignments handed in"),
        (SCORE, "by their best score on this quiz"),
    )
    for down in (False, True)
]
REFUSED_SHOWN = 40  # characters of a `?sort=` not understood, said back


@dataclass(frozen=True)
class Sort:
    """How the learners are ordered. `refused`: a `?sort=` not understood (cut), said on the
    page, which then lists by name (a bookmark of a score column whose assignment was removed)."""

    by: str = NAME
    descending: bool = False
    assignment: Assignment | None = None
    refused: str = ""

    @property
    def param(self) -> str | None:
        """Its `?sort=` (None for name: the page's plain address)."""
        if self.by == SCORE and self.assignment is not None:
            return f"{SCORE}-{self.assignment.pk}"
        return None if self.by == NAME else self.by

    @property
    def order(self) -> str | None:
        """Its `?order=` (None for ascending)."""
        return "desc" if self.descending else None

    @property
    def query(self) -> str:
        """Its `?sort=` and `?order=` as a link's query ("" by name, A to Z): the gradebook
        CSV's link carries it, so the file lists the learners as the page does."""
        asked = {key: value for key, value in (("sort", self.param), ("order", self.order))
                 if value}  # fmt: skip
        return f"?{urlencode(asked)}" if asked else ""

    @property
    def said(self) -> str:
        """The order in words, for the line above the table and its caption."""
        how = _ACTIONS[self.by][self.descending]
        if self.by == PROGRESS:
            return f"by assignments handed in, {how} (then by lessons completed)"
        if self.by == SCORE and self.assignment is not None:
            return (
                f"by best score on “{self.assignment.quiz.title}”, {how} "
                "(learners with no submitted attempt last)"
            )
        return f"by name, {how}"

    def heading(self, by: str, assignment: Assignment | None = None) -> Heading:
        """A sortable column's heading: its `aria-sort`, and its link's sort and order (the
        other way round when the table is sorted by it already, else ascending)."""
        current = self.by == by and (by != SCORE or self.assignment == assignment)
        descending = current and not self.descending
        param = f"{SCORE}-{assignment.pk}" if by == SCORE and assignment is not None else by
        return Heading(
            aria_sort=("descending" if self.descending else "ascending") if current else "",
            sort=None if by == NAME else param,
            order="desc" if descending else None,
            hint=f"sort-{by}-{'desc' if descending else 'asc'}",
        )


@dataclass(frozen=True)
class Heading:
    """What a sortable column heading draws: `aria_sort` ("" on the columns the table is not
    sorted by: ARIA gives the attribute to one header at a time), and the `?sort=` and
    `?order=` of its link, and the id of its words in `HINTS`."""

    aria_sort: str
    sort: str | None
    order: str | None
    hint: str


@dataclass(frozen=True)
class Headings:
    name: Heading
    progress: Heading
    score: dict[int, Heading]  # by assignment id


def headings(sort: Sort, assignments: Sequence[Assignment]) -> Headings:
    return Headings(
        name=sort.heading(NAME),
        progress=sort.heading(PROGRESS),
        score={a.pk: sort.heading(SCORE, a) for a in assignments},
    )


def parse(query: Mapping[str, str], assignments: Sequence[Assignment]) -> Sort:
    """The sort a page's query asks for; a score's assignment must be one of `assignments` (the
    cohort's). Anything else lists by name, and says so (`Sort.refused`)."""
    asked = query.get("sort", "").strip()
    descending = query.get("order", "") == "desc"
    if asked in ("", NAME):
        return Sort(NAME, descending)
    if asked == PROGRESS:
        return Sort(PROGRESS, descending)
    prefix, _, pk = asked.partition("-")
    if prefix == SCORE and pk.isascii() and pk.isdigit():
        for assignment in assignments:
            if assignment.pk == int(pk):
                return Sort(SCORE, descending, assignment)
    cut = asked[:REFUSED_SHOWN] + ("…" if len(asked) > REFUSED_SHOWN else "")
    return Sort(refused=cut)


def keys(sort: Sort, cohort: Cohort) -> dict[str, Subquery]:
    """The annotations a cohort's `Membership` rows need for `sort`, each a subquery over that
    learner's own rows (none for name)."""
    if sort.by == PROGRESS:
        handed_in = (
            counted_attempts(cohort)
            .filter(user_id=OuterRef("user_id"), submitted_at__isnull=False)
            .order_by()
            .values("user_id")
            .annotate(n=Count("quiz_id", distinct=True))  # a quiz is assigned once a cohort
            .values("n")
        )
        assigned = Assignment.lessons.through.objects.filter(assignment__cohort=cohort)
        lessons = (
            LessonProgress.objects.filter(
                user_id=OuterRef("user_id"), lesson_id__in=assigned.values("lesson_id")
            )
            .order_by()
            .values("user_id")
            .annotate(n=Count("pk"))  # one row a lesson (`progress_once_per_lesson`)
            .values("n")
        )
        return {"sort_handed_in": Subquery(handed_in), "sort_lessons": Subquery(lessons)}
    if sort.by == SCORE and sort.assignment is not None:
        best = (
            counted_attempts(cohort)
            .filter(
                user_id=OuterRef("user_id"),
                quiz_id=sort.assignment.quiz_id,
                submitted_at__isnull=False,
            )
            .order_by()
            .values("user_id")
            .annotate(best=Max("score"))
            .values("best")
        )
        return {"sort_best": Subquery(best)}
    return {}


def ordered(rows: list[tuple], sort: Sort) -> list[tuple]:
    """`rows`, (membership id, username, *`keys`' values), already in name order, in `sort`'s:
    Python's sort is stable, so a tie keeps the name order in either direction."""
    if sort.by == NAME:
        return rows[::-1] if sort.descending else rows
    if sort.by == PROGRESS:
        keyed = [((row[2] or 0, row[3] or 0), row) for row in rows]
    else:
        keyed = [(row[2], row) for row in rows]
    known = [pair for pair in keyed if pair[0] is not None]
    known.sort(key=lambda pair: pair[0], reverse=sort.descending)
    return [row for _, row in known] + [row for key, row in keyed if key is None]
