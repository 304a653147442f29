"""The teaching page of a quiz drawing N from a category says whether a learner gets the N
and, when the category holds fewer usable questions, how many. It read and checked every
question of the category for that (0.34 s of the page at 10,000; `make bench`): it now counts
them in id order only as far as the draw needs (`teach.services.drawn_supply`), and says "at
least" that many when it stopped before the end (the bank page gives a category's size)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Source
from teach import services
from tests.quizzes.builders import make_quiz
from tests.quizzes.test_draw_counts import bulk_bank, question_rows_returned

pytestmark = pytest.mark.django_db


def _page(teacher, quiz) -> str:
    return teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()


def _drawing(instructor, category: str, count: int, **fields):
    return make_quiz(
        owner=instructor,
        source=Source.AUTHORED,
        draw_category=category,
        draw_count=count,
        **fields,
    )


def test_a_large_bank_is_said_to_cover_the_draw_from_its_first_rows(teacher, instructor):
    bulk_bank(600, "big", owner=instructor, source=Source.AUTHORED)
    quiz = _drawing(instructor, "big", 20)
    _page(teacher, quiz)  # what the page keeps between requests, read once
    with question_rows_returned() as read:
        page = _page(teacher, quiz)
    assert read["rows"] <= 110  # a chunk of 100, the bank's summary; all 600 before
    assert (
        "20 drawn at random from the category “big” (at least 100 usable there, enough for "
        "this draw)" in page
    )


def test_broken_questions_first_are_read_past_and_the_count_still_covers_the_draw(
    teacher, instructor
):
    bulk_bank(250, "mixed", broken=True, owner=instructor, source=Source.AUTHORED)
    bulk_bank(300, "mixed", owner=instructor, source=Source.AUTHORED)
    quiz = _drawing(instructor, "mixed", 20)
    _page(teacher, quiz)
    with question_rows_returned() as read:
        page = _page(teacher, quiz)
    assert 300 <= read["rows"] <= 310  # chunks of 100 and 200; all 550 before
    assert "(at least 50 usable there, enough for this draw)" in page


def test_a_bank_short_of_the_draw_is_counted_exactly(teacher, instructor):
    """Archived and broken questions are not counted; the bank is read to its end."""
    mine = {"owner": instructor, "source": Source.AUTHORED}
    bulk_bank(120, "short", broken=True, **mine)
    bulk_bank(40, "short", archived=True, **mine)
    bulk_bank(15, "short", **mine)
    quiz = _drawing(instructor, "short", 20)
    assert (
        "All 15 usable questions of the category “short”, in a random order: the quiz asks "
        "for 20, more than the category holds" in _page(teacher, quiz)
    )


def _publish(teacher, quiz):
    return teacher.post(reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "true"})


def test_publishing_a_drawing_quiz_checks_its_bank_only_as_far_as_a_usable_question(
    teacher, instructor
):
    """Publishing asks whether a learner could be given one question (`answerable`): the
    first usable one answers that; the whole bank was read whole and checked (600 rows here).
    (Publishing still marks every question of the bank for the search index, which reads
    their ids: a published quiz's bank is searchable, docs/limits.md.)"""
    bulk_bank(600, "published-bank", owner=instructor, source=Source.AUTHORED)
    quiz = _drawing(instructor, "published-bank", 20, published=False)
    with question_rows_returned() as read:
        assert services.answerable(quiz)
    assert read["rows"] <= 100  # the first chunk
    _publish(teacher, quiz)
    quiz.refresh_from_db()
    assert quiz.published


def test_a_drawing_quiz_whose_bank_holds_only_broken_questions_is_not_published(
    teacher, instructor
):
    mine = {"owner": instructor, "source": Source.AUTHORED}
    bulk_bank(150, "all-broken", broken=True, **mine)
    bulk_bank(10, "all-broken", archived=True, **mine)
    quiz = _drawing(instructor, "all-broken", 5, published=False)
    page = teacher.get(_publish(teacher, quiz).url).content.decode()
    quiz.refresh_from_db()
    assert not quiz.published
    assert "holds no question a learner can answer" in page
