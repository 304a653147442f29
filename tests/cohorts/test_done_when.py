"""Issue 10's "done when", walked through the pages (no Django admin):

an instructor writes a quiz in /teach/, creates a cohort and assigns the quiz with a due date;
two learners join by typing the code and take the quiz through the learner's pages, one after
the due date; the instructor reads the gradebook (one "late"), drills into an attempt, reads
the cohort's question statistics (charts with text alternatives, the misconception ranking)
and downloads both CSVs.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cohorts.models import Assignment, Cohort
from quizzes.models import Attempt, Question, Quiz
from quizzes.templatetags.quizzes_extras import tag_words
from tests.cohorts.conftest import make_learner
from tests.teach.conftest import _instructor, client_for
from tests.teach.test_done_when import SETTINGS
from tests.teach.test_views_questions import KINDS, _create, form_data

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TAG = "thinks-aws-patches-guests"  # what form_data tags the question with


def _learner_client(name: str) -> tuple[object, Client]:
    user = make_learner(name)
    client = Client()
    client.force_login(user)
    return user, client


def _join(client: Client, code: str) -> None:
    """The typed-code form on the learner's Cohorts page, lower case and without the dash."""
    page = client.get(reverse("cohorts:mine"))
    assert 'name="code"' in page.content.decode()
    response = client.post(reverse("cohorts:join"), {"code": code.replace("-", "").lower()})
    assert response.status_code == 302, response.content.decode()


def _take(client: Client, quiz: Quiz, *, right: bool) -> Attempt:
    """Start, answer the one question (right or wrong) and submit, as the pages do."""
    started = client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert started.status_code == 302
    attempt = Attempt.objects.filter(quiz=quiz).latest("pk")
    assert started["Location"] == attempt.get_absolute_url()
    assert client.get(started["Location"]).status_code == 200
    question = Question.objects.get(pk=attempt.question_ids[0])
    wanted = next(c for c in question.data["choices"] if c["correct"] is right)
    saved = client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"choice": wanted["id"], "action": "save"}
    )
    assert saved.status_code in (200, 302)
    submitted = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert submitted.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    return attempt


def _csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.usefixtures("template_context")
def test_an_instructor_runs_a_class_from_cohort_to_csv():
    ines = _instructor("ines")
    teacher = client_for(ines)

    with time_machine.travel(MONDAY, tick=False):
        # The quiz: written in /teach/, one tagged single-choice question, published.
        assert teacher.post(reverse("teach:quiz-create"), SETTINGS).status_code == 302
        quiz = Quiz.objects.get(title=SETTINGS["title"])
        rows, _ = KINDS["single"]
        rows = [rows[0], {**rows[1], "feedback": "No: the provider runs that layer."}]
        assert _create(teacher, quiz, "single", form_data(rows)).status_code == 302
        teacher.post(reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "true"})
        quiz.refresh_from_db()
        assert quiz.published

        # A cohort, and the quiz assigned to it, due on Friday at five.
        made = teacher.post(reverse("teach_cohorts:list"), {"name": "Spring class"})
        cohort = Cohort.objects.get(name="Spring class")
        assert made["Location"] == reverse("teach_cohorts:people", args=[cohort.pk])
        people = teacher.get(made["Location"]).content.decode()
        assert cohort.code_display in people
        assigned = teacher.post(
            reverse("teach_cohorts:assignment-create", args=[cohort.pk]),
            {"quiz": str(quiz.pk), "opens_at": "", "due_at": "2026-03-06T17:00"},
        )
        assert assigned.status_code == 302, assigned.content.decode()
        assignment = Assignment.objects.get(cohort=cohort)
        assert assignment.due_at == datetime(2026, 3, 6, 17, 0, tzinfo=UTC)

        # Two learners join by code; the first takes the quiz on time and answers wrongly.
        ada, ada_client = _learner_client("ada")
        bob, bob_client = _learner_client("bob")
        _join(ada_client, cohort.code_display)
        _join(bob_client, cohort.code_display)
        assert set(cohort.memberships.values_list("user__username", flat=True)) == {"ada", "bob"}
        home = ada_client.get("/").content.decode()
        assert quiz.title in home  # the assigned work on the learner's home page
        ada_attempt = _take(ada_client, quiz, right=False)

    # The second on Saturday, after the due date, answering rightly.
    with time_machine.travel(MONDAY + timedelta(days=5), tick=False):
        bob_attempt = _take(bob_client, quiz, right=True)
    assert (ada_attempt.score, bob_attempt.score) == (0, 1)

    # The gradebook: both scores, bob's flagged late.
    gradebook = teacher.get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
    assert gradebook.status_code == 200
    rows = {row.user.get_username(): row.cells[0] for row in gradebook.context["rows"]}
    assert (rows["ada"].status, rows["ada"].best) == ("submitted", 0)
    assert (rows["bob"].status, rows["bob"].best) == ("late", 1)
    page = gradebook.content.decode()
    assert re.search(r"\blate\b", page, re.I) and "ada" in page and "bob" in page

    # Drill into ada's attempt: read-only, her answer, the right one and the feedback.
    result = teacher.get(reverse("quizzes:result", args=[ada_attempt.pk]))
    assert result.status_code == 200
    text = result.content.decode()
    question = quiz.questions.get()
    wrong = next(c for c in question.data["choices"] if not c["correct"])
    right = next(c for c in question.data["choices"] if c["correct"])
    assert wrong["text"] in text and right["text"] in text
    assert wrong["feedback"] in text  # the feedback on her choice
    assert "Because the <em>customer</em> runs the guest." in text  # the explanation
    assert reverse("quizzes:answer", args=[ada_attempt.pk, 1]) not in text  # read-only
    assert teacher.post(reverse("quizzes:submit", args=[ada_attempt.pk])).status_code in (
        403,
        404,
        405,
    )

    # The cohort's statistics: charts with their text alternatives, and the misconception
    # ranking naming the tag ada's wrong answer carried, with one learner.
    stats = teacher.get(
        reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    ).content.decode()
    charts = re.findall(r'<svg class="chart" role="img"[^>]*>\s*<title[^>]*>([^<]+)</title>', stats)
    assert charts, "no chart"
    assert all(title.strip() for title in charts)
    assert stats.count("<desc") == len(charts)
    ranking = stats.split('id="misconceptions-title"', 1)[1].split("</table>", 1)[0]
    assert re.search(
        rf"<th scope=\"row\">{re.escape(tag_words(TAG))}</th>\s*<td[^>]*>1</td>\s*<td[^>]*>1</td>",
        ranking,
    ), ranking

    # Both CSVs.
    grades = _csv(teacher.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])))
    by_learner = {row["learner"]: row for row in grades}
    assert set(by_learner) == {"ada", "bob"}
    assert (by_learner["ada"]["status"], float(by_learner["ada"]["best %"])) == ("submitted", 0)
    assert (by_learner["bob"]["status"], float(by_learner["bob"]["best %"])) == ("late", 100)
    assert by_learner["bob"]["due"] == "2026-03-06T17:00:00+00:00"
    assert {row["quiz"] for row in grades} == {quiz.title}
    answers = _csv(teacher.get(reverse("teach_cohorts:answers-csv", args=[cohort.pk])))
    assert [(a["learner"], a["kind"], float(a["score"])) for a in answers] == [
        ("ada", "Single choice", 0),
        ("bob", "Single choice", 1),
    ]
    assert answers[0]["response"] == wrong["text"] and answers[1]["response"] == right["text"]
    assert answers[0]["attempt"] == str(ada_attempt.pk)
