"""The question editor's rows, compact on a phone (tests/e2e/test_teach_choices.py measures
them): each control's label names its row, the optional field folds away unless it holds
text or an error, and a textarea is as tall as its text."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from teach.editors import ChoiceEditor
from teach.templatetags.teach_forms import row_fold
from teach.widgets import FittedTextarea
from tests.teach.test_views_questions import choice, form_data

pytestmark = pytest.mark.django_db

FOLD = re.compile(r'<details class="row-more"( open)?><summary>([^<]*)<span[^>]*>([^<]*)</span>')


def _labels(html: str) -> dict[str, str]:
    """Each labelled control's id and its label as read (the tags dropped)."""
    found = re.findall(r'<label for="([^"]+)"[^>]*>(.*?)</label>', html, re.S)
    said = {}
    for for_, inner in found:
        hidden = re.findall(r'class="visually-hidden">([^<]*)<', inner)
        said[for_] = hidden[0] if hidden else re.sub(r"<[^>]+>", "", inner)
    return said


def test_every_control_of_a_row_names_its_row(teacher, owned):
    quiz, _ = owned
    html = teacher.get(
        reverse("teach:question-create", args=[quiz.pk, "single"]), follow=True
    ).content
    said = _labels(html.decode())
    for n in range(1, 5):
        assert said[f"id_rows-{n - 1}-text"] == f"Choice {n} text"
        assert said[f"id_rows-{n - 1}-correct"] == f"Choice {n} is correct"
        assert said[f"id_rows-{n - 1}-feedback"] == f"Feedback when choice {n} is chosen"
    new = reverse("teach:question-create", args=[quiz.pk, "least_privilege"])
    html = teacher.get(new, follow=True)
    said = _labels(html.content.decode())
    assert said["id_allow-0-action"] == "Must-allow request 1: action"
    assert said["id_deny-0-resource"] == "Resource ARN (must-deny request 1)"


def test_a_refused_save_opens_the_fold_holding_text_or_an_error_and_keeps_it(teacher, owned):
    quiz, _ = owned
    rows = [
        choice("Patch the guest OS", True),
        choice("Patch the hypervisor", False, "x" * 2001),
        choice("Rack the servers", False, "Not yours: AWS racks them."),
        choice(""),
    ]
    page = teacher.post(
        reverse("teach:question-create", args=[quiz.pk, "single"]), form_data(rows)
    ).content.decode()
    assert "The question was not saved." in page
    folds = FOLD.findall(page)
    assert [(opened, summary + hidden) for opened, summary, hidden in folds] == [
        ("", "Feedback for choice 1"),
        (" open", "Feedback for choice 2"),
        (" open", "Feedback for choice 3"),
        ("", "Feedback for choice 4"),
    ]
    assert 'aria-invalid="true"' in page.split('id="id_rows-1-feedback"')[0].rsplit("<", 1)[1]
    assert "This is 2001 characters long; it takes at most 2000. Nothing was cut" in page
    for row in rows[:3]:
        assert row["text"] in page


def test_a_fold_opens_for_an_error_even_when_empty():
    """An error on an empty optional field (a check a kind may add) is not hidden either."""
    form = ChoiceEditor().parts(None, rows=[{"text": "A", "feedback": ""}]).rows.forms[0]
    assert " open" not in row_fold(form, "feedback", "Feedback")
    form = ChoiceEditor.row_form({"text": "A", "feedback": ""}, number=1)
    form.is_valid()
    form.add_error("feedback", "Say why this choice is wrong.")
    assert row_fold(form, "feedback", "Feedback").startswith('<details class="row-more" open>')
    assert row_fold(form, "category", "Category") == ""  # a choice has no category


@pytest.mark.parametrize(
    ("text", "rows"),
    [("", 2), ("One line.", 2), ("a\nb\nc\nd", 4), ("x" * 130, 3), ("\n" * 40, 8)],
)
def test_a_textarea_is_as_tall_as_its_text_within_bounds(text, rows):
    html = FittedTextarea(fewest=2, most=8).render("feedback", text)
    assert f'rows="{rows}"' in html


def _in_page_order(html: str, marks: list[str]) -> list[str]:
    """`marks` sorted by where each first occurs in `html` (each must occur)."""
    assert all(mark in html for mark in marks), [m for m in marks if m not in html]
    return sorted(marks, key=html.index)


def test_a_rows_controls_are_in_the_page_in_the_order_they_are_drawn(teacher, owned):
    """Tab follows the page's order (WCAG 2.4.3): "Correct" and "Remove" are drawn on the
    row's first line, beside its name and above its text, so they come after the name and
    before the text (they came after the text, so Tab went text, Correct, Remove, up the row),
    then the foot: the fold, the move buttons. tests/e2e/test_teach_choices.py presses Tab."""
    _quiz, question = owned
    html = teacher.get(reverse("teach:question-edit", args=[question.pk])).content.decode()
    row = html.split('id="id_rows-1-id"')[1].split('id="id_rows-2-id"')[0]
    drawn = [
        '<label for="id_rows-1-text"',
        'id="id_rows-1-correct"',
        'value="remove-1"',
        'id="id_rows-1-text"',
        '<details class="row-more"',
        'value="up-1"',
        'value="down-1"',
    ]
    assert _in_page_order(row, drawn) == drawn
    # A challenge's request row: its action's name and "Remove", then the action.
    new = reverse("teach:question-create", args=[_quiz.pk, "least_privilege"])
    html = teacher.get(new, follow=True).content.decode()
    drawn = ['<label for="id_allow-0-action"', 'value="allow-remove-0"', 'id="id_allow-0-action"']
    assert _in_page_order(html, drawn) == drawn
