"""A quiz draws (from a category, or by rules) from its owner's own questions and the
course's, as the teaching pages let its owner see them; a course quiz from the course's alone.
Every question of the category or module was drawn, whoever wrote it: a teacher's quiz drawing
another teacher's category previewed their questions and gave them to its learners, and a
teacher's question with a course module went into the course's final exam."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes import attempts, exam
from quizzes.models import QuizQuestion
from teach import services
from tests.conftest import make_module
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def _theirs(owner, **fields):
    return make_question(
        "single", owner=owner, source=Source.AUTHORED, lesson=None, prompt="Otto's draft", **fields
    )


def test_a_teachers_draw_never_reaches_another_teachers_questions(
    teacher, instructor, other_instructor
):
    _theirs(other_instructor, category="otto-bank")
    quiz = make_quiz(
        owner=instructor, source=Source.AUTHORED, draw_category="otto-bank", draw_count=1
    )

    preview = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])).content.decode()

    assert "Otto&#x27;s draft" not in preview and "Otto's draft" not in preview
    assert services.quiz_questions(quiz) == []
    assert not services.answerable(quiz)  # so it cannot be published
    assert attempts.learner_counts([quiz], QuizQuestion.objects.none()) == {quiz.pk: 0}
    assert attempts._drawn(quiz, random.Random(1)) == []


def test_a_teachers_draw_takes_their_own_and_the_courses_questions(instructor):
    own = _theirs(instructor, category="shared-bank")
    course = make_question("single", source=Source.FILE, lesson=None, category="shared-bank")
    quiz = make_quiz(
        owner=instructor, source=Source.AUTHORED, draw_category="shared-bank", draw_count=5
    )
    assert set(services.quiz_questions(quiz)) == {own, course}
    assert attempts.learner_counts([quiz], QuizQuestion.objects.none()) == {quiz.pk: 2}


def test_the_courses_exam_never_draws_a_teachers_question(instructor):
    iam = make_module(slug="iam")
    course = make_question("single", source=Source.FILE, lesson=None, module=iam)
    _theirs(instructor, module=iam)
    final = make_quiz(source=Source.FILE, draw_rules=[{"module": "iam", "count": 2}])

    assert exam.rules_pool(final, attempts.usable) == [course]
    assert attempts._drawn(final, random.Random(1)) == [course]


def test_a_question_written_in_the_admin_is_the_courses_and_drawn_by_its_exam(instructor):
    # The admin writes course content with no owner: the course's, as its files' questions are.
    iam = make_module(slug="iam")
    from_file = make_question("single", source=Source.FILE, lesson=None, module=iam)
    in_admin = make_question("single", source=Source.AUTHORED, lesson=None, module=iam)
    final = make_quiz(source=Source.FILE, draw_rules=[{"module": "iam", "count": 2}])
    assert set(exam.rules_pool(final, attempts.usable)) == {from_file, in_admin}
    theirs = make_quiz(
        owner=instructor, source=Source.AUTHORED, draw_rules=[{"module": "iam", "count": 2}]
    )
    assert set(exam.rules_pool(theirs, attempts.usable)) == {from_file, in_admin}


def test_a_quiz_whose_bank_holds_only_another_teachers_questions_cannot_be_started(
    instructor, other_instructor
):
    from quizzes.models import Quiz

    _theirs(other_instructor, category="otto-only")
    theirs = make_quiz(
        owner=instructor, source=Source.AUTHORED, draw_category="otto-only", draw_count=1
    )
    course = make_quiz(source=Source.FILE, draw_category="otto-only", draw_count=1)
    assert not Quiz.objects.askable().filter(pk__in=[theirs.pk, course.pk]).exists()
    _theirs(instructor, category="otto-only")  # a question of their own: theirs can start
    assert list(Quiz.objects.askable().filter(pk__in=[theirs.pk, course.pk])) == [theirs]
