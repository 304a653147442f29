"""The /teach/ pages say when a quiz or question was last edited on the instructor's clock
(the zone their browser reports), and name that zone, as every other time in the app does."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from quizzes.models import Question, Quiz
from tests.teach.conftest import client_for
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db

EDITED = datetime(2031, 6, 1, 18, 0, tzinfo=UTC)
SHOWN = "2 Jun 2031, 03:00 (Asia/Tokyo)"  # the next day, in Tokyo


@pytest.fixture
def tokyo(instructor):
    client = client_for(instructor)
    client.cookies["tz"] = "Asia/Tokyo"
    return client


@pytest.fixture
def edited(owned):
    quiz, question = owned
    Quiz.objects.filter(pk=quiz.pk).update(updated_at=EDITED)
    Question.objects.filter(pk=question.pk).update(updated_at=EDITED)
    return quiz, question


@pytest.mark.parametrize("page", ["dashboard", "bank", "quiz"])
def test_last_edited_is_on_the_instructors_clock_and_names_its_zone(tokyo, edited, page):
    quiz, _ = edited
    url = reverse(f"teach:{page}", args=[quiz.pk] if page == "quiz" else [])
    body = tokyo.get(url).content.decode()
    assert f'datetime="2031-06-02T03:00:00+09:00">{SHOWN}</time>' in body


def test_a_save_from_another_tab_is_said_with_its_zone(tokyo, owned):
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk])
    first = form_fields(tokyo.get(url).content.decode(), "question-editor")
    second = form_fields(tokyo.get(url).content.decode(), "question-editor")
    assert tokyo.post(url, {**first, "prompt": "First"}).status_code == 302
    refused = tokyo.post(url, {**second, "prompt": "Second"}).content.decode()
    saved = Question.objects.get(pk=question.pk).updated_at.astimezone(UTC)
    said = re.search(r"somewhere else \(another tab, or another instructor\) at ([^,]+),", refused)
    assert said is not None
    tokyo_time = f"{(saved.hour + 9) % 24:02d}:{saved.minute:02d}:{saved.second:02d}"
    assert said.group(1) == f"{tokyo_time} (Asia/Tokyo)"
