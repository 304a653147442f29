"""Pages over state past a ceiling (docs/limits.md, "Past a ceiling"): a teacher with 5,000 banks
and 5,000 bank and misconception tags, a cohort of 5,000 assignments, an account of 5,000
e-mail addresses and of 5,000 security keys, each written directly, as before the ceilings.
Every page that lists them draws at most its bound, so each costs about what it costs at the
ceiling. CPU time is the thread's (the test client runs the view in it), the median of three
after a first request; the figures are printed. Run with `make bench`."""

from __future__ import annotations

import statistics
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from cohorts.models import Assignment
from lessons.models import Source
from quizzes.models import Question, Quiz, Tag
from tests.cohorts.conftest import T0, co_instructor, cohort, owner  # noqa: F401 (fixtures)
from tests.conftest import give_mfa, give_passkey, sign_in
from tests.teach.conftest import client_for, instructor  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

PAST = 5_000  # rows in each list, 25 to 500 times its ceiling
CEILING_MS = 200.0  # a page; measured 6-75 ms at a load of 3 (0.4-1.4 s before, 2026-12-07)
CEILING_BYTES = 300_000  # 0.01-0.13 MB measured (up to 3 MB before)


def _measured(client, url: str, label: str) -> None:
    assert client.get(url).status_code == 200, url
    runs = []
    for _ in range(3):
        start = time.thread_time()
        response = client.get(url)
        runs.append((time.thread_time() - start) * 1000)
        assert response.status_code == 200, url
    ms, size = statistics.median(runs), len(response.content)
    print(f"\n{label}: {ms:.1f} ms of CPU, {size / 1e6:.2f} MB")
    assert ms < CEILING_MS, label
    assert size < CEILING_BYTES, label


def test_a_teachers_pages_past_their_banks_and_tags(instructor):  # noqa: F811
    Question.objects.bulk_create(
        Question(slug=f"b-{n}", type="true_false", category=f"bank-{n}", owner=instructor,
                 source=Source.AUTHORED, prompt="True?", explanation="Because.",
                 data={"answer": True}, misconceptions=[f"thinks-m{n}"])
        for n in range(PAST)
    )  # fmt: skip
    tags = Tag.objects.bulk_create(Tag(slug=f"tag-{n}") for n in range(PAST))
    links = Question.tags.through
    mine = Question.objects.filter(owner=instructor).order_by("pk")
    pks = list(mine.values_list("pk", flat=True))
    links.objects.bulk_create(
        links(question_id=q, tag_id=t.pk) for q, t in zip(pks, tags, strict=True)
    )
    quiz = Quiz.objects.create(slug="q", title="Q", owner=instructor, source=Source.AUTHORED)
    teacher = client_for(instructor)
    question = mine.first()
    assert question is not None
    for url, label in (
        (reverse("teach:dashboard"), "/teach/, 5,000 banks and tags"),
        (reverse("teach:import"), "/teach/import/, 5,000 banks"),
        (reverse("teach:bank"), "the question bank, 5,000 banks and tags in its menus"),
        (reverse("teach:quiz", args=[quiz.pk]), "a quiz's page, its finder's menus"),
        (reverse("teach:quiz-edit", args=[quiz.pk]), "a quiz's settings, its category box"),
        (reverse("teach:question-edit", args=[question.pk]), "the question editor, 5,000 tags"),
    ):
        _measured(teacher, url, label)


def test_a_cohorts_pages_past_its_assignments(owner, cohort, learner):  # noqa: F811
    quizzes = Quiz.objects.bulk_create(
        Quiz(slug=f"a-{n}", title=f"Week {n}", published=True, owner=owner) for n in range(PAST)
    )
    Assignment.objects.bulk_create(
        Assignment(cohort=cohort, quiz=q, created_at=T0, created_by=owner) for q in quizzes
    )
    teacher = client_for(owner)
    _measured(teacher, reverse("teach_cohorts:gradebook", args=[cohort.pk]), "the gradebook")
    url = reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk])
    _measured(teacher, url, "a learner's page")
    home = Client()
    sign_in(home, learner)
    _measured(home, "/", "a member's home")


def test_an_accounts_pages_past_its_addresses_and_keys(client, learner, settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the test client's http://testserver
    EmailAddress.objects.bulk_create(
        EmailAddress(user=learner, email=f"a{n}@example.com", verified=True, primary=n == 0)
        for n in range(PAST)
    )
    give_mfa(learner)
    data = give_passkey(learner, "Key").data  # one key's credential, decoded as any other
    Authenticator.objects.bulk_create(
        Authenticator(user=learner, type=Authenticator.Type.WEBAUTHN, data=data)
        for _ in range(PAST - 1)
    )
    sign_in(client, learner)
    _measured(client, reverse("account_email"), "the E-mail page, 5,000 addresses")
    _measured(client, reverse("mfa_list_webauthn"), "the security keys, 5,000")
    _measured(client, reverse("mfa_reauthenticate_webauthn"), "Confirm it's you with a key")
    _measured(client, reverse("mfa_index"), "two-factor authentication's page")
