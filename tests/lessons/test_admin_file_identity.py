"""A lesson or module the course files write keeps the slug (and a lesson its module) its file
gives it: the next `load_curriculum` finds the row by them. Renamed in the admin, the load put
the file's lesson back as a new row, without its learners' progress, and retired the renamed
one with the progress on it; a renamed module came back as a second module, the renamed one
left empty. The admin shows these fields but does not take them, and says how to rename in the
files (`formerly:`) instead (`FileIdentityForm` in lessons/admin.py). Rows written in the
admin are renamed as before (tests/lessons/test_admin.py)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from lessons import progress
from lessons.models import Lesson, LessonProgress, Module, Source
from tests.quizzes.test_admin_edited_elsewhere import _form
from tests.shipped import load_shipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(shipped_course, learner) -> Lesson:
    """`iam/roles`, from its file, which a learner has completed (its body without the
    questions this course loads no quizzes for)."""
    lesson = Lesson.objects.get(module__slug="iam", slug="roles")
    assert lesson.source == Source.FILE
    Lesson.objects.filter(pk=lesson.pk).update(body="About roles.")
    progress.mark_complete(user=learner, lesson=lesson, session=None)
    return lesson


def _control(page: str, name: str):
    return BeautifulSoup(page, "html.parser").find(attrs={"name": name})


def test_a_file_lessons_slug_and_module_are_shown_not_taken_and_the_next_load_keeps_its_progress(
    admin_client, roles, learner
):
    url = f"/admin/lessons/lesson/{roles.pk}/change/"
    page = admin_client.get(url).content.decode()
    for name in ("slug", "module"):
        assert _control(page, name).has_attr("disabled"), name
    assert "rename its file" in page and "<code>formerly: roles</code>" in page
    assert "learners’ progress" in page

    elsewhere = Module.objects.exclude(pk=roles.module_id).first()
    form = _form(admin_client, url, "lesson_form")
    sent = {**form, "slug": ["iam-roles"], "module": [str(elsewhere.pk)], "title": ["Renamed"]}
    assert admin_client.post(url, sent).status_code == 302  # the rest of the form is saved
    roles.refresh_from_db()
    assert (roles.module.slug, roles.slug, roles.title) == ("iam", "roles", "Renamed")

    before = Lesson.objects.count()
    load_shipped()  # the next deploy's load: the same row, no second one
    assert Lesson.objects.count() == before
    kept = Lesson.objects.get(module__slug="iam", slug="roles")
    assert kept.pk == roles.pk and kept.published
    assert LessonProgress.objects.filter(lesson=kept, user=learner).exists()


def test_a_file_lessons_row_on_its_modules_page_keeps_its_slug_and_a_lesson_written_there_not(
    admin_client, roles
):
    from tests.conftest import make_lesson

    own = make_lesson(roles.module, slug="written-here", body="Words.")
    url = f"/admin/lessons/module/{roles.module_id}/change/"
    form = _form(admin_client, url, "module_form")
    row = next(k for k, v in form.items() if k.endswith("-slug") and v == ["roles"])
    mine = next(k for k, v in form.items() if k.endswith("-slug") and v == ["written-here"])
    page = admin_client.get(url).content.decode()
    assert _control(page, row).has_attr("disabled")
    assert not _control(page, mine).has_attr("disabled")

    assert (
        admin_client.post(url, {**form, row: ["iam-roles"], mine: ["renamed"]}).status_code == 302
    )
    assert Lesson.objects.get(pk=roles.pk).slug == "roles"
    assert Lesson.objects.get(pk=own.pk).slug == "renamed"


def test_a_file_modules_slug_is_shown_not_taken_and_the_next_load_makes_no_second_module(
    admin_client, roles, learner
):
    module = roles.module
    url = f"/admin/lessons/module/{module.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert _control(page, "slug").has_attr("disabled")
    assert "modules.yaml" in page and "folder" in page

    form = _form(admin_client, url, "module_form")
    assert admin_client.post(url, {**form, "slug": ["identity"]}).status_code == 302
    assert Module.objects.get(pk=module.pk).slug == "iam"
    before = Module.objects.count()
    load_shipped()
    assert Module.objects.count() == before
    assert Lesson.objects.get(pk=roles.pk).module_id == module.pk
    assert LessonProgress.objects.filter(lesson=roles, user=learner).exists()
