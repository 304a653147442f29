"""The shipped content, loaded as `make run` loads it (`manage.py load_curriculum`, the audit
on), and what the rest of the site finds after it: every quiz, the search index, the final
exam's draw, the learners' completion counts through a second load, every sandbox preset,
and the SRM explorer's answer to the course's own question.

One load for the whole module (`loaded`): each of these tests only reads what it left, or
changes it inside its own savepoint, and a load of the whole course costs ~0.6 s of CPU. The
loader's own rules are tested on small files in tests/curriculum/test_loader_*.py, the pages
on small rows of their own in tests/sandbox/ and tests/lessons/."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from curriculum.readers import CONTENT_DIR
from lessons import progress
from lessons.models import Layer, Lesson, Module, Responsibility, Scenario
from quizzes import attempts, exam
from quizzes.models import Quiz
from search.models import Document
from search.query import search
from srm_trainer.sandbox.state import state_from_case
from tests.lessons.test_completion_counts import assert_no_drift, kept
from tests.sandbox.test_state import form_of
from tests.search.conftest import PHRASE
from tests.shipped import shipped_curriculum

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """What the command said. In a transaction rolled back when the module ends (as
    `shipped_course`); each test runs in a savepoint inside it (pytest-django's `db`)."""
    import io

    from auditlog.context import auditlog_disabled
    from django.db import transaction

    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        token = auditlog_disabled.set(False)  # audited, as a load is: set-up's default is off
        try:
            call_command("load_curriculum", stdout=out)
        finally:
            auditlog_disabled.reset(token)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_shipped_curriculum_loads(loaded):
    """The real content under lessons/content/ is valid, scenarios included."""
    created = int(re.search(r"Curriculum loaded: (\d+) created", loaded).group(1))
    assert created > 0
    assert Module.objects.count() >= 7
    assert Lesson.objects.count() >= 20


def test_the_shipped_quizzes_load(loaded):
    """Whatever is under lessons/content/quizzes/ now is valid against the shipped lessons."""
    assert "Curriculum loaded" in loaded and "kept" not in loaded
    files = sorted(path.stem for path in (CONTENT_DIR / "quizzes").glob("*.yaml"))
    assert len(files) == Quiz.objects.count()


def test_loading_the_curriculum_indexes_it(loaded):
    kinds = {hit.kind for hit in search(PHRASE).hits}
    assert {"lesson", "question", "scenario"} <= kinds
    assert Document.objects.filter(kind="lesson").count() == Lesson.objects.published().count()


def test_the_shipped_final_exam_draws_forty_questions_from_every_module(loaded, learner):
    cur = shipped_curriculum()
    quiz = Quiz.objects.get(slug="final-exam")
    assert (quiz.pass_mark, quiz.feedback, quiz.module) == (72, "end", None)
    assert quiz.attempts_allowed and quiz.time_limit
    with_questions = set(
        Module.objects.filter(questions__isnull=False).values_list("slug", flat=True)
    )
    assert (
        {rule["module"] for rule in quiz.draw_rules}
        == with_questions
        == {m.slug for m in cur.modules}
    )
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    questions = attempts.attempt_questions(attempt)
    assert len(questions) == 40 == len(set(attempt.question_ids))
    per_module = {}
    for question in questions:
        per_module[exam.module_id_of(question)] = per_module.get(exam.module_id_of(question), 0) + 1
    assert len(per_module) == len(cur.modules)
    assert set(per_module.values()) == {5}


def test_loading_the_curriculum_again_keeps_the_counts(
    loaded, learner, django_assert_max_num_queries
):
    """The completion counts (tests/lessons/test_completion_counts.py) through a reload, which
    (as every restart of `make run`) reads each kind of row at once: the course has ~580 rows,
    and one query for each made a reload of the same files cost twice the CPU. A scenario's
    lessons and a quiz's questions too are read for all at once (~37 queries here; up to one
    more per lesson, 32 now, when no lesson's rendering is in memory, for the search index; the
    index's words, `search.models.Word`: a delete, and a write for each ~500; and seven for
    what a course update asks whatever the course's size: lessons moved or retired, modules
    retired, questions whose type changes, answers to regrade, questions retired or archived,
    docs/curriculum.md "Updating a course")."""
    for lesson in Lesson.objects.all()[:5]:
        progress.mark_complete(user=learner, lesson=lesson)
    with django_assert_max_num_queries(97):  # one more per lesson added, and per ~500 words indexed
        call_command("load_curriculum", verbosity=0)
    assert sum(kept(learner).values()) == 5
    assert_no_drift()


def test_every_shipped_preset_loads_and_decides_what_it_promises(loaded, client):
    """The sandbox (tests/sandbox/test_views_sandbox.py) opens each preset as a lesson links it."""
    cache.clear()  # the rate limits count in the cache
    scenarios = list(Scenario.objects.all())
    assert len(scenarios) >= 12
    words = {
        "Allow": "Decision: Allowed",
        "ExplicitDeny": "Decision: Explicit deny",
        "ImplicitDeny": "Decision: Implicit deny",
    }
    for scenario in scenarios:
        body = client.get(f"/sandbox/?preset={scenario.slug}").content.decode()
        shown = words[scenario.case["expect"]].removeprefix("Decision: ")
        assert f'<p class="decision-word">{shown}' in body, scenario.slug
        # and the same state posted back from the form decides the same
        posted = client.post(
            "/sandbox/", form_of(state_from_case(scenario.case)), headers={"HX-Request": "true"}
        )
        # said in the page's status region (srm_trainer/live_status.py)
        assert words[scenario.case["expect"]] in posted.content.decode(), scenario.slug
        cache.clear()


def test_the_shipped_explorer_answers_who_patches_the_guest_os(loaded, client):
    """EC2: the customer patches the guest OS. RDS: AWS does. (The issue's acceptance check;
    the explorer itself: tests/lessons/test_views_explorers.py.)"""
    os_layer = next(
        layer for layer in Layer.objects.all() if "operating system" in layer.name.lower()
    )
    assert Responsibility.objects.get(service__slug="ec2", layer=os_layer).owner == "customer"
    assert Responsibility.objects.get(service__slug="rds", layer=os_layer).owner == "aws"
    body = client.get("/learn/srm/?service=ec2&compare=rds").content.decode()
    assert "Amazon EC2" in body and "Amazon RDS" in body
