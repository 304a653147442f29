"""The instructor pages' cost per request: the question and quiz editors, the bank and a quiz's
statistics, through the test client, on the shipped course (a teacher's real menus: every
module, lesson, category and tag) and on a test's small database (what the suite pays).

Run with `make bench` (or `TEACH_PROFILE=page-name` to print a profile of that page). CPU time
of the process (`time.process_time`) per request, the lowest and the median of batches of ten
after a warm-up; no budget: the figures are for comparison between runs (docs/teaching.md).
The pages are measured in order, and what the saves create stays: the bank after them lists a
full page of questions.
"""

from __future__ import annotations

import json
import os

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from lessons.models import Source
from srm_trainer import once
from srm_trainer.accounts.roles import set_instructor
from tests.bench import batches
from tests.conftest import give_mfa
from tests.quizzes.builders import make_question, make_quiz
from tests.shipped import load_shipped
from tests.teach.formdata import form_fields
from tests.teach.statsdata import bulk_class, mixed_quiz

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = int(os.environ.get("TEACH_RUNS", "50"))


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    """Each page is sent ~60 times a minute, saves included: the teaching limits (30 saves a
    minute, `teach_save`) would answer 429 and the figure would be the refusal's cost."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1000000/60")
    settings.RATE_LIMITS_PER_ADDRESS = dict.fromkeys(settings.RATE_LIMITS_PER_ADDRESS, "1000000/60")


SINGLE = {
    "prompt": "Which one is **yours** to do?",
    "explanation": "Because the *customer* runs the guest.",
    "category": "srm",
    "misconceptions": "thinks-aws-patches-guests",
    "action": "save",
    "rows-TOTAL_FORMS": "2",
    "rows-INITIAL_FORMS": "0",
    "rows-MIN_NUM_FORMS": "0",
    "rows-MAX_NUM_FORMS": "12",
    "rows-0-text": "Patch the guest OS",
    "rows-0-correct": "on",
    "rows-1-text": "Patch the hypervisor",
}


def _policy_question(client: Client, quiz) -> tuple[str, dict]:
    """The policy-decision editor's page as posted with a scenario written in it."""
    url = reverse("teach:question-create", args=[quiz.pk, "policy_decision"])
    statement = {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    data = form_fields(client.get(url, follow=True).content.decode()) | {
        "prompt": "What does AWS decide for Alice?",
        "explanation": "Her policy allows it.",
        "category": "iam",
        "action": "save",
        "k-title": "Alice reads a report",
        "k-situation": "Alice opens last quarter's report.",
        "case-principal": "arn:aws:iam::111122223333:user/alice",
        "case-action": "s3:GetObject",
        "case-resource": "arn:aws:s3:::reports/q1.csv",
        "case-identity-0-text": json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    }
    data.pop(
        "once", None
    )  # sent again and again: each a save, not "saved already" (srm_trainer/once.py)
    return url, data


def _pages(client: Client, quiz, question) -> dict:
    """name -> (method, url, data, expected status)."""
    create = reverse("teach:question-create", args=[quiz.pk, "single"])
    # A new question's page at its own address (its token in it: srm_trainer/once.py).
    page = f"?once={once.new_token()}"
    policy_url, policy_data = _policy_question(client, quiz)
    edit = reverse("teach:question-edit", args=[question.pk])
    saved = form_fields(client.get(edit).content.decode())
    quiz_settings = form_fields(
        client.get(reverse("teach:quiz-edit", args=[quiz.pk])).content.decode(), "teach-form"
    )
    # Each save is sent again and again: without the page's stamp of the row's last save
    # ("seen"), as a script posts, or every save after the first would be refused as coming
    # from a page older than that save (teach.services.save_unless_edited).
    saved.pop("seen", None)
    quiz_settings.pop("seen", None)
    return {
        "quiz-create GET": ("get", reverse("teach:quiz-create") + page, None, 200),
        "quiz GET": ("get", reverse("teach:quiz", args=[quiz.pk]), None, 200),
        "dashboard GET": ("get", reverse("teach:dashboard"), None, 200),
        "quiz-edit GET": ("get", reverse("teach:quiz-edit", args=[quiz.pk]), None, 200),
        "quiz-edit POST": (
            "post",
            reverse("teach:quiz-edit", args=[quiz.pk]),
            quiz_settings,
            302,
        ),
        "question-create GET single": ("get", create + page, None, 200),
        "question-create GET policy": (
            "get",
            reverse("teach:question-create", args=[quiz.pk, "policy_decision"]) + page,
            None,
            200,
        ),
        "question-create GET least-privilege": (
            "get",
            reverse("teach:question-create", args=[quiz.pk, "least_privilege"]) + page,
            None,
            200,
        ),
        "question-create POST save": ("post", create, SINGLE, 302),
        "question-create POST refused": ("post", create, SINGLE | {"prompt": ""}, 200),
        "question-create POST save policy": ("post", policy_url, policy_data, 302),
        "question-create POST live policy": (
            "post",
            policy_url,
            policy_data | {"action": "engine"},
            200,
        ),
        "question-create POST add row": ("post", create, SINGLE | {"action": "add"}, 200),
        "question-edit GET": ("get", edit, None, 200),
        "question-edit POST": ("post", edit, saved | {"action": "save"}, 302),
        "bank GET": ("get", reverse("teach:bank"), None, 200),
        "bank GET filtered": ("get", reverse("teach:bank") + "?kind=single&q=a", None, 200),
    }


def _statistics(user) -> dict:
    """A quiz of every kind with 20 submitted attempts, and its statistics page."""
    quiz, questions, responses = mixed_quiz(owner=user)
    bulk_class(quiz, questions, responses, 20)
    url = reverse("teach:quiz-statistics", args=[quiz.pk])
    return {"quiz-statistics GET": ("get", url, None, 200)}


def _measure(label: str, client: Client, pages: dict) -> None:
    for name, (method, url, data, status) in pages.items():
        send = getattr(client, method)

        def call(send=send, url=url, data=data, status=status, name=name):
            response = send(url, data) if data is not None else send(url)
            assert response.status_code == status, (name, response.status_code)

        low, median, count = batches.page_row(
            name, call, runs=RUNS, warm=10, env="TEACH", row=f"teach {name}, {label}"
        )
        print(f"{label:8} {name:38} {low:6.2f} ms CPU (median {median:6.2f}) {count:3} q")


def _teacher():
    user = get_user_model().objects.create_user("bench-teacher")
    set_instructor(user=user, instructor=True)
    give_mfa(user)
    client = Client()
    client.force_login(user)
    return user, client


def test_teach_pages_on_a_small_database():
    user, client = _teacher()
    question = make_question(
        "single", owner=user, source=Source.AUTHORED, lesson=None, category="mine"
    )
    quiz = make_quiz(question, owner=user, source=Source.AUTHORED, published=False)
    print(f"\nteach pages, CPU per request, {RUNS} each, load {os.getloadavg()[0]:.2f}")
    _measure("small", client, _pages(client, quiz, question) | _statistics(user))


def test_teach_pages_on_the_shipped_course():
    load_shipped()
    user, client = _teacher()
    question = make_question("single", owner=user, source=Source.AUTHORED, category="mine")
    quiz = make_quiz(question, owner=user, source=Source.AUTHORED, published=False)
    pages = _pages(client, quiz, question) | _statistics(user)
    print(f"\nteach pages, CPU per request, {RUNS} each, load {os.getloadavg()[0]:.2f}")
    _measure("shipped", client, pages)
