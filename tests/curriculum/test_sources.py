"""Files and the editor coexist: a load never overwrites authored rows, and reports (and keeps)
file rows edited in the admin since the last load unless --force takes the file's version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from lessons.models import Scenario, Source
from quizzes.models import Question, Quiz
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write
from tests.curriculum.test_loader_quizzes import IAM_QUIZ, SRM_QUIZ
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(tmp_path, "modules.yaml", "- slug: basics\n  title: Basics\n- slug: iam\n  title: IAM\n")
    write(
        tmp_path,
        "basics/01-first.md",
        "---\ntitle: First\n" + TWO_SOURCES + "\n---\n## Hi\nWords.\n",
    )
    write(
        tmp_path,
        "iam/01-policies.md",
        "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n## Grammar\nJSON.\n",
    )
    write(tmp_path, "scenarios/iam.yaml", READ_REPORTS_SCENARIO)
    write(tmp_path, "quizzes/iam-quiz.yaml", IAM_QUIZ)
    write(tmp_path, "quizzes/srm-quiz.yaml", SRM_QUIZ)
    return tmp_path


def load(content: Path, capsys, *, force: bool = False) -> str:
    call_command("load_curriculum", path=content, force=force)
    return capsys.readouterr().out


def edit_file(content: Path, name: str, old: str, new: str) -> None:
    path = content / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def admin_edit_question(admin_client, question: Question, **changes) -> None:
    form = {
        "slug": question.slug,
        "type": question.type,
        "category": question.category,
        "module": question.module_id or "",
        "prompt": question.prompt,
        "explanation": question.explanation,
        "lesson": question.lesson_id or "",
        "misconceptions": json.dumps(question.misconceptions),
        "data": json.dumps(question.data),
        "scenario": question.scenario_id or "",
        **({"ask_statement": "on"} if question.ask_statement else {}),
    }
    form.update(changes)
    response = admin_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_loaded_rows_come_from_files_and_admin_rows_are_authored(content, capsys, admin_client):
    load(content, capsys)
    assert set(Question.objects.values_list("source", flat=True)) == {Source.FILE}
    assert Quiz.objects.get(slug="iam-quiz").source == Source.FILE
    assert Scenario.objects.get().source == Source.FILE
    assert all(len(q.file_fingerprint) == 64 for q in Question.objects.all())
    response = admin_client.post(
        reverse("admin:quizzes_question_add"),
        {
            "slug": "written-here",
            "type": "true_false",
            "category": "iam",
            "prompt": "Groups are principals.",
            "explanation": "They are not.",
            "misconceptions": "[]",
            "data": json.dumps({"answer": False}),
        },
    )
    assert response.status_code == 302
    assert Question.objects.get(slug="written-here").source == Source.AUTHORED


def test_a_load_never_overwrites_or_deletes_authored_content(content, capsys):
    mine = make_question("true_false", slug="groups-are-principals", prompt="My own words.")
    extra = make_question("single", slug="only-in-the-app")
    quiz = make_quiz(extra, slug="my-quiz")
    out = load(content, capsys)
    assert "question 'groups-are-principals' was written in the app" in out
    out = load(content, capsys, force=True)
    assert "question 'groups-are-principals' was written in the app" in out
    mine.refresh_from_db()
    assert (mine.prompt, mine.source) == ("My own words.", Source.AUTHORED)
    assert Question.objects.filter(pk=extra.pk).exists()
    assert list(Quiz.objects.get(pk=quiz.pk).questions.all()) == [extra]


def test_an_admin_edit_is_reported_and_kept_when_the_file_changes(content, capsys, admin_client):
    load(content, capsys)
    question = Question.objects.get(slug="root-user-mfa")
    admin_edit_question(admin_client, question, prompt="Edited in the admin.")
    edit_file(content, "quizzes/iam-quiz.yaml", "What should you do", "What do you do")
    out = load(content, capsys)
    assert "kept: question 'root-user-mfa' was edited in the admin since the last load" in out
    assert "--force" in out
    assert "questions: 0 created, 0 updated, 6 unchanged, 1 kept" in out
    question.refresh_from_db()
    assert question.prompt == "Edited in the admin."


def test_an_admin_edit_survives_a_plain_reload_too(content, capsys):
    load(content, capsys)
    Scenario.objects.filter(slug="read-reports").update(title="Renamed in the admin")
    out = load(content, capsys)
    assert "scenario 'read-reports' was edited in the admin" in out
    assert Scenario.objects.get().title == "Renamed in the admin"


def test_force_takes_the_files_version_and_tracks_it_again(content, capsys):
    load(content, capsys)
    Question.objects.filter(slug="root-user-mfa").update(prompt="Edited in the admin.")
    out = load(content, capsys, force=True)
    assert "kept:" not in out
    assert Question.objects.get(slug="root-user-mfa").prompt.startswith("What should you do")
    out = load(content, capsys)
    assert "0 updated" in out and "kept" not in out


def test_changing_a_quizs_questions_in_the_admin_is_an_edit(content, capsys):
    load(content, capsys)
    quiz = Quiz.objects.get(slug="iam-quiz")
    quiz.entries.filter(question__slug="fix-alice").delete()
    out = load(content, capsys)
    assert "quiz 'iam-quiz' was edited in the admin" in out
    assert quiz.entries.count() == 3
    load(content, capsys, force=True)
    assert quiz.entries.count() == 4


def test_rows_from_before_tracking_take_the_files_version_once(content, capsys):
    load(content, capsys)
    Question.objects.filter(slug="root-user-mfa").update(prompt="Old.", file_fingerprint="")
    out = load(content, capsys)
    assert "kept" not in out
    question = Question.objects.get(slug="root-user-mfa")
    assert question.prompt.startswith("What should you do") and question.file_fingerprint


def test_a_second_load_of_the_same_files_writes_no_row(content, capsys):
    """A restart reloads the files: rows that are the same are not saved again, which would
    wake the audit, the search index and the cached reading order for nothing. (The search
    index is rebuilt after every load, on purpose: `search/signals.py`.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    load(content, capsys)
    with CaptureQueriesContext(connection) as queries:
        out = load(content, capsys)
    assert "0 created, 0 updated" in out and " updated" not in out.replace("0 updated", "")
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    index = ('"search_document"', '"search_titleword"', '"search_word"')  # the search index
    assert writes and [sql for sql in writes if not any(t in sql for t in index)] == []


def test_a_same_row_without_a_fingerprint_gets_one(content, capsys):
    load(content, capsys)
    Question.objects.filter(slug="root-user-mfa").update(file_fingerprint="")
    load(content, capsys)
    assert len(Question.objects.get(slug="root-user-mfa").file_fingerprint) == 64


def _fingerprint_from_before_rules(scenario: Scenario) -> str:
    """What the loader stored for a scenario before `rule` existed (lessons 0005)."""
    from curriculum.loader import fingerprint

    return fingerprint(
        {
            "title": scenario.title,
            "situation": scenario.situation,
            "case": scenario.case,
            "order": scenario.order,
            "_related": sorted(scenario.lessons.values_list("pk", flat=True)),
        }
    )


@pytest.mark.parametrize("migrated", [True, False])
def test_scenarios_loaded_before_rules_existed_still_take_file_changes(content, capsys, migrated):
    """Migration 0005 re-fingerprints untouched scenario rows, so adding `rule` to what the
    loader writes does not make every scenario look edited in the admin."""
    from importlib import import_module

    from django.apps import apps

    load(content, capsys)
    scenario = Scenario.objects.get()
    Scenario.objects.filter(pk=scenario.pk).update(
        file_fingerprint=_fingerprint_from_before_rules(scenario)
    )
    if migrated:  # 0005, then 0006 (which adds the explanation the loader now also writes)
        for name in ("0005_levels_sources_rules", "0006_knowledge_checks"):
            migration = import_module(f"lessons.migrations.{name}")
            migration.refresh_scenario_fingerprints(apps, None)
    edit_file(content, "scenarios/iam.yaml", "Alice reads a report.", "Alice reads a memo.")
    out = load(content, capsys)
    scenario.refresh_from_db()
    if migrated:
        assert "kept" not in out and scenario.situation == "Alice reads a memo."
    else:  # what the migration prevents
        assert "scenario 'read-reports' was edited in the admin" in out


def _fingerprint_from_before_explanations(scenario: Scenario) -> str:
    """What the loader stored for a scenario before `explanation` existed (lessons 0006)."""
    from curriculum.loader import fingerprint

    return fingerprint(
        {
            "title": scenario.title,
            "situation": scenario.situation,
            "case": scenario.case,
            "order": scenario.order,
            "rule": scenario.rule,
            "_related": sorted(scenario.lessons.values_list("pk", flat=True)),
        }
    )


@pytest.mark.parametrize("migrated", [True, False])
def test_scenarios_loaded_before_explanations_existed_still_take_file_changes(
    content, capsys, migrated
):
    """Migration 0006 re-fingerprints untouched scenario rows, as 0005 did for `rule`."""
    from importlib import import_module

    from django.apps import apps

    load(content, capsys)
    scenario = Scenario.objects.get()
    Scenario.objects.filter(pk=scenario.pk).update(
        file_fingerprint=_fingerprint_from_before_explanations(scenario)
    )
    if migrated:
        migration = import_module("lessons.migrations.0006_knowledge_checks")
        migration.refresh_scenario_fingerprints(apps, None)
    edit_file(content, "scenarios/iam.yaml", "Alice reads a report.", "Alice reads a memo.")
    out = load(content, capsys)
    scenario.refresh_from_db()
    if migrated:
        assert "kept" not in out and scenario.situation == "Alice reads a memo."
    else:  # what the migration prevents
        assert "scenario 'read-reports' was edited in the admin" in out
