"""Reflow (WCAG 1.4.10): at 320 CSS px wide, what a 1280 px window shows zoomed to 400%, no
page scrolls sideways and none has the layout problems tests/e2e/layout.py names; a wide table
scrolls in a box of its own. The phone crawls (390 px) did not see what only fits down to 340
px, and a time whose zone has a long name ("(America/North_Dakota/New_Salem)") is one word.
The signed-in pages are walked here too, with names as long as an account may have (150
characters, one word), and what a short zoomed window leaves in sight: the sandbox's pinned
decision, a lesson's contents."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services as cohorts
from lessons.models import Source
from quizzes import attempts
from quizzes.models import Quiz
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import confirmed_session, give_mfa
from tests.e2e.conftest import watched_page
from tests.e2e.journeys import (
    IDENTITY_EDITOR,
    answered,
    make_user,
    no_horizontal_scroll,
    sign_in,
    sign_in_with_code,
)
from tests.e2e.layout import layout_problems
from tests.e2e.test_crawl import crawl, every_page
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

ZOOMED = {"width": 320, "height": 640}
LONG_ZONE = "America/North_Dakota/New_Salem"


@pytest.fixture
def zoomed(browser, base_url, curriculum):
    """A desktop browser zoomed to 400% (320 CSS px), its clock in a zone with a long name."""
    yield from watched_page(browser, base_url=base_url, viewport=ZOOMED, timezone_id=LONG_ZONE)


def test_at_320_px_no_page_scrolls_sideways(zoomed):
    """The WAF lab's table of runs ("login-rate" kept on one line) was 358 px wide, in no
    scrolling box: the whole page scrolled sideways."""
    zoomed._e2e_console.allow("status of 404")  # /no-such-page/
    labs = ["/lab/waf/", "/lab/network/?preset=forgotten-ephemeral-ports", "/lab/findings/"]
    problems = crawl(zoomed, every_page() + labs, axe=False)
    # A drawing's text drawn under 11 px here is four times that on a zoomed screen; the phone
    # crawls hold the 11 px floor where the pixels are a phone's.
    problems = [p for p in problems if not re.search(r"is drawn at [\d.]+ px$", p)]
    assert not problems, "\n".join(problems)


def test_a_sandbox_preset_with_a_long_principal_fits_at_320_px(zoomed):
    """A lesson's link to a preset whose principal is a role session's ARN opened a sandbox
    whose request card was 365 px wide (a fieldset is never narrower than its content's
    min-content): the whole page scrolled sideways at 400% zoom."""
    zoomed.goto("/sandbox/?preset=everyday-admin-not-root")
    principal = zoomed.get_by_label("Principal (who calls)")
    expect(principal).to_have_value(re.compile(r"^arn:aws:sts::\d{12}:assumed-role/"))
    no_horizontal_scroll(zoomed)
    box = zoomed.locator("fieldset.request-card").bounding_box()
    assert box["x"] + box["width"] <= ZOOMED["width"]


def test_a_long_zone_name_wraps_on_the_quiz_pages_at_320_px(zoomed):
    """A learner's past attempts and an instructor's quiz facts each show a time with its zone
    named, a word the width of a phone; the facts' names' column ("Questions a learner gets")
    also left "Statistics" past the edge. The assignment form names the zone in its fields'
    labels ("Due (America/North_Dakota/New_Salem):"), which ran 50 px past the page."""
    ada = make_user("ada")
    quiz = Quiz.objects.get(slug="iam-quiz")
    attempts.attempt_submit(attempt=attempts.attempt_start(quiz=quiz, user=ada))
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    question = make_question("single", owner=ines, source=Source.AUTHORED, lesson=None)
    own = make_quiz(question, owner=ines, source=Source.AUTHORED, title="Spring check")
    cohort = cohorts.cohort_create(owner=ines, name="Spring class")

    zoomed.goto("/")  # the browser tells the server its zone
    sign_in(zoomed, "ada")
    zoomed.goto(quiz.get_absolute_url())
    assert f"({LONG_ZONE})" in zoomed.locator("table.attempts").inner_text().replace("\n", "")
    no_horizontal_scroll(zoomed)

    zoomed.context.clear_cookies()
    zoomed.goto("/")
    sign_in_with_code(zoomed, "ines", secret)
    zoomed.goto(f"/teach/quizzes/{own.pk}/")
    assert zoomed.locator(".quiz-facts").get_by_text(f"({LONG_ZONE})").count() == 1
    no_horizontal_scroll(zoomed)
    zoomed.goto(f"/teach/cohorts/{cohort.pk}/assignments/new/")
    expect(zoomed.get_by_label(f"Due ({LONG_ZONE})")).to_be_visible()
    no_horizontal_scroll(zoomed)
    # Its lessons offered: each title wraps beside its box, none cut off (the multiple
    # <select> they were in cut long titles at its edge).
    labels = zoomed.locator(".lesson-picker label")
    assert labels.count() > 10
    cut = labels.evaluate_all(
        "ls => ls.filter(l => l.scrollWidth > l.clientWidth"
        " || l.getBoundingClientRect().right > innerWidth).map(l => l.textContent)"
    )
    assert not cut, cut
    no_horizontal_scroll(zoomed)


# As long as a username may be (Django's 150 characters), with no place to break it.
LONG_NAME = ("Wolfeschlegelsteinhausenbergerdorff" * 4 + "x" * 10)[:150]


def signed_in_as(page, user) -> None:
    """`page`'s browser signed in as `user`, past the second factor and a confirmed password
    (as tests/conftest.py's `confirmed_session` writes it): what is tested is the pages, and
    signing in through the forms twice took longer than the pages did."""
    page.context.clear_cookies()
    site = urljoin(page.url, "/")  # the cookie's path is the URL's: the whole site's
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": confirmed_session(user), "url": site}]
    )


def walk(page, urls: list[str]) -> list[str]:
    """Each URL opened (it must answer 200, not send elsewhere): what is wrong with each, as
    tests/e2e/layout.py and `no_horizontal_scroll` say it."""
    problems = []
    for url in urls:
        response = page.goto(url)
        if response is None or not response.ok or response.request.redirected_from:
            problems.append(f"{url}: got {response and response.status} at {page.url}")
            continue
        try:
            no_horizontal_scroll(page)
        except AssertionError as wide:
            problems.append(f"{url}: {wide}")
        problems += [f"{url}: {problem}" for problem in layout_problems(page)]
    return problems


def test_at_320_px_no_signed_in_page_scrolls_sideways(zoomed):
    """A learner's and an instructor's pages, in a class whose learner and co-instructor have
    150-character names. A button naming one ("Remove ...", "Make ... the owner") was as wide
    as the name, 1,500 px: the confirmation pages scrolled sideways (a 53-character name with
    dots and hyphens already did at 360 px)."""
    learner = make_user(LONG_NAME)
    co = make_user("Co" + LONG_NAME[:148])
    ines = make_user("ines")
    for teacher in (ines, co):
        set_instructor(user=teacher, instructor=True)
    give_mfa(ines)
    quiz = Quiz.objects.get(slug="iam-quiz")
    cohort = cohorts.cohort_create(owner=ines, name="Spring class, Tuesday evening group")
    cohorts.cohort_join(cohort=cohort, user=learner)
    cohorts.co_instructor_add(cohort=cohort, username=co.username)
    assignment = cohorts.assignment_create(
        cohort=cohort, quiz=quiz, by=ines, due_at=timezone.now() + timedelta(days=7)
    )
    done = attempts.attempt_start(quiz=quiz, user=learner)
    attempts.attempt_submit(attempt=done)
    open_attempt = attempts.attempt_start(quiz=quiz, user=learner)
    question = make_question("single", owner=ines, source=Source.AUTHORED, lesson=None)
    own = make_quiz(question, owner=ines, source=Source.AUTHORED, title="Spring check")
    ids = [cohort.pk, learner.pk]

    zoomed.goto("/")
    signed_in_as(zoomed, learner)
    problems = walk(
        zoomed,
        [
            "/",
            reverse("quizzes:take", args=[open_attempt.pk]),
            reverse("quizzes:summary", args=[open_attempt.pk]),
            reverse("quizzes:result", args=[done.pk]),
            reverse("certificates:progress"),
            reverse("cohorts:mine"),
            reverse("account_email"),
            reverse("mfa_index"),
        ],
    )
    signed_in_as(zoomed, ines)
    problems += walk(
        zoomed,
        [
            reverse("teach:dashboard"),
            reverse("teach:quiz", args=[own.pk]),
            reverse("teach:question-edit", args=[question.pk]) + f"?quiz={own.pk}",
            reverse("teach_cohorts:gradebook", args=[cohort.pk]),
            reverse("teach_cohorts:people", args=[cohort.pk]),
            reverse("teach_cohorts:member-remove", args=ids),
            reverse("teach_cohorts:owner-hand", args=[cohort.pk, co.pk]),
            reverse("teach_cohorts:learner", args=ids),
            reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk]),
        ],
    )
    # As in the signed-out crawl: a chart's text under 11 px here is four times that zoomed.
    problems = [p for p in problems if not re.search(r"is drawn at [\d.]+ px$", p)]
    assert not problems, "\n".join(problems)
    zoomed.goto(reverse("teach_cohorts:member-remove", args=ids))
    button = zoomed.get_by_role("button", name=f"Remove {LONG_NAME}")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport(ratio=1)  # the whole name, wrapped within the button


def test_the_sandbox_at_320_px_keeps_its_decision_one_line_and_a_long_key_in_bounds(zoomed):
    """The pinned decision bar gave the decision's gloss too: four lines, 125 px, at 320 and
    360 px ("Explicit deny (a Deny statement in any policy matches, ...)"), deeper than the
    room focus keeps clear above it (the page's scroll padding), and at 400% zoom on a laptop
    (320 x 180 px) two thirds of the window. A condition's key, as long as its author typed
    it, offered as "Add <key>", made the page 545 px wide."""
    zoomed.goto("/sandbox/")
    key = "aws:PrincipalTag/DepartmentCostCentreIdentifierForTheFinanceTeamReports"
    statement = '{"Effect": "Deny", "Action": "*", "Resource": "*",'
    statement += f' "Condition": {{"StringNotEquals": {{"{key}": "finance"}}}}}}'
    with answered(zoomed):
        zoomed.locator(IDENTITY_EDITOR).first.fill(
            f'{{"Version": "2012-10-17", "Statement": [{statement}]}}'
        )
    bar = zoomed.locator("#decision-bar")
    expect(bar).to_contain_text("Explicit deny")
    expect(zoomed.get_by_role("button", name=f"Add {key}")).to_be_visible()
    no_horizontal_scroll(zoomed)
    kept_clear = zoomed.evaluate(
        "() => parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom)"
    )
    assert bar.bounding_box()["height"] <= kept_clear
    zoomed.set_viewport_size({"width": 320, "height": 180})
    assert bar.bounding_box()["height"] <= 180 / 4


def test_the_sandbox_small_controls_are_24_px_tall_at_320_px(zoomed):
    """WCAG 2.5.8's least target, for controls with others near them: a policy's "Remove" was
    23 px tall beside its editor, and the browser's "Choose file" button 21 px."""
    zoomed.goto("/sandbox/")
    for control in (
        zoomed.get_by_role("button", name="Remove Identity policy 1"),
        zoomed.get_by_label("Open a case file"),
    ):
        box = control.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, (control, box)


def test_a_lessons_contents_stay_within_a_short_window(page):
    """Beside a lesson from 1,024 px wide, its contents stay in sight as one reads (sticky):
    at 1,100 x 360 px (a laptop zoomed to about 175%) this lesson's list (455 px) ran past the
    window's foot, its last sections out of reach until the lesson ended. It scrolls within."""
    page.set_viewport_size({"width": 1100, "height": 360})
    page.goto("/learn/compliance-and-artifact/evidence-and-posture/")
    contents = page.get_by_role("complementary", name="On this page")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    box = contents.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 360, box
    assert contents.evaluate("el => el.scrollHeight > el.clientHeight"), "fits: checks nothing"
    last = contents.get_by_role("link").last
    last.focus()
    expect(last).to_be_in_viewport()
