"""The sandbox page's editors and result, kept per process for a state many people open
(srm_trainer/sandbox/panel.py, `drawn_editors`): the same page as drawing them afresh, for
exactly the state, host and moment asked for."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine

from srm_trainer.sandbox import panel
from srm_trainer.sandbox.state import SandboxState, encode_permalink, starter_state
from tests.conftest import count_calls, make_lesson, make_scenario
from tests.sandbox.test_state import rich_state
from tests.shipped import shipped_curriculum as shipped

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)


def _page(client, url: str, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    # The per-request parts: the form's CSRF token and the CSP nonce.
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r'nonce="[^"]+"|data-style-nonce="[^"]+"', "", body)


@pytest.fixture
def evaluations(monkeypatch):
    panel._drawn.cache_clear()
    yield count_calls(monkeypatch, panel, "analyse")
    panel._drawn.cache_clear()


def test_a_state_opened_again_is_drawn_once_and_shows_the_same(client, evaluations):
    link = f"/sandbox/?case={encode_permalink(rich_state())}"
    with time_machine.travel(NOON, tick=False):
        first = _page(client, link)
        again = _page(client, link)
    assert first == again
    assert len(evaluations) == 1
    assert 'name="scp-1-1"' in again and "A named case" in again


def test_a_kept_state_is_opened_again_without_making_its_link_again(
    client, evaluations, monkeypatch
):
    # The link is part of the drawing: made once with it, not on each opening to find it.
    link = f"/sandbox/?case={encode_permalink(rich_state())}"
    encoded = count_calls(monkeypatch, panel, "encode_permalink")
    with time_machine.travel(NOON, tick=False):
        first = _page(client, link)
        again = _page(client, link)
    assert first == again and len(encoded) == 1
    assert f'value="http://testserver{link}"' in again


def test_the_example_shows_the_time_of_each_opening(client, evaluations):
    with time_machine.travel(NOON, tick=False):
        at_noon = _page(client, "/sandbox/")
    with time_machine.travel(NOON.replace(second=1), tick=False):
        a_second_later = _page(client, "/sandbox/")
    assert 'value="2026-06-01T12:00:00Z"' in at_noon
    assert 'value="2026-06-01T12:00:01Z"' in a_second_later
    assert len(evaluations) == 2


def test_an_edited_preset_shows_its_edit_on_the_next_opening(client):
    scenario = make_scenario(make_lesson(), title="Reading reports")
    url = f"/sandbox/?preset={scenario.slug}"
    assert 'value="s3:GetObject"' in _page(client, url)
    scenario.case["request"]["action"] = "s3:PutObject"
    scenario.save()
    edited = _page(client, url)
    assert 'value="s3:PutObject"' in edited and 'value="s3:GetObject"' not in edited


def test_each_host_gets_a_permalink_to_itself(client, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    link = f"/sandbox/?case={encode_permalink(rich_state())}"
    with time_machine.travel(NOON, tick=False):
        one = _page(client, link, HTTP_HOST="one.example")
        two = _page(client, link, HTTP_HOST="two.example")
    assert 'value="http://one.example/sandbox/?case=' in one
    assert 'value="http://two.example/sandbox/?case=' in two and "one.example" not in two


def test_every_shipped_preset_stays_kept_while_the_example_ticks(rf, evaluations, monkeypatch):
    """The example is another drawing each second (it shows the time), and the course ships
    35 presets: kept for 32 states, a learner going through the presets found each drawn
    afresh. The kept drawings hold every preset (and a few more) beside a minute of the
    example opened every second. (What is drawn is left out here: tested above.)"""
    monkeypatch.setattr(panel.drawn_parts, "draw", lambda parts, templates, context: {})
    presets = [SandboxState(name=f"Preset {i}") for i in range(len(shipped().scenarios) + 5)]
    request = rf.get("/sandbox/")

    def open_(state):
        return panel.drawn_editors(request, state, url="/sandbox/", target="#workspace")

    first = [open_(state) for state in presets]
    for second in range(60):
        with time_machine.travel(NOON.replace(second=second), tick=False):
            open_(starter_state())
    assert all(open_(state) is drawn for state, drawn in zip(presets, first, strict=True))
    assert len(evaluations) == len(presets) + 60
