"""A question saved before a check it now fails (this morning's WAF Name rule: 'block admin'
was accepted until AWS WAF's own pattern was enforced) is skipped for learners; its author must
be told so, why and where, when they open it, not only after a save."""

from __future__ import annotations

import copy
import re

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question
from tests.quizzes.builders import WAF_CASE, make_question
from tests.teach.formdata import text

pytestmark = pytest.mark.django_db


def broken_waf(owner) -> Question:
    """A WAF question as a row written before the Name rule: stored without `clean()`."""
    case = copy.deepcopy(WAF_CASE)
    case["web_acl"]["Rules"][0]["Name"] = "watch admin"
    question = make_question(
        "waf_rule", owner=owner, source=Source.AUTHORED, lesson=None, module=None,
        data={"case": case},
    )  # fmt: skip
    assert question.problems(), "the row must break today's rule"
    return question


def notice_of(response) -> str:
    found = re.search(r'<div class="form-error"[^>]*id="stored-problems"[^>]*>(.*?)</div>',
                      text(response), re.S)  # fmt: skip
    assert found, "the editor does not say the question is broken"
    return found.group(0)


def test_opening_a_broken_question_says_why_where_and_what_learners_see(teacher, instructor):
    question = broken_waf(instructor)
    response = teacher.get(reverse("teach:question-edit", args=[question.pk]))
    assert response.status_code == 200
    notice = notice_of(response)
    assert "Learners are not shown this question" in notice
    assert "watch admin" in notice  # the engine's reason, with what was typed
    assert 'href="#id_k-case"' in notice  # linked to the box that holds it
    assert "autofocus" in notice  # the page opens on it


def test_a_sound_question_opens_without_the_notice(teacher, instructor):
    question = make_question(
        "waf_rule", owner=instructor, source=Source.AUTHORED, lesson=None, module=None
    )
    response = teacher.get(reverse("teach:question-edit", args=[question.pk]))
    assert 'id="stored-problems"' not in text(response)


def test_the_bank_marks_a_broken_question_and_says_why(teacher, instructor):
    broken = broken_waf(instructor)
    sound = make_question(
        "waf_rule", owner=instructor, source=Source.AUTHORED, lesson=None, module=None
    )
    page = text(teacher.get(reverse("teach:bank")))
    row = re.search(rf'<tr id="bank-q-{broken.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "Broken: skipped for learners" in row
    assert "watch admin" in row
    other = re.search(rf'<tr id="bank-q-{sound.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "Broken" not in other


@pytest.mark.parametrize(
    "kind, spoil",
    [
        ("single", lambda data: data["choices"][0].update(text="")),
        ("categorize", lambda data: data.update(categories=[])),
        ("least_privilege", lambda data: data["challenge"].update(principal="alice")),
        ("route_findings", lambda data: data.update(model='{"ip": [{"cidr": "10.0.0.7/32"}]}')),
    ],
)
def test_every_editor_opens_a_broken_question_with_the_notice(teacher, instructor, kind, spoil):
    question = make_question(kind, owner=instructor, source=Source.AUTHORED, lesson=None)
    data = copy.deepcopy(question.data)
    spoil(data)
    Question.objects.filter(pk=question.pk).update(data=data)
    question.refresh_from_db()
    assert question.problems()
    response = teacher.get(reverse("teach:question-edit", args=[question.pk]))
    assert response.status_code == 200
    notice = notice_of(response)
    assert "Learners are not shown this question" in notice
    assert 'href="#id_' in notice  # linked to the field, rows included (read unbound)


def dashboard_row(page: str, question: Question) -> str:
    """The dashboard's "Questions you wrote" row linking to `question`'s editor."""
    link = reverse("teach:question-edit", args=[question.pk])
    found = re.search(rf'<tr>\s*<th scope="row"><a href="{link}">(.*?)</tr>', page, re.S)
    assert found, f"no row for question {question.pk}"
    return found.group(1)


def test_the_dashboard_marks_a_broken_question_as_the_bank_does(teacher, instructor):
    """ "Questions you wrote" listed a question learners are no longer shown as any other."""
    broken = broken_waf(instructor)
    sound = make_question(
        "waf_rule", owner=instructor, source=Source.AUTHORED, lesson=None, module=None
    )
    page = text(teacher.get(reverse("teach:dashboard")))
    row = dashboard_row(page, broken)
    assert "Broken: skipped for learners" in row and "watch admin" in row
    assert "Open it to fix it." in row
    assert "Broken" not in dashboard_row(page, sound)


def test_the_dashboards_broken_marks_cost_no_query_per_row(teacher, instructor):
    """Every kind's check (a policy-decision question's reads its scenario) runs on what the
    rows' one query read: a kind reading a field the list left out would be a query a row.
    The checks are kept per process (`quick_problems`): cleared here, so each one runs."""
    from quizzes import kinds
    from quizzes.models import _QUICK_PROBLEMS
    from tests.conftest import page_queries

    url = reverse("teach:dashboard")
    make_question("single", owner=instructor, source=Source.AUTHORED, lesson=None,
                  module=None)  # fmt: skip
    _QUICK_PROBLEMS.clear()
    one, _ = page_queries(teacher, url, warm=True)
    for kind in kinds.KINDS:
        for _ in range(2):
            make_question(kind, owner=instructor, source=Source.AUTHORED, lesson=None,
                          module=None)  # fmt: skip
    broken_waf(instructor)
    _QUICK_PROBLEMS.clear()
    every, page = page_queries(teacher, url)
    assert every == one
    assert page.count("Broken: skipped for learners") == 1
