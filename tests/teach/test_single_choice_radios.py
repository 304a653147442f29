"""A single-choice question's "Correct" marks are one radio group across its rows: marking a
second choice unmarks the first in the browser (no script), each button says which choice it
marks, and a post that still marks two rows (a script, an older page) is refused by the kind's
own check with the same words as before. A multiple-choice question keeps its checkboxes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.urls import reverse

from lessons.models import Source
from teach.widgets import OneOfRows
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    """Every <input> of the page with its attributes, and every label's text by its `for`."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "input":
            self.inputs.append(a)
        elif tag == "label" and a.get("for"):
            self._label = a["for"]
            self.labels[self._label] = ""

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] += data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None


def _page(client, url) -> _Inputs:
    parsed = _Inputs()
    parsed.feed(client.get(url).content.decode())
    return parsed


def _correct_controls(parsed: _Inputs) -> list[dict]:
    return [i for i in parsed.inputs if re.fullmatch(r"id_rows-\d+-correct", i.get("id", ""))]


def _question(kind, owner, correct):
    choices = [
        {"id": f"c{n}", "text": f"Choice text {n}", "correct": n in correct, "feedback": ""}
        for n in range(4)
    ]
    question = make_question(
        kind,
        owner=owner,
        source=Source.AUTHORED,
        lesson=None,
        category="mine",
        data={"choices": choices},
    )
    quiz = make_quiz(question, owner=owner, source=Source.AUTHORED, published=False)
    return quiz, question


def _edit_url(quiz, question) -> str:
    return reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"


def test_single_choice_marks_are_one_labelled_radio_group(teacher, instructor):
    quiz, question = _question("single", instructor, correct={2})
    parsed = _page(teacher, _edit_url(quiz, question))
    controls = _correct_controls(parsed)
    assert [c["type"] for c in controls] == ["radio"] * 4
    # One name for the group (so the browser keeps one chosen and arrows move between them),
    # the row's number as each button's value, the stored answer chosen.
    assert {c["name"] for c in controls} == {"rows-correct"}
    assert [c["value"] for c in controls] == ["0", "1", "2", "3"]
    assert ["checked" in c for c in controls] == [False, False, True, False]
    # Each button is named for its row when reached alone.
    for n, control in enumerate(controls, start=1):
        assert f"Choice {n} is correct" in parsed.labels[control["id"]]


def test_multiple_choice_marks_stay_checkboxes(teacher, instructor):
    quiz, question = _question("multiple", instructor, correct={0, 3})
    controls = _correct_controls(_page(teacher, _edit_url(quiz, question)))
    assert [c["type"] for c in controls] == ["checkbox"] * 4
    assert [c["name"] for c in controls] == [f"rows-{n}-correct" for n in range(4)]
    assert ["checked" in c for c in controls] == [True, False, False, True]


def test_choosing_another_radio_saves_that_choice_as_the_one_correct(teacher, instructor):
    quiz, question = _question("single", instructor, correct={0})
    url = _edit_url(quiz, question)
    fields = form_fields(teacher.get(url).content.decode())
    assert fields["rows-correct"] == "0"
    fields["rows-correct"] = "3"  # what the browser posts once choice 4's button is chosen
    assert teacher.post(url, {**fields, "action": "save"}).status_code == 302
    question.refresh_from_db()
    assert [c["correct"] for c in question.choices()] == [False, False, False, True]


def test_the_chosen_radio_follows_its_row_when_it_moves(teacher, instructor):
    quiz, question = _question("single", instructor, correct={2})
    url = _edit_url(quiz, question)
    fields = form_fields(teacher.get(url).content.decode())
    moved = form_fields(teacher.post(url, {**fields, "action": "up-2"}).content.decode())
    assert moved["rows-1-text"] == "Choice text 2" and moved["rows-correct"] == "1"


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    "marks",
    [
        # Each row's own field, as the checkboxes posted it.
        [("rows-0-correct", "on"), ("rows-1-correct", "on")],
        # The group sent twice, which no browser does.
        [("rows-correct", "0"), ("rows-correct", "1")],
        # One of each.
        [("rows-correct", "0"), ("rows-1-correct", "on")],
    ],
)
def test_a_post_marking_two_choices_is_still_refused(teacher, instructor, marks):
    quiz, question = _question("single", instructor, correct={0})
    url = _edit_url(quiz, question)
    fields = form_fields(teacher.get(url).content.decode())
    del fields["rows-correct"]
    post = QueryDict(mutable=True)
    for name, value in fields.items():
        post.setlist(name, value if isinstance(value, list) else [value])
    for name, value in marks:
        post.appendlist(name, value)
    post["action"] = "save"
    response = teacher.post(url, post.urlencode(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "Mark only one choice as correct: 2 are marked." in response.context["problems"]
    question.refresh_from_db()
    assert [c["correct"] for c in question.choices()] == [True, False, False, False]


def test_the_widget_reads_the_group_and_a_rows_own_field():
    widget = OneOfRows()
    data = QueryDict("rows-correct=2&rows-0-correct=on")
    assert widget.value_from_datadict(data, {}, "rows-2-correct") is True
    assert widget.value_from_datadict(data, {}, "rows-0-correct") is True
    assert widget.value_from_datadict(data, {}, "rows-1-correct") is False
    assert widget.value_from_datadict(QueryDict(""), {}, "rows-2-correct") is False
    # A plain dict (a test, a script) of one value.
    assert widget.value_from_datadict({"rows-correct": "1"}, {}, "rows-1-correct") is True
