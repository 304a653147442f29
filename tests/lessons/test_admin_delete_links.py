"""Deleting a lesson or module that other lessons link to names those lessons on the delete
page (and on "Delete selected"'s), each with its admin page: their links then lead nowhere,
and the next save of each is refused for the dead link (`Lesson._dead_links`) until it is
changed. Django's page listed only what the delete removes, so the admin learned of the links
from a learner's page not found or a refused save later (`addresses.broken_by_delete`,
`LinksIntoDeleted` in lessons/admin.py)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from lessons import addresses
from lessons.models import Lesson
from tests.conftest import make_lesson, make_module
from tests.quizzes.test_admin_edited_elsewhere import _form

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    """`mod/target` and `mod/sibling`, and lessons elsewhere linking in (or not)."""
    mod, other = make_module(slug="mod"), make_module(slug="other")
    target = make_lesson(mod, slug="target", title="Target")
    sibling = make_lesson(mod, slug="sibling", title="Sibling", body="[t](/learn/mod/target/)")
    rows = {
        "to-lesson": "Read [the target](/learn/mod/target/) first.",
        "to-module": "See [the module](/learn/mod/).",
        "in-code": "Write a link as `[t](/learn/mod/target/)`.",
        "to-sibling": "See [the sibling](/learn/mod/sibling/).",
    }
    linkers = {
        slug: make_lesson(other, slug=slug, title=f"Linker {slug}", body=body)
        for slug, body in rows.items()
    }
    return {"mod": mod, "target": target, "sibling": sibling, **linkers}


def _named(page: str) -> list[str]:
    """The titles of the lessons the page names as linking, each linked to its admin page."""
    box = BeautifulSoup(page, "html.parser").find(class_="linked-from")
    if box is None:
        return []
    return sorted(a.text for a in box.find_all("a") if "/admin/lessons/lesson/" in a["href"])


def test_a_lessons_delete_page_names_the_lessons_linking_it_and_what_their_next_save_meets(
    admin_client, course
):
    target = course["target"]
    page = admin_client.get(f"/admin/lessons/lesson/{target.pk}/delete/").content.decode()
    # The sibling links it too, and stays; the module's link stays good; code is no link.
    assert _named(page) == ["Linker to-lesson", "Sibling"]
    linker = course["to-lesson"]
    assert f'href="/admin/lessons/lesson/{linker.pk}/change/"' in page
    assert "lead nowhere" in page and "refused" in page

    admin_client.post(f"/admin/lessons/lesson/{target.pk}/delete/", {"post": "yes"})
    assert not Lesson.objects.filter(pk=target.pk).exists()
    # What the page said: the next save of a named lesson is refused for the dead link.
    url = f"/admin/lessons/lesson/{linker.pk}/change/"
    refused = admin_client.post(url, _form(admin_client, url, "lesson_form"))
    assert refused.status_code == 200
    assert escape("the link /learn/mod/target/ leads to no lesson of 'mod'") in (
        refused.content.decode()
    )


def test_a_modules_delete_page_names_the_lessons_outside_it_linking_it_or_its_lessons(
    admin_client, course
):
    page = admin_client.get(f"/admin/lessons/module/{course['mod'].pk}/delete/").content.decode()
    # The sibling goes with the module: its link is no one's to fix.
    assert _named(page) == ["Linker to-lesson", "Linker to-module", "Linker to-sibling"]
    assert "lead nowhere" in page


def test_delete_selected_names_the_lessons_linking_the_ones_chosen(admin_client, course):
    chosen = [course["target"].pk, course["sibling"].pk]
    sent = {"action": "delete_selected", "_selected_action": chosen}
    page = admin_client.post("/admin/lessons/lesson/", sent).content.decode()
    assert _named(page) == ["Linker to-lesson", "Linker to-sibling"]
    assert "Are you sure" in page  # still Django's confirmation, which deletes on "Yes"
    admin_client.post("/admin/lessons/lesson/", {**sent, "post": "yes"})
    assert not Lesson.objects.filter(pk__in=chosen).exists()

    sent = {"action": "delete_selected", "_selected_action": [course["mod"].pk]}
    page = admin_client.post("/admin/lessons/module/", sent).content.decode()
    # The links to the lessons just deleted broke then: only the module's own link breaks now.
    assert _named(page) == ["Linker to-module"]


def test_a_modules_delete_names_only_the_links_it_breaks_not_those_broken_before(
    admin_client, course
):
    """A link to a lesson of the module deleted earlier already led nowhere (its delete page
    named it then): deleting the module does not break it, so its page does not name it; a
    link to a lesson of the module still there, or to the module, does break."""
    admin_client.post(f"/admin/lessons/lesson/{course['target'].pk}/delete/", {"post": "yes"})
    assert not Lesson.objects.filter(pk=course["target"].pk).exists()
    page = admin_client.get(f"/admin/lessons/module/{course['mod'].pk}/delete/").content.decode()
    assert _named(page) == ["Linker to-module", "Linker to-sibling"]
    found, more = addresses.broken_by_delete(modules=[course["mod"].pk])
    assert sorted(lesson.title for lesson in found) == ["Linker to-module", "Linker to-sibling"]
    assert not more


def test_an_old_address_of_the_lesson_is_named_and_one_leading_elsewhere_is_not(
    admin_client, course
):
    """A link to the deleted lesson's old address dies with it; a link to its address that an
    old address of another lesson still leads on from (a lesson moved away, this one made in
    its place) does not, and neither does one another lesson now stands at."""
    target, other = course["target"], course["to-lesson"].module
    addresses.record_move(target, module_slug="mod", lesson_slug="old-name")
    old = make_lesson(
        other, slug="old-linker", title="Old linker", body="[o](/learn/mod/old-name/)"
    )
    page = admin_client.get(f"/admin/lessons/lesson/{target.pk}/delete/").content.decode()
    assert "Old linker" in _named(page)

    moved = make_lesson(other, slug="moved", title="Moved")
    addresses.record_move(moved, module_slug="mod", lesson_slug="target")  # it stood there once
    page = admin_client.get(f"/admin/lessons/lesson/{target.pk}/delete/").content.decode()
    assert _named(page) == ["Old linker"]  # /learn/mod/target/ leads on to `moved`

    make_lesson(course["mod"], slug="old-name", title="Stands there")
    page = admin_client.get(f"/admin/lessons/lesson/{target.pk}/delete/").content.decode()
    assert _named(page) == []
    assert old.pk  # named above, by its title


def test_an_old_slug_of_a_deleted_module_leading_on_is_kept_out(admin_client, course):
    """A module renamed in the admin keeps its old slug leading to it; another module renamed
    from the same slug later takes it over, and deleting the first leaves that link working."""
    mod = course["mod"]
    addresses.record_module_move(mod, module_slug="earlier")
    make_lesson(
        course["to-lesson"].module, slug="e", title="Earlier linker", body="[e](/learn/earlier/)"
    )
    page = admin_client.get(f"/admin/lessons/module/{mod.pk}/delete/").content.decode()
    assert "Earlier linker" in _named(page)
    addresses.record_module_move(make_module(slug="later"), module_slug="earlier")
    page = admin_client.get(f"/admin/lessons/module/{mod.pk}/delete/").content.decode()
    assert "Earlier linker" not in _named(page)


def test_the_scan_is_bounded_and_says_there_may_be_more(admin_client, course, monkeypatch):
    monkeypatch.setattr(addresses, "LINKING_SCAN", 2)
    other = course["to-lesson"].module
    for n in range(3):
        make_lesson(other, slug=f"extra-{n}", body="[t](/learn/mod/target/)")
    with CaptureQueriesContext(connection) as queries:
        found, more = addresses.broken_by_delete(lessons=[course["target"].pk])
    scans = [q for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert len(scans) == 1 and len(found) <= 2 and more
    page = admin_client.get(f"/admin/lessons/lesson/{course['target'].pk}/delete/").content.decode()
    assert "and perhaps more" in page
