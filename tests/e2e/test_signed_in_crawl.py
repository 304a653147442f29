"""The signed-in pages, crawled in Chromium: the pages a learner and an instructor open with a
GET, at desktop and phone size, with a class's worth of data in them (a quiz of every kind
with attempts, a cohort with learners and assignments, a review card, a certificate, keys).

Each page must load (200, no redirect), log no console error, have no serious or critical
axe-core violation, not scroll sideways, and any box that scrolls sideways inside it (a wide
table) must be reachable by keyboard and named, as `.table-scroll` boxes are elsewhere, and one
that does not must be no keyboard stop nor said to scroll; the text of every drawn SVG (a
chart, the network lab's trace) must read at 11 px or more, and a select in a scrolling table
must not be cut short (tests/e2e/layout.py); on a phone the header
keeps two rows with room for its menu. The URLs come from the data through
`reverse()`; tests/test_authorization_matrix.py's ROUTES says which role reaches which page.
Left out, to keep the crawl short (~110 s here, axe two thirds of it): pages drawn by a template
already here with the same parts (a cohort's statistics are the quiz's; removing a key or a
question, or a new join code, is asked like deleting a quiz; multiple select and true/false
are taken and edited like single choice; reauthenticate and sign out are allauth forms like
the password's), and pages anyone sees, which test_crawl.py opens (lessons, modules). One
browser context per role and size: the desktop one signs in through the form, the phone one
borrows its session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import Certificate
from cohorts import services as cohorts
from lessons import progress
from lessons.models import Lesson
from quizzes import attempts, review
from quizzes.kinds import KINDS
from quizzes.models import Question
from srm_trainer.accounts.roles import set_instructor
from teach.editors import EDITORS
from tests.conftest import give_mfa, give_passkey
from tests.e2e.accessibility import serious_violations
from tests.e2e.journeys import (
    PASSWORD,
    make_user,
    no_horizontal_scroll,
    settled,
    sign_in,
    sign_in_with_code,
)
from tests.e2e.layout import layout_problems
from tests.quizzes.builders import allow, make_question, make_quiz, policy, right_response
from tests.teach.statsdata import bulk_class, mixed_quiz

pytestmark = pytest.mark.e2e


def _response(question) -> dict:
    """An answer to a builder-made question of any kind (right or wrong, it is graded)."""
    kind = question.type
    if kind in ("single", "multiple", "true_false", "ordering", "categorize"):
        return right_response(question)
    return {
        "policy_decision": {"decision": "ImplicitDeny"},
        "least_privilege": {"policy": policy(allow("s3:*", "*"))},
        "flow_decision": {"verdict": "allowed", "hop": "nothing"},
        "waf_rule": {"rule": "rate"},
        "flow_fix": {"rules": question.data.get("reference", "")},
        "route_findings": {"pattern": question.data.get("model", "")},
    }[kind]


@dataclass
class Class:
    """What the crawl's pages show: Ada's work, Ines's teaching, their cohort."""

    ada: object
    ines: object
    secret: str  # Ines's authenticator
    quiz: object  # published, one question of every kind; assigned to the cohort
    open_attempt: object  # Ada's, half answered (with feedback shown)
    done_attempt: object  # Ada's, submitted
    teach_quiz: object  # Ines's own, one question of every kind that has an editor
    teach_questions: list
    cohort: object
    assignment: object
    other_cohort: object  # one Ada is not in: its join link asks her
    passkey: object  # Ines's security key


def a_class() -> Class:
    lesson = Lesson.objects.in_reading_order().first()
    ada = make_user("ada")
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    RecoveryCodes.activate(ines)
    passkey = give_passkey(ines, "Ines's laptop")
    classmates = [make_user(name) for name in ("grace", "katherine", "margaret")]

    questions = [make_question(kind, lesson=lesson) for kind in KINDS]
    quiz = make_quiz(*questions, title="Every kind of question")
    teach_quiz, teach_questions, responses = mixed_quiz(owner=ines)
    bulk_class(teach_quiz, teach_questions, responses, 12, users=classmates)

    cohort = cohorts.cohort_create(owner=ines, name="Spring class, Tuesday evening group")
    for learner in (ada, *classmates):
        cohorts.cohort_join(cohort=cohort, user=learner)
    assignment = cohorts.assignment_create(
        cohort=cohort, quiz=quiz, by=ines, due_at=timezone.now() + timedelta(days=7)
    )
    cohorts.assignment_create(cohort=cohort, quiz=teach_quiz, by=ines)
    cohorts.extension_set(
        assignment=assignment, user_id=ada.pk, due_at=timezone.now() + timedelta(days=10)
    )
    other_cohort = cohorts.cohort_create(owner=ines, name="Autumn class")

    done = attempts.attempt_start(quiz=quiz, user=ada)
    for question in questions:
        attempts.answer_save(attempt=done, question=question, response=_response(question))
    attempts.attempt_submit(attempt=done)
    open_attempt = attempts.attempt_start(quiz=quiz, user=ada)
    by_pk = {q.pk: q for q in questions}
    for pk in open_attempt.question_ids[:3]:
        question = by_pk[pk]
        attempts.answer_save(
            attempt=open_attempt, question=question, response=_response(question), check=True
        )

    a_while_ago = timezone.now() - timedelta(days=2)
    review.card_record(user=ada, question=questions[0], correct=False, now=a_while_ago)
    progress.mark_complete(user=ada, lesson=lesson)
    Certificate.objects.create(
        user=ada, course_title="AWS Shared Responsibility", name="Ada Lovelace",
        issued_at=timezone.now(),
    )  # fmt: skip
    return Class(
        ada=ada, ines=ines, secret=secret, quiz=quiz, open_attempt=open_attempt,
        done_attempt=done, teach_quiz=teach_quiz, teach_questions=teach_questions,
        cohort=cohort, assignment=assignment, other_cohort=other_cohort, passkey=passkey,
    )  # fmt: skip


# allauth's account pages, with the two-factor ones: Ada has no second factor yet, so hers are
# the set-up pages; Ines has an authenticator app, recovery codes and a security key.
LEARNER_ACCOUNT_PAGES = [
    "account_email",
    "account_change_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "mfa_generate_recovery_codes",
    "account_data",
    "account_delete",
]
INSTRUCTOR_ACCOUNT_PAGES = [
    "account_delete",  # refused, with why
    "mfa_index",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
]
# Taking a quiz and editing a question: a page per kind, but for the kinds drawn and edited as
# single choice is (a list of choices).
SAME_AS_SINGLE = ("multiple", "true_false")


def learner_pages(c: Class) -> list[str]:
    attempt = c.open_attempt
    kinds = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "type"))
    return [
        "/",
        reverse("quizzes:list"),
        reverse("quizzes:detail", args=[c.quiz.slug]),
        *[
            reverse("quizzes:take", args=[attempt.pk]) + f"?q={n}"
            for n, pk in enumerate(attempt.question_ids, start=1)
            if kinds[pk] not in SAME_AS_SINGLE
        ],
        reverse("quizzes:summary", args=[attempt.pk]),
        reverse("quizzes:result", args=[c.done_attempt.pk]),
        reverse("quizzes:review"),
        reverse("certificates:progress"),
        reverse("certificates:mine"),
        reverse("cohorts:mine"),  # with the form to join by code
        reverse("cohorts:join-link", args=[c.other_cohort.join_code]),
        reverse("network-lab"),
        reverse("waf-lab"),
        *[reverse(name) for name in LEARNER_ACCOUNT_PAGES],
    ]


def instructor_pages(c: Class) -> list[str]:
    quiz, cohort, questions = c.teach_quiz, c.cohort, c.teach_questions
    return [
        reverse("teach:dashboard"),
        reverse("teach:bank") + f"?into={quiz.pk}",  # the bank, with a column to add to a quiz
        reverse("teach:import"),
        reverse("teach:import-help"),  # the file formats, with an example of each kind
        reverse("teach:quiz", args=[quiz.pk]),
        reverse("teach:quiz-edit", args=[quiz.pk]),
        reverse("teach:quiz-delete", args=[quiz.pk]),
        reverse("teach:quiz-preview", args=[quiz.pk]),
        reverse("teach:quiz-statistics", args=[quiz.pk]),
        # a new policy question starts from a case the engine decides; the edit pages below show
        # every kind's editor filled in (at the address its page has, its token in it: the link
        # to it is redirected there, srm_trainer/once.py)
        reverse("teach:question-create", args=[quiz.pk, "policy_decision"])
        + "?once=crawled-new-page-1",
        *[
            reverse("teach:question-edit", args=[q.pk]) + f"?quiz={quiz.pk}"
            for q in questions
            if q.type in EDITORS and q.type not in SAME_AS_SINGLE
        ],
        reverse("teach_cohorts:list") + "?once=crawled-cohort-list-1",  # as a new page's, above
        reverse("teach_cohorts:gradebook", args=[cohort.pk]),
        reverse("teach_cohorts:people", args=[cohort.pk]),
        reverse("teach_cohorts:delete", args=[cohort.pk]),
        reverse("teach_cohorts:learner", args=[cohort.pk, c.ada.pk]),
        reverse("teach_cohorts:assignment-create", args=[cohort.pk]),
        reverse("teach_cohorts:assignment", args=[cohort.pk, c.assignment.pk]),
        reverse("quizzes:result", args=[c.done_attempt.pk]),  # Ada's, read by her teacher
        *[reverse(name) for name in INSTRUCTOR_ACCOUNT_PAGES],
        reverse("mfa_edit_webauthn", args=[c.passkey.pk]),
    ]


# On a phone the header is the brand and the account, then the Search button and the menu, whose
# links wrap (an instructor's nine in four rows at 390 px, 181 px in all); the menu never scrolls
# sideways (it did, and hid half its links).
HEADER_AND_MENU = """() => [document.querySelector('.site-header').getBoundingClientRect().height,
    document.querySelector('.site-nav').scrollWidth - document.querySelector('.site-nav').clientWidth]"""


def crawl(page, urls: list[str]) -> list[str]:
    """Every URL in `page`; what is wrong with each, as lines naming the URL."""
    problems: list[str] = []
    errors = page._e2e_console.seen
    for url in urls:
        seen = len(errors)
        response = page.goto(url)
        if response is None or response.status != 200 or response.request.redirected_from:
            status = response.status if response else "no response"
            problems.append(f"{url}: got {status} at {page.url}")
            continue
        settled(page)
        problems += [f"{url}: {v}" for v in serious_violations(page)]
        try:
            no_horizontal_scroll(page)
        except AssertionError as wide:
            problems.append(f"{url}: {wide}")
        width = page.viewport_size["width"]
        header, scrolls = page.evaluate(HEADER_AND_MENU)
        if width < 500 and (header > 200 or scrolls > 0):
            problems.append(f"{url}: the header is {header} px tall, its menu scrolls {scrolls} px")
        problems += [f"{url}: {problem}" for problem in layout_problems(page)]
        problems += [f"{url}: console: {message}" for message in errors[seen:]]
    return problems


def confirm_password(page) -> None:
    """Confirm the password, as allauth asks before the two-factor settings open (for five
    minutes): the crawl then sees those pages, not the question."""
    page.goto(reverse("account_reauthenticate"))
    field = page.get_by_label(re.compile(r"^Password$"))
    field.fill(PASSWORD)
    field.press("Enter")
    expect(page).not_to_have_url(re.compile("reauthenticate"))


def crawl_both(page, phone, urls: list[str]) -> None:
    """The desktop page is signed in; the phone borrows its session."""
    confirm_password(page)
    phone.context.add_cookies(page.context.cookies())
    problems = [f"desktop {p}" for p in crawl(page, urls)]
    problems += [f"phone {p}" for p in crawl(phone, urls)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_learner_page_at_desktop_and_phone_size(page, phone):
    c = a_class()
    page.goto("/")
    sign_in(page, "ada")
    crawl_both(page, phone, learner_pages(c))


def test_every_instructor_page_at_desktop_and_phone_size(page, phone):
    c = a_class()
    page.goto("/")
    sign_in_with_code(page, "ines", c.secret)
    gradebook = reverse("teach_cohorts:gradebook", args=[c.cohort.pk])
    page.goto(gradebook)
    for name in ("gradebook-csv", "answers-csv"):  # the export links download a CSV
        link = page.locator(f"a[href='{reverse(f'teach_cohorts:{name}', args=[c.cohort.pk])}']")
        expect(link).to_have_count(1)
        download = page.request.get(link.get_attribute("href"))
        assert download.status == 200, name
        assert download.headers["content-type"].startswith("text/csv"), name
        assert "ada" in download.text(), name
    crawl_both(page, phone, instructor_pages(c))
