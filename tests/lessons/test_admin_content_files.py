"""A row that `load_curriculum` writes from a file under lessons/content/ says so where an admin
edits, unpublishes or deletes it (lessons/admin.py, `FromContentFile`): each deploy's load wrote
the file's version over the edit, published the lesson again and added a deleted one back, and
nothing on the page said so."""

from __future__ import annotations

import shutil

import pytest

from curriculum.readers import CONTENT_DIR
from curriculum.shipped import shipped_file
from glossary.models import GlossaryTerm
from lessons.models import Layer, Lesson, Responsibility, Service
from tests.conftest import make_lesson, make_module
from tests.shipped import load_shipped, shipped_curriculum

pytestmark = pytest.mark.django_db


def _shipped_lesson() -> tuple[Lesson, str]:
    """A lesson with the slugs of the course's first lesson file, and that file."""
    data = shipped_curriculum().lessons[0]
    module = make_module(slug=data.module, title="Renamed module")
    return make_lesson(module, slug=data.slug), f"lessons/content/{data.source}"


def _notice(page: str) -> str:
    start = page.find('<p class="from-content-file">')
    return page[start : page.find("</p>", start)] if start >= 0 else ""


def test_a_lesson_from_a_file_says_the_next_load_writes_over_an_edit_made_here(
    client, everyday_admin
):
    lesson, file = _shipped_lesson()
    own = make_lesson(lesson.module, slug="made-in-the-admin")

    notice = _notice(client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode())
    assert f"This lesson comes from <code>{file}</code>" in notice
    assert "publishing or unpublishing too" in notice
    assert "make it in the file as well" in notice
    # A lesson added in the admin, under a slug no file has, is the admin's own.
    assert _notice(client.get(f"/admin/lessons/lesson/{own.pk}/change/").content.decode()) == ""
    page = client.get(f"/admin/lessons/module/{lesson.module.pk}/change/").content.decode()
    assert "This module comes from <code>lessons/content/modules.yaml</code>" in _notice(page)

    # What it says is what happens: the next load writes the file's version over the edit.
    Lesson.objects.filter(pk=lesson.pk).update(title="Edited in the admin", published=False)
    load_shipped()
    lesson.refresh_from_db()
    assert lesson.title != "Edited in the admin" and lesson.published


def test_the_delete_pages_of_a_lesson_from_a_file_say_the_next_load_undoes_them(
    client, everyday_admin, learner
):
    from lessons import progress

    lesson, file = _shipped_lesson()
    page = client.get(f"/admin/lessons/lesson/{lesson.pk}/delete/").content.decode()
    assert f"comes from <code>{file}</code>: the next <code>load_curriculum</code>" in page
    assert "adds it again unless it is taken out of the file too" in page

    # Refused for a learner's progress, the advice is to unpublish: in the file too.
    progress.mark_complete(user=learner, lesson=lesson, session=None)
    page = client.get(f"/admin/lessons/lesson/{lesson.pk}/delete/").content.decode()
    assert "Unpublish it instead" in page
    assert f"<code>{file}</code>: set <code>published: false</code> there too" in page
    chosen = {"action": "delete_selected", "_selected_action": [lesson.pk]}
    page = client.post("/admin/lessons/lesson/", chosen).content.decode()
    assert "is published again by the next <code>load_curriculum</code>" in page


def test_srm_rows_and_glossary_terms_from_files_name_their_file(client, everyday_admin):
    service_data = shipped_curriculum().services[0]
    layer_slug = next(iter(service_data.responsibilities))
    service = Service.objects.create(slug=service_data.slug, name="S", model="iaas", order=1)
    layer = Layer.objects.create(slug=layer_slug, name="L", order=1)
    held = Responsibility.objects.create(service=service, layer=layer, owner="customer")
    page = client.get(f"/admin/lessons/responsibility/{held.pk}/change/").content.decode()
    assert "This responsibility comes from <code>lessons/content/srm.yaml</code>" in _notice(page)
    assert "publishing" not in _notice(page)  # a responsibility is never published or not

    term = GlossaryTerm.objects.create(
        slug=shipped_curriculum().glossary[0].slug, term="T", definition="D."
    )
    page = client.get(f"/admin/glossary/glossaryterm/{term.pk}/change/").content.decode()
    assert "comes from <code>lessons/content/glossary.yaml</code>" in _notice(page)
    assert "to change it, change the file" in _notice(page)  # read-only here


def test_the_lists_of_rows_from_files_say_a_change_there_lasts_until_the_next_load(
    client, everyday_admin
):
    """The lesson list's Order and Published columns edit shipped lessons too."""
    page = client.get("/admin/lessons/lesson/").content.decode()
    assert "Lessons that come from files under <code>lessons/content/</code>" in _notice(page)
    assert "a change made here to one of them lasts only until then" in _notice(page)
    page = client.get("/admin/glossary/glossaryterm/").content.decode()
    assert "to change one, change its file" in _notice(page)  # read-only here
    assert _notice(client.get("/admin/quizzes/question/").content.decode()) == ""


def test_the_file_a_row_comes_from_follows_the_files_as_they_change(tmp_path):
    lesson, _ = _shipped_lesson()
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    source = shipped_curriculum().lessons[0].source
    assert shipped_file(lesson, root) == f"lessons/content/{source}"

    (root / source).rename(root / source.replace(lesson.slug, "renamed-in-the-file"))
    assert shipped_file(lesson, root) is None  # the next load no longer writes it


def test_the_delete_page_of_a_row_of_no_file_says_nothing_brings_it_back(client, everyday_admin):
    """Only a file's rows came back (the next load adds them again); for a row written in the
    admin the page said nothing of whether a delete could be undone."""
    own = make_lesson(make_module(slug="ours"), slug="made-in-the-admin")
    layer = Layer.objects.create(slug="ours", name="Ours", order=1)
    notice = _notice(client.get(f"/admin/lessons/lesson/{own.pk}/delete/").content.decode())
    assert "comes from no content file, so nothing brings it back once deleted" in notice
    assert "untick “Published” on its page instead" in notice
    notice = _notice(client.get(f"/admin/lessons/layer/{layer.pk}/delete/").content.decode())
    assert "nothing brings it back once deleted" in notice
    assert "Published" not in notice  # a layer is never published or not
