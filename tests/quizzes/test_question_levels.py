"""Question levels (issue 12): a question's own level, else its lesson's; the shipped questions
on IAM 07-08 and on RCPs are advanced; learners and the bank filter by it."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import review
from quizzes.models import Question
from tests.conftest import make_lesson
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.quizzes.builders import make_question
from tests.shipped import shipped_curriculum


@cache
def shipped():
    """The shipped questions with their levels, read when a test first asks (not at
    collection, where every test process paid ~50 ms for these three tests)."""
    cur = shipped_curriculum()
    lessons = {f"{le.module}/{le.slug}": le.level for le in cur.lessons}
    questions = shipped_quizzes(check_cases=False).questions
    return {q.slug: (q, q.level or lessons[q.lesson]) for q in questions}


def test_the_shipped_questions_on_iam_07_and_08_are_advanced():
    on_them = [
        level
        for q, level in shipped().values()
        if q.lesson in ("iam/policy-evaluation", "iam/conditions-and-variables")
    ]
    assert len(on_them) >= 10
    assert set(on_them) == {"advanced"}


def test_the_shipped_questions_on_rcps_are_advanced():
    on_rcps = [
        (slug, level)
        for slug, (q, level) in shipped().items()
        if q.scenario.startswith("rcp-") or "RCP" in q.prompt
    ]
    assert len(on_rcps) >= 2
    assert {level for _, level in on_rcps} == {"advanced"}


def test_every_level_has_shipped_questions():
    assert {level for _, level in shipped().values()} == {"foundational", "associate", "advanced"}


@pytest.mark.django_db
def test_a_questions_level_follows_its_lesson_unless_set():
    lesson = make_lesson(level="associate")
    follows = make_question(lesson=lesson)
    own = make_question(lesson=lesson, level="advanced")
    orphan = make_question(lesson=None)
    assert (follows.effective_level, own.effective_level) == ("associate", "advanced")
    assert orphan.effective_level == "foundational"
    found = {q.slug: q.level_of for q in Question.objects.with_level()}
    assert found == {follows.slug: "associate", own.slug: "advanced", orphan.slug: "foundational"}
    assert list(Question.objects.at_level("associate")) == [follows]


# --- learners review one level --------------------------------------------------------------


@pytest.fixture
def two_levels(learner, midday):
    basic = make_question("true_false", prompt="A foundational question?", lesson=None)
    hard = make_question(
        "true_false", prompt="An advanced question?", lesson=None, level="advanced"
    )
    for q in (basic, hard):
        review.card_record(
            user=learner, question=q, correct=False, now=timezone.now() - timedelta(hours=1)
        )
    return basic, hard


@pytest.mark.django_db
def test_a_learner_reviews_only_the_level_they_choose(learner_client, two_levels):
    basic, hard = two_levels
    body = learner_client.get(reverse("quizzes:review"), {"level": "advanced"}).content.decode()
    assert "An advanced question?" in body and "A foundational question?" not in body
    assert "1 advanced question due now, of 2 in all" in body
    assert '<input type="hidden" name="level" value="advanced">' in body
    answered = learner_client.post(
        reverse("quizzes:review-answer", args=[hard.pk]), {"answer": "true", "level": "advanced"}
    ).content.decode()
    assert 'href="/quizzes/review/?level=advanced"' in answered  # "Next question" keeps it
    body = learner_client.get(reverse("quizzes:review"), {"level": "advanced"}).content.decode()
    assert "Nothing at the advanced level is due now" in body
    body = learner_client.get(reverse("quizzes:review"), {"level": "foundational"}).content.decode()
    assert "A foundational question?" in body and "An advanced question?" not in body


@pytest.mark.django_db
def test_a_level_that_makes_no_sense_reviews_every_level(learner_client, two_levels):
    body = learner_client.get(reverse("quizzes:review"), {"level": "<b>"}).content.decode()
    assert "2 questions due now" in body and "&lt;b&gt;" not in body
