"""Question levels (issue 12): a question's own level, else its lesson's; the shipped questions
on IAM 07-08 and on RCPs are advanced; learners and the bank filter by it."""

from __future__ import annotations

import pytest

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import read_curriculum
from quizzes.models import Question
from tests.conftest import make_lesson
from tests.quizzes.builders import make_question


def shipped():
    cur = read_curriculum()
    lessons = {f"{le.module}/{le.slug}": le.level for le in cur.lessons}
    questions = read_quizzes(cur=cur, check_cases=False).questions
    return {q.slug: (q, q.level or lessons[q.lesson]) for q in questions}


SHIPPED = shipped()


def test_the_shipped_questions_on_iam_07_and_08_are_advanced():
    on_them = [
        level
        for q, level in SHIPPED.values()
        if q.lesson in ("iam/policy-evaluation", "iam/conditions-and-variables")
    ]
    assert len(on_them) >= 10
    assert set(on_them) == {"advanced"}


def test_the_shipped_questions_on_rcps_are_advanced():
    on_rcps = [
        (slug, level)
        for slug, (q, level) in SHIPPED.items()
        if q.scenario.startswith("rcp-") or "RCP" in q.prompt
    ]
    assert len(on_rcps) >= 2
    assert {level for _, level in on_rcps} == {"advanced"}


def test_every_level_has_shipped_questions():
    assert {level for _, level in SHIPPED.values()} == {"foundational", "associate", "advanced"}


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
