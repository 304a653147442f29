"""What the teaching views read, bounded: a slug is found in one query however many are taken,
and a question that saves reads nothing for the page it does not draw."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Question, Quiz
from teach import bank, services
from tests.teach.test_views_questions import KINDS, form_data

pytestmark = pytest.mark.django_db


def _quizzes(*slugs: str) -> None:
    Quiz.objects.bulk_create(Quiz(slug=slug, title=slug) for slug in slugs)


def test_a_slug_taken_many_times_is_found_in_one_query():
    _quizzes("which-is-true", *(f"which-is-true-{n}" for n in range(2, 41)))
    with CaptureQueriesContext(connection) as queries:
        slug = services.unique_slug(Quiz, "Which is true?", fallback="quiz")
    assert slug == "which-is-true-41"
    assert len(queries) == 1


def test_the_first_free_number_is_taken_and_look_alikes_do_not_count():
    # -3 is free; "which-is-true-ish" and "which-is-truer" only look like the base.
    _quizzes("which-is-true", "which-is-true-2", "which-is-true-4", "which-is-true-ish")
    _quizzes("which-is-truer")
    assert services.unique_slug(Quiz, "Which is true?", fallback="quiz") == "which-is-true-3"
    assert services.unique_slug(Quiz, "Which is true, really", fallback="q") == (
        "which-is-true-really"
    )


def test_a_reserved_slug_is_never_given_even_when_no_row_has_it():
    assert services.unique_slug(Quiz, "Review", fallback="quiz") == "review-2"
    assert services.unique_slug(Quiz, "!!!", fallback="attempts") == "attempts-2"


def test_a_question_that_saves_counts_no_tags_for_a_page_it_does_not_draw(
    teacher, owned, monkeypatch
):
    quiz, _ = owned

    def not_needed(user):
        raise AssertionError("counted for a page that is not drawn")

    monkeypatch.setattr(bank, "misconception_counts", not_needed)
    monkeypatch.setattr(bank, "tag_counts", not_needed)
    rows, extra = KINDS["single"]
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    response = teacher.post(url, form_data(rows, extra, new_tags="s3"))
    assert response.status_code == 302
    assert Question.objects.filter(prompt__contains="yours").exists()


def test_a_refused_question_still_offers_the_tags_in_use(teacher, owned, instructor):
    quiz, question = owned
    services.question_set_tags(question=question, tags=["exam-2026"])
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    page = teacher.post(url, {"prompt": "", "action": "save"}).content.decode()
    assert "exam-2026 (1)" in page  # the bank tag, with how many questions have it
    assert "thinks-something (1)" in page  # the misconception of the quiz's question


def _scenario_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "lessons_scenario"' in q["sql"]]


def test_the_scenario_menu_reads_titles_not_every_scenarios_case(teacher, owned):
    """The policy editor's menu lists every scenario the teacher may use, on every live check
    as they type: it reads what the menu shows, and the whole row only of the one opened."""
    from lessons.models import Source
    from tests.conftest import make_scenario
    from tests.teach.test_engine_editors import HTMX, policy_form

    quiz, _ = owned
    for n in range(5):
        make_scenario(source=Source.FILE, title=f"Scenario {n}")
    url, data = policy_form(teacher, quiz, action="engine")
    with CaptureQueriesContext(connection) as queries:
        assert teacher.post(url, data, **HTMX).status_code == 200
    reads = _scenario_reads(queries)
    assert len(reads) == 1  # the menu, once
    assert '"lessons_scenario"."title"' in reads[0]
    assert '"lessons_scenario"."case"' not in reads[0]
    opened = make_scenario(source=Source.FILE, title="Opened one")
    data |= {"k-scenario": str(opened.pk), "op": "load-scenario", "action": "save"}
    with CaptureQueriesContext(connection) as queries:
        page = teacher.post(url, data, **HTMX)
    assert "Opened one" in page.content.decode()
    whole = [sql for sql in _scenario_reads(queries) if '"lessons_scenario"."case"' in sql]
    assert len(whole) == 1  # the opened scenario's case, read once
