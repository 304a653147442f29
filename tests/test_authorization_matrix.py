"""The authorization matrix: every route in the URLconf, requested as every role, with the
answer each role must get. A route with neither an entry in ROUTES nor a RULE that covers it
fails `test_every_route_has_an_entry`, so no page is added without deciding who may open it.

Adding a route is one line in ROUTES, keyed by its URL name (with its namespace), or by its full
pattern when it has none:

    "quizzes:detail": Case("/quizzes/{quiz}/", get=200, post=405),

`url` is filled from the objects World builds ({attempt} is the learner's own attempt, ...).
`get`/`post` say what each role gets: one value for everyone, a tuple in ROLES order, or a dict
by role. Our own views are also requested with HEAD, expecting what GET gets (as one role for each
distinct answer GET gives). A value is a
status code, LOGIN (302 to the sign-in page), ADMIN_LOGIN (302 to the admin's sign-in, which
hands over to LOGIN), MFA (302 to two-factor set-up), REAUTH (302 to "confirm your
password"), or Redirect("/prefix") (302 anywhere else, never to a sign-in page).

Each cell is one request; the cells of one route are one test, named like `quizzes:take` or
`lesson[draft]`, whose failure lists every cell that answered wrongly
(`quizzes:take GET as other_learner: GET /quizzes/.../take/: expected 404, got 200`).
"""

from __future__ import annotations

import contextlib
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from django.test.client import (
    ClientHandler,
    closing_iterator_wrapper,
    conditional_content_removal,
)
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from certificates.models import Certificate
from cohorts import services as cohort_services
from glossary.models import GlossaryTerm
from lessons import knowledge_checks, progress
from lessons.models import ArtifactSection, ComplianceProgram
from quizzes import attempts, review
from srm_trainer.accounts.roles import ADMINISTRATORS, INSTRUCTORS, set_content_editor
from tests.conftest import (
    FORM_CONTENT,
    confirmed_session,
    give_mfa,
    give_passkey,
    make_lesson,
    make_module,
    make_scenario,
    make_srm,
)
from tests.quizzes.builders import make_question, make_quiz

# The columns of the matrix. Instructors teach under /teach/ (their own quizzes, cohorts of their
# own); on learner pages they are learners. Staff are everyday admins (staff + Administrators).
ROLES = ("anonymous", "learner", "other_learner", "instructor", "other_instructor", "staff")
# A role that only some entries name (in a dict): staff who have not set up two-factor yet.
STAFF_WITHOUT_MFA = "staff_without_mfa"

# A role that only the cohort entries name: an instructor who co-teaches the instructor's cohort.
CO_INSTRUCTOR = "co_instructor"

# A role that only some entries name: staff in `Content editors` alone, who edit the course in
# the admin (its lists: the models of CONTENT_EDITOR_MODELS open, every other answers 403) and
# write under /teach/ as staff do, but run no class (every cohort page: CLASSES_REFUSED).
CONTENT_EDITOR = "content_editor"
CONTENT_EDITOR_MODELS = {
    "lessons.module",
    "lessons.lesson",
    "lessons.layer",
    "lessons.service",
    "lessons.responsibility",
    "lessons.scenario",
    "lessons.artifactsection",
    "lessons.complianceprogram",
    "quizzes.question",
    "quizzes.quiz",
    "glossary.glossaryterm",  # to read: the glossary is edited in its file
}

LOGIN = "302 to sign-in"
ADMIN_LOGIN = "302 to the admin's sign-in"
MFA = "302 to two-factor set-up"
REAUTH = "302 to confirm the password"
# A form sent to a teaching page by a browser no longer signed in (its session ended in another
# tab) is not sent to sign in, which dropped what was typed: a 403 page that shows it to copy
# (teach.access.session_ended). Every teaching route's anonymous POST expects it for LOGIN.
SIGNED_OUT = "403, signed out: nothing saved"
TEACHING_ROUTES = ("teach:", "teach_cohorts:")
# A cohort page refusing a content editor: a 403 page that says why (they run no class) and
# leads back to the teaching pages they may use (teach.access.classes_required).
CLASSES_REFUSED = "403, a content editor runs no class"


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with `to` (filled from WORLD like a Case's url)."""

    to: str

    def __str__(self) -> str:
        return f"302 to {self.to}"


REDIRECT_PREFIXES = {
    LOGIN: "/accounts/login/",
    ADMIN_LOGIN: "/admin/login/",
    MFA: "/accounts/2fa/?next=",
    REAUTH: "/accounts/reauthenticate/",
}


@dataclass(frozen=True)
class Case:
    """One concrete URL of a route and what each role gets from it, per method.

    An expectation is one value for everyone, a tuple in ROLES order, or a dict by role name
    (which may also name STAFF_WITHOUT_MFA, CO_INSTRUCTOR or CONTENT_EDITOR: a role is requested
    only where an entry names it). None: the method is not requested."""

    url: str
    get: object = None
    post: object = None
    label: str = ""
    data: dict | str = field(default_factory=dict)
    content_type: str = "application/x-www-form-urlencoded"

    def expected(self, method: str) -> dict[str, object]:
        spec = self.get if method in ("GET", "HEAD") else self.post
        if spec is None:
            return {}
        if isinstance(spec, dict):
            return spec
        if isinstance(spec, tuple):
            assert len(spec) == len(ROLES), f"{self.url}: one expectation per role in {ROLES}"
            return dict(zip(ROLES, spec, strict=True))
        return dict.fromkeys(ROLES, spec)


def signed_in(expected=200) -> dict[str, object]:
    """Anonymous visitors are sent to sign in; every signed-in role gets `expected`."""
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], expected)}


# /teach/: instructors and staff; learners are refused; the other instructor cannot see what
# this instructor owns. A content editor opens the authoring pages (TEACHERS); on an
# instructor's quiz they are staff (teach.access reads `is_staff`), so OWN_QUIZ leaves them out.
TEACHERS = {**dict(zip(ROLES, (LOGIN, 403, 403, 200, 200, 200), strict=True)), CONTENT_EDITOR: 200}
OWN_QUIZ = (LOGIN, 403, 403, 200, 404, 200)


def teaching(owner) -> tuple:
    """What the owning instructor and staff get is `owner`; the rest as on OWN_QUIZ."""
    return (LOGIN, 403, 403, owner, 404, owner)


def cohort_page(teachers, *, co=None) -> dict[str, object]:
    """/teach/cohorts/{cohort}/...: the instructor owns the cohort and the co-instructor
    co-teaches it (they get `teachers`, or `co` when only the owner may); learners get 403;
    another instructor, and staff who do not teach it, 404 (a learner's results are only for
    those teaching them); a content editor is refused any class, saying why."""
    return {
        "anonymous": LOGIN, "learner": 403, "other_learner": 403, "instructor": teachers,
        "other_instructor": 404, "staff": 404, CO_INSTRUCTOR: teachers if co is None else co,
        CONTENT_EDITOR: CLASSES_REFUSED,
    }  # fmt: skip


ANY_TEACHER = {
    **dict(zip(ROLES, (LOGIN, 403, 403, 200, 200, 200), strict=True)),
    CO_INSTRUCTOR: 200,
    CONTENT_EDITOR: CLASSES_REFUSED,
}
COHORT_PEOPLE = Redirect("/teach/cohorts/{cohort}/people/")
COHORT_ASSIGNMENT = Redirect("/teach/cohorts/{cohort}/assignments/{assignment}/")
ARCHIVED_GRADEBOOK = Redirect("/teach/cohorts/{archived_cohort}/")
MY_COHORTS = Redirect("/cohorts/")
# A learner's attempt counted by the instructor's cohort: its instructors may read it.
COHORT_READ = {
    **dict(zip(ROLES, (LOGIN, 200, 404, 200, 404, 404), strict=True)),
    CO_INSTRUCTOR: 200,
}
# ...but never take it: the pages that change an attempt are the learner's alone.
COHORT_OWNER_ONLY = {**dict(zip(ROLES, (LOGIN, 200, 404, 404, 404, 404), strict=True)),
                     CO_INSTRUCTOR: 404}  # fmt: skip

# (404: the object exists but is not yours; the app answers as if it did not exist.)
# A signed-out visitor is asked to sign in (their session may just have ended, issue 11), and
# after signing in gets the same 404 as anyone else who is not the owner.
OWNER_ONLY = (LOGIN, 200, 404, 404, 404, 404)


def staff_only(staff) -> dict[str, object]:
    """Drafts: staff who have two-factor sign-in preview them (they get `staff`); no one else
    sees them, staff without it included: a staff password alone reads no draft (404, as for
    a learner: accounts.roles.sees_drafts)."""
    return {**dict.fromkeys(ROLES, 404), "staff": staff, STAFF_WITHOUT_MFA: 404}


STAFF_ONLY = staff_only(200)
API_CASE = (
    '{"request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",'
    ' "resource": "arn:aws:s3:::reports/q1.csv"}, "identity_policies": [{"Version": "2012-10-17",'
    ' "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]}'
)
API_BATCH = API_CASE.replace('"action": "s3:GetObject"', '"actions": ["s3:Get*"]').replace(
    '"resource": "arn:aws:s3:::reports/q1.csv"', '"resources": ["arn:aws:s3:::reports/q1.csv"]'
)
API_DIFF = f'{{"old": {API_CASE}, "new": {API_CASE}}}'  # access: the diff API's body
NEW_PASSWORD = {"password1": "another-long-passphrase", "password2": "another-long-passphrase"}
HOME = Redirect("/")
TOTP_ON = Redirect("/accounts/2fa/totp/deactivate/")  # already has one: offered to turn it off
MFA_HOME = Redirect("/accounts/2fa/")
CODES = Redirect("/accounts/2fa/recovery-codes/")


def admin_only(staff, *, editor=None) -> dict[str, object]:
    """Everyone but staff is sent to the admin's sign-in; staff without two-factor to set it
    up; staff with it get `staff`; a content editor, where `editor` is given, gets that."""
    roles = {**dict.fromkeys(ROLES, ADMIN_LOGIN), "staff": staff, STAFF_WITHOUT_MFA: MFA}
    return roles if editor is None else {**roles, CONTENT_EDITOR: editor}


# The admin's sign-out sends everyone who is not signed in to the admin to its index.
ADMIN_LOGOUT = {**dict.fromkeys(ROLES, Redirect("/admin/")), STAFF_WITHOUT_MFA: MFA}

# fmt: off
ROUTES: dict[str, Case | tuple[Case, ...]] = {
    # --- lessons ---------------------------------------------------------------------------
    "home": Case("/", get=200, post=405),
    "learn": Case("/learn/", get=HOME, post=405),
    "srm-explorer": Case("/learn/srm/", get=200, post=405),
    "compliance-explorer": Case("/learn/compliance/", get=200, post=405),
    "labs": Case("/labs/", get=200, post=405),
    "module": (
        Case("/learn/{module}/", get=200, post=405),
        Case("/learn/{draft_module}/", get=STAFF_ONLY, post=405, label="draft"),
    ),
    "lesson": (
        Case("/learn/{module}/{lesson}/", get=200, post=405),
        Case("/learn/{module}/{draft_lesson}/", get=STAFF_ONLY, post=405, label="draft"),
    ),
    "lesson-complete": (
        # anonymous learners too: their session keeps it until they sign up (issue 11)
        Case("/learn/{module}/{lesson}/complete/", get=405,
             post=Redirect("/learn/{module}/{lesson}/")),
        Case("/learn/{module}/{draft_lesson}/complete/", get=405, label="draft",
             post=staff_only(Redirect("/learn/{module}/{draft_lesson}/"))),
    ),
    # Knowledge checks in lessons (issue 13): anyone who may read the lesson may answer; only
    # signed-in learners' answers are kept. A draft lesson's checks do not exist for learners.
    "lesson-predict": (
        # A GET (the address a no-JavaScript answer is drawn at, signed in or reloaded) opens
        # the lesson at the card.
        Case("/learn/{module}/{lesson}/predict/{scenario}/",
             get=Redirect("/learn/{module}/{lesson}/#predict-"), post=200,
             data={"decision": "Allow"}),
        Case("/learn/{module}/{draft_lesson}/predict/{scenario}/",
             get=staff_only(Redirect("/learn/{module}/{draft_lesson}/#predict-")), post=404,
             label="draft"),
    ),
    "lesson-check": (
        Case("/learn/{module}/{lesson}/check/{check_question}/",
             get=Redirect("/learn/{module}/{lesson}/#check-"), post=200),
        Case("/learn/{module}/{lesson}/check/{other_question}/",
             get=Redirect("/learn/{module}/{lesson}/#check-"), post=404,
             label="not in the lesson"),
        Case("/learn/{module}/{draft_lesson}/check/{check_question}/",
             get=staff_only(Redirect("/learn/{module}/{draft_lesson}/#check-")), post=404,
             label="draft"),
    ),
    "security": Case("/security/", get=200, post=405),
    "favicon": Case("/favicon.ico", get=Redirect("/static/img/favicon.svg"), post=405),
    # --- glossary: everyone reads it -------------------------------------------------------
    "glossary:index": Case("/learn/glossary/", get=200, post=405),
    "glossary:term": Case("/learn/glossary/{glossary_term}/", get=200, post=405),
    # --- teaching: the instructor owns {teach_quiz} and {teach_question}; the other instructor
    # gets 404 (as if they did not exist), learners 403, staff everything.
    "teach:dashboard": Case("/teach/", get=TEACHERS, post=405),
    "teach:lesson-find": Case("/teach/lessons/find/?lesson_q=a", get=TEACHERS, post=405),
    "teach:scenario-find": Case("/teach/scenarios/find/?k-scenario=a", get=TEACHERS, post=405),
    "teach:quiz-create": Case("/teach/quizzes/new/?once=matrix-new-quiz-page-1", get=TEACHERS,
                              post=TEACHERS),  # at its page's address (srm_trainer/once.py)
    "teach:quiz": Case("/teach/quizzes/{teach_quiz}/", get=OWN_QUIZ, post=405),
    "teach:quiz-edit": Case("/teach/quizzes/{teach_quiz}/edit/", get=OWN_QUIZ, post=OWN_QUIZ),
    "teach:quiz-delete": Case("/teach/quizzes/{teach_quiz}/delete/", get=OWN_QUIZ,
                              post=teaching(Redirect("/teach/"))),
    "teach:quiz-preview": Case("/teach/quizzes/{teach_quiz}/preview/", get=OWN_QUIZ, post=405),
    "teach:quiz-preview-check": Case("/teach/quizzes/{teach_quiz}/preview/1/", get=405,
                                     post=OWN_QUIZ),
    "teach:quiz-publish": Case("/teach/quizzes/{teach_quiz}/publish/", get=405,
                               post=teaching(Redirect("/teach/quizzes/{teach_quiz}/"))),
    "teach:quiz-duplicate": Case("/teach/quizzes/{teach_quiz}/duplicate/", get=405,
                                 post=teaching(Redirect("/teach/quizzes/"))),
    "teach:quiz-question-add": (
        Case("/teach/quizzes/{teach_quiz}/questions/add/", get=405,
             post=teaching(Redirect("/teach/quizzes/{teach_quiz}/"))),
        # Ids in the body are judged as in the address: hopper may not put turing's question
        # into his own quiz, nor turing his question into hopper's (404: as if neither existed).
        Case("/teach/quizzes/{hoppers_quiz}/questions/add/", get=405, label="their question",
             post=(LOGIN, 403, 403, 404, 404, Redirect("/teach/quizzes/{hoppers_quiz}/")),
             data={"question": "{teach_question}"}),
        Case("/teach/quizzes/{teach_quiz}/questions/add/", get=405, label="another's question",
             post=(LOGIN, 403, 403, 404, 404, Redirect("/teach/quizzes/{teach_quiz}/")),
             data={"question": "{hoppers_question}"}),
    ),
    # At the address its page has (its one-time token in it: srm_trainer/once.py).
    "teach:question-create": Case(
        "/teach/quizzes/{teach_quiz}/questions/new/single/?once=matrix-new-page-1",
        get=OWN_QUIZ, post=OWN_QUIZ),
    "teach:quiz-question-move": Case(
        "/teach/quizzes/{teach_quiz}/questions/{teach_question}/move/", get=405,
        post=teaching(Redirect("/teach/quizzes/{teach_quiz}/"))),
    "teach:quiz-question-copy": Case(
        "/teach/quizzes/{teach_quiz}/questions/{teach_question}/copy/", get=405,
        post=teaching(Redirect("/teach/questions/"))),
    "teach:quiz-question-remove": Case(
        "/teach/quizzes/{teach_quiz}/questions/{teach_question}/remove/", get=405,
        post=teaching(Redirect("/teach/quizzes/{teach_quiz}/"))),
    "teach:question-edit": Case("/teach/questions/{teach_question}/edit/", get=OWN_QUIZ,
                                post=OWN_QUIZ),
    "teach:question-delete": Case("/teach/questions/{teach_question}/delete/", get=OWN_QUIZ,
                                  post=teaching(Redirect("/teach/"))),
    "teach:question-archive": Case("/teach/questions/{teach_question}/archive/", get=405,
                                   post=teaching(Redirect("/teach/"))),
    # question banks (teach-bank): every teacher has a bank; `into` another's quiz is ignored
    "teach:bank": (
        Case("/teach/questions/", get=TEACHERS, post=405),
        Case("/teach/questions/?into={teach_quiz}&tag=x&page=2", get=TEACHERS, post=405,
             label="filtered"),
    ),
    # import and export: an empty POST is the form again, with its errors
    "teach:import": Case("/teach/import/", get=TEACHERS, post=TEACHERS),
    "teach:import-help": Case("/teach/import/help/", get=TEACHERS, post=405),
    "teach:quiz-export": Case("/teach/quizzes/{teach_quiz}/export/json/", get=OWN_QUIZ, post=405),
    "teach:category-export": Case("/teach/categories/{teach_category}/export/gift/",
                                  get=OWN_QUIZ, post=405),
    # quiz statistics (stats): whoever may view the quiz in /teach/; the slug address redirects
    "teach:quiz-statistics": Case("/teach/quizzes/{teach_quiz}/statistics/", get=OWN_QUIZ,
                                  post=405),
    "teach:quiz-statistics-by-slug": Case(
        "/teach/quizzes/{teach_quiz_slug}/statistics/", post=405,
        get=teaching(Redirect("/teach/quizzes/{teach_quiz}/statistics/"))),
    # --- sandbox and API -------------------------------------------------------------------
    "sandbox": Case("/sandbox/", get=200, post=200),
    "sandbox-actions": Case("/sandbox/actions/?q=s3:Get", get=200, post=405),
    "sandbox-condition-keys": Case(
        "/sandbox/condition-keys/?action=s3:GetObject", get=200, post=405
    ),
    "sandbox-operators": Case("/sandbox/condition-operators/", get=200, post=405),
    "sandbox-findings": Case("/sandbox/findings/", get=405, post=200),
    "sandbox-batch": Case("/sandbox/batch/", get=200, post=200),  # access: many-request tools
    "sandbox-summary": Case("/sandbox/summary/", get=200, post=200),
    "sandbox-compare": Case("/sandbox/compare/", get=200, post=200),
    # --- network lab (netlab) ---------------------------------------------------------------
    "network-lab": Case("/lab/network/", get=200, post=200),
    "waf-lab": Case("/lab/waf/", get=200, post=200),
    "findings-lab": Case("/lab/findings/", get=200, post=200),
    # --- search -----------------------------------------------------------------------------
    "search": Case("/search/?q=lesson", get=200, post=405),
    "api-evaluate": Case("/api/iam/evaluate", get=405, post=200,
                         data=API_CASE, content_type="application/json"),
    "api-simulate": Case("/api/iam/simulate", get=405, post=200,
                         data=API_BATCH, content_type="application/json"),
    "api-summary": Case("/api/iam/summary", get=405, post=200,
                        data=API_CASE, content_type="application/json"),
    "api-diff": Case("/api/iam/diff", get=405, post=200,
                     data=API_DIFF, content_type="application/json"),
    # --- quizzes ---------------------------------------------------------------------------
    "quizzes:list": Case("/quizzes/", get=200, post=405),
    "quizzes:detail": (
        Case("/quizzes/{quiz}/", get=200, post=405),
        Case("/quizzes/{draft_quiz}/", get=STAFF_ONLY, post=405, label="draft"),
    ),
    "quizzes:start": (
        Case("/quizzes/{quiz}/start/", get=405, post=Redirect("/quizzes/attempts/")),
        Case("/quizzes/{draft_quiz}/start/", get=405, label="draft",
             post=staff_only(Redirect("/quizzes/attempts/"))),
    ),
    "quizzes:take": (
        Case("/quizzes/attempts/{attempt}/", get=OWNER_ONLY, post=405),
        Case("/quizzes/attempts/{strangers_attempt}/", get=404, post=405,
             label="another browser's anonymous attempt"),
        Case("/quizzes/attempts/{cohort_open_attempt}/", get=COHORT_OWNER_ONLY, post=405,
             label="counted by a cohort: its instructors only read, never take"),
    ),
    # A GET goes to the question, whose own view checks the owner.
    "quizzes:answer": Case("/quizzes/attempts/{attempt}/answer/1/",
                           get=Redirect("/quizzes/attempts/{attempt}/?q=1"), post=OWNER_ONLY),
    # quizbehave: flag a question (back to it), the summary before submitting
    "quizzes:flag": Case("/quizzes/attempts/{attempt}/flag/1/", get=405,
                         post=(LOGIN, Redirect("/quizzes/attempts/{attempt}/"), *[404] * 4)),
    # "Start again from the given rules": the owner's alone, as a flag is.
    "quizzes:start-again": Case("/quizzes/attempts/{attempt}/start-again/1/", get=405,
                                post=(LOGIN, Redirect("/quizzes/attempts/{attempt}/"), *[404] * 4)),
    "quizzes:summary": Case("/quizzes/attempts/{attempt}/summary/", get=OWNER_ONLY, post=405),
    "quizzes:submit": Case("/quizzes/attempts/{attempt}/submit/", get=405,
                           post=(LOGIN, Redirect("/quizzes/attempts/{attempt}/result/"), *[404] * 4)),
    "quizzes:result": (
        Case("/quizzes/attempts/{done_attempt}/result/", get=OWNER_ONLY, post=405),
        Case("/quizzes/attempts/{cohort_attempt}/result/", get=COHORT_READ, post=405,
             label="counted by the instructor's cohort"),
    ),
    "quizzes:review": Case("/quizzes/review/", get=signed_in(), post=405),
    "quizzes:review-more": Case("/quizzes/review/more/", get=405,
                                post=signed_in(Redirect("/quizzes/review/"))),
    # GET: where signing in again returns (the question, with a kept answer); anyone whose
    # card it is not is sent to their queue, as for a question that does not exist.
    "quizzes:review-answer": Case("/quizzes/review/{card_question}/",
                                  get=(LOGIN, 200, *[Redirect("/quizzes/review/")] * 4),
                                  # not theirs: the queue says it is not in their queue
                                  post=(LOGIN, 200, *[Redirect("/quizzes/review/")] * 4)),
    # --- cohorts: the instructor owns {cohort}, the learner is in it, the co-instructor
    # co-teaches it; the other learner and the other instructor are strangers to it.
    "teach_cohorts:list": Case("/teach/cohorts/?once=matrix-cohort-list-1", get=ANY_TEACHER,
                               post=ANY_TEACHER),  # its form's token in its address (once.py)
    "teach_cohorts:gradebook": (
        Case("/teach/cohorts/{cohort}/", get=cohort_page(200), post=405),
        # archived: read by those teaching it, as before
        Case("/teach/cohorts/{archived_cohort}/", get=cohort_page(200), post=405,
             label="archived"),
    ),
    "teach_cohorts:gradebook-csv": Case("/teach/cohorts/{cohort}/gradebook.csv",
                                        get=cohort_page(200), post=405),
    "teach_cohorts:answers-csv": Case("/teach/cohorts/{cohort}/answers.csv",
                                      get=cohort_page(200), post=405),
    "teach_cohorts:people": Case("/teach/cohorts/{cohort}/people/", get=cohort_page(200),
                                 post=405),
    "teach_cohorts:rename": Case("/teach/cohorts/{cohort}/rename/", get=405,
                                 post=cohort_page(COHORT_PEOPLE), data={"name": "Renamed"}),
    # classwalk: GET asks before rotating; deleting is the owner's, asked first too.
    "teach_cohorts:code-rotate": Case("/teach/cohorts/{cohort}/code/", get=cohort_page(200),
                                      post=cohort_page(COHORT_PEOPLE)),
    "teach_cohorts:delete": Case("/teach/cohorts/{cohort}/delete/", get=cohort_page(200, co=403),
                                 post=cohort_page(Redirect("/teach/cohorts/"), co=403)),
    # Archiving hides the class from every teacher's list: the owner's call, as deleting is.
    "teach_cohorts:archive": (
        Case("/teach/cohorts/{cohort}/archive/", get=cohort_page(200, co=403),
             post=cohort_page(Redirect("/teach/cohorts/"), co=403)),
        Case("/teach/cohorts/{archived_cohort}/archive/", label="archived already",
             get=cohort_page(ARCHIVED_GRADEBOOK, co=403),
             post=cohort_page(Redirect("/teach/cohorts/"), co=403)),
    ),
    "teach_cohorts:restore": Case("/teach/cohorts/{archived_cohort}/restore/", get=405,
                                  post=cohort_page(ARCHIVED_GRADEBOOK, co=403)),
    # a form (of a current or archived cohort); an empty one comes back with its problem
    "teach_cohorts:next-term": (
        Case("/teach/cohorts/{cohort}/next-term/", get=cohort_page(200), post=cohort_page(200)),
        Case("/teach/cohorts/{archived_cohort}/next-term/", label="archived",
             get=cohort_page(200), post=cohort_page(200)),
    ),
    "teach_cohorts:member-remove": Case("/teach/cohorts/{cohort}/members/{learner}/remove/",
                                        get=cohort_page(200), post=cohort_page(COHORT_PEOPLE)),
    "teach_cohorts:instructor-add": Case("/teach/cohorts/{cohort}/instructors/", get=405,
                                         post=cohort_page(COHORT_PEOPLE, co=403),
                                         data={"username": "hopper"}),
    "teach_cohorts:instructor-remove": Case(
        "/teach/cohorts/{cohort}/instructors/{co_instructor}/remove/", get=405,
        post=cohort_page(COHORT_PEOPLE, co=403)),
    # handing the cohort to its co-instructor: the owner's alone, asked first
    "teach_cohorts:owner-hand": Case(
        "/teach/cohorts/{cohort}/instructors/{co_instructor}/owner/",
        get=cohort_page(200, co=403), post=cohort_page(COHORT_PEOPLE, co=403)),
    "teach_cohorts:learner": (
        Case("/teach/cohorts/{cohort}/learners/{learner}/", get=cohort_page(200), post=405),
        Case("/teach/cohorts/{cohort}/learners/{other_learner}/", get=cohort_page(404),
             post=405, label="not in the cohort"),
    ),
    "teach_cohorts:assignment-create": (
        Case("/teach/cohorts/{cohort}/assignments/new/", get=cohort_page(200),
             post=cohort_page(200)),
        # archived: turned away to its gradebook, saying why
        Case("/teach/cohorts/{archived_cohort}/assignments/new/", label="archived",
             get=cohort_page(ARCHIVED_GRADEBOOK), post=cohort_page(ARCHIVED_GRADEBOOK)),
    ),
    # the assignment form's quiz suggestions: of a cohort one teaches, to those teaching it
    "teach_cohorts:quiz-find": Case("/teach/cohorts/{cohort}/assignments/quizzes/?quiz=a",
                                    get=cohort_page(200), post=405),
    # the extension form's learner suggestions: the cohort's learners, to those teaching it
    "teach_cohorts:learner-find": Case("/teach/cohorts/{cohort}/assignments/learners/?learner=a",
                                       get=cohort_page(200), post=405),
    # the edit form posted as a browser posts it, its dates left empty: saved, and back to it
    "teach_cohorts:assignment": Case("/teach/cohorts/{cohort}/assignments/{assignment}/",
                                     get=cohort_page(200), post=cohort_page(COHORT_ASSIGNMENT),
                                     data={"opens_at": "", "due_at": ""}),
    "teach_cohorts:assignment-close": Case(
        "/teach/cohorts/{cohort}/assignments/{assignment}/close/", get=405,
        post=cohort_page(COHORT_ASSIGNMENT)),
    # GET says it cannot go (ada's attempts count for it); POST is refused, back to it
    "teach_cohorts:assignment-remove": Case(
        "/teach/cohorts/{cohort}/assignments/{assignment}/remove/", get=cohort_page(200),
        post=cohort_page(COHORT_ASSIGNMENT)),
    "teach_cohorts:extension-set": Case(
        "/teach/cohorts/{cohort}/assignments/{assignment}/extensions/", get=405,
        # an empty form: the assignment's page again, its problems beside the fields
        post=cohort_page(200)),
    "teach_cohorts:extension-remove": Case(
        "/teach/cohorts/{cohort}/assignments/{assignment}/extensions/{learner}/remove/",
        get=405, post=cohort_page(COHORT_ASSIGNMENT)),
    "teach_cohorts:quiz-statistics": (
        Case("/teach/cohorts/{cohort}/quizzes/{cohort_quiz}/statistics/", get=cohort_page(200),
             post=405),
        Case("/teach/cohorts/{cohort}/quizzes/{teach_quiz}/statistics/", get=cohort_page(404),
             post=405, label="a quiz the cohort was not assigned"),
    ),
    "cohorts:mine": Case("/cohorts/", get=signed_in(), post=405),
    "cohorts:join": Case("/cohorts/join/", get=signed_in(), post=signed_in(400)),  # no code
    "cohorts:join-link": (
        Case("/join/{cohort_code}/", get=signed_in(), post=signed_in(MY_COHORTS)),
        Case("/join/ACDEFGHJ/", get=signed_in(404), post=signed_in(404), label="no such code"),
        # says the class has ended (to those in it too); joining is refused, saying so
        Case("/join/{archived_code}/", get=signed_in(), post=signed_in(MY_COHORTS),
             label="an archived cohort's"),
    ),
    # GET asks the learner first; anyone not in it (who left already: a double click, Back)
    # is sent to their cohorts, told they are not in it: the same for every cohort id
    "cohorts:leave": (
        Case("/cohorts/{cohort}/leave/", get=(LOGIN, 200, *[MY_COHORTS] * 4),
             post=(LOGIN, MY_COHORTS, *[MY_COHORTS] * 4)),
        # archived: its learner is asked and may leave it, as a current one; others as above
        Case("/cohorts/{archived_cohort}/leave/", get=(LOGIN, 200, *[MY_COHORTS] * 4),
             post=(LOGIN, MY_COHORTS, *[MY_COHORTS] * 4), label="archived"),
    ),
    # --- course progress and certificates (progress): ada holds a certificate; the public
    # verification page is for anyone with its code.
    "certificates:progress": Case("/progress/", get=200, post=405),
    "certificates:mine": Case("/progress/certificate/", get=signed_in(),
                              post=(LOGIN, Redirect("/progress/certificate/"), *[403] * 4)),
    # Only ever one's own: without a certificate issued, the certificate page says so.
    "certificates:pdf": Case(
        "/progress/certificate/pdf/",
        get=(LOGIN, 200, *[Redirect("/progress/certificate/")] * 4),
        post=405,
    ),
    "certificates:verify": (
        Case("/certificates/{certificate_code}/", get=200, post=405),
        Case("/certificates/no-such-code/", get=404, post=405, label="no such code"),
    ),
    # --- accounts (django-allauth): the learner has a passkey; instructors and staff an
    # authenticator app; the other learner no second factor.
    "account_login": Case("/accounts/login/", get=(200, *[HOME] * 5), post=(200, *[HOME] * 5)),
    "account_signup": Case("/accounts/signup/", get=(200, *[HOME] * 5), post=(200, *[HOME] * 5)),
    "account_logout": Case("/accounts/logout/", get=(HOME, *[200] * 5), post=HOME),
    "account_inactive": Case("/accounts/inactive/", get=200, post=405),
    "account_confirm_login_code": Case("/accounts/login/code/confirm/", get=signed_in(HOME),
                                       post=signed_in(HOME)),
    "account_reauthenticate": Case("/accounts/reauthenticate/", get=signed_in(),
                                   post=signed_in()),
    # allauth's "confirm it's you" by a code mailed to the account is turned off (only the
    # password or the second factor confirm it: settings.ACCOUNT_REAUTHENTICATION_METHODS)
    "account_request_reauthentication_code": Case(
        "/accounts/reauthenticate/code/", get=signed_in(403), post=signed_in(403)),
    "account_confirm_reauthentication_code": Case(
        "/accounts/reauthenticate/code/confirm/", get=signed_in(403), post=signed_in(403)),
    # "Your data": the download is one's own file; closing the account is for learners (ada
    # closes hers; grace typed ada's name, 400; instructors and staff are refused, 403).
    "account_data": Case("/accounts/data/", get=signed_in(), post=405),
    "account_data_download": Case("/accounts/data/download/", get=signed_in(), post=405),
    "account_delete": Case("/accounts/delete/", get=signed_in(),
                           post=(LOGIN, HOME, 400, 403, 403, 403), data={"username": "ada"}),
    # The name shown to one's instructors: one's own, set by anyone signed in (it shows only
    # where they are a learner in a cohort).
    "account_shown_name": Case("/accounts/name/", get=signed_in(),
                               post=signed_in(Redirect("/accounts/name/")),
                               data={"shown_name": "A name"}),
    "account_email": Case("/accounts/email/", get=signed_in(),
                          post=signed_in(Redirect("/accounts/email/"))),
    "account_email_verification_sent": Case("/accounts/confirm-email/", get=200, post=405),
    "account_confirm_email": Case("/accounts/confirm-email/not-a-key/", get=200, post=404),
    "account_change_password": Case("/accounts/password/change/", get=signed_in(),
                                    post=signed_in()),
    "account_set_password": Case(  # everyone here has a password: change it instead
        "/accounts/password/set/", get=signed_in(Redirect("/accounts/password/change/")),
        post=signed_in(Redirect("/accounts/password/change/"))),
    "account_reset_password": Case("/accounts/password/reset/", get=200, post=200),
    "account_reset_password_done": Case("/accounts/password/reset/done/", get=200, post=405),
    "account_reset_password_from_key": Case(
        "/accounts/password/reset/key/1-not-a-key/", get=200, post=200),
    "account_reset_password_from_key_done": Case(
        "/accounts/password/reset/key/done/", get=200, post=405),
    "mfa_index": Case("/accounts/2fa/", get=signed_in(), post=signed_in(405)),
    "mfa_authenticate": Case("/accounts/2fa/authenticate/", get=signed_in(HOME),
                             post=signed_in(HOME)),
    "mfa_reauthenticate": Case("/accounts/2fa/reauthenticate/",
                               get=(LOGIN, REAUTH, REAUTH, 200, 200, 200),
                               post=(LOGIN, REAUTH, REAUTH, 200, 200, 200)),
    "mfa_activate_totp": Case("/accounts/2fa/totp/activate/",
                              get=(LOGIN, 200, 200, *[TOTP_ON] * 3),
                              post=(LOGIN, 200, 200, *[TOTP_ON] * 3)),
    "mfa_deactivate_totp": Case("/accounts/2fa/totp/deactivate/",
                                get=(LOGIN, 404, 404, 200, 200, 200),
                                post=(LOGIN, 404, 404, *[MFA_HOME] * 3)),
    "mfa_view_recovery_codes": Case("/accounts/2fa/recovery-codes/", get=signed_in(404),
                                    post=signed_in(405)),
    "mfa_generate_recovery_codes": Case(
        "/accounts/2fa/recovery-codes/generate/", get=signed_in(),
        post=(LOGIN, CODES, 200, CODES, CODES, CODES)),
    "mfa_download_recovery_codes": Case("/accounts/2fa/recovery-codes/download/",
                                        get=signed_in(404), post=signed_in(404)),
    "mfa_list_webauthn": Case("/accounts/2fa/webauthn/", get=signed_in(), post=signed_in(405)),
    "mfa_add_webauthn": Case("/accounts/2fa/webauthn/add/", get=signed_in(), post=signed_in()),
    "mfa_reauthenticate_webauthn": Case("/accounts/2fa/webauthn/reauthenticate/",
                                        get=(LOGIN, 200, *[REAUTH] * 4),
                                        # a refused key: the page again, saying why
                                        post=(LOGIN, 200, *[REAUTH] * 4)),
    "mfa_edit_webauthn": Case("/accounts/2fa/webauthn/keys/{passkey}/edit/",
                              get=(LOGIN, *OWNER_ONLY[1:]), post=(LOGIN, *OWNER_ONLY[1:])),
    "mfa_remove_webauthn": Case(
        "/accounts/2fa/webauthn/keys/{passkey}/remove/", get=(LOGIN, *OWNER_ONLY[1:]),
        post=(LOGIN, Redirect("/accounts/2fa/webauthn/"), *OWNER_ONLY[2:])),
    # --- the admin (its pages for each model: the rule below) ------------------------------
    "admin:index": Case("/admin/", get=admin_only(200, editor=200)),
    "admin:app_list": Case("/admin/lessons/", get=admin_only(200, editor=200)),
    "admin:login": Case("/admin/login/", get={**dict.fromkeys(ROLES, 403), "anonymous": LOGIN,
                                              "staff": Redirect("/admin/"),
                                              STAFF_WITHOUT_MFA: MFA}),
    "admin:logout": Case("/admin/logout/", get=ADMIN_LOGOUT | {"staff": 405},
                         post=ADMIN_LOGOUT | {"staff": HOME}),
    # the account's own password page (allauth's), which mails the owner
    "admin:password_change": Case("/admin/password_change/",
                                  get=admin_only(Redirect("/accounts/password/change/"))),
    "admin:password_change_done": Case("/admin/password_change/done/",
                                       get=admin_only(Redirect("/accounts/password/change/"))),
    "admin:autocomplete": Case("/admin/autocomplete/", get=admin_only(403)),
    "admin:jsi18n": Case("/admin/jsi18n/", get=admin_only(200)),
    "admin:view_on_site": Case("/admin/r/{lesson_type}/{lesson_pk}/",
                               get=admin_only(Redirect("http://testserver/learn/{module}/{lesson}/"))),
    # Entries override the rule for one model page. An everyday admin sets nobody's password:
    # a superuser's would make any admin a superuser, a learner's would let them sign in as
    # the learner and read the records no role is granted.
    "admin:auth_user_password_change": (
        Case("/admin/auth/user/{learner}/password/", get=admin_only(403, editor=403)),
        Case("/admin/auth/user/{superuser}/password/", get=admin_only(403),
             post=admin_only(403), data=NEW_PASSWORD, label="a superuser's"),
    ),
    # "Hand over teaching…" (the change permission on that account): a confirmation refused
    # (to ada, no instructor; the one previewed, as the page sends it) changes nothing in the
    # module's world.
    "admin:auth_user_hand_over": (
        Case("/admin/auth/user/{teacher}/hand-over/", get=admin_only(200, editor=403),
             post=admin_only(Redirect("/admin/auth/user/{teacher}/hand-over/")),
             data={"to": "{learner}", "previewed": "{learner}"}),
        Case("/admin/auth/user/{superuser}/hand-over/", get=admin_only(403),
             post=admin_only(403), data={"to": "{teacher}"}, label="a superuser's"),
    ),
    "admin/(?P<url>.*)$": Case("/admin/no-such-page/", get=admin_only(404)),
}
# fmt: on


# --- rules: routes covered without an entry each -----------------------------------------
# The admin makes ~7 pages for each registered model (~120 routes). One rule covers them all:
# everyone but staff is sent to the admin's sign-in (which refuses non-staff with a 403);
# staff without two-factor are sent to set it up; staff with it get each page exactly when the
# Administrators group (its data migration) grants the permission that page needs, else 403.
# A content editor gets a model's list exactly when it is one of CONTENT_EDITOR_MODELS, else 403.
# Requested with GET. Every role (and the content editor) on each model's list page; anonymous
# and staff on its other pages (the admin turns every other role away before a page's own code
# runs).

ADMIN_MODEL_PAGES = {  # what follows admin/<app>/<model>/ → the permissions that open it
    "": ("view", "change"),
    "add/": ("add",),
    "<path:object_id>/": None,  # a redirect to the change page
    "<path:object_id>/change/": ("view", "change"),
    "<path:object_id>/history/": ("view", "change"),
    "<path:object_id>/delete/": ("delete",),
    "<id>/password/": ("change",),  # the user admin's set-a-password page
}


def _admin_model_page(pattern: str):
    """(model, page) when `pattern` is one of the admin's pages for a registered model."""
    for model in admin.site._registry:
        prefix = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        page = pattern.removeprefix(prefix)
        if page != pattern and page in ADMIN_MODEL_PAGES:
            return model, page
    return None


def _administrators_may(model, verbs) -> bool:
    """Whether the Administrators group holds one of these permissions on `model`."""
    meta = model._meta
    return Group.objects.filter(
        name=ADMINISTRATORS,
        permissions__content_type__app_label=meta.app_label,
        permissions__codename__in=[f"{verb}_{meta.model_name}" for verb in verbs],
    ).exists()


def admin_model_case(pattern: str, world: World) -> Case:
    model, page = _admin_model_page(pattern)
    meta = model._meta
    obj = world.admin_objects.get(model)
    if obj is None:  # found once for all of the model's pages
        obj = world.admin_objects[model] = model.objects.order_by("pk").first()
    assert obj is not None, f"World has no {meta.label} for the admin's {pattern!r}: add one"
    url = "/" + page.replace("<path:object_id>", str(obj.pk)).replace("<id>", str(obj.pk))
    url = f"/admin/{meta.app_label}/{meta.model_name}{url}"
    verbs = ADMIN_MODEL_PAGES[page]
    if verbs is None:
        staff = Redirect(f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/")
    else:
        if (model, verbs) not in world.admin_grants:  # the change and history pages share one
            world.admin_grants[model, verbs] = _administrators_may(model, verbs)
        staff = 200 if world.admin_grants[model, verbs] else 403
    editor = (200 if meta.label_lower in CONTENT_EDITOR_MODELS else 403) if page == "" else None
    return Case(url, get=admin_only(staff, editor=editor))


# A rule: (does it cover this pattern?, the Case for it, built in the world).
RULES = {
    "the admin's pages for each registered model": (
        lambda pattern: _admin_model_page(pattern) is not None,
        admin_model_case,
    ),
}


def rule_for(pattern: str) -> str | None:
    return next((name for name, (covers, _) in RULES.items() if covers(pattern)), None)


# --- the world every cell is requested in -------------------------------------------------


class World:
    """Users for every role and objects they own, built once for the module (see `world`)."""

    def __init__(self) -> None:
        users = get_user_model().objects
        self.users = {
            "learner": users.create_user("ada", password=PASSWORD),
            "other_learner": users.create_user("grace", password=PASSWORD),
            "instructor": users.create_user("turing", password=PASSWORD),
            "other_instructor": users.create_user("hopper", password=PASSWORD),
            "staff": users.create_user("morgan", password=PASSWORD, is_staff=True),
            STAFF_WITHOUT_MFA: users.create_user("casey", password=PASSWORD, is_staff=True),
        }
        instructors = Group.objects.get(name=INSTRUCTORS)
        administrators = Group.objects.get(name=ADMINISTRATORS)
        for role in ("instructor", "other_instructor"):
            self.users[role].groups.add(instructors)
            give_mfa(self.users[role])
        for role in ("staff", STAFF_WITHOUT_MFA):
            self.users[role].groups.add(administrators)
        give_mfa(self.users["staff"])
        self.users[CONTENT_EDITOR] = users.create_user("kim", password=PASSWORD)
        set_content_editor(user=self.users[CONTENT_EDITOR], content_editor=True)
        give_mfa(self.users[CONTENT_EDITOR])
        ada = self.users["learner"]

        module = make_module()
        lesson = make_lesson(module)
        draft_lesson = make_lesson(module, published=False)
        draft_module = make_module(published=False)
        make_lesson(draft_module)
        scenario = make_scenario(lesson)
        glossary_term = GlossaryTerm.objects.create(
            slug="least-privilege",
            term="least privilege",
            definition="Only what is needed.",
            lesson=lesson,
        )
        make_srm()
        section = ArtifactSection.objects.create(slug="soc", name="SOC reports")
        ComplianceProgram.objects.create(
            slug="soc-2", name="SOC 2", kind="attestation", summary="x", artifact_section=section
        )
        question = make_question(lesson=lesson)
        lesson.body += f"\n\n::: check {question.slug}\n:::\n"  # an in-lesson check
        lesson.save()
        quiz = make_quiz(question)
        draft_quiz = make_quiz(question, published=False)
        done = attempts.attempt_start(quiz=quiz, user=ada)
        attempts.attempt_submit(attempt=done)
        attempt = attempts.attempt_start(quiz=quiz, user=ada)
        strangers = attempts.attempt_start(quiz=quiz, session_key="a-stranger's-browser")
        a_while_ago = timezone.now() - timedelta(days=2)  # so the card is due, whatever the hour
        review.card_record(user=ada, question=question, correct=False, now=a_while_ago)
        progress.mark_complete(user=ada, lesson=lesson)
        EmailAddress.objects.create(user=ada, email="ada@example.com", primary=True, verified=True)
        passkey = give_passkey(ada, "Ada's key")
        turing = self.users["instructor"]
        teach_question = make_question(lesson=lesson, owner=turing, source="authored")
        teach_quiz = make_quiz(teach_question, owner=turing, source="authored", published=False)
        # hopper's own quiz and question: what the other instructor may change, never turing
        hopper = self.users["other_instructor"]
        hoppers_question = make_question(
            lesson=lesson, owner=hopper, source="authored", category="hoppers-bank"
        )
        hoppers_quiz = make_quiz(hoppers_question, owner=hopper, source="authored", published=False)
        root = users.create_superuser("root", password=PASSWORD)
        # cohorts: turing's cohort, co-taught by knuth, with ada in it and a quiz assigned;
        # ada's attempts at it (after joining) are what the cohort's instructors may read.
        self.users[CO_INSTRUCTOR] = users.create_user("knuth", password=PASSWORD)
        self.users[CO_INSTRUCTOR].groups.add(instructors)
        give_mfa(self.users[CO_INSTRUCTOR])
        cohort = cohort_services.cohort_create(owner=turing, name="Matrix class")
        cohort.co_instructors.add(self.users[CO_INSTRUCTOR])
        cohort_services.cohort_join(cohort=cohort, user=ada)
        cohort_quiz = make_quiz(make_question(lesson=lesson))
        assignment = cohort_services.assignment_create(cohort=cohort, quiz=cohort_quiz, by=turing)
        cohort_services.extension_set(
            assignment=assignment, user_id=ada.pk, due_at=timezone.now() + timedelta(days=3)
        )
        cohort_done = attempts.attempt_start(quiz=cohort_quiz, user=ada)
        attempts.attempt_submit(attempt=cohort_done)
        cohort_open = attempts.attempt_start(quiz=cohort_quiz, user=ada)
        # ...and a class of theirs that ended: archived, ada in it, read-only to its teachers.
        archived = cohort_services.cohort_create(owner=turing, name="Matrix class, last term")
        archived.co_instructors.add(self.users[CO_INSTRUCTOR])
        cohort_services.cohort_join(cohort=archived, user=ada)
        cohort_services.cohort_archive(cohort=archived)
        certificate = Certificate.objects.create(
            user=ada, course_title="The course", name="Ada Lovelace", issued_at=timezone.now()
        )
        # ada's answer to the scenario's prediction, for the admin's knowledge-check pages
        knowledge_checks.record(
            user=ada, lesson=lesson, kind="prediction", ref=scenario.slug,
            response={"decision": "Allow"}, score=1.0, correct=True,
        )  # fmt: skip
        # The object each model's admin pages open, and whether Administrators may open a page
        # (by model and the permissions it needs); filled in as the rules' cases are made.
        self.admin_objects: dict[type, object] = {get_user_model(): ada, Group: instructors}
        self.admin_grants: dict[tuple, bool] = {}
        self.rule_cases: dict[str, Case] = {}
        self.sessions = {role: confirmed_session(user) for role, user in self.users.items()}
        # Each role's cookie header, as a browser holding only that session sends it.
        self.cookies: dict[str, dict[str, str]] = {
            "anonymous": {"HTTP_COOKIE": ""},
            **{
                role: {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={key}"}
                for role, key in self.sessions.items()
            },
        }
        self.slots = {
            "module": module.slug,
            "lesson": lesson.slug,
            "draft_module": draft_module.slug,
            "draft_lesson": draft_lesson.slug,
            "scenario": scenario.slug,
            "glossary_term": glossary_term.slug,
            "quiz": quiz.slug,
            "draft_quiz": draft_quiz.slug,
            "attempt": attempt.pk,
            "done_attempt": done.pk,
            "strangers_attempt": strangers.pk,
            "card_question": question.pk,
            "passkey": passkey.pk,
            "teach_quiz": teach_quiz.pk,
            "teach_question": teach_question.pk,
            "teach_category": teach_question.category,
            "teach_quiz_slug": teach_quiz.slug,
            "hoppers_quiz": hoppers_quiz.pk,
            "hoppers_question": hoppers_question.pk,
            "learner": ada.pk,
            "superuser": root.pk,
            "teacher": turing.pk,
            "lesson_type": ContentType.objects.get_for_model(lesson).pk,
            "lesson_pk": lesson.pk,
            "cohort": cohort.pk,
            "cohort_code": cohort.join_code,
            "archived_cohort": archived.pk,
            "archived_code": archived.join_code,
            "co_instructor": self.users[CO_INSTRUCTOR].pk,
            "other_learner": self.users["other_learner"].pk,
            "assignment": assignment.pk,
            "cohort_quiz": cohort_quiz.pk,
            "cohort_attempt": cohort_done.pk,
            "cohort_open_attempt": cohort_open.pk,
            "check_question": question.slug,
            "other_question": teach_question.slug,
            "certificate_code": certificate.code,
        }

    def fill(self, text: str) -> str:
        return text.format(**self.slots)

    def rule_case(self, pattern: str) -> Case:
        """The Case a RULE makes for `pattern`, made once (it reads the database) for all of
        the pattern's cells."""
        if pattern not in self.rule_cases:
            self.rule_cases[pattern] = RULES[rule_for(pattern)][1](pattern, self)
        return self.rule_cases[pattern]


# Hundreds of requests from one client: every rate limit lifted so none answers 429.
NO_THROTTLING = {
    "RATE_LIMITS": dict.fromkeys(settings.RATE_LIMITS, "1000000/60"),
    "RATE_LIMITS_PER_ADDRESS": dict.fromkeys(settings.RATE_LIMITS_PER_ADDRESS, "1000000/60"),
    "ACCOUNT_RATE_LIMITS": False,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],  # for speed
}
PASSWORD = "a-long-passphrase-1"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, in a transaction rolled back when the module ends; each test runs in a
    savepoint inside it (pytest-django's `db`), so what one cell changes the next never sees
    (a sign-out, a submitted attempt)."""
    with (
        django_db_blocker.unblock(),
        override_settings(**NO_THROTTLING),
        transaction.atomic(),
    ):
        cache.clear()
        built = World()
        yield built
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        cache.clear()


# --- collecting the routes ----------------------------------------------------------------


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """Every route as (its full pattern, its name with namespace or None), through every
    include()."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name


def _routes() -> dict[str, set[str]]:
    """Each full pattern → the names it goes by (an alias adds a name, not a route)."""
    out: dict[str, set[str]] = {}
    for pattern, name in url_patterns():
        out.setdefault(pattern, set()).update([name] if name else [])
    return out


ALL_ROUTES = _routes()


def entry_for(pattern: str) -> str | None:
    """The ROUTES key for a pattern: one of its names, or the pattern itself."""
    keys = [key for key in (*sorted(ALL_ROUTES[pattern]), pattern) if key in ROUTES]
    return keys[0] if keys else None


# --- the cells ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One request of the matrix: a route (an entry's case, or a rule), a role, a method."""

    key: str  # the ROUTES key, or the pattern a rule covers
    case: int  # index into the entry's cases; -1 for a rule's case
    label: str
    role: str
    method: str

    def __str__(self) -> str:
        label = f"[{self.label}]" if self.label else ""
        return f"{self.key}{label} {self.method} as {self.role}"


def _cases(key: str) -> tuple[Case, ...]:
    entry = ROUTES[key]
    return entry if isinstance(entry, tuple) else (entry,)


ADMIN_RULE_ROLES_EVERY_PAGE = ("anonymous", "staff")


# HEAD is requested on our own views, where a decorator such as require_GET could refuse it
# (issue 8 found that). allauth's and the admin's class-based views answer HEAD with GET.
NO_HEAD = ("account_", "mfa_", "admin")


def _one_role_per_answer(expected: dict[str, object]) -> list[str]:
    """The first role for each distinct answer. HEAD takes the path GET takes, so what HEAD can
    get wrong (a decorator that refuses it, a view that branches on the method) shows on any
    role that reaches that answer; all six roles repeated each GET for no extra check (~420
    requests a run)."""
    first: dict[str, str] = {}
    for role, answer in expected.items():
        # A content editor's refusal is a 403 taken before the view, whatever the method.
        first.setdefault(str(403 if answer == CLASSES_REFUSED else answer), role)
    return list(first.values())


def _cells() -> list[Cell]:
    cells = []
    for key in sorted(ROUTES):
        for index, case in enumerate(_cases(key)):
            methods = ("GET", "POST") if key.startswith(NO_HEAD) else ("GET", "HEAD", "POST")
            for method in methods:
                roles = case.expected(method)
                if method == "HEAD":
                    roles = _one_role_per_answer(roles)
                cells.extend(Cell(key, index, case.label, role, method) for role in roles)
    for pattern in sorted(ALL_ROUTES):
        if entry_for(pattern) is None and rule_for(pattern):
            list_page = pattern.count("/") == 3  # admin/<app>/<model>/
            every = (*ROLES, STAFF_WITHOUT_MFA, CONTENT_EDITOR)
            roles = every if list_page else ADMIN_RULE_ROLES_EVERY_PAGE
            cells.extend(Cell(pattern, -1, "", role, "GET") for role in roles)
    return cells


def _check(response, expected, world: World) -> str | None:
    """None when `response` is what `expected` says, else what differs."""
    status, location = response.status_code, response.get("Location", "")
    got = f"{status}" + (f" to {location}" if location else "")
    if expected == SIGNED_OUT:
        said = b"You were signed out, so nothing was saved" in response.content
        return None if status == 403 and said else got
    if expected == CLASSES_REFUSED:  # HEAD has no body to say it in
        said = response.wsgi_request.method == "HEAD" or (
            b"As a content editor, you write" in response.content
            and b'href="/teach/"' in response.content
        )
        return None if status == 403 and said else got
    if isinstance(expected, int):
        return None if status == expected else got
    prefix = (
        world.fill(expected.to) if isinstance(expected, Redirect) else REDIRECT_PREFIXES[expected]
    )
    if status != 302 or not location.startswith(prefix):
        return got
    if not isinstance(expected, Redirect):
        return None
    # A plain redirect must not be a sign-in page in disguise.
    sign_in = tuple(REDIRECT_PREFIXES[k] for k in (LOGIN, ADMIN_LOGIN, MFA, REAUTH))
    return got if location.startswith(sign_in) and not prefix.startswith(sign_in) else None


def _routes_cells() -> list[tuple[str, list[Cell]]]:
    """The cells grouped by route (an entry's case, or a pattern a rule covers), in order."""
    groups: dict[str, list[Cell]] = {}
    for cell in _cells():
        label = f"[{cell.label}]" if cell.label else ""
        groups.setdefault(f"{cell.key}{label}", []).append(cell)
    return list(groups.items())


class MatrixClient(Client):
    """The test client without the per-request work the matrix never reads back: Django's
    client connects and disconnects four signal receivers around every request (the rendered
    templates, the raised exception, and `close_old_connections` twice) and decorates the
    response (context, templates, json, resolver_match) and its own cookie jar. Here the
    exception receiver is connected, and `close_old_connections` taken off, once per route
    (`connected`); the request, its middleware, its view and its signals are the same, and an
    exception is still raised in the test as the client raises it."""

    def __init__(self) -> None:
        super().__init__()
        self.handler = MatrixHandler(enforce_csrf_checks=False)

    @contextlib.contextmanager
    def connected(self):
        uid = f"matrix-request-exception-{id(self)}"
        got_request_exception.connect(self.store_exc_info, dispatch_uid=uid)
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            yield self
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            got_request_exception.disconnect(dispatch_uid=uid)

    def request(self, **request):
        response = self.handler(self._base_environ(**request))
        self.check_exception(response)
        return response


class MatrixHandler(ClientHandler):
    """ClientHandler's request, without taking `close_old_connections` off the request
    signals and putting it back around every request (MatrixClient.connected does it once)."""

    def __call__(self, environ):
        if self._middleware_chain is None:
            self.load_middleware()
        request_started.send(sender=ClientHandler, environ=environ)
        request = WSGIRequest(environ)
        request._dont_enforce_csrf_checks = not self.enforce_csrf_checks  # noqa: SLF001
        response = self.get_response(request)
        conditional_content_removal(request, response)
        response.wsgi_request = request
        if response.streaming:  # closed once read, as a server does
            response.streaming_content = closing_iterator_wrapper(
                response.streaming_content, response.close
            )
        else:
            response.close()  # as a server does; fires request_finished
        return response


def _body(case: Case, world: World) -> str:
    """The POST body: fields urlencoded, as a browser sends a form (a dict given with the form
    content type was sent as its Python repr, so the view never saw the fields); a field's
    text is filled from WORLD as a Case's url is ({teach_question} is an id in the body)."""
    if isinstance(case.data, dict):
        assert case.content_type == FORM_CONTENT, case
        fields = {k: world.fill(v) if isinstance(v, str) else v for k, v in case.data.items()}
        return urlencode(fields, doseq=True)
    return case.data


def _request(cell: Cell, world: World, client: MatrixClient) -> str | None:
    """One cell's request, in a savepoint rolled back after it (so what one cell changes, a
    sign-out or a submitted attempt, the next never sees) and with only its role's session
    cookie (the client keeps no cookie between cells). None when the answer is what the cell
    expects, else what went wrong."""
    case = _cases(cell.key)[cell.case] if cell.case >= 0 else world.rule_case(cell.key)
    expected = case.expected(cell.method)[cell.role]
    if (cell.method, cell.role, expected) == ("POST", "anonymous", LOGIN) and cell.key.startswith(
        TEACHING_ROUTES
    ):
        expected = SIGNED_OUT
    url = world.fill(case.url)
    where = f"{cell}: {cell.method} {url}"
    try:
        with transaction.atomic():
            if cell.method == "POST":
                response = client.generic(
                    "POST", url, _body(case, world), case.content_type, **world.cookies[cell.role]
                )
            else:
                response = client.generic(cell.method, url, **world.cookies[cell.role])
            transaction.set_rollback(True)
    except Exception:  # the test client re-raises the view's exception: a 500
        return f"{where}: expected {expected}, raised\n" + "".join(
            "    " + line for line in traceback.format_exc().splitlines(keepends=True)
        )
    problem = _check(response, expected, world)
    return None if problem is None else f"{where}: expected {expected}, got {problem}"


ROUTE_CELLS = _routes_cells()


@pytest.mark.parametrize(
    "cells", [cells for _, cells in ROUTE_CELLS], ids=[r for r, _ in ROUTE_CELLS]
)
def test_route_answers_each_role_as_expected(cells: list[Cell], world: World, db) -> None:
    """Every cell of one route (each role, each method); the failure lists every cell whose
    answer was wrong, not only the first. One test per route rather than per cell: the
    ~2,700 cells cost a third less this way (one test's set-up, teardown and report per route,
    one client whose middleware is loaded once), and each cell still runs in its own
    savepoint with its own cookies."""
    with MatrixClient().connected() as client:
        problems = [p for p in (_request(cell, world, client) for cell in cells) if p is not None]
    if problems:
        pytest.fail(
            f"{len(problems)} of {len(cells)} requests answered wrongly:\n" + "\n".join(problems),
            pytrace=False,
        )


def test_every_route_has_an_entry() -> None:
    """A new route fails here until it has an entry in ROUTES (or a RULE covers it)."""
    uncovered = [
        f"{pattern}  (name: {', '.join(sorted(names)) or 'none'})"
        for pattern, names in sorted(ALL_ROUTES.items())
        if entry_for(pattern) is None and not rule_for(pattern)
    ]
    assert not uncovered, "Routes with no entry in ROUTES:\n" + "\n".join(uncovered)


def test_every_entry_checks_something() -> None:
    """An entry with no expectation would cover its route without a single request."""
    empty = [key for key in ROUTES for case in _cases(key) if not case.get and not case.post]
    assert empty == []


def test_every_entry_is_a_route() -> None:
    """An entry for a route that no longer exists is a check that silently stopped checking."""
    known = set(ALL_ROUTES).union(*ALL_ROUTES.values())
    assert sorted(set(ROUTES) - known) == []
