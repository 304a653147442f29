"""A scenario's Markdown is rendered when the scenario is written, and pages read the stored
HTML (lessons/rendered.py, `SCENARIO`): every way a scenario is written stores it, so a
learner's page shows an edit at once without rendering it; a page renders only a copy that is
missing or not of the text now, once; and the pages that show scenarios run no more queries
than when they rendered them."""

from __future__ import annotations

import itertools
import json
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons import markdown
from lessons import pages as lesson_pages
from lessons.models import Scenario, Source
from lessons.rendered import SCENARIO
from quizzes.models import Attempt
from search import index
from srm_trainer.kept_fragments import Keeping
from tests import dbsetup
from tests.conftest import make_lesson, make_module, make_scenario, page_queries, sign_in
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write
from tests.quizzes.builders import make_question, make_quiz
from tests.quizzes.test_stored_markdown import renderings, shows
from tests.teach.conftest import _instructor, client_for
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db

_names = itertools.count(1)

SITUATION = "Alice reads **the report** from her laptop."
EXPLANATION = "Her *identity policy* allows it; nothing denies it."

NEW_SITUATION = "The **zebra** team reads the report."
NEW_EXPLANATION = "The *okapi* policy allows it."
NEW_HTML = ("<strong>zebra</strong>", "<em>okapi</em>")


def fresh_process(monkeypatch) -> None:
    """As a process that has drawn no scenario card yet (render_markdown's own memory is
    emptied by `renderings`)."""
    monkeypatch.setattr(lesson_pages, "_cards", Keeping(lesson_pages.CARDS_KEPT))


def learner_page(scenario: Scenario, monkeypatch) -> str:
    """A lesson showing `scenario`, predicted by a learner (so its situation and explanation
    show), drawn as a process that has rendered nothing yet: it must render neither."""
    scenario.refresh_from_db()
    lesson = scenario.lessons.select_related("module").first()
    if lesson is None:  # linked to one (a file's scenario is not: a load would see an edit)
        lesson = make_lesson(make_module(), slug=f"shows-{next(_names)}")
        scenario.lessons.add(lesson)  # writes no text of the scenario
    learner = get_user_model().objects.create_user(f"learner-{next(_names)}", password="x" * 20)
    client = Client()
    sign_in(client, learner)
    url = f"/learn/{lesson.module.slug}/{lesson.slug}/"
    assert client.post(f"{url}predict/{scenario.slug}/", {"decision": "Allow"}).status_code == 200
    fresh_process(monkeypatch)
    with renderings() as seen:
        page = client.get(url)
    assert page.status_code == 200
    assert scenario.situation not in seen and scenario.explanation not in seen
    drawn = page.content.decode()
    assert "Your prediction was right" in drawn
    return drawn


# --- pages read what was stored ---------------------------------------------------------------


@pytest.fixture
def course(learner):
    """A published lesson showing two scenarios (one the learner will have predicted, so its
    explanation shows), and a published quiz asking a policy-decision question on one."""
    lesson = make_lesson(make_module(slug="iam"), slug="policies", body="## Policies\n\nWords.\n")
    waiting = make_scenario(
        lesson, slug="alice-reads", situation=SITUATION, explanation=EXPLANATION,
        rule={"title": "Policy evaluation", "url": "https://docs.aws.amazon.com/IAM/"},
    )  # fmt: skip
    predicted = make_scenario(
        lesson, slug="bob-reads", situation="Bob reads `q1.csv`.", explanation="Allowed, *too*."
    )
    question = make_question("policy_decision", scenario=predicted, lesson=lesson)
    quiz = make_quiz(question, published=True)
    return lesson, waiting, predicted, quiz, question


def pages(client, learner, course) -> dict[str, str]:
    """The pages that show a scenario: a lesson (a card waiting for a prediction, one
    predicted), the sandbox opened on a preset, a search finding one, a quiz's result page
    for a policy-decision question (its case and rule)."""
    lesson, waiting, predicted, quiz, question = course
    index.flush()  # as at the end of the transaction that wrote them
    sign_in(client, learner)
    url = f"/learn/{lesson.module.slug}/{lesson.slug}/"
    assert client.post(f"{url}predict/{predicted.slug}/", {"decision": "Allow"}).status_code == 200
    now = timezone.now()
    done = Attempt.objects.create(
        quiz=quiz, user=learner, question_ids=[question.pk], started_at=now, submitted_at=now,
        score=1.0,
    )  # fmt: skip
    return {
        "lesson": url,
        "sandbox preset": f"{reverse('sandbox')}?preset={waiting.slug}",
        "search": f"{reverse('search')}?q=laptop",
        "result": reverse("quizzes:result", args=[done.pk]),
    }


def test_the_pages_that_show_scenarios_run_no_more_queries(client, learner, course, midday):
    addresses = pages(client, learner, course)
    drawn = {page: page_queries(client, url, warm=True) for page, url in addresses.items()}
    anonymous = Client()
    drawn["lesson, signed out"] = page_queries(anonymous, addresses["lesson"], warm=True)
    drawn["sandbox, signed out"] = page_queries(anonymous, addresses["sandbox preset"], warm=True)
    # As when each page rendered the Markdown it showed (2026-12-05, before it was stored).
    assert {page: n for page, (n, _) in drawn.items()} == {
        "lesson": 10,
        "sandbox preset": 7,
        "search": 7,
        "result": 8,
        "lesson, signed out": 5,
        "sandbox, signed out": 5,
    }
    assert shows(drawn["lesson"][1], "<strong>the report</strong>", "<em>too</em>")
    assert "<strong>the report</strong>" in drawn["lesson, signed out"][1]
    assert "<strong>the report</strong>" in drawn["sandbox preset"][1]
    assert "alice-reads" in drawn["search"][1]


def test_a_page_view_renders_no_scenario_whose_stored_html_is_current(
    client, learner, course, midday, monkeypatch
):
    addresses = pages(client, learner, course)
    _, waiting, predicted, _, _ = course
    texts = {waiting.situation, waiting.explanation, predicted.situation, predicted.explanation}
    fresh_process(monkeypatch)
    with renderings() as seen:
        drawn = {page: client.get(url).content.decode() for page, url in addresses.items()}
        drawn["signed out"] = Client().get(addresses["lesson"]).content.decode()
        index.rebuild()  # a load's reindex reads every preset's situation
    assert texts & set(seen) == set()
    assert shows(drawn["lesson"], "<strong>the report</strong>", "<em>too</em>")
    assert "<strong>the report</strong>" in drawn["signed out"]
    assert "<strong>the report</strong>" in drawn["sandbox preset"]
    found = Client().get(addresses["search"]).content.decode()
    assert "alice-reads" in found and "Alice reads the report from her" in found


def test_a_copy_not_of_the_text_now_is_rendered_on_one_view_and_stored_for_the_next(
    monkeypatch,
):
    """`update()` writes no rendering, and a RENDERER_VERSION change or a migration leaves the
    stored copy stale: the next view renders the scenario once and stores it, without an
    audit entry."""
    scenario = make_scenario(situation="Old words.", explanation="Old reasons.")
    Scenario.objects.filter(pk=scenario.pk).update(
        situation=NEW_SITUATION, explanation=NEW_EXPLANATION
    )
    entries = LogEntry.objects.count()
    client = Client()
    with renderings() as seen:
        first = client.get(f"{reverse('sandbox')}?preset={scenario.slug}").content.decode()
    assert "<strong>zebra</strong>" in first and "Old words" not in first
    assert NEW_SITUATION in seen and NEW_EXPLANATION in seen
    stored = Scenario.objects.get(pk=scenario.pk)
    assert stored.rendered_from == SCENARIO.source_of(NEW_SITUATION, NEW_EXPLANATION)
    assert LogEntry.objects.count() == entries
    assert shows(learner_page(stored, monkeypatch), *NEW_HTML)  # stored for every process


def test_a_lesson_keeps_its_scenarios_current_not_its_copies_stale():
    """A lesson's scenario rows are kept with the reading order, and each page draws a copy:
    a stale one is rendered and stored as it is read, once, not again on each copy's page
    (when the process's memory of renderings has let it go)."""
    lesson = make_lesson(make_module(), slug="kept")
    scenario = make_scenario(lesson, situation="Old words.")
    Scenario.objects.filter(pk=scenario.pk).update(situation=NEW_SITUATION)
    order = SimpleNamespace(kept={})  # what a reading order keeps rows in
    with renderings() as seen:
        for _ in range(3):
            markdown.render_markdown.cache_clear()
            (copy,) = lesson_pages.lesson_scenarios(lesson, order)
            assert "<strong>zebra</strong>" in copy.shown.situation
    assert seen.count(NEW_SITUATION) == 1
    assert Scenario.objects.get(pk=scenario.pk).rendered_from == copy.rendered_from


def test_the_stored_copy_follows_the_renderers_version(monkeypatch):
    scenario = make_scenario(situation=NEW_SITUATION)
    before = scenario.rendered_from
    monkeypatch.setattr("lessons.rendered.RENDERER_VERSION", "next")
    assert SCENARIO.source_of(scenario.situation, scenario.explanation) != before
    with renderings() as seen:
        assert "<strong>zebra</strong>" in scenario.shown.situation
    assert NEW_SITUATION in seen  # a copy from another version is rendered again


def test_a_situation_and_explanation_never_run_together_into_another_pairs_digest():
    assert SCENARIO.source_of("ab", "c") != SCENARIO.source_of("a", "bc")


# --- every way a scenario is written stores its rendering -------------------------------------


@pytest.fixture
def instructor(db):
    return _instructor("ines")


@pytest.fixture
def teacher(instructor) -> Client:
    return client_for(instructor)


def test_an_edit_in_the_policy_editor_shows_at_once(teacher, instructor, monkeypatch):
    scenario = make_scenario(owner=instructor, source=Source.AUTHORED)
    question = make_question(
        "policy_decision", owner=instructor, source=Source.AUTHORED, lesson=None,
        category="mine", scenario=scenario,
    )  # fmt: skip
    learner_page(scenario, monkeypatch)  # drawn once before the edit
    url = reverse("teach:question-edit", args=[question.pk])
    fields = form_fields(teacher.get(url).content.decode())
    fields |= {"k-situation": NEW_SITUATION, "k-explanation": NEW_EXPLANATION, "action": "save"}
    response = teacher.post(url, fields)
    assert response.status_code == 302, response.content.decode()[-3000:]
    question.refresh_from_db()
    assert question.scenario_id == scenario.pk  # edited in place
    assert shows(learner_page(scenario, monkeypatch), *NEW_HTML)


def test_a_new_scenario_made_in_the_policy_editor_shows_at_once(teacher, instructor, monkeypatch):
    from tests.teach.test_engine_editors import policy_form

    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    url, data = policy_form(teacher, quiz, action="save")
    data |= {"k-situation": NEW_SITUATION, "k-explanation": NEW_EXPLANATION}
    assert teacher.post(url, data).status_code == 302
    made = Scenario.objects.get(situation=NEW_SITUATION)
    assert shows(learner_page(made, monkeypatch), *NEW_HTML)


def test_an_imported_scenario_shows_at_once(teacher, instructor, monkeypatch):
    from teach.transfer import json_format
    from tests.teach.test_views_transfer import _confirm_fields

    scenario = make_scenario(slug="imported", situation=NEW_SITUATION, explanation=NEW_EXPLANATION)
    question = make_question("policy_decision", owner=instructor, lesson=None, scenario=scenario)
    quiz = make_quiz(question, slug="basics", title="Basics", owner=instructor)
    text = json_format.export_quiz(quiz)
    quiz.delete()
    question.delete()
    scenario.delete()
    page = teacher.post("/teach/import/", {"text": text, "format": "json", "action": "preview"})
    assert teacher.post("/teach/import/", _confirm_fields(page.content.decode())).status_code == 302
    assert shows(learner_page(Scenario.objects.get(slug="imported"), monkeypatch), *NEW_HTML)


def test_an_edit_in_the_admin_shows_at_once(admin_client, monkeypatch):
    scenario = make_scenario(situation="Old words.", explanation="Old reasons.")
    learner_page(scenario, monkeypatch)
    data = {
        "slug": scenario.slug,
        "title": scenario.title,
        "situation": NEW_SITUATION,
        "explanation": NEW_EXPLANATION,
        "case": json.dumps(scenario.case),
        "rule": "{}",
        "order": "0",
        "lessons": [str(pk) for pk in scenario.lessons.values_list("pk", flat=True)],
    }
    response = admin_client.post(f"/admin/lessons/scenario/{scenario.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert shows(learner_page(scenario, monkeypatch), *NEW_HTML)


def test_a_scenario_edited_in_its_file_shows_at_once_after_a_load(tmp_path: Path, monkeypatch):
    from curriculum.loader import load_curriculum
    from curriculum.readers import read_curriculum

    def load(situation: str, explanation: str) -> None:
        texts = f"situation: {json.dumps(situation)}\n      explanation: {json.dumps(explanation)}"
        scenario = READ_REPORTS_SCENARIO.replace("situation: Alice reads a report.", texts)
        write(tmp_path, "scenarios/iam.yaml", scenario)
        load_curriculum(read_curriculum(tmp_path))

    write(tmp_path, "modules.yaml", "- slug: iam\n  title: IAM\n")
    lesson = "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n## Grammar\nJSON.\n"
    write(tmp_path, "iam/01-policies.md", textwrap.dedent(lesson))
    load("Old **words**.", "Old reasons.")
    scenario = Scenario.objects.get(slug="read-reports")
    assert "<strong>words</strong>" in learner_page(scenario, monkeypatch)
    load(NEW_SITUATION, NEW_EXPLANATION)
    assert shows(learner_page(scenario, monkeypatch), *NEW_HTML)


def test_the_querysets_bulk_writes_store_the_rendering(monkeypatch):
    case = make_scenario().case
    made = Scenario.objects.bulk_create(
        [Scenario(slug="bulk", title="Bulk", situation="A **bulk** one", case=case)]
    )
    scenario = Scenario.objects.get(pk=made[0].pk)
    assert "<strong>bulk</strong>" in learner_page(scenario, monkeypatch)
    scenario.situation, scenario.explanation = NEW_SITUATION, NEW_EXPLANATION
    Scenario.objects.bulk_update([scenario], ["situation", "explanation"])
    assert shows(learner_page(scenario, monkeypatch), *NEW_HTML)


def test_a_save_of_other_fields_renders_nothing():
    scenario = make_scenario(situation=NEW_SITUATION)
    with renderings() as seen:
        scenario.title = "Renamed"
        scenario.save(update_fields=["title"])
        scenario.order = 7
        scenario.save()
    assert seen == []


def test_the_stored_copy_is_no_content_an_audit_entry_holds(admin_client):
    scenario = make_scenario(situation="Old words.")
    scenario.situation = NEW_SITUATION
    scenario.save()
    entry = LogEntry.objects.get_for_object(scenario).latest("pk")
    assert set(entry.changes_dict) == {"situation"}


# --- the migration ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_every_existing_scenarios_rendering():
    before, after = (
        [("lessons", "0011_lesson_minutes_range")],
        [("lessons", "0013_scenario_rendered_fill")],
    )
    case = {
        "request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::r/k"},
        "identity_policies": [], "expect": "ImplicitDeny",
    }  # fmt: skip
    dbsetup.migrate_back(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Old = old.get_model("lessons", "Scenario")
        for n in range(3):
            Old.objects.create(
                slug=f"old-{n}", title=f"Old {n}", case=case, situation=f"Old **{n}**",
                explanation=f"Because *{n}*.",
            )  # fmt: skip
        MigrationExecutor(connection).migrate(after)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    for scenario in Scenario.objects.filter(slug__startswith="old-"):
        n = scenario.slug[-1]
        assert scenario.rendered_from == SCENARIO.source_of(
            scenario.situation, scenario.explanation
        )
        assert f"<strong>{n}</strong>" in scenario.situation_html
        assert f"<em>{n}</em>" in scenario.explanation_html
