"""Quizzes in the admin: a quiz's page and an attempt's page read their rows (questions,
answers) in the same few queries however many there are, and still show and save them."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Answer, Question, QuizQuestion
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


def _post_rows(client, quiz, rows: list[dict]):
    """The quiz's change form sent with these inline rows: each a dict with `question` and
    `order` (as typed), and `entry` (the row's entry, for a row already saved) or `delete`."""
    fields = {k: "" if v is None else v for k, v in model_to_dict(quiz).items() if k != "questions"}
    data = {
        **fields,
        "entries-TOTAL_FORMS": str(len(rows)),
        "entries-INITIAL_FORMS": str(sum("entry" in row for row in rows)),
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data[f"entries-{n}-id"] = str(row["entry"].pk) if "entry" in row else ""
        data[f"entries-{n}-quiz"] = str(quiz.pk)
        data[f"entries-{n}-question"] = str(row["question"].pk)
        data[f"entries-{n}-order"] = row["order"]
        if row.get("delete"):
            data[f"entries-{n}-DELETE"] = "on"
    return client.post(f"/admin/quizzes/quiz/{quiz.pk}/change/", data)


def _post_entry(client, quiz, entry, question, order: str):
    return _post_rows(client, quiz, [{"entry": entry, "question": question, "order": order}])


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


# --- a quiz's positions: each once, from 1, renumbered 1..n on save ----------------------------


def _quiz_of(*slugs: str):
    """A quiz of new questions with these slugs at 1..n; the quiz and its entries by slug."""
    quiz = make_quiz(*(make_question(slug=slug) for slug in slugs))
    return quiz, {e.question.slug: e for e in quiz.entries.select_related("question")}


def _positions(quiz) -> list[tuple[str, int]]:
    return list(quiz.entries.order_by("order", "pk").values_list("question__slug", "order"))


def _rows(entries: dict, **orders: str) -> list[dict]:
    return [
        {"entry": e, "question": e.question, "order": orders.get(slug, str(e.order))}
        for slug, e in entries.items()
    ]


def _entry_audit() -> list[tuple[int, str, dict]]:
    from auditlog.models import LogEntry

    rows = LogEntry.objects.filter(content_type__model="quizquestion").order_by("pk")
    return [(e.action, e.object_repr, e.changes_dict) for e in rows]


def _errors(page: str) -> list[str]:
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*><li>(.*?)</li></ul>', page)


def test_a_position_given_twice_is_refused_naming_it_and_its_questions(admin_client):
    """Nothing is written, and the rows come back as they were typed, each tied one marked."""
    quiz, entries = _quiz_of("alpha", "beta", "gamma")
    response = _post_rows(admin_client, quiz, _rows(entries, beta="1", gamma="7"))
    assert response.status_code == 200
    page = response.content.decode()
    assert _errors(page) == [
        "Position 1 is given to “alpha” and “beta”: give each question a position of its own.",
        "Another row has this position too.",
        "Another row has this position too.",
    ]
    assert 'name="entries-1-order" value="1"' in page
    assert 'name="entries-2-order" value="7"' in page
    assert _positions(quiz) == [("alpha", 1), ("beta", 2), ("gamma", 3)]
    assert _entry_audit() == []


def test_a_refused_page_titles_each_row_as_saved_and_describes_its_positions(admin_client):
    """The fields show what was typed; each row's title still says where its question is
    saved. Each position input is named for its row and points at the line that says how
    positions work (drawn on the page, unlike a column's help icon on a phone)."""
    quiz, entries = _quiz_of("alpha", "beta")
    page = _post_rows(admin_client, quiz, _rows(entries, beta="1")).content.decode()
    titles = re.findall(r'<td class="original">\s*<p>\s*(.*?)\s*</p>', page)
    assert titles == [f"{quiz.slug} #1: alpha", f"{quiz.slug} #2: beta"]
    beta = re.search(r"<input[^>]*name=\"entries-1-order\"[^>]*>", page)[0]
    assert 'aria-label="Position of “beta”"' in beta
    described = re.search(r'aria-describedby="([^"]*)"', beta)[1].split()
    assert described == ["entries-positions-help", "id_entries-1-order_error"]
    for target in described:
        assert f'id="{target}"' in page
    assert "blank to put it last" in page
    assert 'aria-label="Delete “beta”"' in page


@pytest.mark.parametrize("typed", ["0", "-2"])
def test_a_position_below_one_is_refused_on_its_row(admin_client, typed):
    quiz, entries = _quiz_of("alpha", "beta")
    response = _post_rows(admin_client, quiz, _rows(entries, alpha="2", beta=typed))
    assert response.status_code == 200
    assert _errors(response.content.decode()) == ["Positions start at 1."]
    assert _positions(quiz) == [("alpha", 1), ("beta", 2)]


def test_the_model_refuses_a_position_below_one():
    from django.core.exceptions import ValidationError

    quiz, entries = _quiz_of("alpha")
    entries["alpha"].order = 0
    with pytest.raises(ValidationError, match="Positions start at 1"):
        entries["alpha"].full_clean()


def test_positions_with_gaps_are_saved_as_1_to_n_in_the_order_given(admin_client):
    """Each entry that moves is audited once, at the position it was saved with."""
    quiz, entries = _quiz_of("alpha", "beta", "gamma")
    response = _post_rows(admin_client, quiz, _rows(entries, alpha="30", beta="4", gamma="10"))
    assert response.status_code == 302
    assert _positions(quiz) == [("beta", 1), ("gamma", 2), ("alpha", 3)]
    assert sorted(_entry_audit()) == [
        (1, f"{quiz.slug} #1: beta", {"order": ["2", "1"]}),
        (1, f"{quiz.slug} #2: gamma", {"order": ["3", "2"]}),
        (1, f"{quiz.slug} #3: alpha", {"order": ["1", "3"]}),
    ]


def test_a_deleted_row_and_new_rows_leave_the_positions_1_to_n(admin_client):
    """A new row goes where its position says; one left blank goes last."""
    quiz, entries = _quiz_of("alpha", "beta", "gamma")
    delta, omega = make_question(slug="delta"), make_question(slug="omega")
    rows = _rows(entries)
    rows[1]["delete"] = True
    rows += [{"question": omega, "order": ""}, {"question": delta, "order": "2"}]
    assert _post_rows(admin_client, quiz, rows).status_code == 302
    assert _positions(quiz) == [("alpha", 1), ("delta", 2), ("gamma", 3), ("omega", 4)]
    assert sorted((action, name) for action, name, _ in _entry_audit()) == [
        (0, f"{quiz.slug} #2: delta"),
        (0, f"{quiz.slug} #4: omega"),
        (2, f"{quiz.slug} #2: beta"),
    ]


def test_a_question_given_twice_is_refused_naming_it(admin_client):
    quiz, entries = _quiz_of("alpha", "beta")
    rows = [*_rows(entries), {"question": entries["alpha"].question, "order": "3"}]
    response = _post_rows(admin_client, quiz, rows)
    assert response.status_code == 200
    assert _errors(response.content.decode())[0] == (
        "“alpha” is in 2 rows: a quiz has each question once. Delete the extra rows."
    )
    assert _positions(quiz) == [("alpha", 1), ("beta", 2)]


@pytest.mark.parametrize("change", ["swapped", "taken from a deleted row"])
def test_a_question_moved_to_another_row_is_saved_not_a_server_error(admin_client, change):
    """Two rows that swap their questions, or a row given the question of a row deleted in the
    same save: written in an order the database's one-entry-per-question rule allows."""
    quiz, entries = _quiz_of("alpha", "beta")
    rows = _rows(entries)
    alpha, beta = entries["alpha"].question, entries["beta"].question
    if change == "swapped":
        rows[0]["question"], rows[1]["question"] = beta, alpha
        expected = [("beta", 1), ("alpha", 2)]
    else:
        rows[0]["question"], rows[1]["delete"] = beta, True
        expected = [("beta", 1)]
    assert _post_rows(admin_client, quiz, rows).status_code == 302
    assert _positions(quiz) == expected


def test_an_entry_added_while_the_page_was_open_stays_after_its_rows(admin_client):
    """An instructor's add that the page never listed is neither lost nor tied."""
    quiz, entries = _quiz_of("alpha", "beta")
    from teach.services import quiz_add_question

    rows = _rows(entries, alpha="5", beta="1")
    quiz_add_question(quiz=quiz, question=make_question(slug="gamma"))  # gamma #3
    assert _post_rows(admin_client, quiz, rows).status_code == 302
    assert _positions(quiz) == [("beta", 1), ("alpha", 2), ("gamma", 3)]


def test_an_administrator_saves_a_quizs_positions(client, django_user_model):
    """The everyday admin role (not a superuser) changes, adds and deletes entries."""
    from django.core.management import call_command

    from tests.conftest import give_mfa, sign_in

    ops = django_user_model.objects.create_user("ops", password="a-long-passphrase-6")
    call_command("make_admin", "ops")
    give_mfa(ops)
    sign_in(client, ops)
    quiz, entries = _quiz_of("alpha", "beta", "gamma")
    rows = _rows(entries, gamma="1", alpha="5")
    rows[1]["delete"] = True
    rows.append({"question": make_question(slug="delta"), "order": ""})
    assert _post_rows(client, quiz, rows).status_code == 302
    assert _positions(quiz) == [("gamma", 1), ("alpha", 2), ("delta", 3)]


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


# --- a question deleted: the quizzes that had it close up -------------------------------------


@pytest.mark.parametrize("how", ["its page", "the list's action"])
def test_a_question_deleted_leaves_each_quiz_that_had_it_1_to_n(admin_client, how):
    """Every quiz that listed it keeps the order of the rest, renumbered 1..n: no gap is left
    where the question was (the quiz's page would show 1, 3)."""
    quiz, entries = _quiz_of("alpha", "beta", "gamma", "delta")
    gone = entries["beta"].question
    other = make_quiz(make_question(slug="solo"), gone, make_question(slug="last"))
    untouched = make_quiz(make_question(slug="kept"))
    if how == "its page":
        url = f"/admin/quizzes/question/{gone.pk}/delete/"
        response = admin_client.post(url, {"post": "yes"})
    else:
        response = admin_client.post(
            "/admin/quizzes/question/",
            {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Question.objects.filter(pk=gone.pk).exists()
    assert _positions(quiz) == [("alpha", 1), ("gamma", 2), ("delta", 3)]
    assert _positions(other) == [("solo", 1), ("last", 2)]
    assert _positions(untouched) == [("kept", 1)]


def test_a_quiz_of_hundreds_of_questions_is_saved_from_its_page_as_drawn(admin_client):
    """Five fields a row: a page of 250 rows sent more than DATA_UPLOAD_MAX_NUMBER_FIELDS and
    was refused whole (a 400, its new title lost). Past `INLINE_QUESTIONS` the page links to
    the questions instead, and saves."""
    from django.conf import settings

    from quizzes.admin import INLINE_QUESTIONS
    from tests.quizzes.test_admin_edited_elsewhere import _form

    questions = [make_question(slug=f"many-{n}") for n in range(250)]
    quiz = make_quiz(*questions, slug="huge")
    assert len(questions) > INLINE_QUESTIONS
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "250 questions, too many to edit in rows here" in page
    assert f"/admin/quizzes/question/?quizzes__id__exact={quiz.pk}" in page
    assert f'href="/teach/quizzes/{quiz.pk}/"' in page
    data = _form(admin_client, url, "quiz_form")
    assert sum(map(len, data.values())) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    data["title"] = ["Renamed"]
    response = admin_client.post(url, {**data, "_continue": "1"})
    assert response.status_code == 302, response.content.decode()[:300]
    quiz.refresh_from_db()
    assert quiz.title == "Renamed"
    assert quiz.entries.count() == 250
    listed = admin_client.get(f"/admin/quizzes/question/?quizzes__id__exact={quiz.pk}")
    assert "250 questions" in listed.content.decode()


def test_the_list_of_quizzes_counts_no_quizs_questions(admin_client):
    """Only a quiz's own page needs how many questions it lists (past `INLINE_QUESTIONS` it
    links to them); counting every quiz's entries for the list cost it 75 ms at 100 times the
    course (1,000 quizzes, 20,800 entries), grouped before its page was cut."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_quiz(*[make_question(slug=f"listed-{n}") for n in range(3)], slug="listed")
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get("/admin/quizzes/quiz/").content.decode()
    assert "listed" in page
    assert not [q["sql"] for q in queries if "quizzes_quizquestion" in q["sql"]]


def test_a_changed_key_of_an_answered_question_is_said_as_the_question_editor_says_it(
    admin_client, learner
):
    """An admin fixing a wrong key read only "changed successfully" and expected the marks
    already given to follow; they do not."""
    from django.contrib.messages import WARNING, get_messages

    from quizzes.answer_key import REKEYED
    from tests.quizzes.test_admin_edited_elsewhere import _form

    question = make_question(slug="keyed")
    attempt = make_attempt(make_quiz(question), user=learner)
    Answer.objects.create(attempt=attempt, question=question, saved_at=timezone.now())
    url = f"/admin/quizzes/question/{question.pk}/change/"

    def save(**changed) -> list:
        data = {**_form(admin_client, url, "question_form"), **changed, "_continue": "1"}
        response = admin_client.post(url, data, follow=True)
        return [(m.level, m.message) for m in get_messages(response.wsgi_request)]

    assert (WARNING, REKEYED) not in save(explanation="Reworded only.")
    data = question.data
    right = next(c for c in data["choices"] if c["correct"])
    other = next(c for c in data["choices"] if not c["correct"])
    right["correct"], other["correct"] = False, True
    assert (WARNING, REKEYED) in save(data=json.dumps(data))
    question.refresh_from_db()
    assert question.data == data


def test_a_choice_taken_out_of_an_answered_question_is_said_as_the_question_editor_says_it(
    admin_client, learner
):
    """An admin taking out a choice learners picked read only "changed successfully", while the
    question editor says their answers keep it and their marks; an unanswered question's save
    says nothing of it."""
    from django.contrib.messages import get_messages

    from tests.quizzes.test_admin_edited_elsewhere import _form

    def save(question, data) -> str:
        url = f"/admin/quizzes/question/{question.pk}/change/"
        form = {**_form(admin_client, url, "question_form"), "_continue": "1"}
        response = admin_client.post(url, {**form, "data": json.dumps(data)}, follow=True)
        return " ".join(m.message for m in get_messages(response.wsgi_request))

    answered, unanswered = make_question(slug="answered"), make_question(slug="unanswered")
    attempt = make_attempt(make_quiz(answered), user=learner)
    Answer.objects.create(attempt=attempt, question=answered, saved_at=timezone.now())
    for question in (answered, unanswered):
        data = question.data
        wrong = [c for c in data["choices"] if not c["correct"]]
        assert len(data["choices"]) > 2 and wrong
        gone = wrong[-1]
        data["choices"].remove(gone)
        said = save(question, data)
        question.refresh_from_db()
        assert gone["id"] not in {c["id"] for c in question.data["choices"]}
        taken_out = f"Choice “{gone['text']}” was taken out: answers that chose it keep it"
        if question is answered:
            assert taken_out in said
            assert "The right answer changed" not in said  # the key stayed
        else:
            assert "taken out" not in said
