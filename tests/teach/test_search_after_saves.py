"""The search index after every kind of save in /teach/: what a learner can find changes as
soon as the save commits, and a save that changes nothing a document is made of (an entry's
order, a quiz's `updated_at`, a question's answer key) reindexes nothing."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Question, Quiz
from quizzes.results_version import CONTENT, RESULTS
from search import index
from search.query import search
from teach import services
from teach.bank import OWN_COUNTS
from tests.conftest import count_calls
from tests.quizzes.builders import make_question
from tests.teach.formdata import form_fields
from tests.teach.test_views_questions import KINDS, form_data

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return [hit.url for hit in search(text).hits if hit.kind == "question"]


@pytest.fixture
def published(owned, django_capture_on_commit_callbacks):
    """`owned`, published and indexed, with its question's prompt a word to search for."""
    quiz, question = owned
    with django_capture_on_commit_callbacks(execute=True):
        Question.objects.filter(pk=question.pk).update(prompt="Who rotates the zebrakey?")
        question.refresh_from_db()
        services.quiz_set_published(quiz=quiz, published=True)
    assert found("zebrakey") == [quiz.get_absolute_url()]
    return quiz, question


@pytest.fixture
def post(teacher, django_capture_on_commit_callbacks):
    """A teacher's POST, with what it marks for reindexing applied as its commit would."""

    def posting(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = teacher.post(url, data or {})
        assert response.status_code == 302, response.content.decode()[:2000]
        return response

    return posting


def test_every_save_path_shows_in_search_right_after(teacher, published, post):
    quiz, question = published
    url = quiz.get_absolute_url()
    edit = reverse("teach:question-edit", args=[question.pk])
    # One page's data posted again and again: without its stamp of the question's last save,
    # which would refuse each save after the first as made from a stale page (test_stale_pages).
    data = form_fields(teacher.get(edit).content.decode())
    data.pop("seen")
    data |= {"prompt": "Who rotates the quaggakey?", "action": "save"}
    post(edit, data)
    assert (found("quaggakey"), found("zebrakey")) == ([url], [])
    post(edit, data | {"explanation": "Only the okapi team."})
    assert found("okapi") == [url]
    rows, extra = KINDS["true_false"]
    create = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    post(create, form_data(rows, extra, prompt="Is the narwhalkey yours?"))
    assert found("narwhalkey") == [url]
    made = Question.objects.get(prompt__contains="narwhalkey")
    post(reverse("teach:quiz-question-move", args=[quiz.pk, made.pk]), {"direction": "up"})
    assert found("narwhalkey") == [url]
    post(reverse("teach:question-archive", args=[made.pk]), {"archived": "true"})
    assert found("narwhalkey") == []
    post(reverse("teach:question-archive", args=[made.pk]), {"archived": "false"})
    assert found("narwhalkey") == [url]
    post(reverse("teach:quiz-question-remove", args=[quiz.pk, made.pk]))
    assert found("narwhalkey") == []
    post(reverse("teach:quiz-question-add", args=[quiz.pk]), {"question": str(made.pk)})
    assert found("narwhalkey") == [url]
    post(reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "false"})
    assert found("narwhalkey") == found("quaggakey") == []
    post(reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "true"})
    assert found("quaggakey") == [url]
    post(reverse("teach:quiz-duplicate", args=[quiz.pk]))  # a draft: found in the original
    assert found("quaggakey") == [url]
    post(reverse("teach:question-delete", args=[made.pk]))
    assert found("narwhalkey") == []


def test_a_quiz_settings_save_follows_its_draw_and_its_publication(teacher, published, post):
    quiz, question = published
    # The teacher's own: a quiz draws from its owner's questions and the course's alone.
    make_question(category="kms", prompt="Who holds the walruskey?", lesson=None, owner=quiz.owner)
    edit = reverse("teach:quiz-edit", args=[quiz.pk])
    data = form_fields(teacher.get(edit).content.decode(), "teach-form")
    data.pop("seen")  # posted again after each save, as in the test above
    post(edit, data | {"draw_category": "kms", "draw_count": "1"})
    assert found("walruskey") == [quiz.get_absolute_url()]
    post(edit, data | {"draw_category": "", "draw_count": "0"})
    assert found("walruskey") == []
    assert found("zebrakey") == [quiz.get_absolute_url()]
    post(edit, data | {"published": ""})
    assert found("zebrakey") == []


def _marks(monkeypatch) -> list:
    return count_calls(monkeypatch, index, "mark")


def _indexing(callbacks: list) -> list:
    """The callbacks at the commit but the new versions of what is kept of the owner's own
    questions (`teach.bank.OWN_COUNTS`, which any save of theirs forgets) and of quizzes'
    statistics (`quizzes.results_version`, which quiz, entry and question saves forget)."""
    kept = (f"{OWN_COUNTS.prefix}:", f"{RESULTS.prefix}:", CONTENT.key)
    return [
        callback
        for callback in callbacks
        if not getattr(getattr(callback, "__self__", None), "key", "").startswith(kept)
    ]


def test_saves_that_change_nothing_indexed_mark_nothing(
    published, monkeypatch, django_capture_on_commit_callbacks
):
    quiz, question = published
    marks = _marks(monkeypatch)
    with django_capture_on_commit_callbacks() as callbacks:
        quiz.save(update_fields=["updated_at"])  # a question added, moved or taken out
        entry = quiz.entries.get()
        entry.order = 7
        entry.save(update_fields=["order"])
        entry.save()  # the same, whole
        question.data = {**question.data, "choices": question.data["choices"][::-1]}
        question.save()  # the answer key: not in the document
        quiz.title, quiz.pass_mark = "Renamed", 55
        quiz.save()  # settings a result does not show
        quiz.save()  # nothing at all
    assert (marks, _indexing(callbacks)) == ([], [])
    with django_capture_on_commit_callbacks() as callbacks:
        question.prompt = "Who rotates the yakkey?"
        question.save()
    assert marks == ["question"] and len(_indexing(callbacks)) == 1


def test_without_the_audit_every_save_is_reindexed_as_before(
    published, monkeypatch, django_capture_on_commit_callbacks
):
    """The changed fields come from the audit's comparison; a save it does not compare is
    taken to change everything, and a quiz's stored draw is read for it."""
    quiz, question = published
    # The teacher's own: a quiz draws from its owner's questions and the course's alone.
    make_question(category="kms", prompt="Who holds the walruskey?", lesson=None, owner=quiz.owner)
    with django_capture_on_commit_callbacks(execute=True), disable_auditlog():
        quiz.draw_category, quiz.draw_count = "kms", 1
        quiz.save()
    assert found("walruskey") == [quiz.get_absolute_url()]
    marks = _marks(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True), disable_auditlog():
        quiz.draw_category, quiz.draw_count = "", 0
        quiz.save()
        question.save()
    assert found("walruskey") == []
    assert marks.count("question") >= 2


def test_a_quiz_save_reads_its_stored_row_once(published):
    """The audit's read of the row before an update is the only one: the index's check of the
    stored draw used to read it a second time."""
    quiz, _ = published
    quiz.draw_category = "kms"
    with CaptureQueriesContext(connection) as queries:
        quiz.save()
    reads = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and "quizzes_quiz" in q["sql"]
    ]
    assert len([sql for sql in reads if 'FROM "quizzes_quiz"' in sql]) == 1


def test_a_request_reindexes_each_document_once(teacher, published, post, monkeypatch):
    """A new question added to a quiz is marked by its save, its entry's and its quiz's: it is
    reindexed once, when the request's transaction commits."""
    quiz, _ = published
    reindexed = []
    reindex = index.reindex
    monkeypatch.setattr(
        index,
        "reindex",
        lambda kind, keys: reindexed.append((kind, set(keys))) or reindex(kind, keys),
    )
    rows, extra = KINDS["single"]
    # A word of its own: the form's default prompt holds only words PostgreSQL's English
    # search drops as stop words ("which", "one", "is", "yours", "to", "do").
    data = form_data(rows, extra, prompt="Who turns the walruskey?")
    post(reverse("teach:question-create", args=[quiz.pk, "single"]), data)
    made = Question.objects.get(prompt__contains="walruskey")
    assert reindexed == [("question", {str(made.pk)})]
    assert found("walruskey") == [quiz.get_absolute_url()]
    assert Quiz.objects.get(pk=quiz.pk).published


def test_a_save_the_audit_compares_only_in_part_is_reindexed_as_before(
    published, monkeypatch, django_capture_on_commit_callbacks
):
    """Questions audited with a choice of fields (a change to the prompt not compared), or
    with a `pre_log` receiver that may call the entry off: the audit's silence says nothing,
    so the save is marked as before."""
    from auditlog.registry import auditlog
    from auditlog.signals import pre_log

    _, question = published
    options = auditlog._registry[Question]
    monkeypatch.setitem(auditlog._registry, Question, {**options, "exclude_fields": ["prompt"]})
    with django_capture_on_commit_callbacks(execute=True):
        question.prompt = "Who rotates the ibexkey?"
        question.save()
    assert found("ibexkey") != []
    monkeypatch.setitem(auditlog._registry, Question, options)

    def call_off(sender, **kwargs):
        return False

    pre_log.connect(call_off, sender=Question)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            question.prompt = "Who rotates the oryxkey?"
            question.save()
    finally:
        pre_log.disconnect(call_off, sender=Question)
    assert found("oryxkey") != []


def test_an_instructors_own_scenario_is_never_reindexed_until_it_is_shared(
    teacher, owned, instructor, monkeypatch, django_capture_on_commit_callbacks
):
    """A policy question's own scenario (its author's) is never a preset: saving it, new or
    edited, marks nothing; once shared (no owner), it is found, and taken back, it is not."""
    from lessons.models import Scenario
    from tests.teach.test_engine_editors import policy_form

    quiz, _ = owned
    marks = _marks(monkeypatch)
    url, data = policy_form(teacher, quiz, **{"k-title": "Alice reads a gnuplot report"})
    with django_capture_on_commit_callbacks(execute=True):
        assert teacher.post(url, data | {"action": "save"}).status_code == 302
    scenario = Scenario.objects.get(title__contains="gnuplot")
    assert scenario.owner == instructor and "scenario" not in marks
    with django_capture_on_commit_callbacks(execute=True):
        scenario.situation = "Alice, an analyst, opens the gnuplot report."
        scenario.save()
    assert "scenario" not in marks
    with django_capture_on_commit_callbacks(execute=True):
        scenario.owner = None
        scenario.save()
    assert "scenario" in marks
    assert [hit.kind for hit in search("gnuplot").hits] == ["scenario"]
    with django_capture_on_commit_callbacks(execute=True):
        scenario.owner = instructor  # taken back: no longer a preset
        scenario.save()
    assert search("gnuplot").total == 0
