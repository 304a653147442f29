"""One save says every problem: a row refused on its own (a choice past its 500 characters, a
feedback past 2,000) hid the question's own check ("Mark the correct choice.", two choices
alike, an item in no category) until the save after the row was fixed. The kind's check now
reads the rows as far as they can be read (`teach.editors.readable_row`) in the function that
holds it, `Editor.problems_beside`, and nothing is saved while any refusal stands."""

from __future__ import annotations

import html
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from quizzes.models import Question
from teach.editors import editor_for
from tests.teach.test_engine_editors import REPORT, challenge_form, policy, stmt
from tests.teach.test_views_questions import choice, form_data

pytestmark = pytest.mark.django_db

LONG = "A choice pasted from a long note, " + "and so on " * 50  # 534 characters
TOO_LONG = f"This is {len(LONG.strip())} characters long; it takes at most 500."


def _said(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _summary(response) -> str:
    page = response.content.decode()
    found = re.search(
        r'<div class="form-error" role="alert"[^>]*id="problems".*?</div>', page, re.S
    )
    assert found, "no summary"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def _new(teacher, quiz, kind, rows, extra=None, **base):
    url = reverse("teach:question-create", args=[quiz.pk, kind])
    return teacher.post(url, form_data(rows, extra, **base))


def test_a_choice_too_long_and_no_right_answer_are_said_by_one_save(teacher, owned):
    quiz, _ = owned
    before = Question.objects.count()
    rows = [choice("Encrypt data"), choice(LONG), choice("Rotate keys")]
    response = _new(teacher, quiz, "multiple", rows)
    assert response.status_code == 200
    summary = _summary(response)
    assert f"Choice 2 text: {TOO_LONG}" in summary
    assert "Mark at least one choice as correct." in summary
    assert Question.objects.count() == before


def test_two_choices_alike_are_said_with_a_feedback_too_long(teacher, owned):
    quiz, _ = owned
    before = Question.objects.count()
    rows = [
        choice("Patch the guest OS", True, feedback="x" * 2001),
        choice("Patch the hypervisor"),
        choice("Patch the hypervisor"),
    ]
    response = _new(teacher, quiz, "single", rows)
    summary = _summary(response)
    assert "Choice 1 feedback: This is 2001 characters long; it takes at most 2000." in summary
    assert "Choice 3 repeats “Patch the hypervisor”: give each choice its own text." in summary
    assert Question.objects.count() == before


def test_a_refused_rows_tick_still_counts(teacher, owned):
    """The right answer is the row refused: its tick is read, so the save is not also told
    to mark one (which the author had)."""
    quiz, _ = owned
    rows = [choice(LONG, True), choice("Patch the hypervisor")]
    summary = _summary(_new(teacher, quiz, "single", rows))
    assert f"Choice 1 text: {TOO_LONG}" in summary
    assert "Mark the correct choice" not in summary


def test_an_edit_with_a_row_refused_and_a_check_failing_changes_nothing_saved(teacher, owned):
    _, question = owned
    stored = question.data
    url = reverse("teach:question-edit", args=[question.pk])
    rows = [choice(LONG), choice("Patch the hypervisor"), choice("Patch the hypervisor")]
    response = teacher.post(url, form_data(rows))
    assert response.status_code == 200
    summary = _summary(response)
    assert TOO_LONG in summary and "Choice 3 repeats" in summary
    assert "Mark the correct choice" not in summary  # said once the choices are fixed
    question.refresh_from_db()
    assert question.data == stored


def test_items_too_long_and_in_no_category_are_said_together(teacher, owned):
    quiz, _ = owned
    rows = [
        {"id": "", "text": LONG, "category": "AWS"},
        {"id": "", "text": "Patch the guest OS", "category": "Nobody"},
        {"id": "", "text": "Rack servers", "category": "AWS"},
    ]
    response = _new(teacher, quiz, "categorize", rows, {"categories": "AWS\nCustomer"})
    summary = _summary(response)
    assert f"Item 1 text: {TOO_LONG}" in summary
    assert "Nobody" in summary  # the kind's check of item 2's category, the same save
    assert not Question.objects.filter(type="categorize").exists()


def test_the_check_waits_for_what_it_reads_whole(teacher, owned):
    """Categorize's categories refused (past their limit): the items' categories cannot be
    checked against them, so the kind's check is left to the next save, not guessed; the
    summary still lists every refusal the fields made, a row's with the categories'."""
    quiz, _ = owned
    rows = [{"id": "", "text": LONG, "category": "Nobody"}]
    rows += [{"id": "", "text": f"Item {n}", "category": "Nobody"} for n in (2, 3)]
    response = _new(teacher, quiz, "categorize", rows, {"categories": "AWS\n" + "y" * 2000})
    summary = _summary(response)
    assert "characters long; it takes at most 2000." in summary
    assert f"Item 1 text: {TOO_LONG}" in summary
    assert "Nobody" not in summary


def test_the_domain_function_says_every_problem_without_the_view(owned, instructor):
    """`Editor.problems_beside`: the parts' own refusals, then the kind's check of what can
    be read; the question is not touched."""
    _, question = owned
    stored = question.data
    post = QueryDict(mutable=True)
    post.update(form_data([choice(LONG), choice("Encrypt data"), choice("Encrypt data")]))
    editor = editor_for("single")
    assert editor is not None
    parts = editor.parts(question, post)
    assert not parts.is_valid()
    said = [str(m) for m in editor.problems_beside(question, parts, user=instructor, shared=())]
    assert said[0] == f"Choice 1 text: {TOO_LONG} Nothing was cut: shorten it here."
    assert "Choice 3 repeats “Encrypt data”: give each choice its own text." in said
    assert question.data == stored
    # The kind's problem stands beside its row too, as a save's refusal puts it.
    assert parts.rows is not None
    assert parts.rows.forms[2].errors["text"] == [
        "Choice 3 repeats “Encrypt data”: give each choice its own text."
    ]


def test_a_challenge_request_too_long_is_said_with_the_references_failure(teacher, owned):
    """The least-privilege editor's requests are rows too: one refused (a resource past its
    2,048 characters, an object key pasted whole) and a reference that allows a must-deny
    request, said by one save."""
    quiz, _ = owned
    resource = "arn:aws:s3:::reports/" + "q1/" * 700 + "report.csv"
    allow = [("s3:GetObject", REPORT, ""), ("s3:GetObject", resource, "")]
    deny = [("s3:PutObject", REPORT, "")]
    both = policy(stmt("Allow", ["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::reports/*"))
    url, data = challenge_form(teacher, quiz, allow, deny, **{"k-reference": both})
    response = teacher.post(url, data)
    assert response.status_code == 200
    summary = _summary(response)
    assert f"This is {len(resource)} characters long; it takes at most 2048." in summary
    assert f"must-deny request 1 (s3:PutObject on {REPORT}) is allowed" in summary
    assert not Question.objects.filter(type="least_privilege").exists()
