"""An archived question on its quiz's page reads as archived and keeps AA contrast: the entry
was faded to .75 opacity, which took its grey meta line, its badge and its links below 4.5:1
(axe-core, colour-contrast, serious), in light and dark."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.models import Question, Quiz
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_teach_choices import urls  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_archived_entry_keeps_its_contrast(urls, page, scheme):  # noqa: F811
    question = Question.objects.get(owner__username="ines")
    question.archived = True
    question.save()
    quiz = Quiz.objects.get(owner__username="ines")
    page.emulate_media(color_scheme=scheme)
    page.goto(reverse("teach:quiz", args=[quiz.pk]))
    entry = page.locator(f"#entry-{question.pk}")
    expect(entry.get_by_text("Archived: not in new attempts")).to_be_visible()
    assert entry.evaluate("e => getComputedStyle(e).opacity") == "1"
    assert entry.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    assert_accessible(page)
