"""A prompt, explanation or feedback pasted past its limit comes back whole with its length
said, never cut by the browser: a `maxlength` on the box made the browser drop the end of a
paste without a word, and a 6,000-character prompt was saved as its first 5,000 (found walking
through the instructor's first day, 2026-12-06; the JSON boxes had been fixed so already,
`tests/teach/test_network_editors.py`)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.models import Question
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
