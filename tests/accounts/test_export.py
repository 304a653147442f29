"""'Download my data': what the file holds, what it never holds, and who gets it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts import services as cohort_services
from srm_trainer.accounts import export
from tests.accounts.history import give_history, teacher
from tests.conftest import sign_in
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db

URL = "/accounts/data/download/"


def _section(document: dict, key: str):
    """`key` as EXPORTED names it ("security.events" is document["security"]["events"])."""
    value = document
    for part in key.split("."):
        value = value[part]
    return value


def test_every_field_that_points_at_an_account_is_exported_or_said_not_to_be():
    """A new model with a foreign key to the user fails here until export.py says where its
    rows go in the file (EXPORTED) or why they are not there (NOT_EXPORTED)."""
    listed = set(export.EXPORTED) | set(export.NOT_EXPORTED)
    real = export.user_fields()
    assert real - listed == set(), "not in export.EXPORTED nor export.NOT_EXPORTED"
    assert listed - real == set(), "listed, but no such field points at the user model"
    assert not set(export.EXPORTED) & set(export.NOT_EXPORTED)


def test_an_attempt_says_the_pass_mark_it_was_graded_against_as_its_result_page_does():
    """A quiz's pass mark raised after grading changes neither `passed` nor the mark the file
    gives beside it; an attempt graded before attempts kept their mark gives the quiz's."""
    from quizzes.models import Attempt

    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    give_history(ada, "ada", teacher=teacher())
    graded = Attempt.objects.get(user=ada)
    then = graded.pass_mark
    graded.quiz.pass_mark = then + 20
    graded.quiz.save(update_fields=["pass_mark"])
    (attempt,) = export.export_data(ada)["quiz_attempts"]
    assert (attempt["pass_mark"], attempt["graded_questions"], attempt["passed"]) == (then, 1, True)
    Attempt.objects.filter(pk=graded.pk).update(pass_mark=None, graded_count=None)
    (attempt,) = export.export_data(ada)["quiz_attempts"]
    assert (attempt["pass_mark"], attempt["graded_questions"]) == (then + 20, None)


def test_the_file_holds_each_kind_of_data_of_a_learner_who_has_it():
    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    history = give_history(ada, "ada", teacher=teacher())
    document = export.export_data(ada, absolute_url=lambda path: f"https://example.org{path}")

    account = document["account"]
    assert (account["username"], account["first_name"], account["last_name"]) == (
        "ada", "First-ada", "Last-ada",
    )  # fmt: skip
    assert account["date_joined"] and account["roles"] == []
    assert document["email_addresses"] == [
        {"email": "ada-old@example.com", "verified": False, "primary": False},
        {"email": "ada@example.com", "verified": True, "primary": True},
    ]
    assert document["profile"] == {
        "time_zone": "Europe/Paris",
        "name_shown_to_instructors": "Chosen ada",
    }
    assert [row["title"] for row in document["lesson_progress"]] == ["Lesson-ada"]
    (check,) = document["knowledge_checks"]
    assert (check["ref"], check["response"], check["correct"]) == (
        "scenario-ada", {"decision": "Allow"}, True,
    )  # fmt: skip
    (attempt,) = document["quiz_attempts"]
    assert attempt["quiz"] == "quiz-ada" and attempt["score"] == 1.0 and attempt["submitted_at"]
    (answer,) = attempt["answers"]
    assert answer["question"] == "question-ada" and answer["correct"] is True
    assert answer["response"]
    assert [card["question"] for card in document["review_cards"]] == ["question-ada"]
    assert [row["cohort"] for row in document["cohort_memberships"]] == ["Class-ada"]
    assert [(row["cohort"], row["quiz"]) for row in document["cohort_extensions"]] == [
        ("Class-ada", "quiz-ada")
    ]
    (certificate,) = document["certificates"]
    code = history.certificate.code
    assert certificate["name"] == "Name-ada"
    assert certificate["verification_link"] == f"https://example.org/certificates/{code}/"
    kinds = sorted(key["type"] for key in document["security"]["authenticators"])
    assert kinds == ["recovery_codes", "totp", "webauthn"]
    assert {key.get("name") for key in document["security"]["authenticators"]} >= {"Key-ada"}
    sign_ins = [e for e in document["security"]["events"] if e["event"] == "signed in"]
    assert [(e["address"], e["browser"]) for e in sign_ins] == [("203.0.113.9", "Browser-ada")]
    assert document["security"]["events_left_out"] == 0
    # each part the registry names for a learner's rows holds something
    for key, section in export.EXPORTED.items():
        if not section.startswith("teaching.") and key != "admin.LogEntry.user":
            assert _section(document, section), key


def test_the_file_says_which_of_a_learners_cohorts_are_archived():
    """A cohort's instructor archives it when the class is over: the learner's file says so
    for each cohort they belong to (when, or None while it runs), as the instructor's says
    for the cohorts they teach."""
    from datetime import UTC, datetime

    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    turing = teacher()
    spring = cohort_services.cohort_create(owner=turing, name="Spring")
    autumn = cohort_services.cohort_create(owner=turing, name="Autumn")
    for cohort in (spring, autumn):
        cohort_services.cohort_join(cohort=cohort, user=ada)
    when = datetime(2031, 6, 2, 9, 30, tzinfo=UTC)
    assert cohort_services.cohort_archive(cohort=spring, now=when)
    rows = export.export_data(ada)["cohort_memberships"]
    assert [(row["cohort"], row["archived_at"]) for row in rows] == [
        ("Spring", "2031-06-02T09:30:00Z"),
        ("Autumn", None),
    ]
    owned = export.export_data(turing)["teaching"]["cohorts_owned"]
    assert [(row["cohort"], row["archived_at"]) for row in owned] == [
        ("Spring", "2031-06-02T09:30:00Z"),
        ("Autumn", None),
    ]


def test_an_instructors_file_holds_what_they_wrote_and_teach():
    turing = teacher()
    knuth = teacher("knuth")
    question = make_question(owner=turing, slug="turings-question", source="authored")
    make_quiz(question, owner=turing, slug="turings-quiz", source="authored")
    cohort = cohort_services.cohort_create(owner=turing, name="Turing's class")
    cohort.co_instructors.add(knuth)
    cohort_services.assignment_create(cohort=cohort, quiz=make_quiz(question), by=turing)
    teaching = export.export_data(turing)["teaching"]
    assert [row["cohort"] for row in teaching["cohorts_owned"]] == ["Turing's class"]
    assert [row["slug"] for row in teaching["questions"]] == ["turings-question"]
    assert [row["slug"] for row in teaching["quizzes"]] == ["turings-quiz"]
    assert len(teaching["assignments_created"]) == 1
    assert export.export_data(turing)["account"]["roles"] == ["Instructors"]
    assert [r["cohort"] for r in export.export_data(knuth)["teaching"]["cohorts_co_taught"]] == [
        "Turing's class"
    ]


def test_the_file_holds_nothing_of_another_learner():
    users = get_user_model().objects
    ada = users.create_user("ada", password="a-long-passphrase-1")
    grace = users.create_user("grace", password="a-long-passphrase-2")
    turing = teacher()
    give_history(ada, "ada", teacher=turing)
    other = give_history(grace, "grace", teacher=turing)
    text = "".join(export.export_chunks(ada))
    for trace in ("grace", other.certificate.code, "Browser-grace"):
        assert trace not in text


def test_the_file_holds_no_network_address_of_someone_else_who_acted_on_the_account():
    """An administrator's change to the account, or an instructor taking the learner out of a
    cohort, is in the learner's file, but not from where that person made it: their address
    is theirs. A sign-in's, a failed one's or the learner's own address stays."""
    from auditlog.models import LogEntry

    from cohorts import departures
    from cohorts.models import Cohort
    from srm_trainer.accounts import audit

    users = get_user_model().objects
    ada = users.create_user("ada", password="a-long-passphrase-1")
    turing = teacher()
    give_history(ada, "ada", teacher=turing)
    admin = users.create_user("root", password="a-long-passphrase-2", is_staff=True)
    by_admin = audit.record_user_event(request=None, user=ada, event="turned off")
    removal = departures.record(cohort=Cohort.objects.get(name="Class-ada"), learner=ada, by=turing)
    LogEntry.objects.filter(pk=by_admin.pk).update(actor=admin, remote_addr="198.51.100.7")
    LogEntry.objects.filter(pk=removal.pk).update(remote_addr="198.51.100.8")
    failed = audit.record_sign_in_failure(request=None, username="ada")
    LogEntry.objects.filter(pk=failed.pk).update(remote_addr="192.0.2.1")
    document = json.loads("".join(export.export_chunks(ada)))
    addresses = {e["event"]: e["address"] for e in document["security"]["events"]}
    assert addresses["turned off"] is None
    assert [e["address"] for e in document["security"]["events"] if e["address"]] == [
        "192.0.2.1",
        "203.0.113.9",
    ]


def test_the_file_holds_no_secret():
    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    history = give_history(ada, "ada", teacher=teacher())
    text = "".join(export.export_chunks(ada))
    ada.refresh_from_db()
    secrets = [ada.password, history.totp_secret, *history.recovery_codes]
    secrets.append(history.passkey.data["credential"]["id"])
    from allauth.mfa.models import Authenticator

    codes = Authenticator.objects.get(user=ada, type=Authenticator.Type.RECOVERY_CODES)
    secrets.append(codes.data["seed"])
    for secret in secrets:
        assert secret and secret not in text
    assert "password" not in json.loads(text)["account"]


def test_a_long_security_log_is_cut_to_the_newest_entries(settings, monkeypatch):
    from srm_trainer.accounts import audit

    monkeypatch.setattr(export, "SECURITY_EVENTS_CAP", 3)
    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    for _ in range(5):
        audit.record_sign_in(request=None, user=ada)
    security = export.export_data(ada)["security"]
    assert len(security["events"]) == 3
    assert [e["event"] for e in security["events"]] == ["signed in"] * 3  # the newest
    assert security["events_left_out"] == 3  # two sign-ins and the account's creation


def test_the_download_is_the_signed_in_persons_file_named_for_them(client):
    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    give_history(ada, "ada", teacher=teacher())
    sign_in(client, ada)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="srm-trainer-ada-')
    assert disposition.endswith('.json"')
    assert "no-store" in {part.strip() for part in response["Cache-Control"].split(",")}
    document = json.loads(b"".join(response.streaming_content))
    assert document["account"]["username"] == "ada"
    (certificate,) = document["certificates"]
    assert certificate["verification_link"].startswith("http://testserver/certificates/")


def test_the_download_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_downloads_are_rate_limited(client, settings):
    from django.core.cache import cache

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/3600"}
    cache.clear()
    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    sign_in(client, ada)
    assert [client.get(URL).status_code for _ in range(2)] == [200, 200]
    response = client.get(URL)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert "downloads of your data" in text
    assert "what you typed" not in text and "Nothing is lost" in text  # no form behind it


def test_the_account_pages_link_to_your_data(learner_client):
    page = learner_client.get(reverse("account_change_password")).content.decode()
    assert f'href="{reverse("account_data")}"' in page
    data_page = learner_client.get(reverse("account_data")).content.decode()
    assert f'href="{URL}"' in data_page and 'href="/accounts/delete/"' in data_page


def _rich_history(user):
    """Attempts and cards whose values the file must write exactly: times on the second, with
    microseconds under a millisecond and at 999,999, answers not yet graded (no score, no
    times), accented and astral text, tiny and huge numbers, nested and empty JSON, a quiz
    title with quotes, an attempt with no answer and one with a deadline."""
    from datetime import UTC, datetime

    from quizzes.models import Answer, Attempt, ReviewCard

    questions = [make_question(slug=f"rich-{n}") for n in range(3)]
    quiz = make_quiz(*questions, slug="rich-quiz", title='"Quoted" — naïve 🔑 title')
    at = [
        datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 0, 1, 999_999, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 0, 2, 123, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 0, 3, 450_000, tzinfo=UTC),
    ]
    made = Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=user, question_ids=[q.pk for q in questions], started_at=start,
                deadline=at[3] if n == 1 else None, submitted_at=None if n == 2 else at[(n + 1) % 4],
                score=[0.5, 1e-05, None, 2 / 3][n], passed=[True, False, None, False][n],
                pass_mark=[None, 70, None, 0][n], graded_count=[None, 3, None, 0][n],
                flagged=[[], [questions[0].pk], [], []][n], layout={})
        for n, start in enumerate(at)
    )  # fmt: skip
    responses = [
        {"choice": ["a", "c"], "text": ["Café — ünïcode", "🔑 key"]},
        {"value": 1e-05, "big": 12345678901234567890, "neg": -0.0, "nested": {"a": [1, {"b": None}]}},
        {},
        {"text": 'quote " backslash \\ tab \t newline \n'},
    ]  # fmt: skip
    Answer.objects.bulk_create(
        Answer(attempt=attempt, question=question, response=responses[(n + k) % 4],
               score=None if n == 2 else [1.0, 0.0, 0.25][k], correct=None if n == 2 else k == 0,
               credit=None if k else 0.75, tries=k, certainty=k or None,
               feedback={} if n == 2 else {"why": f"Parce que — {k}", "ok": k == 0},
               saved_at=at[(n + k) % 4], graded_at=None if n == 2 else at[(n + k + 1) % 4])
        for n, attempt in enumerate(made[:3])
        for k, question in enumerate(questions)
    )  # fmt: skip
    ReviewCard.objects.bulk_create(
        ReviewCard(user=user, question=question, due=at[k], reviews=k, lapses=k % 2,
                   last_reviewed_at=None if k == 1 else at[k - 1],
                   card={"card_id": question.pk, "stability": 3.2 / (k + 1), "due": "é"},
                   draft={"policy": ['{"Version": "2012-10-17" — 🔑'], "shown": []} if k == 1
                   else None)
        for k, question in enumerate(questions)
    )  # fmt: skip


def _expected_rows(user) -> dict[str, list[dict]]:
    """The attempts and review cards as read through the models, one object at a time."""
    from quizzes.models import Attempt, ReviewCard

    attempts = []
    for attempt in Attempt.objects.filter(user=user).order_by("started_at", "pk"):
        attempts.append({
            "quiz": attempt.quiz.slug,
            "quiz_title": attempt.quiz.title,
            **{name: getattr(attempt, name) for name in
               ("started_at", "deadline", "submitted_at", "score", "passed")},
            "pass_mark": attempt.quiz.pass_mark if attempt.pass_mark is None else attempt.pass_mark,
            "graded_questions": attempt.graded_count,
            "flagged_questions": attempt.flagged,
            "answers": [
                {"question": answer.question.slug,
                 **{name: getattr(answer, name) for name in
                    ("response", "score", "correct", "credit", "tries", "certainty", "feedback",
                     "saved_at", "graded_at")}}
                for answer in attempt.answers.order_by("pk")
            ],
        })  # fmt: skip
    cards = [
        {"question": card.question.slug, "due": card.due, "reviews": card.reviews,
         "lapses": card.lapses, "last_reviewed_at": card.last_reviewed_at, "card": card.card,
         "draft": card.draft}
        for card in ReviewCard.objects.filter(user=user).order_by("due", "pk")
    ]  # fmt: skip
    return {"quiz_attempts": attempts, "review_cards": cards}


def test_the_file_writes_every_attempt_answer_and_card_byte_for_byte_as_the_models_read():
    """The download reads its longest lists as plain values, not models: each line of them is
    the same text as its row read through the models and written by Django's JSON encoder
    (times in UTC to the millisecond, "Z"; text as it is, not escaped to ASCII)."""
    from django.core.serializers.json import DjangoJSONEncoder

    ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    give_history(ada, "ada", teacher=teacher())
    _rich_history(ada)
    text = "".join(export.export_chunks(ada))
    for key, rows in _expected_rows(ada).items():
        lines = [json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) for row in rows]
        assert len(lines) >= 4
        section = f'\n  "{key}": [\n    ' + ",\n    ".join(lines) + "\n  ]"
        assert section in text, key
    assert '"quiz_title": "\\"Quoted\\" — naïve 🔑 title"' in text
    assert '"saved_at": "2026-03-01T09:00:02.000Z"' in text  # 123 µs
    assert '"saved_at": "2026-03-01T09:00:01.999Z"' in text
    assert '"saved_at": "2026-03-01T09:00:00Z"' in text
    assert [] in [row["answers"] for row in json.loads(text)["quiz_attempts"]]
