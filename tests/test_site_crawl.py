"""Every page each role can reach by following links, opened on a realistic site: the course
as shipped with its quizzes (the final exam's teaching page was a server error for every
instructor for four days, and no test reached it: each page's tests build their own small
quizzes), a cohort whose learners have submitted, unfinished and late attempts, review cards
and a certificate, and an instructor's own quizzes with a question of every kind.

For each role (anonymous, a learner, another learner, an instructor, staff of the
Administrators role, a superuser) the crawler (tests/crawler.py) starts at home, /teach/ and,
for staff, /admin/, and follows every same-site link, htmx `hx-get` and GET form (submitted
as it stands) breadth-first. No answer may be a server error or raise, no link may lead to a
404 or a 405, every whole HTML page has one <h1> and a <title>, and no destructive-looking
link changes anything when opened. `make test` opens a sample (two addresses of each page
kind); `TEST_DEPTH=deep` (CI) opens every address, a few of each only where they differ in
their query alone (sort orders, filters)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from cohorts import services as cohort_services
from curriculum.quiz_loader import load_quizzes
from lessons import progress
from lessons.models import Lesson, Source
from quizzes import attempts, review
from quizzes.kinds import KINDS
from quizzes.models import Question, Quiz
from srm_trainer.accounts.roles import ADMINISTRATORS, INSTRUCTORS
from tests.conftest import confirmed_session, give_mfa, give_passkey
from tests.crawler import Budget, crawl
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.depth import DEEP
from tests.quizzes.builders import make_question, make_quiz, right_response
from tests.shipped import load_shipped

PASSWORD = "a-long-passphrase-1"
ROLES = ("anonymous", "learner", "other_learner", "instructor", "staff", "superuser")
STARTS = {
    **dict.fromkeys(ROLES, ("/", "/teach/")),
    "staff": ("/", "/teach/", "/admin/"),
    "superuser": ("/", "/teach/", "/admin/"),
}
# `make test`: the first address of each page kind (a route), the admin's through the
# superuser only (~1,100 requests less a run: ~7 s → ~5 s of CPU); CI (deep): every address of
# ours, five of each admin page kind, and at most three addresses of one kind that differ only
# in their query's values (an admin list's sort orders and filters).
BUDGET = (
    {"per_kind": None, "per_admin_kind": 5, "per_variant": 3, "total": 3000}
    if DEEP
    else {"per_kind": 1, "per_admin_kind": 1, "per_variant": 1, "total": 400}
)


def budget_for(role: str) -> Budget:
    if not DEEP and role == "staff":
        return Budget(**{**BUDGET, "per_admin_kind": 0})
    return Budget(**BUDGET)


NO_THROTTLING = {
    "RATE_LIMITS": dict.fromkeys(settings.RATE_LIMITS, "1000000/60"),
    "RATE_LIMITS_PER_ADDRESS": dict.fromkeys(settings.RATE_LIMITS_PER_ADDRESS, "1000000/60"),
    "ACCOUNT_RATE_LIMITS": False,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


def _answered(attempt) -> None:
    """Answers to the questions of `attempt` that the builders know how to answer, a minute
    after it was started (within any time limit)."""
    when = attempt.started_at + timedelta(minutes=1)
    for question in attempts.attempt_questions(attempt):
        try:
            response = right_response(question)
        except (ValueError, KeyError, StopIteration):
            continue
        attempts.answer_save(attempt=attempt, question=question, response=response, now=when)


class World:
    """The people and their work, built once for the module (see `world`)."""

    def __init__(self) -> None:
        users = get_user_model().objects
        self.users = {
            "learner": users.create_user("ada", password=PASSWORD, first_name="Ada"),
            "other_learner": users.create_user("grace", password=PASSWORD),
            "instructor": users.create_user("turing", password=PASSWORD),
            "staff": users.create_user("morgan", password=PASSWORD, is_staff=True),
            "superuser": users.create_superuser("root", password=PASSWORD),
        }
        ada, grace, turing = (self.users[r] for r in ("learner", "other_learner", "instructor"))
        self.users["instructor"].groups.add(Group.objects.get(name=INSTRUCTORS))
        self.users["staff"].groups.add(Group.objects.get(name=ADMINISTRATORS))
        for role in ("instructor", "staff", "superuser"):
            give_mfa(self.users[role])
        EmailAddress.objects.create(user=ada, email="ada@example.com", primary=True, verified=True)
        give_passkey(ada, "Ada's key")  # the security keys' list, and each key's pages
        now = timezone.now()
        lessons = list(Lesson.objects.in_reading_order())
        for lesson in lessons[:5]:
            progress.mark_complete(user=ada, lesson=lesson)
        progress.mark_complete(user=grace, lesson=lessons[0])

        # The instructor's own quizzes: one with a question of every kind (published, assigned),
        # and a draft.
        own = [
            make_question(kind, owner=turing, source=Source.AUTHORED, lesson=None, category="mine")
            for kind in KINDS
        ]
        mine = make_quiz(*own, owner=turing, source=Source.AUTHORED, published=True, title="Mine")
        make_quiz(own[0], owner=turing, source=Source.AUTHORED, published=False, title="Draft")

        # A cohort: ada and grace in it, a shipped quiz due yesterday, the instructor's quiz due
        # next week; submitted, unfinished and late attempts.
        cohort = cohort_services.cohort_create(owner=turing, name="Autumn class", now=now)
        for learner in (ada, grace):
            cohort_services.cohort_join(cohort=cohort, user=learner)
        shipped = [q for q in Quiz.objects.filter(source=Source.FILE).order_by("pk")]
        first, second = [q for q in shipped if not q.draws_by_rules][:2]
        due = now - timedelta(days=1)
        cohort_services.assignment_create(
            cohort=cohort, quiz=first, due_at=due, by=turing, now=now - timedelta(days=5)
        )
        cohort_services.assignment_create(
            cohort=cohort, quiz=mine, due_at=now + timedelta(days=7), by=turing
        )
        on_time = attempts.attempt_start(quiz=first, user=ada, now=now - timedelta(days=3))
        _answered(on_time)
        attempts.attempt_submit(attempt=on_time, now=now - timedelta(days=3, minutes=-5))
        late = attempts.attempt_start(quiz=first, user=grace, now=now - timedelta(hours=5))
        _answered(late)
        attempts.attempt_submit(attempt=late, now=now - timedelta(hours=5, minutes=-5))
        done = attempts.attempt_start(quiz=mine, user=ada)
        _answered(done)
        attempts.attempt_submit(attempt=done)
        attempts.attempt_start(quiz=mine, user=grace)  # in progress
        attempts.attempt_start(quiz=second, user=ada)  # in progress, not assigned
        # The final exam (drawn by rules), submitted: its result by module, its statistics.
        exam = next(quiz for quiz in shipped if quiz.draws_by_rules)
        taken = attempts.attempt_start(quiz=exam, user=grace, now=now - timedelta(hours=2))
        _answered(taken)
        attempts.attempt_submit(attempt=taken, now=now - timedelta(hours=2, minutes=-5))
        assert late.submitted_at > due and on_time.submitted_at < due, "one late, one on time"
        assert taken.submitted_at and any(a.score for a in taken.answers.all()), "exam graded"
        # ...and an archived class of last term.
        archived = cohort_services.cohort_create(owner=turing, name="Last term")
        cohort_services.cohort_join(cohort=archived, user=ada)
        cohort_services.cohort_archive(cohort=archived)

        # Review cards: one due, one later; a certificate.
        questions = list(Question.objects.filter(source=Source.FILE).order_by("pk")[:3])
        a_while_ago = now - timedelta(days=2)
        review.card_record(user=ada, question=questions[0], correct=False, now=a_while_ago)
        review.card_record(user=ada, question=questions[1], correct=False, now=now)
        Certificate.objects.create(
            user=ada, course_title="The course", name="Ada Lovelace", issued_at=now
        )
        self.sessions = {role: confirmed_session(user) for role, user in self.users.items()}
        # The quizzes each learner has attempts at (their pages link to them), and the final
        # exam's teaching page (drawn by rules, unlike any other quiz: it was the four days'
        # server error), for the sample of `make test`, which opens only the first of a kind.
        self.starts = {
            "instructor": (reverse("teach:quiz", args=[exam.pk]),),
            "learner": (first.get_absolute_url(), second.get_absolute_url()),
            "other_learner": (mine.get_absolute_url(), exam.get_absolute_url()),
        }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, in a transaction rolled back when the module ends."""
    with (
        django_db_blocker.unblock(),
        override_settings(**NO_THROTTLING),
        transaction.atomic(),
    ):
        cache.clear()
        # Unaudited while building only: the audit's context variable held across the yield
        # is restored at teardown to what the first test's set-up had set, which left the
        # audit off for the modules run after this one in the same worker.
        with disable_auditlog():
            load_shipped()
            load_quizzes(shipped_quizzes(check_cases=False))
            built = World()
        yield built
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        cache.clear()


# Pages each role's crawl must reach (at either depth): a link lost on the way (a menu item
# gone) would otherwise shrink the crawl silently.
REACHES = {
    "anonymous": (r"/learn/[\w-]+/[\w-]+/", r"/learn/glossary/[\w-]+/", r"/quizzes/[\w-]+/",
                  r"/accounts/login/", r"/accounts/signup/"),
    "learner": (r"/quizzes/attempts/\d+/", r"/quizzes/attempts/\d+/result/", r"/quizzes/review/",
                r"/progress/", r"/certificates/[\w-]+/", r"/cohorts/", r"/accounts/data/",
                r"/accounts/2fa/webauthn/"),
    "other_learner": (r"/quizzes/attempts/\d+/", r"/cohorts/"),
    "instructor": (r"/teach/quizzes/\d+/", r"/teach/quizzes/\d+/statistics/",
                   r"/teach/quizzes/\d+/preview/", r"/teach/questions/\d+/edit/",
                   r"/teach/cohorts/\d+/", r"/teach/cohorts/\d+/learners/\d+/",
                   r"/teach/import/"),
    "staff": (r"/teach/quizzes/\d+/",),
    "superuser": (r"/admin/", r"/admin/quizzes/question/", r"/admin/quizzes/question/\d+/change/"),
}  # fmt: skip


# `make test` crawls as four roles; the other learner (a learner's pages again, with someone
# else's attempts) and the superuser (the admin, whose every page tests/test_admin_names.py
# opens) only in CI's deep run: together ~45% of the crawl's CPU.
CRAWLED = ROLES if DEEP else ("anonymous", "learner", "instructor", "staff")


@pytest.mark.parametrize("role", CRAWLED)
def test_every_page_a_role_reaches_opens(role, world, db):
    client = Client()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    starts = (*STARTS[role], *world.starts.get(role, ()))
    found = crawl(client, role, starts, budget_for(role))
    print(found.summary())
    paths = {url.partition("?")[0] for url in found.opened}
    missed = [p for p in REACHES[role] if not any(re.fullmatch(p, path) for path in paths)]
    assert not missed, f"{role}'s crawl never reached {missed}"
    assert not found.capped, f"{found.summary()}: the cap of {BUDGET['total']} was reached"
    assert not found.problems, f"{found.summary()}, {len(found.problems)} problems:\n" + "\n".join(
        found.problems
    )
