"""Quizzes in the admin: a quiz's page and an attempt's page read their rows (questions,
answers) in the same few queries however many there are, and still show and save them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Answer, QuizQuestion
from tests.conftest import page_queries
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db


def test_a_quizs_page_reads_its_questions_in_the_same_queries_for_one_or_many(admin_client):
    """Each row is titled "quiz #order: question" and shows its question in an autocomplete."""
    small = make_quiz(make_question(slug="lonely"), slug="small")
    questions = [make_question(slug=f"part-{n}") for n in range(6)]
    big = make_quiz(*questions, slug="big")
    few, _ = page_queries(admin_client, f"/admin/quizzes/quiz/{small.pk}/change/", warm=True)
    many, page = page_queries(admin_client, f"/admin/quizzes/quiz/{big.pk}/change/")
    assert many == few
    for order, question in enumerate(questions, start=1):
        assert f"big #{order}: part-{order - 1}" in page
        assert f'<option value="{question.pk}" selected>part-{order - 1}</option>' in page


def _post_entry(client, quiz, entry, question, order: str):
    fields = {k: "" if v is None else v for k, v in model_to_dict(quiz).items() if k != "questions"}
    return client.post(
        f"/admin/quizzes/quiz/{quiz.pk}/change/",
        {
            **fields,
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "1",
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
            "entries-0-id": str(entry.pk),
            "entries-0-quiz": str(quiz.pk),
            "entries-0-question": str(question.pk),
            "entries-0-order": order,
        },
    )


def test_a_quizs_question_is_swapped_and_a_refused_swap_shows_the_one_asked_for(admin_client):
    first, second = make_question(slug="first"), make_question(slug="second")
    quiz = make_quiz(first)
    entry = QuizQuestion.objects.get(quiz=quiz)
    refused = _post_entry(admin_client, quiz, entry, second, order="not a number")
    page = refused.content.decode()
    assert refused.status_code == 200
    assert f'<option value="{second.pk}" selected>second</option>' in page
    assert f'<option value="{first.pk}" selected>first</option>' not in page
    entry.refresh_from_db()
    assert entry.question == first
    assert _post_entry(admin_client, quiz, entry, second, order="1").status_code == 302
    entry.refresh_from_db()
    assert entry.question == second


def test_an_attempts_page_reads_its_answers_in_the_same_queries_for_one_or_many(
    admin_client, learner
):
    """Each answer row names its question."""
    pages = []
    for size in (1, 5):
        questions = [make_question(slug=f"of-{size}-{n}") for n in range(size)]
        attempt = make_attempt(make_quiz(*questions), user=learner)
        for question in questions:
            Answer.objects.create(attempt=attempt, question=question, saved_at=timezone.now())
        url = f"/admin/quizzes/attempt/{attempt.pk}/change/"
        pages.append(page_queries(admin_client, url, warm=not pages))
    (few, _), (many, page) = pages
    assert many == few
    assert all(f">of-5-{n}<" in page for n in range(5))


# --- an owner is searched for, not picked from a list of every account ----------------------

OWNED = {
    "quiz": ("quizzes", "quiz", make_quiz),
    "question": ("quizzes", "question", make_question),
}


@pytest.mark.parametrize("model", OWNED)
def test_a_questions_or_quizs_owner_is_searched_for_not_listed(admin_client, learner, model):
    """The page does not grow with the accounts: a learner appears only as the row's owner."""
    app, name, make = OWNED[model]
    add = admin_client.get(f"/admin/{app}/{name}/add/").content.decode()
    assert f'<option value="{learner.pk}">ada</option>' not in add
    assert '<select name="owner" id="id_owner" class="admin-autocomplete"' in add
    row = make(owner=learner)
    change = admin_client.get(f"/admin/{app}/{name}/{row.pk}/change/").content.decode()
    assert f'<option value="{learner.pk}" selected>ada</option>' in change
    found = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": app, "model_name": name, "field_name": "owner", "term": "ada"},
    )
    assert [r["text"] for r in found.json()["results"]] == ["ada"]


# --- learners' records: a search counts what it found, not the whole table again ------------


def test_a_search_of_attempts_or_review_cards_counts_only_what_it_found(
    admin_client, learner, other_learner
):
    """These tables grow by a row per learner and quiz or question: "(N total)" would count
    all of it on every page."""
    from quizzes.models import ReviewCard

    question = make_question()
    quiz = make_quiz(question)
    for user in (learner, other_learner):
        make_attempt(quiz, user=user)
        ReviewCard.objects.create(user=user, question=question, card={}, due=timezone.now())
    for model in ("attempt", "reviewcard"):
        with CaptureQueriesContext(connection) as ctx:
            page = admin_client.get(f"/admin/quizzes/{model}/?q=grace").content.decode()
        assert sum("COUNT(" in q["sql"].upper() for q in ctx.captured_queries) == 1, model
        assert "1 result" in page and "Show all" in page


def test_an_everyday_admin_finds_a_questions_owner_too(client, learner, django_user_model):
    """Administrators read accounts (auth.view_user), which the owner search asks for."""
    from django.core.management import call_command

    from tests.conftest import give_mfa

    ops = django_user_model.objects.create_user("ops", password="a-long-passphrase-6")
    call_command("make_admin", "ops")
    give_mfa(ops)
    client.force_login(ops)
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "quizzes", "model_name": "question", "field_name": "owner", "term": "ada"},
    )
    assert [r["text"] for r in found.json()["results"]] == ["ada"]


def test_the_question_list_reads_the_same_queries_for_one_or_many(admin_client):
    """Each row names its module, lesson and scenario, read with the rows; the lesson's long
    columns, which no column shows, are left unread and never asked for row by row."""
    make_question("policy_decision", slug="first")
    few, _ = page_queries(admin_client, "/admin/quizzes/question/", warm=True)
    for n in range(5):
        make_question("policy_decision", slug=f"more-{n}")
    many, page = page_queries(admin_client, "/admin/quizzes/question/")
    assert many == few
    assert all(f">more-{n}<" in page for n in range(5))
