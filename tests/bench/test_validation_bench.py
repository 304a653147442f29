"""How much the shared validation costs on the shipped bank (figures printed with -s)."""

from __future__ import annotations

import time

import pytest

from curriculum.loader import load_curriculum
from curriculum.quiz_loader import load_quizzes
from curriculum.quiz_readers import read_quizzes
from curriculum.readers import read_curriculum
from quizzes.models import Question

pytestmark = [pytest.mark.django_db, pytest.mark.bench]


def test_checking_every_shipped_question_is_cheap():
    cur = read_curriculum()
    load_quizzes(read_quizzes(cur=cur), load_curriculum(cur))
    questions = list(Question.objects.select_related("scenario"))
    for thorough in (False, True):
        start = time.perf_counter()
        assert all(q.problems(thorough=thorough) == [] for q in questions)
        per = (time.perf_counter() - start) / len(questions) * 1e3
        print(f"\n{len(questions)} questions, thorough={thorough}: {per:.2f} ms per question")
        if not thorough:
            assert per < 2.0  # a learner's page checks its quiz's questions on every request
