"""Grading: `grade(question, response) -> Grade`, by the question's kind (`quizzes.kinds`).

Nothing here writes to the database; the attempt and review services store the result. A
response is the cleaned shape the kind's form produces. Scores are 0..1; a question is
`correct` only with full marks. Each kind's module documents its partial credit.

Two quiz settings change what a graded answer is worth to the attempt (its *credit*); both
are plain functions here so the rules can be read and tested on their own:

- **several tries** (`try_credit`, `best_credit`): a try's score less `penalty` for each try
  before it, never below 0; the question keeps its best try.
- **certainty-based marking** (`certainty_mark`, `certainty_credit`): the learner says how
  sure they are (1 to 3) and the mark follows `CERTAINTY_MARKS`; a sure wrong answer costs
  more than an unsure one, so guessing confidently does not pay.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzes.kinds import Grade, kind_of

__all__ = [
    "CERTAINTY_LEVELS",
    "CERTAINTY_MARKS",
    "Grade",
    "best_credit",
    "certainty_credit",
    "certainty_mark",
    "answer_key",
    "grade",
    "try_credit",
]


def grade(question, response: dict) -> Grade:
    return kind_of(question).grade(question, response or {})


def answer_key(question) -> dict | None:
    """The right answer to show for `question` left unanswered (`Kind.key`), or None when it
    cannot be worked out now (an unknown type, a question broken since the attempt began): the
    page then gives the explanation alone, never an error."""
    kind = question.kind
    if kind is None or not question.is_usable():
        return None
    return kind.key(question)


# --- several tries ------------------------------------------------------------------------


def try_credit(score: float, *, try_number: int, penalty: float) -> float:
    """What try number `try_number` (1 = the first) is worth: its score less `penalty` (a
    fraction of the question's marks) for every earlier try, never below 0."""
    if try_number < 1:
        raise ValueError("tries are counted from 1")
    return max(0.0, score - penalty * (try_number - 1))


def best_credit(previous: float | None, score: float, *, try_number: int, penalty: float) -> float:
    """The question's credit after another try: the better of what it had and this try, so a
    further try never lowers the mark."""
    this = try_credit(score, try_number=try_number, penalty=penalty)
    return this if previous is None else max(previous, this)


# --- certainty-based marking --------------------------------------------------------------


@dataclass(frozen=True)
class CertaintyLevel:
    value: int
    label: str
    right: int  # mark when right
    wrong: int  # mark when wrong


# Gardner-Medwin's scheme, as Moodle uses it: the more sure you say you are, the more a right
# answer earns and the more a wrong one costs. At certainty 1 a wrong answer costs nothing;
# certainty 3 pays only when you are right at least 3 times in 4.
CERTAINTY_LEVELS = (
    CertaintyLevel(1, "Not sure (a guess)", right=1, wrong=0),
    CertaintyLevel(2, "Fairly sure", right=2, wrong=-2),
    CertaintyLevel(3, "Very sure", right=3, wrong=-6),
)
CERTAINTY_MARKS = {c.value: (c.right, c.wrong) for c in CERTAINTY_LEVELS}
MAX_CERTAINTY_MARK = max(c.right for c in CERTAINTY_LEVELS)


def certainty_mark(score: float, certainty: int) -> float:
    """The mark for an answer scored `score` (0..1) given at `certainty` (1-3): the right mark
    for full marks, the wrong mark for none, and in between in proportion (a policy question
    half right, decision but not statement, earns halfway)."""
    if certainty not in CERTAINTY_MARKS:
        raise ValueError(f"certainty is 1, 2 or 3, not {certainty!r}")
    right, wrong = CERTAINTY_MARKS[certainty]
    return score * right + (1 - score) * wrong


def certainty_credit(score: float, certainty: int) -> float:
    """The mark scaled so the best (right, very sure) counts 1, like any question's full marks:
    between -2 (wrong, very sure) and 1. The attempt's total is floored at 0."""
    return certainty_mark(score, certainty) / MAX_CERTAINTY_MARK
