"""CSV exports of a cohort: the gradebook (a row per learner and assignment) and every answer
(a row per answer). Both are streamed, and each costs a fixed number of queries.

Spreadsheets run a cell that starts with = + - @ (or a tab, carriage return or NUL) as a
formula, so a learner called `=HYPERLINK(...)` could attack whoever opens the file: such cells,
and those where the formula follows spaces or blank lines (a learner's typed policy), get a
leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection).

Each learner is named as the pages name them: by username (the first column), and by the name
they chose to show their instructors, if any (`lessons.shown_names`), in the last column, added
after the others so that a spreadsheet reading columns by position still finds them. It is the
learner's own text, so it goes through `safe_cell` like every other cell.

Both files say what the pages say: times in the zone the instructor's pages show them in (the
view passes it: the body is written after the request's zone is put away), and a file starts
with a byte-order mark, without which Excel reads UTF-8 as its own code page and turns a
cohort called “Spring — Ω” into “Spring â€” Î©”.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from itertools import groupby
from operator import itemgetter

from django.db.models import Case, Count, Expression, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import slugify

from cohorts import gradebook, roster, sorting
from cohorts.models import Assignment, Cohort, Membership
from lessons import shown_names
from lessons.markdown import markdown_text
from quizzes import kinds
from quizzes.models import Answer, Attempt, Question

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
# A learner's own text (a policy, an event pattern, a chosen name) may begin with white space or
# blank lines before a formula: some spreadsheets trim them on import ("Trim spaces"), so such a
# cell is defused too. Any white space counts, Unicode's too (an em space U+2003, a no-break
# space, a line separator: `str.isspace`), and the invisible zero-width characters a paste may
# carry; the list of four spaces this had let an em space through. Checked only for a cell
# whose first character is one of them, so the common cell costs nothing.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_FORMULA_AFTER_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+[=+\-@\0]")


BOM = "\ufeff"


def safe_cell(value, zone: tzinfo | None = None) -> object:
    """A value a spreadsheet will not run: numbers as they are, text defused, times in `zone`
    (the active zone when None). Plain text and numbers, most of a file's cells, are told by
    their exact type first: each of 550,000 cells went down the whole chain of `isinstance`."""
    kind = type(value)
    if kind is str:
        return "'" + value if _runs(value) else value
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value, zone).isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if _runs(text) else text


def _runs(text: str) -> bool:
    """A spreadsheet could read `text` as a formula (OWASP's characters and ASVS 1.2.10's NUL,
    first, or after leading white space of any kind)."""
    if text.startswith(_FORMULA_START):
        return True
    first = text[:1]
    return (first.isspace() or (first != "" and first in _INVISIBLE)) and bool(
        _FORMULA_AFTER_SPACE.match(text)
    )


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


# Rows sent together: the response turns each piece it is given into bytes (and the server
# writes it), a fifth of a 50,000-answer file's time when each row was a piece of its own.
ROWS_PER_PIECE = 250


def csv_lines(rows: Iterable[Iterable], zone: tzinfo | None = None) -> Iterator[str]:
    """The file's text: the byte-order mark, then the rows, ROWS_PER_PIECE at a time, their
    times in `zone`."""
    yield BOM
    writer = csv.writer(_Echo())
    piece: list[str] = []
    for row in rows:
        piece.append(writer.writerow([safe_cell(v, zone) for v in row]))
        if len(piece) == ROWS_PER_PIECE:
            yield "".join(piece)
            piece.clear()
    if piece:
        yield "".join(piece)


def file_name(cohort: Cohort, what: str, today: date) -> str:
    """`spring-class-gradebook-2026-03-05.csv`: an instructor keeping several classes' files
    tells them apart by the cohort's name and the day (theirs) it was taken; a name with no
    letters a plain file name keeps (`春のクラス`) falls back to the cohort's number."""
    stem = slugify(cohort.name) or f"cohort-{cohort.pk}"
    return f"{stem}-{what}-{today.isoformat()}.csv"


def _percent(score: float | None):
    return "" if score is None else round(score * 100, 1)


GRADEBOOK_HEADER = [
    "learner",
    "quiz",
    "opens",
    "due",
    "extended",
    "closed",
    "status",
    "overdue",
    "best %",
    "latest %",
    "attempts",
    "time spent (s)",
    "lessons completed",
    "lessons assigned",
    "best late",
    "latest late",
    "name shown",
]


def gradebook_rows(
    cohort: Cohort,
    counted: QuerySet[Attempt] | None = None,
    now: datetime | None = None,
    asked: Mapping[str, str] | None = None,
    among: list[Membership] | None = None,
) -> Iterator[list]:
    """The header, then one row per learner and assignment (every learner: not paged), the
    learners in the order `asked` (the gradebook page's `?sort=` and `?order=`) sorts them on
    the page (`cohorts.sorting`; by name when it asks for none, or for one the page does not
    know). `counted`: `gradebook.counted_attempts(cohort)`, when the caller has it already.
    `among`: a part's learners only (`in_range` of `members(cohort, shown=True)`), in name
    order whatever `asked` says: a range of names is only a part of the name order.
    "overdue" is the page's Overdue badge (due by `now` and nothing submitted): "not started"
    alone does not tell missing work from work not due yet."""
    yield GRADEBOOK_HEADER
    now = now or timezone.now()
    assignments = gradebook.assignments_of(cohort)
    if among is not None:
        memberships = among
    else:
        memberships = _in_order(cohort, sorting.parse(asked or {}, assignments))
    rows = gradebook.gradebook_rows(
        cohort=cohort, assignments=assignments, memberships=memberships, counted=counted, read=0
    )
    for row in rows:
        shown = shown_names.of(row.user)
        for cell in row.cells:
            assignment = cell.assignment
            yield [
                row.user.get_username(),
                assignment.quiz.title,
                assignment.opens_at,
                cell.due,
                cell.extended,
                assignment.closed_at,
                cell.status,
                cell.overdue(now),
                _percent(cell.best),
                _percent(cell.latest),
                cell.started,
                cell.seconds,
                cell.lessons_done,
                cell.lessons_total,
                cell.best_late if cell.best is not None else None,
                cell.latest_late if cell.submitted else None,
                shown,
            ]


def _in_order(cohort: Cohort, sort: sorting.Sort) -> list[Membership]:
    """The cohort's memberships, with their users and chosen names, in `sort`'s order: by name
    as the pages order names (`roster`), not the database's code-point order; by progress or a
    score as the page does, its keys read in the roster's one query (`roster.roster`)."""
    if sort.by == sorting.NAME:
        by_name = members(cohort, shown=True)
        return by_name[::-1] if sort.descending else by_name
    return roster.memberships(roster.roster(cohort, sort=sort).ids)


ANSWERS_HEADER = [
    "learner",
    "quiz",
    "attempt",
    "question",
    "kind",
    "response",
    "score",
    "answered at",
    "attempt no.",
    "submitted at",
    "late",
    "name shown",
    "position",
]


def response_text(question, response: dict) -> str:
    """The answer in words, as the result page shows it (a policy as its JSON text)."""
    return _answer_text(question.kind, response)


def _answer_text(kind, response: dict) -> str:
    lines = kind.answer_lines(response or {}) if kind else []
    if not lines and isinstance(response, dict) and isinstance(response.get("policy"), str):
        lines = [response["policy"]]
    if not lines:
        lines = [json.dumps(response, ensure_ascii=False, sort_keys=True)] if response else []
    return "\n".join(str(line) for line in lines)


# The most answers one answers file holds: ~1-1.3 s of the server's CPU at 19-26 µs an answer
# (docs/teaching.md, "A class of 300"). A class with more has its answers in parts (`parts`),
# so no download costs more than about that, whatever the class's size.
ANSWERS_PER_FILE = 50_000

# The most rows (a learner and an assignment each) one gradebook file holds: ~0.5-0.9 s of the
# server's CPU (500 learners × 40 assignments: 480-534 ms, 24-27 µs a row; ~45 µs a row at a
# higher load; docs/teaching.md, "A class of 300"). A class with more has its gradebook in
# parts, as its answers.
GRADEBOOK_ROWS_PER_FILE = 20_000


@dataclass(frozen=True)
class Part:
    """One file of a class's answers or gradebook: the learners whose names fall from `start`
    (included; "" from the first) to `before` (left out; "" to the last) in the pages' name
    order, holding `rows` rows (answers, or a gradebook's learner-and-assignment rows). A
    range of names, not a list or a number: a learner who joins after the parts were listed
    falls in exactly one of them, and no part's learners move when answers are added."""

    number: int
    first: str
    last: str
    start: str
    before: str
    learners: int
    rows: int


def members(cohort: Cohort, shown: bool = False) -> list[Membership]:
    """The cohort's memberships with their users, in the pages' name order (one query);
    `shown`: with the names they chose to show (`lessons.shown_names`), which the gradebook's
    rows read from each learner (the answers' read them with the answers)."""
    read = Membership.objects.filter(cohort=cohort).select_related("user")
    if shown:
        read = read.select_related(shown_names.RELATED)
    return roster.in_order(list(read))


def answer_counts(cohort: Cohort) -> dict[int, int]:
    """Each learner's (user id) counted answers: one grouped query, no answer read."""
    rows = (
        Answer.objects.filter(attempt__in=gradebook.counted_attempts(cohort))
        .order_by()
        .values("attempt__user_id")
        .annotate(n=Count("id"))
        .values_list("attempt__user_id", "n")
    )
    return dict(rows)


def gradebook_size(cohort: Cohort) -> tuple[int, int]:
    """(learners, assignments) of the cohort: its gradebook file holds their product in rows.
    Two counts and no learner read: a class that fits one file pays no more than them."""
    learners = Membership.objects.filter(cohort=cohort).count()
    return learners, Assignment.objects.filter(cohort=cohort).count()


def parts(memberships: list[Membership], rows: Mapping[int, int] | int, most: int) -> list[Part]:
    """`memberships` (in name order) cut into runs of learners holding at most `most` rows
    each: `rows`, each learner's (user id) rows (their answers), or the rows every learner has
    (a gradebook's assignments). A learner with more than `most` alone is a part of their own.
    One part (or none) when the class's rows fit one file."""
    runs: list[tuple[list[Membership], int]] = []
    run: list[Membership] = []
    size = 0
    for m in memberships:
        n = rows if isinstance(rows, int) else rows.get(m.user_id, 0)
        if run and size + n > most:
            runs.append((run, size))
            run, size = [], 0
        run.append(m)
        size += n
    if run:
        runs.append((run, size))
    names = [[m.user.get_username() for m in (r[0], r[-1])] for r, _ in runs]
    return [
        Part(
            number=k,
            first=names[k - 1][0],
            last=names[k - 1][1],
            start="" if k == 1 else names[k - 1][0],
            before="" if k == len(runs) else names[k][0],
            learners=len(r),
            rows=size,
        )
        for k, (r, size) in enumerate(runs, start=1)
    ]


def in_range(memberships: list[Membership], start: str, before: str) -> list[Membership]:
    """The learners of `memberships` whose names fall in a part's range (`Part`)."""
    low = roster.sort_key(start) if start else None
    high = roster.sort_key(before) if before else None
    return [
        m
        for m in memberships
        if (low is None or roster.sort_key(m.user.get_username()) >= low)
        and (high is None or roster.sort_key(m.user.get_username()) < high)
    ]


def answer_rows(
    cohort: Cohort,
    counted: QuerySet[Attempt] | None = None,
    memberships: list[Membership] | None = None,
    among: list[Membership] | None = None,
) -> Iterator[list]:
    """The header, then one row per answer in the attempts the gradebook counts, the learners in
    the pages' name order (`roster`), then by quiz and attempt, and within an attempt by the
    question's position in it (the order that attempt showed them, shuffled or not: by
    question id, an instructor could not tell the third question asked from the first). The
    answers are read as the values the file shows, not as an answer, attempt, learner, quiz and
    question model apiece (whole rows, most of the export's time). `memberships`: `members`,
    when the caller has them; `among`: a part's learners only (`in_range`)."""
    yield ANSWERS_HEADER
    if among is not None:
        memberships = among
        counted = gradebook.counted_attempts(cohort, among=[m.user_id for m in among])
    counted = gradebook.counted_attempts(cohort) if counted is None else counted
    memberships = members(cohort) if memberships is None else memberships
    facts = _attempt_facts(cohort, counted, memberships)
    positions = _positions(counted)
    answers = (
        Answer.objects.filter(attempt__in=counted)
        .order_by(_name_order(memberships), "attempt__quiz__title", "attempt_id", "question_id")
        .values_list(
            "attempt__user__username",
            "attempt__quiz__title",
            "attempt_id",
            "question_id",
            "question__prompt",
            "question__type",
            "response",
            "score",
            "saved_at",
            f"attempt__{shown_names.VALUE}",
        )
    )
    # The kinds' names as text once, not a lazy translation made text on every row.
    type_words = {k: str(v) for k, v in Question._meta.get_field("type").flatchoices}
    # A prompt is Markdown: the file holds the words a learner read ("guest OS", not
    # "**guest OS**"), each prompt rendered once per file however many learners answered it.
    prompts: dict[str, str] = {}

    def row(answer: tuple, position: int | None) -> list:
        username, title, attempt_id, _qid, prompt, kind, response, score, saved_at, shown = answer
        return [
            username,
            title,
            attempt_id,
            prompts.get(prompt) or prompts.setdefault(prompt, _plain(prompt)),
            type_words.get(kind, kind),
            _answer_text(kinds.get(kind), response),
            None if score is None else round(score, 4),  # 0.3333, not 0.3333333333333333
            saved_at,
            *facts.get(attempt_id, ("", None, None)),
            shown,  # None for a learner with no profile: an empty cell
            position,
        ]

    # The database sorts to the attempt; one attempt's answers (a quiz's questions at most)
    # are put in their positions here, where the attempt's order is known.
    for attempt_id, group in groupby(answers.iterator(chunk_size=500), key=itemgetter(2)):
        where = positions.get(attempt_id, {})
        placed = [(where.get(answer[3]), answer) for answer in group]
        placed.sort(key=lambda p: (p[0] is None, p[0] or 0))  # stable: by question id after
        for position, answer in placed:
            yield row(answer, position)


def _positions(counted: QuerySet[Attempt]) -> dict[int, dict[int, int]]:
    """Each counted attempt's questions' positions in it (1 = the first it showed), from its
    `question_ids`: one query for the file, not the list read again with every answer."""
    out: dict[int, dict[int, int]] = {}
    for attempt_id, ids in Attempt.objects.filter(pk__in=counted).values_list("id", "question_ids"):
        where: dict[int, int] = {}
        for n, qid in enumerate(ids if isinstance(ids, list) else [], start=1):
            where.setdefault(qid, n)
        out[attempt_id] = where
    return out


def _plain(markdown: str) -> str:
    """A prompt's words as plain text, whole (`markdown_text` cuts at its limit)."""
    return markdown_text(markdown, len(markdown) + 1)


def _name_order(memberships: list[Membership]) -> Expression:
    """Each answer's learner's place in `memberships` (in the pages' name order, `roster`), for
    the database to sort by: it orders usernames by code point ("Zoë" before "ana"), and the
    names' folding is no SQL collation. The place is looked up by the learner's id halving the
    sorted ids, a CASE within a CASE, ~9 comparisons a row in a class of 300: a CASE of a
    branch per learner, or finding the id in a list of them as text, cost the answers CSV
    100-250 ms more for 50,000 answers (docs/teaching.md)."""
    places = sorted((m.user_id, place) for place, m in enumerate(memberships))

    def among(pairs: list[tuple[int, int]]) -> Expression:
        if len(pairs) <= 1:
            return Value(pairs[0][1] if pairs else 0)
        half = len(pairs) // 2
        lower = When(attempt__user_id__lt=pairs[half][0], then=among(pairs[:half]))
        return Case(lower, default=among(pairs[half:]), output_field=IntegerField())

    return among(places)


def _attempt_facts(
    cohort: Cohort, counted: QuerySet[Attempt], memberships: list[Membership]
) -> dict[int, tuple]:
    """Each counted attempt's number among its learner's at that quiz (the learner page's
    "Attempt 2"), when it was handed in, and whether that was after their own due date (None
    while in progress): the database's attempt id alone said none of it. The gradebook's own
    cells, so the file and the pages agree; a fixed number of queries."""
    rows = gradebook.gradebook_rows(
        cohort=cohort,
        assignments=gradebook.assignments_of(cohort),
        memberships=memberships,
        counted=counted,
    )
    facts: dict[int, tuple] = {}
    for row in rows:
        for cell in row.cells:
            for number, attempt in enumerate(cell.attempts, start=1):
                late = attempt.late(cell.due) if attempt.submitted_at else None
                facts[attempt.id] = (number, attempt.submitted_at, late)
    return facts
