"""`::: check <question>` in a lesson: the loader refuses a slug that names no question, with
the lesson's file and line, and shipped lessons place checks that exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from lessons.markdown import render_markdown
from lessons.models import Lesson
from tests.content import TWO_SOURCES, write
from tests.curriculum import test_loader_quizzes
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.curriculum.test_loader_quizzes import load
from tests.shipped import shipped_curriculum

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The quiz loader's tests' small curriculum (two modules, three quizzes)."""
    return test_loader_quizzes.content.__wrapped__(tmp_path)


def lesson_with(root: Path, body: str) -> str:
    text = "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n" + body
    write(root, "iam/01-policies.md", text)
    return (root / "iam/01-policies.md").read_text()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_check_naming_a_question_loads_and_shows_on_the_lesson(content, client):
    lesson_with(content, "## Grammar\nJSON.\n\n::: check groups-are-principals\n:::\n")
    load(content)
    lesson = Lesson.objects.get(slug="policies")
    assert render_markdown(lesson.body).checks == ("groups-are-principals",)
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert 'id="check-groups-are-principals"' in body
    assert "Groups can be named as principals." in body  # the question's prompt, in place


def test_an_unknown_question_is_refused_naming_the_lesson_and_line(content):
    text = lesson_with(
        content, "## Grammar\nJSON.\n\nMore.\n\n::: check groups-are-principal\n:::\n"
    )
    cur = read_curriculum(content)
    with pytest.raises(CurriculumError) as caught:
        read_quizzes(content, cur)
    error = caught.value
    assert error.file == "iam/01-policies.md"
    assert error.line == line_of(text, "::: check")
    assert "lesson iam/policies: '::: check groups-are-principal' names no question" in str(error)
    assert "did you mean 'groups-are-principals'" in error.message


@pytest.mark.parametrize(
    "directive, says",
    [
        ("::: check\n:::\n", "needs a question slug"),
        ("::: check Not_A_Slug\n:::\n", "needs a question slug"),
        (
            "::: check root-user-mfa\n:::\n\n::: check root-user-mfa\n:::\n",
            "already in this lesson",
        ),
        (
            "".join(f"::: check q-{n}\n:::\n\n" for n in range(4)),
            "at most 3 checks",
        ),
    ],
)
def test_a_malformed_check_is_refused_with_its_line(content, directive, says):
    lesson_with(content, "## Grammar\nJSON.\n\n" + directive)
    with pytest.raises(CurriculumError) as caught:
        read_curriculum(content)
    assert says in caught.value.message and caught.value.line


def test_a_fourth_check_is_refused_once_at_its_line(content):
    """The loader's own check and the body check it shares with the admin both find it: said
    once, at the first check too many."""
    text = lesson_with(
        content, "## Grammar\nJSON.\n\n" + "".join(f"::: check q-{n}\n:::\n\n" for n in range(4))
    )
    with pytest.raises(CurriculumError) as caught:
        read_curriculum(content)
    assert caught.value.line == line_of(text, "::: check q-3")
    assert str(caught.value).count("at most 3 checks") == 1


def test_the_shipped_lessons_place_checks_in_every_module():
    cur = shipped_curriculum()  # read_curriculum(), once per process
    shipped_quizzes(check_cases=True)  # raises on any unknown slug
    modules = {lesson.module for lesson in cur.lessons if lesson.checks}
    assert modules == {module.slug for module in cur.modules}


def test_the_loader_refuses_an_unknown_diagram_at_its_line(content):
    text = lesson_with(content, "## Grammar\nJSON.\n\n::: diagram policy-flw\n:::\n")
    with pytest.raises(CurriculumError) as caught:
        read_curriculum(content)
    assert caught.value.file == "iam/01-policies.md"
    assert caught.value.line == line_of(text, "::: diagram")
    assert "'::: diagram policy-flw' names no diagram (did you mean 'policy-flow'?)" in str(
        caught.value
    )


def test_the_loader_refuses_a_box_left_open_at_its_line(content):
    text = lesson_with(content, "## Grammar\nJSON.\n\n::: warning\nCareful.\n\n## Later\nMore.\n")
    with pytest.raises(CurriculumError) as caught:
        read_curriculum(content)
    assert caught.value.line == line_of(text, "::: warning")
    assert "the box '::: warning' is not closed by a line ':::' of its own" in str(caught.value)
