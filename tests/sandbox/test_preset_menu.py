"""The kept preset menu: read once, and changed the moment a scenario, lesson or module is."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from srm_trainer.sandbox import presets
from tests.conftest import count_calls, make_lesson, make_module, make_scenario

# Committed rows: outside a transaction is where the menu is kept.
pytestmark = pytest.mark.django_db(transaction=True)


def menu_titles(client) -> list[str]:
    body = client.get("/sandbox/").content.decode()
    select = body.split('<select id="preset" name="preset">', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_menu_is_read_once_and_then_reused():
    make_scenario(make_lesson(), title="Taught")
    first = presets.menu()
    with CaptureQueriesContext(connection) as ctx:
        again = presets.menu()
    assert again is first and [title for _, title in first.entries] == ["Taught"]
    assert len(ctx.captured_queries) <= 1  # the version check only


def test_publishing_a_lesson_offers_its_scenario_at_once(client):
    lesson = make_lesson(published=False)
    make_scenario(lesson, title="Waiting scenario")
    assert "Waiting scenario" not in menu_titles(client)
    lesson.published = True
    lesson.save()
    assert "Waiting scenario" in menu_titles(client)


def test_hiding_a_module_or_renaming_a_scenario_changes_the_menu(client):
    module = make_module()
    scenario = make_scenario(make_lesson(module), title="Old name")
    assert menu_titles(client) == ["(the starter example)", "Old name"]
    scenario.title = "New name"
    scenario.save()
    assert menu_titles(client) == ["(the starter example)", "New name"]
    module.published = False
    module.save()
    assert menu_titles(client) == ["(the starter example)"]


def test_linking_a_scenario_to_a_draft_lesson_only_takes_it_off_the_menu(client):
    shared = make_scenario(title="Shared in the admin")  # taught nowhere: offered
    assert "Shared in the admin" in menu_titles(client)
    shared.lessons.add(make_lesson(published=False))
    assert "Shared in the admin" not in menu_titles(client)
    shared.delete()
    assert menu_titles(client) == ["(the starter example)"]


def test_a_preset_taken_off_the_menu_no_longer_opens(client):
    lesson = make_lesson()
    scenario = make_scenario(lesson, title="Soon a draft")
    assert "Soon a draft" in client.get(f"/sandbox/?preset={scenario.slug}").content.decode()
    lesson.published = False
    lesson.save()
    opened = client.get(f"/sandbox/?preset={scenario.slug}").content.decode()
    assert f"There is no preset called “<bdi>{scenario.slug}</bdi>”" in opened


def test_the_menu_lists_what_is_offered_in_its_order_once_each():
    """The menu's query runs compiled once (presets._OFFERED): the same rows, in the same
    order, as the ORM's `offered()` (ordered by `order`, then slug; a scenario taught in two
    lessons listed once; one taught only in a draft left out)."""
    module = make_module()
    first, second = make_lesson(module), make_lesson(module)
    make_scenario(first, second, title="Twice taught", order=2, slug="b-twice")
    make_scenario(title="Shared", order=1, slug="z-shared")
    make_scenario(first, title="Same order", order=2, slug="a-same")
    make_scenario(make_lesson(published=False), title="Draft only", order=0, slug="c-draft")
    expected = list(presets.offered().values_list("slug", "title"))
    assert expected == [
        ("z-shared", "Shared"),
        ("a-same", "Same order"),
        ("b-twice", "Twice taught"),
    ]
    presets.changed()
    assert list(presets.menu().entries) == expected


def test_a_preset_is_read_once_and_its_edit_shows_on_the_next_opening(client):
    lesson = make_lesson(title="Reading reports")
    scenario = make_scenario(lesson, title="Alice reads", situation="Alice opens a report.")
    url = f"/sandbox/?preset={scenario.slug}"
    first = client.get(url).content.decode()
    assert "Alice opens a report." in first and "Reading reports</a>" in first
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url).content.decode()
    assert "Alice opens a report." in again
    assert not [q for q in ctx.captured_queries if "lessons_scenario" in q["sql"]]
    scenario.situation = "Alice opens the 2025 report."
    scenario.save()
    assert "Alice opens the 2025 report." in client.get(url).content.decode()
    lesson.title = "Reading old reports"
    lesson.save()
    assert "Reading old reports</a>" in client.get(url).content.decode()
    # A write that sends no signals shows after presets.changed().
    type(scenario).objects.filter(pk=scenario.pk).update(situation="Bob opens it.")
    presets.changed()
    assert "Bob opens it." in client.get(url).content.decode()


def selected_options(client, url: str) -> list[str]:
    body = client.get(url).content.decode()
    select = body.split('<select id="preset" name="preset">', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_the_menu_selects_the_open_preset_drawn_once_per_version_and_preset(client, monkeypatch):
    """Each page's menu selects the preset open (the example or a shared case: the first,
    empty option); its options are drawn once per preset and content version."""
    lesson = make_lesson()
    first, second = make_scenario(lesson, title="First"), make_scenario(lesson, title="Second")
    draws = count_calls(monkeypatch, presets, "render_to_string")
    for _ in range(2):
        assert selected_options(client, f"/sandbox/?preset={first.slug}") == [first.slug]
        assert selected_options(client, f"/sandbox/?preset={second.slug}") == [second.slug]
        assert selected_options(client, "/sandbox/") == [""]
    assert len(draws) == 3
    second.title = "Second, renamed"
    second.save()
    body = client.get(f"/sandbox/?preset={first.slug}").content.decode()
    assert f'<option value="{second.slug}">Second, renamed</option>' in body and len(draws) == 4
