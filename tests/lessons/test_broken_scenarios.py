"""A scenario row that fails validation (saved before the checks) never breaks a page."""

from __future__ import annotations

import pytest

from lessons.models import Scenario
from tests.conftest import make_lesson, make_scenario

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "case",
    [
        {"expect": "Allow"},
        "not a case",
        [],
        {"request": {"action": 5}, "expect": "Nope"},
    ],
)
def test_a_broken_scenario_is_left_out_of_its_lesson_and_the_sandbox(client, case, caplog):
    lesson = make_lesson()
    good = make_scenario(lesson, title="A working scenario")
    bad = make_scenario(lesson, title="A broken scenario")
    Scenario.objects.filter(pk=bad.pk).update(case=case)
    page = client.get(lesson.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert good.title in body and bad.title not in body
    assert f"scenario {bad.slug} is broken and skipped" in caplog.text
    sandbox = client.get(f"/sandbox/?preset={bad.slug}")
    assert sandbox.status_code == 200
    if not isinstance(case, dict):
        assert "opened with its example" in sandbox.content.decode()


def test_a_scenario_the_engine_contradicts_is_not_shown_with_the_wrong_answer(client):
    lesson = make_lesson()
    scenario = make_scenario(lesson, title="Contradicted")
    Scenario.objects.filter(pk=scenario.pk).update(case=dict(scenario.case, expect="ExplicitDeny"))
    assert "Contradicted" not in client.get(lesson.get_absolute_url()).content.decode()
