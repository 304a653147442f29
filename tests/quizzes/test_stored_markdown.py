"""A question's Markdown is rendered when the question is written, and pages read the stored
HTML (quizzes/rendered.py): every way a question is written stores it, so a learner's page
shows an edit at once without rendering it; a page renders only a copy that is missing or not
of the text now, once; and the pages that show questions run no more queries than when they
rendered them."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import json
import pkgutil
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons import markdown
from lessons.models import Source
from quizzes import rendered, review
from quizzes.models import Attempt, Question
from tests import dbsetup
from tests.conftest import make_lesson, make_module, page_queries, sign_in
from tests.content import TWO_SOURCES, write
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import _instructor, client_for
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db

_names = itertools.count(1)


@contextlib.contextmanager
def renderings():
    """The texts Markdown is rendered for meanwhile (nothing kept from before counts)."""
    seen: list[str] = []
    original = markdown.render_markdown_uncached

    def watched(text, md=None):
        seen.append(text)
        return original(text, md)

    markdown.render_markdown.cache_clear()
    markdown.render_markdown_uncached = watched
    try:
        yield seen
    finally:
        markdown.render_markdown_uncached = original
        markdown.render_markdown.cache_clear()


def learner_page(question: Question) -> str:
    """A learner's result page for an attempt at `question` (it shows the prompt and the
    explanation), drawn as a process that has rendered nothing yet: it must render neither."""
    question.refresh_from_db()
    learner = get_user_model().objects.create_user(f"learner-{next(_names)}", password="x" * 20)
    quiz = make_quiz(question, published=True)
    now = timezone.now()
    attempt = Attempt.objects.create(
        quiz=quiz, user=learner, question_ids=[question.pk], started_at=now, submitted_at=now
    )
    client = Client()
    sign_in(client, learner)
    with renderings() as seen:
        page = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert page.status_code == 200
    assert question.prompt not in seen and question.explanation not in seen
    return page.content.decode()


def shows(page: str, *fragments: str) -> bool:
    return all(fragment in page for fragment in fragments)


NEW_PROMPT = "Who rotates the **zebra** key?"
NEW_EXPLANATION = "The *okapi* team does."
NEW_HTML = ("<strong>zebra</strong>", "<em>okapi</em>")


# --- pages read what was stored ---------------------------------------------------------------


@pytest.fixture
def course(learner):
    """A lesson with a `::: check` question, a published quiz of two questions (the check's
    and another) by an instructor, and what `pages` needs."""
    lesson = make_lesson(make_module(slug="iam"), slug="policies", body="## Policies\n\nWords.\n")
    check = make_question(
        "single",
        slug="root-mfa",
        lesson=lesson,
        prompt="What **protects** the root user?",
        explanation="MFA *protects* it.",
    )
    lesson.body += "\n::: check root-mfa\n:::\n"
    lesson.save()
    other = make_question(
        "true_false", lesson=lesson, prompt="Groups are `principals`.", explanation="No, *never*."
    )
    quiz = make_quiz(check, other, owner=_instructor("ines"), published=True)
    return lesson, quiz, check, other


def pages(client, learner, course) -> dict[str, str]:
    """The learner pages that show a question's prompt: an attempt being taken, a result, the
    review queue and a lesson's check."""
    lesson, quiz, check, other = course
    sign_in(client, learner)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    taking = Attempt.objects.filter(user=learner).latest("pk")
    now = timezone.now()
    done = Attempt.objects.create(
        quiz=quiz, user=learner, question_ids=[check.pk, other.pk], started_at=now,
        submitted_at=now, score=0.5,
    )  # fmt: skip
    review.card_record(user=learner, question=other, correct=False, now=now - timedelta(hours=1))
    return {
        "take": reverse("quizzes:take", args=[taking.pk]),
        "result": reverse("quizzes:result", args=[done.pk]),
        "review": reverse("quizzes:review"),
        "lesson": f"/learn/{lesson.module.slug}/{lesson.slug}/",
    }


def test_the_pages_that_show_questions_run_no_more_queries(client, learner, course, midday):
    addresses = pages(client, learner, course)
    drawn = {page: page_queries(client, url, warm=True) for page, url in addresses.items()}
    _, quiz, _, _ = course
    preview = reverse("teach:quiz-preview", args=[quiz.pk])
    drawn["teach preview"] = page_queries(client_for(quiz.owner), preview, warm=True)
    # As when each page rendered the Markdown it showed (2026-12-05, before it was stored).
    assert {page: n for page, (n, _) in drawn.items()} == {
        "take": 7,
        "result": 8,
        "review": 6,
        "lesson": 13,
        "teach preview": 5,
    }
    assert shows(drawn["result"][1], "<strong>protects</strong>", "<em>never</em>")
    assert shows(drawn["review"][1], "<code>principals</code>")
    assert shows(drawn["lesson"][1], "<strong>protects</strong>")


def test_a_page_view_renders_no_question_whose_stored_html_is_current(
    client, learner, course, midday
):
    addresses = pages(client, learner, course)
    _, quiz, check, other = course
    texts = {check.prompt, check.explanation, other.prompt, other.explanation}
    teacher = client_for(quiz.owner)
    with renderings() as seen:
        drawn = [client.get(url).content.decode() for url in addresses.values()]
        drawn.append(teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])).content.decode())
    assert texts & set(seen) == set()
    assert shows(drawn[0] + drawn[1], "<strong>protects</strong>", "<code>principals</code>")
    assert "<strong>protects</strong>" in drawn[3] and "<strong>protects</strong>" in drawn[4]


def test_a_copy_not_of_the_text_now_is_rendered_on_one_view_and_stored_for_the_next(learner):
    """`update()` writes no rendering, and a RENDERER_VERSION change or a migration leaves the
    stored copy stale: the next view renders the question once and stores it, without touching
    its time of edit or the audit log."""
    question = make_question(prompt="Old words.", explanation="Old reasons.")
    Question.objects.filter(pk=question.pk).update(prompt=NEW_PROMPT, explanation=NEW_EXPLANATION)
    edited, entries = Question.objects.get(pk=question.pk).updated_at, LogEntry.objects.count()
    quiz = make_quiz(question, published=True)
    now = timezone.now()
    attempt = Attempt.objects.create(
        quiz=quiz, user=learner, question_ids=[question.pk], started_at=now, submitted_at=now
    )
    client = Client()
    sign_in(client, learner)
    url = reverse("quizzes:result", args=[attempt.pk])
    with renderings() as seen:
        first = client.get(url).content.decode()
    assert shows(first, *NEW_HTML) and "Old words" not in first
    assert NEW_PROMPT in seen and NEW_EXPLANATION in seen
    stored = Question.objects.get(pk=question.pk)
    assert stored.rendered_from == rendered.QUESTION.source_of(NEW_PROMPT, NEW_EXPLANATION)
    assert (stored.updated_at, LogEntry.objects.count()) == (edited, entries)
    assert shows(learner_page(stored), *NEW_HTML)  # rendered nothing: stored for every process


def test_the_stored_copy_follows_the_renderers_version(monkeypatch):
    question = make_question(prompt=NEW_PROMPT)
    before = question.rendered_from
    monkeypatch.setattr("lessons.rendered.RENDERER_VERSION", "next")
    assert rendered.QUESTION.source_of(question.prompt, question.explanation) != before
    with renderings() as seen:
        assert "<strong>zebra</strong>" in question.shown.prompt
    assert NEW_PROMPT in seen  # a copy from another version is rendered again


@pytest.mark.parametrize("app", ["quizzes", "lessons"])
def test_a_renderer_version_change_comes_with_a_migration_rendering_questions_again(app):
    """Without one, every page would render each question (or scenario, in lessons) it shows
    once after the upgrade (quizzes' 0014_question_rendered_fill says how to write one)."""
    package = importlib.import_module(f"{app}.migrations")
    versions = [
        getattr(importlib.import_module(f"{package.__name__}.{name}"), "RENDERED_WITH", None)
        for _, name, _ in sorted(pkgutil.iter_modules(package.__path__))
    ]
    assert [v for v in versions if v][-1] == markdown.RENDERER_VERSION


# --- every way a question is written stores its rendering -------------------------------------


@pytest.fixture
def instructor(db):
    return _instructor("ines")


@pytest.fixture
def teacher(instructor) -> Client:
    return client_for(instructor)


def _authored(kind: str, owner) -> Question:
    return make_question(kind, owner=owner, source=Source.AUTHORED, lesson=None, category="mine")


@pytest.mark.parametrize(
    "kind",
    [
        "single",  # teach/editors.py
        "policy_decision",  # teach/policy_editor.py
        "waf_rule",  # teach/network_editor.py
        "flow_fix",  # teach/network_editor.py
        "least_privilege",  # teach/challenge_editor.py
    ],
)
def test_an_edit_in_each_teach_editor_shows_at_once(teacher, instructor, kind):
    question = _authored(kind, instructor)
    if kind == "least_privilege":  # the editor saves a challenge with a solution only
        grant = {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/q1.csv",
        }
        question.data["reference"] = json.dumps({"Version": "2012-10-17", "Statement": [grant]})
        question.save()
    learner_page(question)  # drawn once before the edit
    url = reverse("teach:question-edit", args=[question.pk])
    fields = form_fields(teacher.get(url).content.decode())
    fields |= {"prompt": NEW_PROMPT, "explanation": NEW_EXPLANATION, "action": "save"}
    response = teacher.post(url, fields)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert shows(learner_page(question), *NEW_HTML)


def test_a_question_made_in_the_editor_shows_at_once(teacher, instructor):
    from tests.teach.test_views_questions import KINDS, form_data

    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    rows, extra = KINDS["single"]
    data = form_data(rows, extra, prompt=NEW_PROMPT, explanation=NEW_EXPLANATION)
    create = reverse("teach:question-create", args=[quiz.pk, "single"])
    assert teacher.post(create, data).status_code == 302
    assert shows(learner_page(Question.objects.get(prompt=NEW_PROMPT)), *NEW_HTML)


def test_a_copy_of_a_question_shows_its_words_and_then_its_own_edit(teacher, instructor):
    question = _authored("single", instructor)
    Question.objects.filter(pk=question.pk).update(prompt=NEW_PROMPT)
    question.refresh_from_db()
    question.save()  # stored as the editor would
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED)
    copied = teacher.post(reverse("teach:quiz-question-copy", args=[quiz.pk, question.pk]))
    assert copied.status_code == 302
    copy = Question.objects.exclude(pk=question.pk).get(prompt=NEW_PROMPT)
    assert "<strong>zebra</strong>" in learner_page(copy)
    url = reverse("teach:question-edit", args=[copy.pk])
    fields = form_fields(teacher.get(url).content.decode())
    teacher.post(url, fields | {"prompt": "Who holds the **yak** key?", "action": "save"})
    assert "<strong>yak</strong>" in learner_page(copy)
    assert "<strong>zebra</strong>" in learner_page(question)


def test_a_duplicated_quiz_shows_its_questions_as_stored(teacher, instructor):
    question = _authored("single", instructor)
    question.prompt = NEW_PROMPT
    question.save()
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED)
    assert teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk])).status_code == 302
    copy = Question.objects.get(entries__quiz__title__startswith="Copy of")
    assert "<strong>zebra</strong>" in learner_page(copy)


@pytest.mark.parametrize("text_format", ["json", "gift"])
def test_an_imported_question_shows_at_once(teacher, instructor, text_format):
    from teach.transfer import json_format
    from tests.teach.test_views_transfer import _confirm_fields

    if text_format == "gift":
        text = f"::imported:: {NEW_PROMPT} {{TRUE####{NEW_EXPLANATION}}}\n"
    else:
        question = make_question(
            "single", owner=instructor, lesson=None, slug="imported", prompt=NEW_PROMPT,
            explanation=NEW_EXPLANATION,
        )  # fmt: skip
        quiz = make_quiz(question, slug="basics", title="Basics", owner=instructor)
        text = json_format.export_quiz(quiz)
        quiz.delete()
        question.delete()
    page = teacher.post(
        "/teach/import/", {"text": text, "format": text_format, "action": "preview"}
    )
    assert teacher.post("/teach/import/", _confirm_fields(page.content.decode())).status_code == 302
    assert shows(learner_page(Question.objects.get(slug="imported")), *NEW_HTML)


def test_an_edit_in_the_admin_shows_at_once(admin_client):
    from django.forms.models import model_to_dict

    question = make_question(prompt="Old words.")
    learner_page(question)
    data = {k: v for k, v in model_to_dict(question).items() if v is not None and k != "tags"}
    data |= {
        "prompt": NEW_PROMPT,
        "explanation": NEW_EXPLANATION,
        "data": json.dumps(question.data),
        "misconceptions": json.dumps(question.misconceptions),
        "ask_statement": "",
        "archived": "",
    }
    data.pop("id", None)
    response = admin_client.post(f"/admin/quizzes/question/{question.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert shows(learner_page(question), *NEW_HTML)


QUIZ_FILE = """
    quiz:
      slug: iam-quiz
      title: IAM
      module: iam
    questions:
      - slug: from-a-file
        type: true_false
        prompt: {prompt}
        explanation: {explanation}
        lesson: iam/policies
        answer: false
"""


def test_a_question_edited_in_its_file_shows_at_once_after_a_load(tmp_path: Path):
    from curriculum.loader import load_curriculum
    from curriculum.quiz_loader import load_quizzes
    from curriculum.quiz_readers import read_quizzes
    from curriculum.readers import read_curriculum

    def load(prompt: str, explanation: str) -> None:
        text = QUIZ_FILE.format(prompt=json.dumps(prompt), explanation=json.dumps(explanation))
        write(tmp_path, "quizzes/iam-quiz.yaml", text)
        cur = read_curriculum(tmp_path)
        load_quizzes(read_quizzes(tmp_path, cur), load_curriculum(cur))

    write(tmp_path, "modules.yaml", "- slug: iam\n  title: IAM\n")
    lesson = "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n## Grammar\nJSON.\n"
    write(tmp_path, "iam/01-policies.md", textwrap.dedent(lesson))
    load("Old **words**.", "Old reasons.")
    question = Question.objects.get(slug="from-a-file")
    assert "<strong>words</strong>" in learner_page(question)
    load(NEW_PROMPT, NEW_EXPLANATION)
    assert shows(learner_page(question), *NEW_HTML)


def test_the_querysets_bulk_writes_store_the_rendering():
    made = Question.objects.bulk_create(
        [Question(slug="bulk", type="true_false", category="iam", prompt="A **bulk** one",
                  explanation="x", data={"answer": True})]
    )  # fmt: skip
    question = Question.objects.get(pk=made[0].pk)
    assert "<strong>bulk</strong>" in learner_page(question)
    question.prompt, question.explanation = NEW_PROMPT, NEW_EXPLANATION
    Question.objects.bulk_update([question], ["prompt", "explanation"])
    assert shows(learner_page(question), *NEW_HTML)


def test_a_save_of_other_fields_renders_nothing():
    question = make_question(prompt=NEW_PROMPT)
    with renderings() as seen:
        question.archived = True
        question.save(update_fields=["archived", "updated_at"])
        question.category = "kms"
        question.save()
    assert seen == []


# --- the migration ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_every_existing_questions_rendering():
    before, after = (
        [("quizzes", "0012_question_recently_edited_index")],
        [("quizzes", "0014_question_rendered_fill")],
    )
    dbsetup.migrate_back(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Old = old.get_model("quizzes", "Question")
        for n in range(3):
            Old.objects.create(
                slug=f"old-{n}", type="true_false", category="iam", data={"answer": True},
                prompt=f"Old **{n}**", explanation=f"Because *{n}*.",
            )  # fmt: skip
        MigrationExecutor(connection).migrate(after)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    for question in Question.objects.filter(slug__startswith="old-"):
        n = question.slug[-1]
        assert question.rendered_from == rendered.QUESTION.source_of(
            question.prompt, question.explanation
        )
        assert f"<strong>{n}</strong>" in question.prompt_html
        assert f"<em>{n}</em>" in question.explanation_html
