"""The teaching and cohort pages follow the site's rule for a refused form
(srm_trainer/error_focus.py): a page with an error summary opens on it; a page of one small
form opens on its first field in error; a row's button that comes back focused keeps it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.test_error_focus import field_in_error, focused_on_load
from tests.teach.test_views_questions import choice, form_data
from tests.teach.test_views_quizzes import SETTINGS

pytestmark = pytest.mark.django_db


def test_a_refused_question_opens_on_its_summary(teacher, owned):
    quiz, _ = owned
    rows = [choice("Patch the guest OS", True), choice("Patch the hypervisor", False, "x" * 2001)]
    page = teacher.post(
        reverse("teach:question-create", args=[quiz.pk, "single"]), form_data(rows)
    ).content.decode()
    ((tag, attrs),) = focused_on_load(page)
    assert (tag, attrs["id"], attrs["tabindex"]) == ("div", "problems", "-1")
    assert attrs["role"] == "alert"


def test_a_rows_button_keeps_the_focus_over_the_summary(teacher, owned):
    """A row added to a question with a refused row comes back focused on the new row's text
    (teach.editors.focus_after), not on the summary above it."""
    _quiz, question = owned
    rows = [choice("Patch the guest OS", True), choice("", False, "x" * 2001)]
    page = teacher.post(
        reverse("teach:question-edit", args=[question.pk]),
        form_data(rows, category=question.category, action="add"),
    ).content.decode()
    ((tag, attrs),) = focused_on_load(page)
    assert (tag, attrs["name"]) == ("input", "rows-2-text")


def test_a_refused_quiz_opens_on_its_summary(teacher):
    page = teacher.post(
        reverse("teach:quiz-create"), {**SETTINGS, "draw_category": "iam", "draw_count": "0"}
    ).content.decode()
    ((tag, attrs),) = focused_on_load(page)
    assert (tag, attrs["id"]) == ("div", "problems")
    field_in_error(page, "draw_count")


def test_a_refused_cohort_code_opens_on_the_code(learner_client):
    page = learner_client.post(reverse("cohorts:join"), {"code": "NOPE-NOPE"}).content.decode()
    attrs = field_in_error(page, "code")
    assert focused_on_load(page) == [("input", attrs)]
    assert focused_on_load(learner_client.get(reverse("cohorts:mine")).content.decode()) == []


def test_a_refused_import_opens_on_its_message(teacher):
    page = teacher.post("/teach/import/", {"format": "auto", "action": "preview"}).content.decode()
    assert "Choose a file, or paste the questions&#x27; text." in page
    ((tag, attrs),) = focused_on_load(page)
    assert (tag, attrs["role"], attrs["tabindex"]) == ("div", "alert", "-1")
