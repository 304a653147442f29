"""The learner's pages say how many questions a quiz drawing N from a category gives: N, or
the category's usable questions if fewer (at most `MAX_DRAWN`). Counting that read and checked
every question of the category (~35 µs each: 10,000 cost the quiz list 30 ms, the teaching
quiz page 0.34 s; `make bench` measures both). The category is now read in id order, a chunk
at a time, until the draw is covered (`quizzes.attempts.bank_count`): the numbers are the
same, the rows read no more than a chunk unless broken questions make it read further."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from quizzes import attempts
from quizzes.draw_rules import MAX_DRAWN
from quizzes.models import Question, Quiz, QuizQuestion
from tests.conftest import sign_in
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


@contextmanager
def question_rows_returned() -> Iterator[Counter]:
    """How many rows the queries reading the questions table return (each query counted again
    with COUNT(*) around it): what a page reads of a bank, whichever way it reads it."""
    counted: Counter = Counter()
    busy = False

    def counting(execute, sql, params, many, context):
        nonlocal busy
        result = execute(sql, params, many, context)
        if not busy and not many and sql.startswith("SELECT") and 'FROM "quizzes_question"' in sql:
            busy = True
            try:
                with context["connection"].cursor() as cursor:
                    cursor.execute(f"SELECT COUNT(*) FROM ({sql}) read_rows", params)  # noqa: S608
                    counted["rows"] += cursor.fetchone()[0]
                    counted["queries"] += 1
            finally:
                busy = False
        return result

    with connection.execute_wrapper(counting):
        yield counted


def bulk_bank(n: int, category: str, *, broken: bool = False, **fields) -> list[int]:
    """`n` single-choice questions filed under `category` (each with no choice, never shown,
    if `broken`), written in bulk as copies of one saved through the model: their ids."""
    data = {"data": {"choices": []}} if broken else {}
    model = make_question("single", category=category, lesson=None, **data, **fields)
    copied = {
        f.attname: getattr(model, f.attname)
        for f in Question._meta.concrete_fields
        if not f.primary_key and f.attname != "slug"
    }
    made = Question.objects.bulk_create(
        Question(slug=f"{model.slug}-copy-{i}", **copied) for i in range(n - 1)
    )
    return [model.pk, *(q.pk for q in made)]


def _usable_in(category: str) -> int:
    """The category's usable, unarchived questions, each read whole and checked: what the
    count was before, computed the slow way to compare with."""
    return sum(q.is_usable() for q in Question.objects.filter(category=category, archived=False))


def _counts(*quizzes: Quiz) -> dict[int, int]:
    return attempts.learner_counts(quizzes, QuizQuestion.objects.filter(quiz__in=quizzes))


def test_a_large_bank_is_counted_only_as_far_as_the_draw_needs():
    bulk_bank(600, "big")
    quiz = make_quiz(draw_category="big", draw_count=20)
    with question_rows_returned() as read:
        counts = _counts(quiz)
    assert counts[quiz.pk] == 20 == min(20, _usable_in("big"))
    assert read["rows"] <= 100  # the first chunk; all 600 before


def test_broken_questions_first_make_the_count_read_further_and_no_further():
    """250 broken questions before 300 usable ones: chunks of 100 and 200 rows find 50, which
    covers the 20; the remaining 250 are not read (all 550 were before)."""
    bulk_bank(250, "mixed", broken=True)
    bulk_bank(300, "mixed")
    quiz = make_quiz(draw_category="mixed", draw_count=20)
    with question_rows_returned() as read:
        counts = _counts(quiz)
    assert counts[quiz.pk] == 20 == min(20, _usable_in("mixed"))
    assert read["rows"] == 300
    assert read["queries"] == 2


def test_a_bank_short_of_the_draw_is_counted_whole_archived_and_broken_ones_left_out():
    bulk_bank(120, "short", broken=True)
    bulk_bank(40, "short", archived=True)
    bulk_bank(15, "short")
    bulk_bank(30, "short", broken=True)
    quiz = make_quiz(draw_category="short", draw_count=20)
    assert _counts(quiz)[quiz.pk] == 15 == _usable_in("short")


def test_a_draw_past_the_ceiling_counts_at_most_max_drawn():
    bulk_bank(MAX_DRAWN + 50, "ceiling")
    quiz = make_quiz(draw_category="ceiling", draw_count=MAX_DRAWN)
    Quiz.objects.filter(pk=quiz.pk).update(draw_count=MAX_DRAWN + 40)  # stored before it
    quiz.refresh_from_db()
    with question_rows_returned() as read:
        counts = _counts(quiz)
    assert counts[quiz.pk] == MAX_DRAWN
    assert read["rows"] == MAX_DRAWN  # one chunk of what the draw needs


def test_quizzes_drawing_from_one_category_share_one_count():
    bulk_bank(20, "shared", broken=True)
    bulk_bank(500, "shared")
    small = make_quiz(draw_category="shared", draw_count=5)
    large = make_quiz(draw_category="shared", draw_count=150)
    with question_rows_returned() as read:
        counts = _counts(small, large)
    assert (counts[small.pk], counts[large.pk]) == (5, 150)
    assert read["queries"] == 2  # the category once: 150 rows, then 300 (20 were broken)
    assert read["rows"] == 450


def test_the_quiz_list_says_the_count_and_reads_a_chunk_of_the_bank(client, learner):
    bulk_bank(30, "listed-bank", broken=True)
    bulk_bank(400, "listed-bank")
    make_quiz(draw_category="listed-bank", draw_count=12, published=True, title="Drawn one")
    sign_in(client, learner)
    with question_rows_returned() as read:
        page = client.get("/quizzes/").content.decode()
    assert "12 questions&nbsp;·&nbsp;pass mark" in page
    assert read["rows"] <= 100  # all 430 before
