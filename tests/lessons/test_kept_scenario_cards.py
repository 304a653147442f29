"""A scenario card waiting for a prediction is drawn once and kept by the scenario's content
(lessons/pages.py); each page still carries its own CSRF token, and changed content is drawn
anew."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lessons import pages
from lessons.models import Scenario
from srm_trainer.kept_fragments import Keeping
from tests.conftest import make_lesson, make_scenario

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def prediction_token(body: str) -> str:
    form = body[body.index('class="predict"') :]
    return TOKEN.search(form).group(1)


def test_each_page_gets_its_own_working_token_in_a_kept_card(db, monkeypatch):
    monkeypatch.setattr(pages, "_cards", Keeping(pages.CARDS_KEPT))
    lesson = make_lesson()
    make_scenario(lesson, title="Alice reads a report")
    url = lesson.get_absolute_url()
    browser = Client(enforce_csrf_checks=True)
    first = browser.get(url).content.decode()
    second = browser.get(url).content.decode()
    assert len(pages._cards) == 1  # drawn once
    assert "csrf-stand-in" not in first + second
    assert prediction_token(first) != prediction_token(second)  # masked anew per response
    action = re.search(r'<form method="post" action="([^"#]+)#predict-', second).group(1)
    answered = browser.post(
        action, {"decision": "Allow", "csrfmiddlewaretoken": prediction_token(second)}
    )
    assert answered.status_code != 403


def test_a_kept_card_is_never_drawn_for_changed_content(client, db):
    """Cards are kept by the scenario's content, so a changed title is drawn anew even when the
    change sent no signal (`update()`); a server also keeps the scenario rows with the reading
    order, which a save (not an `update()`) renews."""
    lesson = make_lesson()
    scenario = make_scenario(lesson, title="Old title")
    assert "Old title" in client.get(lesson.get_absolute_url()).content.decode()
    Scenario.objects.filter(pk=scenario.pk).update(title="New title")
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert "New title" in body and "Old title" not in body


@pytest.mark.django_db(transaction=True)
def test_one_scenario_in_two_lessons_posts_to_each_lessons_own_address(monkeypatch):
    """Committed rows, so the scenario rows and their content's digest are kept with the
    reading order: the same card content in two lessons, each asked twice, posts each
    prediction to its own lesson."""
    monkeypatch.setattr(pages, "_cards", Keeping(pages.CARDS_KEPT))
    first, second = make_lesson(slug="first-home"), make_lesson(slug="second-home")
    make_scenario(first, second, slug="shared")
    client = Client()
    for _ in range(2):
        for lesson in (first, second):
            body = client.get(lesson.get_absolute_url()).content.decode()
            action = re.search(r'<form method="post" action="([^"#]+)#predict-shared', body)
            assert action.group(1) == f"{lesson.get_absolute_url()}predict/shared/"
    assert len(pages._cards) == 2


def test_a_kept_card_builds_no_prediction_form(db, monkeypatch):
    """The prediction's question and form are made only when a card is drawn: a page that
    shows the kept card makes neither, and shows what the page that drew it showed."""
    from quizzes import lesson_checks

    monkeypatch.setattr(pages, "_cards", Keeping(pages.CARDS_KEPT))
    made = []
    for name in ("prediction_form", "prediction_question"):
        real = getattr(lesson_checks, name)
        monkeypatch.setattr(
            lesson_checks,
            name,
            lambda *a, real=real, name=name, **k: made.append(name) or real(*a, **k),
        )
    lesson = make_lesson()
    make_scenario(lesson, slug="offered")
    client = Client()
    drawn = client.get(lesson.get_absolute_url()).content.decode()
    assert made and "prediction_form" in made  # the first page draws the card
    made.clear()
    kept = client.get(lesson.get_absolute_url()).content.decode()
    assert made == []
    tokens = re.compile(r'(?<=csrfmiddlewaretoken" value=")[^"]+|(?<="X-CSRFToken": ")[^"]+')
    assert tokens.sub("", kept) == tokens.sub("", drawn)  # each page masks its token anew
    assert 'name="decision" value="Allow"' in kept
