"""Choices, items and a choice's feedback draw their code spans as code: on the question page
and in the feedback the backticks showed as typed (`"Action": "s3:ListBucket"`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from srm_trainer.code_spans import inline_code
from tests.quizzes.builders import choices, make_question, make_quiz

pytestmark = pytest.mark.django_db


def test_a_code_span_becomes_code_and_the_rest_stays_escaped():
    assert inline_code("Allow `s3:ListBucket` on `arn:aws:s3:::reports`") == (
        "Allow <code>s3:ListBucket</code> on <code>arn:aws:s3:::reports</code>"
    )
    assert (
        inline_code('`"Action": "<b>"`') == "<code>&quot;Action&quot;: &quot;&lt;b&gt;&quot;</code>"
    )
    assert inline_code("a lone ` backtick") == "a lone ` backtick"
    assert inline_code(None) == ""


def test_the_question_and_its_feedback_draw_code_spans_as_code(client):
    data = {
        "choices": choices(("Allow `s3:ListBucket` on the bucket", True), ("Allow `s3:*`", False))
    }
    data["choices"][1]["feedback"] = "`s3:*` is every S3 action."
    question = make_question("single", data=data)
    quiz = make_quiz(question)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("pk")
    take = reverse("quizzes:take", args=[attempt.pk])
    page = client.get(take).content.decode()
    assert "<code>s3:ListBucket</code> on the bucket</label>" in page
    assert "`" not in page.split('class="choices"')[1].split("</fieldset>")[0]

    wrong = next(c["id"] for c in question.choices() if not c["correct"])
    answer = reverse("quizzes:answer", args=[attempt.pk, 1])
    page = client.post(answer, {"choice": wrong, "action": "check"}, follow=True).content.decode()
    feedback = page.split('class="feedback-region"')[1]
    assert "<li>Allow <code>s3:*</code></li>" in feedback  # your answer
    assert "<li>Allow <code>s3:ListBucket</code> on the bucket</li>" in feedback  # the right one
    assert "<code>s3:*</code> is every S3 action." in feedback


def test_a_scenarios_title_shows_its_code_spans_in_the_lesson_and_the_preset_menu(client):
    """A scenario titled "`Allow` with `NotAction: iam:*`" showed its backticks in the lesson's
    card heading and in the sandbox's preset menu."""
    from srm_trainer.sandbox import presets
    from tests.conftest import make_lesson, make_scenario

    lesson = make_lesson()
    make_scenario(lesson, slug="not-action", title="`Allow` with `NotAction: iam:*`")
    presets.changed()
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "<code>Allow</code> with <code>NotAction: iam:*</code></h3>" in page
    menu = client.get("/sandbox/").content.decode()
    assert '<option value="not-action">Allow with NotAction: iam:*</option>' in menu
