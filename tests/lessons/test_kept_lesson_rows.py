"""A lesson page keeps its lesson and scenarios with the reading order (lessons/pages.py), so
a second view reads neither; an edit anywhere (a save, a scenario linked or changed, a delete)
shows on the next view. Committed rows, as a server sees them: only those are kept."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons.models import Scenario
from tests.conftest import make_lesson, make_module, make_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def view(client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_a_second_view_reads_neither_the_lesson_nor_its_scenarios(client):
    lesson = make_lesson(make_module(), title="Kept lesson")
    make_scenario(lesson, title="Kept scenario")
    url = lesson.get_absolute_url()
    view(client, url)
    body, sql = view(client, url)
    assert "Kept lesson" in body and "Kept scenario" in body
    assert not [q for q in sql if 'FROM "lessons_lesson"' in q or 'FROM "lessons_scenario"' in q]


def test_edits_show_on_the_next_view(client):
    module = make_module()
    lesson = make_lesson(module, title="First title")
    url = lesson.get_absolute_url()
    assert "First title" in view(client, url)[0]
    lesson.title = "Second title"
    lesson.save()
    assert "Second title" in view(client, url)[0]
    scenario = make_scenario(lesson, title="A new scenario")  # linked: m2m_changed
    assert "A new scenario" in view(client, url)[0]
    Scenario.objects.filter(pk=scenario.pk).get().lessons.clear()
    assert "A new scenario" not in view(client, url)[0]
    scenario.lessons.add(lesson)
    scenario.title = "A renamed scenario"
    scenario.save()
    assert "A renamed scenario" in view(client, url)[0]
    scenario.delete()
    assert "A renamed scenario" not in view(client, url)[0]
    lesson.published = False
    lesson.save()
    assert client.get(url).status_code == 404  # a draft: only staff see it


def test_the_course_progress_counts_scenarios_linked_since_the_order_was_kept(learner):
    from certificates.progress import course_progress

    module = make_module()
    lesson = make_lesson(module)

    def offered() -> int:
        checks = course_progress(learner).for_module(module.pk).checks
        return checks.total if checks else 0

    assert offered() == 0
    scenario = make_scenario(lesson)
    assert offered() == 1
    scenario.lessons.clear()
    assert offered() == 0
