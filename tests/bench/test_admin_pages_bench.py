"""The Django admin's cost per request on the shipped course: the index, an app's list, the
costliest list pages (with their filters, a search and a date drill-down), add pages and change
pages with inlines, as a superuser sees them.

Run with `make bench` (`ADMIN_PROFILE=page-name` prints a profile of that page;
`ADMIN_HTML=dir` writes each page's HTML there, the CSRF token blanked, to compare two
versions of the code). CPU time of the process per request, the lowest and the median of
batches of ten after a warm-up; no budget: the figures are for comparison between runs
(docs/progress.md, "In the admin").
"""

from __future__ import annotations

import os
import pathlib
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from lessons.models import KnowledgeCheck, Lesson, LessonProgress, Module, Scenario, Service
from quizzes.models import Answer, Attempt, Question, Quiz
from tests.bench import batches
from tests.conftest import give_mfa
from tests.quizzes.builders import make_attempt, make_question, make_quiz
from tests.shipped import load_shipped

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = int(os.environ.get("ADMIN_RUNS", "50"))


def _learner_records() -> None:
    """A few learners' progress, knowledge checks and quiz attempts: the lists of learner
    records have rows, and an attempt's page has answers."""
    users = [get_user_model().objects.create_user(f"bench-learner-{n}") for n in range(5)]
    lessons = list(Lesson.objects.select_related("module")[:6])
    now = timezone.now()
    for user in users:
        for lesson in lessons:
            LessonProgress.objects.create(user=user, lesson=lesson, completed_at=now)
            KnowledgeCheck.objects.create(
                user=user,
                lesson=lesson,
                kind="prediction",
                ref="alice-reads",
                response={"decision": "Allow"},
                score=1.0,
                correct=True,
                answered_at=now,
            )
    lesson = lessons[0]
    scenario = Scenario.objects.first()
    questions = [
        make_question("single", slug=f"bench-single-{n}", lesson=lesson, module=lesson.module)
        for n in range(8)
    ]
    questions += [
        make_question("policy_decision", slug=f"bench-policy-{n}", lesson=lesson, scenario=scenario)
        for n in range(4)
    ]
    quiz = make_quiz(*questions, slug="bench-quiz", module=lesson.module)
    for user in users:
        attempt = make_attempt(quiz, user=user)
        for question in quiz.questions.all():
            Answer.objects.create(attempt=attempt, question=question, saved_at=now)


def _pages() -> dict[str, str]:
    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    module = Module.objects.order_by("-pk").first()
    service = Service.objects.order_by("-pk").first()
    quiz = Quiz.objects.get(slug="bench-quiz")
    question = Question.objects.get(slug="bench-policy-0")
    attempt = Attempt.objects.first()
    return {
        "index": "/admin/",
        "lessons app": "/admin/lessons/",
        "lesson list": "/admin/lessons/lesson/",
        "lesson list filtered": f"/admin/lessons/lesson/?module__id__exact={lesson.module_id}",
        "lesson list search": "/admin/lessons/lesson/?q=iam",
        "module list": "/admin/lessons/module/",
        "responsibility list": "/admin/lessons/responsibility/",
        "scenario list": "/admin/lessons/scenario/",
        "complianceprogram list": "/admin/lessons/complianceprogram/",
        "lessonprogress list": "/admin/lessons/lessonprogress/",
        "knowledgecheck list": "/admin/lessons/knowledgecheck/",
        "knowledgecheck search": "/admin/lessons/knowledgecheck/?q=bench",
        "question list": "/admin/quizzes/question/",
        "question list broken": "/admin/quizzes/question/?broken=yes",
        "quiz list": "/admin/quizzes/quiz/",
        "attempt list": "/admin/quizzes/attempt/",
        "certificate list": "/admin/certificates/certificate/",
        "glossary list": "/admin/glossary/glossaryterm/",
        "user list": "/admin/auth/user/",
        "auditlog list": "/admin/auditlog/logentry/",
        "service add": "/admin/lessons/service/add/",
        "responsibility add": "/admin/lessons/responsibility/add/",
        "lesson add": "/admin/lessons/lesson/add/",
        "module add": "/admin/lessons/module/add/",
        "scenario add": "/admin/lessons/scenario/add/",
        "question add": "/admin/quizzes/question/add/",
        "lesson change": f"/admin/lessons/lesson/{lesson.pk}/change/",
        "module change": f"/admin/lessons/module/{module.pk}/change/",
        "service change": f"/admin/lessons/service/{service.pk}/change/",
        "quiz change": f"/admin/quizzes/quiz/{quiz.pk}/change/",
        "question change": f"/admin/quizzes/question/{question.pk}/change/",
        "attempt change": f"/admin/quizzes/attempt/{attempt.pk}/change/",
    }


def _normal(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1-", html)


def test_admin_pages_on_the_shipped_course():
    if os.environ.get("ADMIN_HTML"):  # the same clock for both versions' HTML
        with time_machine.travel("2026-06-01T12:00:00Z", tick=False):
            _measure_pages()
    else:
        _measure_pages()


def _measure_pages() -> None:
    load_shipped()
    _learner_records()
    user = get_user_model().objects.create_superuser("bench-root")
    give_mfa(user)
    client = Client()
    client.force_login(user)
    only = os.environ.get("ADMIN_PAGES")
    html_dir = os.environ.get("ADMIN_HTML")
    print(f"\nadmin pages, CPU per request, {RUNS} each, load {os.getloadavg()[0]:.2f}")
    for name, url in _pages().items():
        if only and name not in only.split(","):
            continue

        def call(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        if html_dir:
            path = pathlib.Path(html_dir) / (name.replace(" ", "-") + ".html")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_normal(call().content.decode()))
        low, median, count = batches.page_row(
            name, call, runs=RUNS, warm=5, env="ADMIN", row=f"admin {name}"
        )
        print(f"{name:26} {low:6.2f} ms CPU (median {median:6.2f}) {count:3} q")
