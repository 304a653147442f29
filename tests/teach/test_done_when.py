"""Issue 9's "done when", walked through the pages an instructor uses (no Django admin):

an admin makes an empty account an instructor; they write a quiz with one question of every
kind (a policy question whose key they see live, a least-privilege challenge whose reference
is checked, network questions written as a case or challenge in JSON), preview it as a learner, publish it, export it as JSON and GIFT, import both
into a fresh database, and a learner takes it. Broken questions are refused at every door.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from lessons.models import Scenario
from quizzes import attempts
from quizzes.models import Attempt, Question, Quiz
from srm_trainer.accounts.roles import is_instructor
from srm_trainer.iam.words import DECISIONS as WORDS
from teach.editors import EDITORS
from tests.conftest import give_mfa
from tests.teach.conftest import client_for
from tests.teach.test_engine_editors import (
    ALLOW_ROWS,
    DENY_ROWS,
    challenge_form,
    key_of,
    policy_form,
)
from tests.teach.test_network_editors import (
    REFERENCE,
    challenge,
    fix_form,
    flow_case,
    flow_form,
    waf_case,
    waf_form,
)
from tests.teach.test_route_editor import route_form
from tests.teach.test_views_questions import KINDS, _create, form_data, learner_post
from tests.teach.test_views_transfer import _confirm_fields

pytestmark = pytest.mark.django_db

SETTINGS = {
    "title": "Shared responsibility check",
    "description": "One of every kind.",
    "pass_mark": "70",
    "attempts_allowed": "0",
    "feedback": "immediate",
    "draw_category": "",
    "draw_count": "0",
}


def _empty_content() -> None:
    Attempt.objects.all().delete()
    Quiz.objects.all().delete()
    Question.objects.all().delete()
    Scenario.objects.all().delete()


def _import(teacher, text: str, name: str) -> str:
    """Upload, preview, confirm; returns the preview page's text."""
    url = reverse("teach:import")
    upload = SimpleUploadedFile(name, text.encode("utf-8"))
    preview = teacher.post(url, {"file": upload, "format": "auto", "action": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    done = teacher.post(url, _confirm_fields(page))
    assert done.status_code == 302, page
    return page


def test_an_instructor_writes_previews_publishes_exports_imports_and_a_learner_takes_it(
    learner,
):
    # An admin makes an empty account an instructor; two-factor sign-in is then required.
    ines = get_user_model().objects.create_user("ines", password="a-long-passphrase-9")
    call_command("make_instructor", "ines")
    assert is_instructor(ines)
    give_mfa(ines)
    teacher = client_for(ines)

    # A quiz, then one question of every kind through its editor.
    created = teacher.post(reverse("teach:quiz-create"), SETTINGS)
    quiz = Quiz.objects.get()
    assert created["Location"] == reverse("teach:quiz", args=[quiz.pk])
    for kind, (rows, extra) in KINDS.items():
        response = _create(teacher, quiz, kind, form_data(rows, extra))
        assert response.status_code == 302, kind

    url, data = policy_form(teacher, quiz, action="engine")
    live = teacher.post(url, data, headers={"HX-Request": "true"})
    assert key_of(live) == WORDS["Allow"]  # the key, seen before saving
    data["case-identity-0-text"] = data["case-identity-0-text"].replace("Allow", "Deny")
    assert key_of(teacher.post(url, data, headers={"HX-Request": "true"})) == WORDS["ExplicitDeny"]
    data["action"] = "save"
    saved = teacher.post(url, data)
    assert saved.status_code == 302, re.findall(
        r'role="alert"[^>]*>(.*?)</', saved.content.decode(), re.S
    )

    url, data = challenge_form(teacher, quiz, ALLOW_ROWS, DENY_ROWS)
    assert teacher.post(url, data).status_code == 302
    url, data = flow_form(teacher, quiz, flow_case(), **{"k-ask_hop": "on"})
    assert teacher.post(url, data).status_code == 302
    url, data = waf_form(teacher, quiz, waf_case(), **{"k-ask_number": "121"})
    assert teacher.post(url, data).status_code == 302
    url, data = fix_form(teacher, quiz, challenge())
    assert teacher.post(url, data).status_code == 302
    url, data = route_form(teacher, quiz)
    assert teacher.post(url, data).status_code == 302
    # every kind, each through its editor
    assert sorted(quiz.questions.values_list("type", flat=True)) == sorted(EDITORS)

    # Preview as a learner: the learner's page, graded, nothing stored.
    preview = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk]))
    assert preview.status_code == 200 and Attempt.objects.count() == 0

    # Publish, then export both ways.
    teacher.post(reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "true"})
    quiz.refresh_from_db()
    assert quiz.published
    as_json = teacher.get(reverse("teach:quiz-export", args=[quiz.pk, "json"])).content.decode()
    as_gift = teacher.get(reverse("teach:quiz-export", args=[quiz.pk, "gift"])).content.decode()
    assert '"format": "srm-trainer-questions"' in as_json
    assert as_gift.startswith("// Left out, GIFT has no such kind:")  # and names them
    assert "(Put in order)" in as_gift and "::[markdown]" in as_gift

    # Import into a fresh database: every kind comes back; the JSON export is the same file.
    _empty_content()
    _import(teacher, as_json, "quiz.json")
    again = Quiz.objects.get()
    assert sorted(again.questions.values_list("type", flat=True)) == sorted(EDITORS)
    exported = teacher.get(reverse("teach:quiz-export", args=[again.pk, "json"]))
    assert re.sub(r'"slug": "[^"]*"', "", exported.content.decode()) == re.sub(
        r'"slug": "[^"]*"', "", as_json
    )
    _import(teacher, as_gift, "quiz.gift")  # a bank of the three kinds GIFT holds
    assert Question.objects.filter(type__in=["single", "multiple", "true_false"]).count() == 6

    # Published (imports are drafts), the learner takes it and every answer is right.
    teacher.post(reverse("teach:quiz-publish", args=[again.pk]), {"published": "true"})
    attempt = attempts.attempt_start(quiz=Quiz.objects.get(pk=again.pk), user=learner)
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        if question.type == "policy_decision":
            response = {"decision": question.scenario.expected}
            if question.ask_statement:
                response["statement"] = "ReadReports"
        elif question.type == "least_privilege":
            response = {"policy": question.data["reference"]}
        elif question.type == "flow_decision":
            key = question.kind.key(question)
            response = {"verdict": key["key"], "hop": key["hop"]}
        elif question.type == "waf_rule":
            response = {"rule": question.kind.key(question)["key"]}
        elif question.type == "flow_fix":
            assert question.data["reference"] == REFERENCE
            response = {"rules": REFERENCE}
        elif question.type == "route_findings":
            response = {"pattern": question.data["model"]}
        else:
            response = _response(question)
        attempts.answer_save(attempt=attempt, question=question, response=response)
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    assert attempt.passed


def _response(question: Question) -> dict:
    """What the learner's form would produce for a right answer."""
    from quizzes.forms import AnswerForm

    form = AnswerForm(question, question.layout_ids(), learner_post(question))
    assert form.is_valid(), form.errors
    return form.response()
