"""Grading: `grade(question, response) -> Grade`, by the question's kind (`quizzes.kinds`).

Nothing here writes to the database; the attempt and review services store the result. A
response is the cleaned shape the kind's form produces. Scores are 0..1; a question is
`correct` only with full marks. Each kind's module documents its partial credit.
"""

from __future__ import annotations

from quizzes.kinds import Grade, kind_of

__all__ = ["Grade", "grade"]


def grade(question, response: dict) -> Grade:
    return kind_of(question).grade(question, response or {})
