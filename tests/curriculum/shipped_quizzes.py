"""The shipped quiz files, read once per test process (as tests/shipped.py reads the lessons):
several test modules read them only to look at them, and each read parses every quiz file."""

from __future__ import annotations

from functools import cache

from curriculum.quiz_readers import QuizContent, read_quizzes
from tests.shipped import shipped_curriculum


@cache
def shipped_quizzes(*, check_cases: bool) -> QuizContent:
    """`read_quizzes` of the shipped files against the shipped lessons; `check_cases` runs each
    engine-graded question through its engine, as the loader does. A read that raises is not
    kept, so each caller sees the error. Callers only read what it returns."""
    return read_quizzes(cur=shipped_curriculum(), check_cases=check_cases)
