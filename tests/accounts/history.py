"""A learner with one of everything the site keeps about a person, for the export and delete
tests: each piece is marked with the learner's `tag`, so a test can tell whose it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from certificates.models import Certificate
from cohorts import services as cohort_services
from cohorts.models import Cohort
from lessons import knowledge_checks, progress
from lessons.models import Profile
from quizzes import attempts, review
from srm_trainer.accounts import audit
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa, give_passkey, make_lesson
from tests.quizzes.builders import make_question, make_quiz, right_response


@dataclass
class History:
    user: object
    tag: str
    cohort: Cohort
    certificate: Certificate
    totp_secret: str
    recovery_codes: list[str]
    passkey: Authenticator


def teacher(username: str = "turing"):
    user = get_user_model().objects.create_user(username, password="a-long-passphrase-7")
    set_instructor(user=user, instructor=True)
    return user


def give_history(user, tag: str, *, teacher) -> History:
    """Every kind of learner data for `user`, in `teacher`'s cohort of its own."""
    now = timezone.now()
    user.first_name, user.last_name, user.email = (
        f"First-{tag}",
        f"Last-{tag}",
        f"{tag}@example.com",
    )
    user.save()
    EmailAddress.objects.create(user=user, email=f"{tag}@example.com", primary=True, verified=True)
    EmailAddress.objects.create(user=user, email=f"{tag}-old@example.com", verified=False)
    Profile.objects.create(user=user, time_zone="Europe/Paris", shown_name=f"Chosen {tag}")
    lesson = make_lesson(title=f"Lesson-{tag}")
    progress.mark_complete(user=user, lesson=lesson)
    knowledge_checks.record(
        user=user, lesson=lesson, kind="prediction", ref=f"scenario-{tag}",
        response={"decision": "Allow"}, score=1.0, correct=True,
    )  # fmt: skip
    question = make_question(lesson=lesson, slug=f"question-{tag}")
    quiz = make_quiz(question, slug=f"quiz-{tag}")
    cohort = cohort_services.cohort_create(owner=teacher, name=f"Class-{tag}")
    cohort_services.cohort_join(cohort=cohort, user=user)
    assignment = cohort_services.assignment_create(cohort=cohort, quiz=quiz, by=teacher)
    cohort_services.extension_set(
        assignment=assignment, user_id=user.pk, due_at=now + timedelta(days=3)
    )
    attempt = attempts.attempt_start(quiz=quiz, user=user)
    attempts.answer_save(attempt=attempt, question=question, response=right_response(question))
    attempts.attempt_submit(attempt=attempt)
    review.card_record(user=user, question=question, correct=False, now=now - timedelta(days=1))
    certificate = Certificate.objects.create(
        user=user, course_title="The course", name=f"Name-{tag}", issued_at=now
    )
    secret = give_mfa(user)
    codes = RecoveryCodes.activate(user)
    passkey = give_passkey(user, f"Key-{tag}")
    request = RequestFactory().get("/", HTTP_USER_AGENT=f"Browser-{tag}", REMOTE_ADDR="203.0.113.9")
    audit.record_sign_in(request=request, user=user)
    return History(
        user=user,
        tag=tag,
        cohort=cohort,
        certificate=certificate,
        totp_secret=secret,
        recovery_codes=codes.get_unused_codes(),
        passkey=passkey,
    )
