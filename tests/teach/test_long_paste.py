"""A prompt, explanation or feedback pasted past its limit comes back whole with its length
said, never cut by the browser: a `maxlength` on the box made the browser drop the end of a
paste without a word, and a 6,000-character prompt was saved as its first 5,000 (found walking
through the instructor's first day, 2026-12-06; the JSON boxes had been fixed so already,
`tests/teach/test_network_editors.py`)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from quizzes.models import Question
from tests.teach.formdata import form_fields
from tests.teach.test_engine_editors import policy_form
from tests.teach.test_views_questions import choice, form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "kind, box",
    [
        ("single", "prompt"),
        ("single", "explanation"),
        ("single", "rows-0-feedback"),
        ("categorize", "k-categories"),
        ("policy_decision", "k-situation"),
        ("policy_decision", "k-explanation"),
        ("least_privilege", "allow-0-context"),
        ("least_privilege", "k-scope"),
    ],
)
def test_the_editors_prose_boxes_leave_their_limit_to_the_server(teacher, owned, kind, box):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, kind])
    page = teacher.get(url, follow=True).content.decode()
    control = re.search(rf'<textarea[^>]*name="{box}"[^>]*>', page)
    assert control, box
    assert "maxlength" not in control.group(0)


@pytest.mark.parametrize(("box", "limit"), [("prompt", 5000), ("explanation", 10000)])
def test_a_paste_past_the_limit_comes_back_whole_with_its_length(teacher, owned, box, limit):
    quiz, _ = owned
    pasted = "Which one is yours? " + "x" * limit
    rows = [choice("Patch the guest OS", True), choice("Patch the hypervisor")]
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    response = teacher.post(url, form_data(rows, **{box: pasted}))
    assert response.status_code == 200
    assert not Question.objects.filter(prompt__startswith="Which one is yours? x").exists()
    page = response.content.decode()
    assert f"{pasted}</textarea>" in page
    assert (
        f"This is {len(pasted)} characters long; it takes at most {limit}. Nothing was cut: "
        "shorten it here."
    ) in page


def test_an_import_pasted_past_its_limit_is_not_cut_by_the_browser(teacher):
    # A cut paste is JSON without its end: refused for a bracket never closed, not its length.
    page = teacher.get(reverse("teach:import"), follow=True).content.decode()
    control = re.search(r'<textarea[^>]*name="text"[^>]*>', page)
    assert control
    assert "maxlength" not in control.group(0)


def test_no_forms_textarea_leaves_its_limit_to_the_browser():
    # Learners' answer boxes (a least-privilege policy, a flow fix) are drawn by the same widget.
    from django import forms

    from srm_trainer.typed_text import Textarea

    class Box(forms.Form):
        text = forms.CharField(max_length=10, widget=Textarea())

    form = Box(data={"text": "x" * 11})
    assert "maxlength" not in str(form["text"])
    assert not form.is_valid()
    assert "at most 10 characters (it has 11)" in form.errors["text"][0]


# --- single-line inputs -------------------------------------------------------------------
# A choice's text (500 characters), a scenario's title (200), a quiz's title (200) and every
# other one-line field carried a `maxlength`: a longer paste was cut by the browser without a
# word, and the server never saw its end (`srm_trainer.typed_text.LimitsOnServer`).

TOO_LONG_SAID = (
    "This is {n} characters long; it takes at most {limit}. Nothing was cut: shorten it here."
)


def _input(page: str, name: str) -> str:
    control = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert control, name
    return control.group(0)


@pytest.mark.parametrize(
    "kind, name",
    [
        ("single", "rows-0-text"),
        ("ordering", "rows-0-text"),
        ("categorize", "rows-0-category"),
        ("policy_decision", "k-title"),
        ("policy_decision", "k-scenario"),
        ("least_privilege", "k-principal"),
        ("least_privilege", "k-resource_account"),
        ("least_privilege", "allow-0-action"),
        ("least_privilege", "allow-0-resource"),
        ("single", "category"),
        ("single", "lesson"),
        ("single", "new_tags"),
        ("single", "new_misconceptions"),
    ],
)
def test_the_editors_one_line_fields_leave_their_limit_to_the_server(teacher, owned, kind, name):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, kind])
    page = teacher.get(url, follow=True).content.decode()
    assert "maxlength" not in _input(page, name)


def cut_by_the_browser(page: str) -> list[str]:
    """The inputs of `page` with a `maxlength`, the search boxes apart (the header's, the
    bank's finders: the server reads a search's first characters, a limit of its own)."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [i for i in inputs if "maxlength" in i and 'type="search"' not in i]


@pytest.mark.parametrize("url_name", ["teach:quiz-create", "teach:bank"])
def test_the_other_teaching_pages_draw_no_maxlength(teacher, url_name):
    page = teacher.get(reverse(url_name), follow=True).content.decode()
    assert cut_by_the_browser(page) == []


def test_a_choice_pasted_past_its_limit_is_refused_whole_and_the_question_kept(teacher, owned):
    _, question = owned
    before = question.data
    url = reverse("teach:question-edit", args=[question.pk])
    fields = form_fields(teacher.get(url).content.decode())
    pasted = "A choice pasted from a long note " + "y" * 480
    fields["rows-0-text"] = pasted
    response = teacher.post(url, fields | {"action": "save"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert TOO_LONG_SAID.format(n=len(pasted), limit=500) in page
    assert f'value="{pasted}"' in page  # the whole text, to shorten there
    question.refresh_from_db()
    assert question.data == before


def test_a_scenario_title_pasted_past_its_limit_leaves_the_saved_scenario(teacher, owned):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz)
    assert teacher.post(url, data | {"action": "save"}).status_code == 302
    question = Question.objects.get(type="policy_decision")
    scenario = question.scenario
    edit = reverse("teach:question-edit", args=[question.pk])
    fields = form_fields(teacher.get(edit).content.decode())
    pasted = "Alice reads a report" + ", and then another" * 11
    assert len(pasted) > 200
    response = teacher.post(edit, fields | {"k-title": pasted, "action": "save"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert TOO_LONG_SAID.format(n=len(pasted), limit=200) in page
    assert f'value="{pasted}"' in page
    scenario.refresh_from_db()
    assert scenario.title == "Alice reads a report"


def test_a_quiz_title_pasted_past_its_limit_is_refused_and_the_quiz_kept(teacher, owned):
    quiz, _ = owned
    url = reverse("teach:quiz-edit", args=[quiz.pk])
    page = teacher.get(url).content.decode()
    assert "maxlength" not in _input(page, "title")
    fields = form_fields(page, "teach-form")
    pasted = "Shared responsibility" * 10
    response = teacher.post(url, fields | {"title": pasted})
    assert response.status_code == 200
    said = html.unescape(response.content.decode())
    assert TOO_LONG_SAID.format(n=len(pasted), limit=200) in said
    title = quiz.title
    quiz.refresh_from_db()
    assert quiz.title == title
