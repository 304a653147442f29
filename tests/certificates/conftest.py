"""A small course: two modules (one with a quiz, one without), a final exam, and helpers to
complete each part."""

from __future__ import annotations

import pytest

from certificates.progress import FINAL_EXAM_SLUG
from lessons import progress as lesson_progress
from quizzes import attempts
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question, make_quiz, right_response, wrong_response


@pytest.fixture
def course(db):
    return build_course()


def build_course() -> dict:
    one, two = make_module(title="Shared responsibility"), make_module(title="Identity")
    lessons = {one.pk: [make_lesson(one), make_lesson(one)], two.pk: [make_lesson(two)]}
    make_lesson(one, published=False)  # a draft: never required
    question = make_question(lesson=lessons[one.pk][0], module=one)
    quiz = make_quiz(question, module=one, pass_mark=50)
    exam_question = make_question(lesson=lessons[two.pk][0], module=two)
    exam = make_quiz(exam_question, slug=FINAL_EXAM_SLUG, title="Final exam", pass_mark=72)
    return {"modules": [one, two], "lessons": lessons, "quiz": quiz, "exam": exam}


def course_keys(course: dict) -> dict:
    """`build_course()`'s course as primary keys, to keep across the tests of a module."""
    return {
        "modules": [module.pk for module in course["modules"]],
        "lessons": {pk: [lesson.pk for lesson in ls] for pk, ls in course["lessons"].items()},
        "quiz": course["quiz"].pk,
        "exam": course["exam"].pk,
    }


def course_from(keys: dict) -> dict:
    """The course `course_keys` kept, read afresh (a test's own instances)."""
    from lessons.models import Lesson, Module
    from quizzes.models import Quiz

    return {
        "modules": [Module.objects.get(pk=pk) for pk in keys["modules"]],
        "lessons": {
            module: [Lesson.objects.get(pk=pk) for pk in lessons]
            for module, lessons in keys["lessons"].items()
        },
        "quiz": Quiz.objects.get(pk=keys["quiz"]),
        "exam": Quiz.objects.get(pk=keys["exam"]),
    }


@pytest.fixture(scope="module")
def shared_course(django_db_setup, django_db_blocker):
    """`build_course()` once for a module, in a transaction rolled back when the module ends;
    each test runs in a savepoint inside it (pytest-django's `db`), so what one test changes
    the next never sees. A module's `course` fixture returns `course_from(shared_course)`.
    Its keys."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield course_keys(build_course())
        transaction.set_rollback(True)


def read_all(user, course, session=None):
    for lessons in course["lessons"].values():
        for lesson in lessons:
            lesson_progress.mark_complete(user=user, lesson=lesson, session=session)


def take(quiz, user, *, right=True, session_key=""):
    attempt = attempts.attempt_start(quiz=quiz, user=user, session_key=session_key)
    for question in attempts.attempt_questions(attempt):
        response = right_response(question) if right else wrong_response(question)
        attempts.answer_save(attempt=attempt, question=question, response=response)
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    return attempt


def complete(user, course):
    read_all(user, course)
    take(course["quiz"], user)
    take(course["exam"], user)


def pdf_runs(data: bytes) -> list[tuple[str, float]]:
    """Each piece of text a PDF draws, with its font size, read back as a PDF reader reads it
    (through each font's ToUnicode map, so a name drawn as glyph ids comes back as letters)."""
    import io

    from pypdf import PdfReader

    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text.strip(), size * tm[0]))  # fpdf2 sets the size in Tf (tm is unit)

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return runs


def pdf_text(data: bytes) -> str:
    return "\n".join(text for text, _ in pdf_runs(data))
