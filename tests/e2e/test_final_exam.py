"""Issue 13's "done when": a learner who has completed every module takes the final exam in the
browser, reads the result by module, checks the name as it will be printed, gets the
certificate (printable, PDF) and its verification link works in a browser that is signed in as
nobody. The name's check step by keyboard alone, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lessons import progress
from lessons.models import Lesson, LessonProgress
from quizzes.models import Attempt, Question, Quiz
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ConsoleErrors, watch
from tests.e2e.journeys import ATTEMPT, make_user, settled, sign_in

pytestmark = pytest.mark.e2e

# The kinds this journey answers by clicking; the draw is left only these (others archived).
CLICKABLE = ("single", "multiple", "true_false")
MISSED = 3  # the last questions are answered wrongly: 37 of 40 still passes (72%)


def _modules_done(user) -> None:
    """Every lesson read and every module's quiz passed, as weeks of work would leave them."""
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(user=user, lesson=lesson, completed_at=now)
        for lesson in Lesson.objects.published()
    )
    progress.recount(user_ids=[user.pk])  # bulk_create sends no signals
    for quiz in Quiz.objects.published().filter(module__isnull=False):
        Attempt.objects.create(
            quiz=quiz, user=user, started_at=now, submitted_at=now, score=1.0, passed=True
        )


def _answer(page, question: Question, *, right: bool) -> None:
    """Click the right answer (or, with `right=False`, a wrong one)."""
    if question.type == "true_false":
        value = "true" if question.data["answer"] == right else "false"
        page.locator(f'input[name="answer"][value="{value}"]').check()
        return
    name = "choice" if question.type == "single" else "choices"
    chosen = [c for c in question.data["choices"] if c["correct"] == right]
    for choice in chosen if right else chosen[:1]:
        page.locator(f'input[name="{name}"][value="{choice["id"]}"]').check()


def test_final_exam_result_certificate_and_verification_link(page, browser, base_url):
    Question.objects.exclude(type__in=CLICKABLE).update(archived=True)
    user = make_user("lovelace")
    user.first_name, user.last_name = "Ada", "Lovelace"
    user.save()
    _modules_done(user)

    page.goto("/")
    sign_in(page, "lovelace")
    page.goto("/progress/")
    expect(page.get_by_text("Pass the final exam", exact=True)).to_be_visible()
    assert_accessible(page)

    page.goto("/quizzes/final-exam/")
    expect(page.get_by_text("72%", exact=True)).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    expect(page.get_by_role("heading", name="Question 1 of 40")).to_be_visible()
    attempt = Attempt.objects.get(user=user, quiz__slug="final-exam")
    questions = Question.objects.in_bulk(attempt.question_ids)
    for position, pk in enumerate(attempt.question_ids, start=1):
        expect(page.get_by_role("heading", name=f"Question {position} of 40")).to_be_visible()
        _answer(page, questions[pk], right=position <= 40 - MISSED)
        last = position == 40
        page.get_by_role("button", name="Save answer" if last else "Save and next").click()
        settled(page)
    expect(page.get_by_text("40 of 40 questions answered.")).to_be_visible()
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit and see your result").click()

    expect(page.get_by_role("heading", name="Your result: Final exam")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("passed")
    table = page.get_by_role("table").first
    expect(table.get_by_role("row")).to_have_count(1 + 8)  # a row per module
    assert_accessible(page)

    page.get_by_role("link", name="See your course progress and certificate").click()
    expect(page.get_by_text("Final exam: passed.")).to_be_visible()
    page.get_by_role("link", name="Get your certificate").click()
    name = page.get_by_label("Your name as it will be printed")
    expect(name).to_have_value("Ada Lovelace")
    assert_accessible(page)
    name.fill("Augusta Ada King")
    page.get_by_role("button", name="Check the name").click()
    expect(page.get_by_role("heading", name="Check your name")).to_be_focused()
    expect(page.locator(".certificate-name")).to_have_text("Augusta Ada King")
    assert_accessible(page)
    page.get_by_role("button", name="Issue my certificate").click()

    expect(page.locator(".certificate-name")).to_have_text("Augusta Ada King")
    assert_accessible(page)
    page.emulate_media(media="print")  # printing shows the certificate alone
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".certificate")).to_be_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    link = page.get_by_role("link", name="Verification link").get_attribute("href")
    assert re.fullmatch(r"/certificates/[-\w]{16}/", link)
    stranger = browser.new_context(base_url=base_url)
    public = stranger.new_page()
    public.goto(link)
    expect(public.get_by_role("heading", name="Certificate check")).to_be_visible()
    expect(public.locator(".certificate-name")).to_have_text("Augusta Ada King")
    expect(public.locator(".certificate")).to_contain_text(
        "Cloud security on the AWS Shared Responsibility Model"
    )
    expect(public.locator("main")).not_to_contain_text("lovelace")
    assert_accessible(public)
    stranger.close()


def _course_done(user) -> None:
    """Every module done and the final exam passed: the name form is what is left."""
    _modules_done(user)
    now = timezone.now()
    exam = Quiz.objects.get(slug="final-exam")
    Attempt.objects.create(
        quiz=exam, user=user, started_at=now, submitted_at=now, score=1.0, passed=True
    )


@pytest.mark.parametrize("script", [True, False], ids=["with-js", "without-js"])
def test_the_name_is_checked_before_issuing_by_keyboard(browser, base_url, curriculum, script):
    """Typed, sent with Enter, the name comes back drawn as on the certificate, the focus on the
    heading that asks to check it (read with the name); Tab reaches "Issue my certificate" then
    "Change the name"; changing keeps the name, the focus in its box. Nothing is issued until
    "Issue my certificate", and then the name last shown. Without JavaScript, the same."""
    from certificates.models import Certificate

    user = make_user("babbage")
    _course_done(user)
    context = browser.new_context(base_url=base_url, java_script_enabled=script)
    page = context.new_page()
    errors = ConsoleErrors()
    watch(page, errors)
    page.goto("/")
    sign_in(page, "babbage")
    page.goto("/progress/certificate/")
    box = page.get_by_label("Your name as it will be printed")
    box.focus()
    page.keyboard.type("Charles Babage")
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", name="Check your name")
    expect(heading).to_be_focused()
    expect(heading).to_have_accessible_description(re.compile("“Charles Babage” right"))
    expect(page.locator(".certificate-name")).to_have_text("Charles Babage")
    if script:
        assert_accessible(page)
    assert not Certificate.objects.exists()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Issue my certificate")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Change the name")).to_be_focused()
    page.keyboard.press("Enter")

    expect(box).to_be_focused()
    expect(box).to_have_value("Charles Babage")
    page.keyboard.press("End")
    for _ in "age":
        page.keyboard.press("ArrowLeft")
    page.keyboard.type("b")  # Bab|age → Babbage
    page.keyboard.press("Enter")
    expect(heading).to_be_focused()
    expect(page.locator(".certificate-name")).to_have_text("Charles Babbage")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Issue my certificate")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your certificate")).to_be_visible()
    expect(page.locator(".certificate-name")).to_have_text("Charles Babbage")
    assert [c.name for c in Certificate.objects.all()] == ["Charles Babbage"]
    context.close()
    assert errors.unexpected() == [], "console errors"


def test_the_certificate_pages_fit_a_phone(phone):
    from certificates.models import Certificate
    from tests.e2e.journeys import no_horizontal_scroll

    user = make_user("hopper")
    certificate = Certificate.objects.create(
        user=user,
        course_title="Cloud security on the AWS Shared Responsibility Model",
        name="Grace Brewster Murray Hopper-Longname-Without-Breaks",
        issued_at=timezone.now(),
    )
    phone.goto(certificate.get_absolute_url())
    expect(phone.locator(".certificate-name")).to_contain_text("Grace Brewster")
    no_horizontal_scroll(phone)
    assert_accessible(phone)
    phone.goto("/")
    sign_in(phone, "hopper")
    phone.goto("/progress/certificate/")
    expect(phone.get_by_role("link", name="Download the PDF")).to_be_visible()
    no_horizontal_scroll(phone)
    assert_accessible(phone)
