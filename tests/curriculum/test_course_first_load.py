"""Loads into a database that holds no course yet, beside tests/curriculum/test_course_updates.py.

That file's tests share one loaded course and its learners' work per module (built once, each
test in a savepoint inside it); these need the database without them: a new install's first
load, and the migration that marked the rows a release's files hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons.models import Lesson, Module, Source
from quizzes.models import Question
from tests.curriculum.test_course_updates import (
    edit,
    load,
    rename,
    rename_question,
    write_course,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "content")


def test_a_fresh_database_loads_a_lesson_that_names_an_old_slug(course):
    """A new install never had the old lesson: its `formerly:` names nothing, and is fine."""
    rename(course, "basics/02-second.md", "basics/02-the-second.md", "second")
    said = load(course)
    assert "lessons: 4 created" in said
    assert Lesson.objects.filter(slug="the-second").exists()


def test_a_fresh_database_loads_a_question_that_names_an_old_slug(course):
    rename_question(course, "who-patches", "guest-os-patching")
    said = load(course)
    assert "questions: 6 created" in said and "renamed" not in said
    assert Question.objects.filter(slug="guest-os-patching").exists()


def test_a_type_changed_on_a_question_nobody_answered_loads(course):
    load(course)
    edit(course, "quizzes/basics-quiz.yaml", "type: single", "type: multiple")
    load(course)
    assert Question.objects.get(slug="who-patches").type == "multiple"


def test_an_existing_database_marks_as_file_rows_only_what_the_files_hold(db):
    """The migration that brought `source` to modules and lessons: rows the shipped files hold
    are the files' (to move or retire later); a lesson or module made in the admin is not."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("lessons.migrations.0015_module_lesson_source")
    iam = Module.objects.create(slug="iam", title="IAM")
    mine = Module.objects.create(slug="my-own", title="Mine")
    shipped = Lesson.objects.create(module=iam, slug="root-user", title="Root", body="x")
    extra = Lesson.objects.create(module=iam, slug="my-extra", title="Extra", body="x")
    inside = Lesson.objects.create(module=mine, slug="root-user", title="Root", body="x")
    migration.mark_file_rows(apps, None)
    marked = {str(row): row.source for row in (*Module.objects.all(), *Lesson.objects.all())}
    assert marked == {
        str(iam): Source.FILE,
        str(mine): Source.AUTHORED,
        str(shipped): Source.FILE,
        str(extra): Source.AUTHORED,
        str(inside): Source.AUTHORED,
    }
