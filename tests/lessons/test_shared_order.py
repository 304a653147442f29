"""Two lessons of one module may share an order number, in a content file's `NN-` prefix and
in the admin alike; the one whose slug sorts first comes first, on the module page and in
previous/next. Refusing it in the admin would refuse a swap made in the lesson list's order
column (each row is checked against the rows saved before the others are), and the loader
would then have to refuse files the admin had taken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curriculum.loader import load_curriculum
from curriculum.readers import read_curriculum
from lessons.models import Lesson
from tests.conftest import make_lesson, make_module
from tests.content import TWO_SOURCES, write
from tests.curriculum.test_loader_lessons import content  # noqa: F401 (a fixture)
from tests.lessons.test_body_markers import _post

pytestmark = pytest.mark.django_db


def _listed(client, module) -> list[str]:
    page = client.get(module.get_absolute_url()).content.decode()
    return re.findall(rf'href="/learn/{module.slug}/([a-z0-9-]+)/"', page)


def test_the_loader_takes_two_files_with_one_number_and_orders_them_by_slug(
    content: Path,  # noqa: F811
    client,
):
    write(content, "basics/01-alpha.md", f"---\ntitle: Alpha\n{TWO_SOURCES}\n---\n## A\n\nA.\n")
    load_curriculum(read_curriculum(content))
    assert list(Lesson.objects.filter(module__slug="basics").values_list("slug", "order")) == [
        ("alpha", 1),
        ("first", 1),
        ("second", 2),
    ]
    module = Lesson.objects.get(slug="alpha").module
    assert _listed(client, module)[:3] == ["alpha", "first", "second"]


def test_the_admin_takes_an_order_another_lesson_of_the_module_has(admin_client, client):
    module = make_module(slug="basics")
    make_lesson(module, slug="first", order=1)
    second = make_lesson(module, slug="second", order=2)
    assert _post(admin_client, second, order="1").status_code == 302
    second.refresh_from_db()
    assert second.order == 1
    assert _listed(client, module)[:2] == ["first", "second"]
