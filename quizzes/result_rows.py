"""The result page's rows: each question's mark, the summary's groups and the "Missed only"
filter, as plain functions of the attempt's questions and answers (no queries of their own).

A question keeps its number in the attempt whichever filter is on ("Question 7" is question 7
in both), so the summary's links, the learner's notes and a teacher's words about it agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALL, MISSED = "all", "missed"
SHOWS = (ALL, MISSED)

# A mark, in the words of the question's badge.
RIGHT, PARTLY, WRONG, UNANSWERED, PENDING = "right", "partly", "wrong", "unanswered", "pending"
MISSED_MARKS = frozenset({PARTLY, WRONG, UNANSWERED})


def chosen_show(value: str | None) -> str:
    """The filter asked for in the query string (`?show=missed`), or every question.

    All questions by default: the page is the record of the attempt, read by its learner and by
    their teacher, and a right answer can be a lucky guess worth reading again; the summary at
    the top leads to the missed ones in one step (a switch, or a question's link), and a right
    question's long case is folded, so the whole page stays short enough to scan. Anything else
    in the parameter is read as the default, never an error.
    """
    return value if value in SHOWS else ALL


def mark_of(answer: Any, submitted: bool) -> str:
    """How the question went: PENDING while it cannot be graded yet (an answer not graded, or a
    question not answered in an attempt still open, which only its teacher sees)."""
    if answer is not None and not answer.is_graded:
        return PENDING
    if answer is None:
        return UNANSWERED if submitted else PENDING
    if answer.correct:
        return RIGHT
    return PARTLY if answer.score else WRONG


@dataclass
class ResultRow:
    number: int  # its place in the attempt, whichever filter is on
    question: Any
    answer: Any
    mark: str
    shown: bool = True
    key: dict | None = None  # the right answer, for a question left unanswered

    @property
    def missed(self) -> bool:
        return self.mark in MISSED_MARKS

    @property
    def folds(self) -> bool:
        """Its long parts (the case, the engine's steps) start folded: a question right needs
        them least; one missed is read with them, so they start open."""
        return self.mark == RIGHT

    @property
    def anchor(self) -> str:
        return f"q-{self.number}"


@dataclass
class Glance:
    """The summary above the questions: the rows grouped by mark, each linked to its question
    (on this page, or on the page of all questions when the filter hides it)."""

    show: str
    rows: list[ResultRow]
    missed: list[ResultRow] = field(default_factory=list)  # not right, or not answered
    partly: list[ResultRow] = field(default_factory=list)
    right: list[ResultRow] = field(default_factory=list)
    pending: list[ResultRow] = field(default_factory=list)

    @property
    def missed_count(self) -> int:
        return len(self.missed) + len(self.partly)

    @property
    def groups(self) -> list[tuple[str, str, str, list[ResultRow]]]:
        """(words, sign, mark, rows) of each group that has questions, missed first: what to
        look at again comes before what went well. The sign is drawn beside the words, which
        say it to a screen reader and to someone who cannot tell the colours apart."""
        groups = [
            ("Not right or not answered", "✗", WRONG, self.missed),
            ("Partly right", "◐", PARTLY, self.partly),
            ("Right", "✓", RIGHT, self.right),
            ("Not graded yet", "…", PENDING, self.pending),
        ]
        return [group for group in groups if group[3]]

    @property
    def shown(self) -> list[ResultRow]:
        return [row for row in self.rows if row.shown]


def result_rows(questions, answers: dict, *, submitted: bool, show: str) -> Glance:
    """Every question of the attempt as a row, marked, with `shown` set by the filter."""
    rows = []
    for number, question in enumerate(questions, start=1):
        answer = answers.get(question.pk)
        mark = mark_of(answer, submitted)
        rows.append(ResultRow(number, question, answer, mark))
    glance = Glance(show=show, rows=rows)
    groups = {
        WRONG: glance.missed,
        UNANSWERED: glance.missed,
        PARTLY: glance.partly,
        RIGHT: glance.right,
        PENDING: glance.pending,
    }
    for row in rows:
        row.shown = show == ALL or row.missed
        groups[row.mark].append(row)
    return glance
