"""What an admin request may ask of the database is bounded in every admin, a library's too
(`srm_trainer/admin_bounds.py`): a search of many words, an action sent with rows that are no
rows, and a filter the database cannot run are answered, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from quizzes.models import Question
from srm_trainer.admin_bounds import MAX_SEARCH_WORDS, _compares_a_datetime, bounded_search
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


def test_a_search_keeps_its_first_words_and_a_quoted_phrase_is_one():
    assert bounded_search("root user") == ("root user", 2)
    words = " ".join(f"w{n}" for n in range(30))
    assert bounded_search(words) == (" ".join(f"w{n}" for n in range(MAX_SEARCH_WORDS)), 30)
    phrases = '"root user" ' * 25
    kept, count = bounded_search(phrases)
    assert count == 25 and kept == " ".join(['"root user"'] * MAX_SEARCH_WORDS)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/quizzes/question/",
        "/admin/quizzes/quiz/",
        "/admin/auth/user/",
        "/admin/lessons/lesson/",
        "/admin/lessons/scenario/",
    ],
)
def test_a_search_of_a_thousand_words_is_a_list_that_says_it_read_the_first(admin_client, path):
    # Each word was one more AND of an OR: SQLite refused the query ("Expression tree is too
    # large"), a 500.
    make_question("single", prompt="Who protects the root user?")
    response = admin_client.get(path, {"q": " ".join(["root"] * 1000)})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"The search reads its first {MAX_SEARCH_WORDS} words; the other 980 were left out." in (
        page
    )
    # Its links (each column's sort, each filter) carry the words read, not the whole query.
    assert "root+" * (MAX_SEARCH_WORDS + 1) not in page and len(page) < 100_000


def test_the_first_words_still_find_the_rows(admin_client):
    make_question("single", slug="wanted-one", prompt="Who protects the root user?")
    make_question("single", slug="other-one", prompt="Something else entirely")
    response = admin_client.get(
        "/admin/quizzes/question/", {"q": " ".join(["root"] * 20 + ["absent"] * 980)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "wanted-one" in page and "other-one" not in page


def test_an_autocomplete_of_a_thousand_words_answers(admin_client):
    make_question("single", prompt="Who protects the root user?")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": " ".join(["a"] * 1000),
            "app_label": "quizzes",
            "model_name": "quizquestion",
            "field_name": "question",
        },
    )
    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.parametrize("chosen", [["x"], ["1", "-"], ["9" * 30], ["1e5"]])
def test_an_action_on_rows_that_are_no_rows_is_refused_with_a_message(admin_client, chosen):
    question = make_question("single")
    response = admin_client.post(
        "/admin/quizzes/question/",
        {"action": "archive_selected", "_selected_action": [str(question.pk), *chosen]},
        follow=True,
    )
    assert response.status_code == 200
    assert "The rows chosen are not rows of this list" in response.content.decode()
    question.refresh_from_db()
    assert not question.archived


def test_an_action_on_real_rows_still_runs(admin_client):
    question = make_question("single")
    response = admin_client.post(
        "/admin/quizzes/question/",
        {"action": "archive_selected", "_selected_action": [str(question.pk)]},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.archived


def test_a_filter_the_database_cannot_run_is_the_plain_list_again(admin_client):
    """`contains` on a JSON field: SQLite cannot run it (a 500 before), PostgreSQL can (jsonb
    containment), so there the list is simply filtered."""
    from django.db import connection

    make_question("single")
    response = admin_client.get("/admin/quizzes/question/", {"data__contains": "x"})
    if connection.vendor == "sqlite":
        # Django's answer to a filter it cannot use: the list without it, marked ?e=1.
        assert response.status_code == 302
        assert response["Location"] == "/admin/quizzes/question/?e=1"
    else:
        assert response.status_code == 200
        assert "0 questions" in response.content.decode()
    assert Question.objects.count() == 1


def test_the_plain_list_again_says_the_filter_in_its_address_was_not_applied(admin_client):
    """Django's list at `?e=1` said nothing, as if the filter had found every row."""
    make_question("single")
    response = admin_client.get("/admin/auditlog/logentry/", {"cid": "a\x00b"}, follow=True)
    assert response.redirect_chain == [("/admin/auditlog/logentry/?e=1", 302)]
    page = response.content.decode()
    assert (
        '<li class="warning">The filter in this page&#x27;s address could not be applied, so the'
        " whole list is shown.</li>"
    ) in page
    # Said once: the list's own links (a sort, a filter) leave `e` out, and say nothing.
    sorted_list = admin_client.get("/admin/auditlog/logentry/", {"o": "1"})
    assert "could not be applied" not in sorted_list.content.decode()


def test_the_plain_list_asked_for_with_another_filter_it_cannot_build_is_the_plain_list(
    admin_client,
):
    """`?e=1` with a filter the list cannot build (a bookmark, an address edited by hand) was
    Django's "Database error" page, which blames the database's installation."""
    response = admin_client.get("/admin/auditlog/logentry/", {"e": "1", "cid": "a\x00b"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/auditlog/logentry/?e=1"
    assert admin_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("/admin/auditlog/logentry/", {"actor": "18446744073709551616"}),
        ("/admin/quizzes/question/", {"lesson": "9" * 400}),
    ],
)
def test_a_foreign_key_filter_past_the_databases_integers_is_the_plain_list_again(
    admin_client, path, sent
):
    """A foreign key's lookup is not bounded as an integer field's is (Django answers that one
    with no rows): a 20-digit `?actor=` on the audit log's list was OverflowError on SQLite."""
    from django.db import connection

    response = admin_client.get(path, sent)
    if connection.vendor == "sqlite":
        assert response.status_code == 302
        assert response["Location"] == f"{path}?e=1"
    else:
        assert response.status_code in (200, 302)


def _audit_entries() -> int:
    """One audit-log entry for a question and one for a quiz (the filter lists the kinds it
    finds); the question's kind's key."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from quizzes.models import Quiz

    for model in (Question, Quiz):
        kind = ContentType.objects.get_for_model(model)
        LogEntry.objects.create(content_type=kind, object_pk="1", object_repr="x", action=0)
    return ContentType.objects.get_for_model(Question).pk


@pytest.mark.parametrize("sent", ["abc", "1e400", "1.5", '{"id": "abc"}'])
def test_a_list_filters_own_value_it_cannot_use_is_the_plain_list_again(admin_client, sent):
    """auditlog's "Resource Type" filter (a `SimpleListFilter`, its author's code) passed
    `?resource_type=abc` to the database as a key: ValueError, a 500 for every role that
    reads the audit log. Django's own field filters already answered such a value so."""
    _audit_entries()
    response = admin_client.get("/admin/auditlog/logentry/", {"resource_type": sent})
    assert response.status_code == 302
    assert response["Location"] == "/admin/auditlog/logentry/?e=1"
    # A kind's own key still filters.
    kept = admin_client.get("/admin/auditlog/logentry/", {"resource_type": _audit_entries()})
    assert kept.status_code == 200 and "2 log entries" in kept.content.decode()  # of 4


@pytest.mark.parametrize("sent", [{"cid": "a\x00b"}, {"object_pk": "\x00"}, {"q": "x\x00"}])
def test_a_filter_or_search_holding_nul_is_the_plain_list_again(admin_client, sent):
    """PostgreSQL's text refuses NUL: the audit log's `?cid=` or `?object_pk=`, and a search,
    were DataError there, a 500 (SQLite took them and found nothing)."""
    response = admin_client.get("/admin/auditlog/logentry/", sent)
    assert response.status_code == 302
    assert response["Location"] == "/admin/auditlog/logentry/?e=1"


@pytest.mark.parametrize(
    "period",
    [
        {"year": "9999"},  # its end, the year 10000: ValueError
        {"year": "9999", "month": "12"},
        {"year": "9999", "month": "12", "day": "31"},  # OverflowError
        {"year": "18446744073709551616"},  # OverflowError
    ],
)
def test_a_drill_down_period_no_time_holds_is_the_plain_list_again(admin_client, period):
    """The certificates' list drilled down to a period ending past the year 9999 (an address
    edited by hand): a 500 out of Django's ChangeList; now the plain list, as for any filter
    the list cannot build."""
    sent = {f"issued_at__{part}": value for part, value in period.items()}
    response = admin_client.get("/admin/certificates/certificate/", sent)
    assert response.status_code == 302
    assert response["Location"] == "/admin/certificates/certificate/?e=1"


def test_a_drill_down_period_that_starts_before_the_year_1_in_utc_is_refused(admin_client):
    """The year 1 begins in UTC's year 0 for a reader in Tokyo (its local mean time then was
    +9:18:59): a 500 when the database was asked. A real year still filters."""
    from lessons.timezones import COOKIE

    admin_client.cookies[COOKIE] = "Asia/Tokyo"
    response = admin_client.get("/admin/certificates/certificate/", {"issued_at__year": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/certificates/certificate/?e=1"
    ordinary = admin_client.get("/admin/certificates/certificate/", {"issued_at__year": "2026"})
    assert ordinary.status_code == 200


def test_which_filters_compare_a_date_and_time():
    from certificates.models import Certificate

    compares = {
        key: _compares_a_datetime(Certificate, key)
        for key in (
            "issued_at",
            "issued_at__gte",
            "issued_at__in",
            "user__date_joined__lt",  # across a relation
            "issued_at__year",  # a transform: a number
            "issued_at__date__gte",  # a date, no zone to read it in
            "issued_at__isnull",
            "course",
            "user",
            "nothing__gte",
        )
    }
    assert [key for key, yes in compares.items() if yes] == [
        "issued_at",
        "issued_at__gte",
        "issued_at__in",
        "user__date_joined__lt",
    ]


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize(
    ("sent", "listed"),
    [
        ({"issued_at__gte": "9999-12-31"}, []),
        ({"issued_at__gte": "2026-12-01"}, ["Later"]),  # Earlier: 30 Nov, 22:00 in New York
        ({"issued_at__lt": "2026-12-01T00:30"}, ["Earlier"]),
        ({"issued_at__gte": "2026-11-30", "issued_at__lt": "2026-12-01"}, ["Earlier"]),
        ({"issued_at__gte": "2026-12-01T05:00:00+00:00"}, ["Later"]),  # with its zone: as sent
    ],
)
def test_a_date_typed_without_its_zone_is_read_in_the_readers_zone_with_no_warning(
    admin_client, learner, other_learner, sent, listed
):
    """`?issued_at__gte=9999-12-31`, typed into the address: Django read it in the site's zone
    (UTC) and logged "received a naive datetime" (a RuntimeWarning, an error here) each time.
    It is read in the reader's zone, as the list's times and its drill-down are."""
    from certificates.models import Certificate
    from lessons.timezones import COOKIE

    for user, name, at in (
        (learner, "Earlier", datetime(2026, 12, 1, 3, 0, tzinfo=UTC)),
        (other_learner, "Later", datetime(2026, 12, 1, 6, 0, tzinfo=UTC)),
    ):
        Certificate.objects.create(user=user, name=name, issued_at=at)
    admin_client.cookies[COOKIE] = "America/New_York"
    response = admin_client.get("/admin/certificates/certificate/", sent)
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("#result_list tbody tr")
    shown = [name for row in rows for name in ("Earlier", "Later") if name in row.get_text()]
    assert sorted(shown) == listed


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize(
    ("zone", "sent"),
    [
        ("Asia/Tokyo", {"issued_at__gte": "0001-01-01"}),  # the year 0 in UTC
        ("America/New_York", {"issued_at__lt": "9999-12-31 23:00"}),  # the year 10000
        ("America/New_York", {"issued_at__in": "2026-12-01,9999-12-31 23:00"}),
    ],
)
def test_a_date_typed_without_its_zone_that_no_time_holds_in_utc_is_the_plain_list(
    admin_client, zone, sent
):
    from lessons.timezones import COOKIE

    admin_client.cookies[COOKIE] = zone
    response = admin_client.get("/admin/certificates/certificate/", sent)
    assert response.status_code == 302
    assert response["Location"] == "/admin/certificates/certificate/?e=1"


@pytest.mark.parametrize("sent", ["x", "9" * 400, "1.5", "a\x00b"])
def test_an_autocomplete_fields_value_that_is_no_key_is_its_message_not_a_500(admin_client, sent):
    """A refused form is drawn again, and Django's autocomplete widget looked the sent value up
    to show it chosen (ValueError for `x`, OverflowError on SQLite for 400 digits), and a
    many-to-many field checked 400 digits with a query (OverflowError)."""
    response = admin_client.post(
        "/admin/lessons/scenario/add/", {"owner": sent, "lessons": [sent], "title": "T"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page or "Null characters are not allowed" in page
    assert "is not a valid value" in page or "Null characters are not allowed" in page


def test_an_inline_row_sent_twice_is_a_message_and_nothing_saved(admin_client):
    """Each inline row is checked against the saved rows, not against the page's other rows as
    they are written: the same lesson id on two rows (a page changed by hand) broke the
    module-and-slug rule as they were saved, an IntegrityError and a 500."""
    from lessons.models import Lesson
    from tests.conftest import make_lesson, make_module
    from tests.crawler import parse

    module = make_module()
    first, second = (
        make_lesson(module, slug="one", order=1),
        make_lesson(module, slug="two", order=2),
    )
    url = f"/admin/lessons/module/{module.pk}/change/"
    form = max(parse(admin_client.get(url).content.decode()).forms, key=lambda f: len(f.fields))
    fields = dict(form.fields)
    assert {fields["lessons-0-id"], fields["lessons-1-id"]} == {str(first.pk), str(second.pk)}
    fields["lessons-1-id"] = fields["lessons-0-id"]  # the second row's slug, onto the first
    response = admin_client.post(url, fields)
    assert response.status_code == 302 and response["Location"] == url
    said = admin_client.get(url).content.decode()
    assert "Nothing was saved: the change would have made two rows the same" in said
    assert sorted(Lesson.objects.values_list("slug", flat=True)) == ["one", "two"]
