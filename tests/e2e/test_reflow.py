"""Reflow (WCAG 1.4.10): at 320 CSS px wide, what a 1280 px window shows zoomed to 400%, no
page scrolls sideways and none has the layout problems tests/e2e/layout.py names; a wide table
scrolls in a box of its own. The phone crawls (390 px) did not see what only fits down to 340
px, and a time whose zone has a long name ("(America/North_Dakota/New_Salem)") is one word."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cohorts import services as cohorts
from lessons.models import Source
from quizzes import attempts
from quizzes.models import Quiz
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.conftest import watched_page
from tests.e2e.journeys import make_user, no_horizontal_scroll, sign_in, sign_in_with_code
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
