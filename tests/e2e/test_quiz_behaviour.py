"""Quiz behaviours in a browser (issue 13.4): a wrong try, a hint and a second try; a flag and
the summary before submitting; a countdown that reaches zero and the server submitting the
attempt at its deadline. Every page through axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Attempt, Question
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import ATTEMPT, policy_editor, settled
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


def _start(page, slug: str) -> None:
    page.goto(f"/quizzes/{slug}/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    expect(page.get_by_role("heading", name=re.compile(r"Question 1 of \d+"))).to_be_visible()


def _choice(question: Question, correct: bool) -> str:
    return next(c["text"] for c in question.choices() if c["correct"] is correct)


def test_a_wrong_try_gives_a_hint_then_a_second_try_counts_less(page):
    first, second = Question.objects.filter(type="single").order_by("slug")[:2]
    make_quiz(first, second, slug="two-tries", title="Two tries", tries=2, try_penalty=25)
    _start(page, "two-tries")
    page.get_by_label(_choice(first, False), exact=True).check()
    page.get_by_role("button", name="Check answer").press("Enter")
    feedback = page.locator(".feedback-region")
    expect(feedback).to_contain_text("try again")
    expect(feedback).to_contain_text("You have 1 try left")
    expect(feedback).to_be_focused()
    settled(page)  # the verdict may take the focus before (the browser's own autofocus)
    expect(feedback).not_to_contain_text("Right.")
    assert first.explanation.strip().splitlines()[0] not in feedback.inner_text()
    assert_accessible(page)

    page.get_by_label(_choice(first, True), exact=True).check()
    page.get_by_role("button", name="Check answer").press("Enter")
    expect(feedback).to_contain_text("Right.")
    expect(feedback).to_contain_text("Answered in 2 tries: this question counts 75% of its marks")
    # htmx's focus on the verdict as it settles takes a key pressed before, and "Next
    # question" is a plain link until then.
    settled(page)

    # Flag the second question, then find it on the summary and submit from there.
    page.get_by_role("link", name="Next question").press("Enter")
    expect(page.get_by_role("heading", name="Question 2 of 2")).to_be_focused()
    page.get_by_role("button", name="Flag to come back to").press("Enter")
    expect(page.get_by_role("button", name="Remove flag")).to_be_visible()
    # The swapped question keeps the focus on the button pressed (autofocus, as htmx
    # settles): a key pressed before that could land on it instead of the link.
    expect(page.get_by_role("button", name="Remove flag")).to_be_focused()
    page.get_by_role("link", name="Review and submit").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("before you submit")
    expect(page.get_by_role("main")).to_contain_text("1 not answered, 1 flagged")
    row = page.get_by_role("row", name=re.compile("Question 2"))
    expect(row).to_contain_text("Not answered")
    expect(row).to_contain_text("Flagged")
    assert_accessible(page)
    page.get_by_role("button", name="Submit and see your result").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your result")
    # (75% + 0) / 2 = 37.5%, shown rounded down (a score never reads as more than it is)
    expect(page.locator(".score")).to_contain_text("37%")


def test_the_countdown_reaches_zero_and_the_server_submits_the_attempt(page):
    claims = Question.objects.filter(type="true_false").order_by("slug")[:2]
    make_quiz(*claims, slug="timed-two", title="Timed two", time_limit=1, feedback="end")
    _start(page, "timed-two")
    clock = page.locator(".countdown-clock")
    expect(clock).to_be_visible()
    expect(clock).to_have_text(re.compile(r"^0[01]:\d\d$"))
    assert_accessible(page)
    # A minute and a bit left: the polite live region says "1 minute left" as it passes.
    Attempt.objects.update(deadline=timezone.now() + timedelta(seconds=63))
    page.reload()
    announce = page.locator("[data-countdown-announce]")
    expect(announce).to_have_text("1 minute left.", timeout=8_000)
    expect(announce).to_have_attribute("aria-live", "polite")
    # A short limit: move the deadline to a few seconds from now, then reload the page.
    Attempt.objects.update(deadline=timezone.now() + timedelta(seconds=4))
    page.reload()
    expect(clock).to_have_text(re.compile(r"^00:0[0-4]$"))
    page.get_by_label("True", exact=True).check()  # saved by the autosave
    expect(page.locator(".autosave")).to_contain_text("saved", ignore_case=True)
    expect(announce).to_have_text(re.compile("Time is up"), timeout=8_000)
    # After the server's grace the page reloads; the server submits the attempt as it stood.
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+/result/$"), timeout=15_000)
    expect(page.get_by_role("status").first).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("when the time limit ran out")
    attempt = Attempt.objects.get()
    assert attempt.is_submitted and attempt.ran_out_of_time
    assert attempt.answers.count() == 1  # the answer given before the deadline was kept
    assert_accessible(page)


def test_back_after_submitting_shows_the_result_not_the_open_attempt(page):
    """The question and summary pages were kept by the browser: Back after submitting showed
    "before you submit" and the question "(not answered)" as if the attempt were still open
    (no request reached the server). They are never cached now, so Back asks again and the
    server, which knows the attempt is submitted, answers with its result."""
    first, second = Question.objects.filter(type="single").order_by("slug")[:2]
    make_quiz(first, second, slug="back-after", title="Back after")
    _start(page, "back-after")
    page.get_by_label(_choice(first, True), exact=True).check()
    page.get_by_role("button", name="Check answer").press("Enter")
    expect(page.locator(".feedback-region")).to_contain_text("Right.")
    settled(page)  # htmx's focus on the verdict as it settles would take the link's key
    page.get_by_role("link", name="Review and submit").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("before you submit")
    page.get_by_role("button", name="Submit and see your result").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your result")

    page.go_back()  # to the summary
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your result")
    expect(page).to_have_url(re.compile(r"/result/$"))
    page.go_back()  # to the question
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your result")


def test_a_check_refused_over_the_rate_limit_shows_the_refusal_alone(page, console, settings):
    """Checked with nothing chosen, then chosen and refused over the answer limit: the refusal
    in the status line and said once, the choice kept; "Choose one answer." had stayed beside
    the refusal, which only filled the status line."""
    from tests.e2e.test_live_status import Region

    console.allow("status of 429")
    first = Question.objects.filter(type="single").order_by("slug").first()
    make_quiz(first, slug="refused", title="Refused", tries=2, feedback="immediate")
    _start(page, "refused")
    region = Region(page, "#attempt-body")
    page.get_by_role("button", name="Check answer").press("Enter")
    region.says("Not checked: Choose one answer.")
    expect(page.locator("#attempt-body .field-error")).to_have_text(["Choose one answer."])
    settled(page)  # the swapped-in question's autosave listens once htmx has settled it
    choice = page.get_by_label(_choice(first, True), exact=True)
    choice.check()
    expect(page.locator("#answer-status")).to_have_text("Answer saved.")  # the autosave
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "0/60"}
    page.get_by_role("button", name="Check answer").press("Enter")
    refusal = re.compile(r"^Too many answers in a short time: nothing was saved\. Try again")
    expect(page.locator("#answer-status")).to_have_text(refusal)
    region.says(page.locator("#answer-status").inner_text())
    expect(page.locator("#attempt-body .field-error")).to_have_count(0)
    expect(page.get_by_label(_choice(first, True), exact=True)).to_be_checked()
    expect(page.get_by_role("heading", name=re.compile(r"^Question 1 of 1"))).to_be_focused()
    expect(page.locator(".feedback-region")).not_to_contain_text("Right.")
    assert_accessible(page)


def test_choosing_an_answer_after_an_empty_check_takes_the_old_message_off(page):
    """Checked with nothing chosen ("Choose one answer."), then chosen: the autosave said
    "Answer saved." and the status region said it, while "Choose one answer." stayed beside
    the question as if the choice had not been made."""
    from tests.e2e.test_live_status import Region

    first = Question.objects.filter(type="single").order_by("slug").first()
    make_quiz(first, slug="stale", title="Stale", feedback="immediate")
    _start(page, "stale")
    region = Region(page, "#attempt-body")
    page.get_by_role("button", name="Check answer").press("Enter")
    region.says("Not checked: Choose one answer.")
    errors = page.locator("#attempt-body .field-error")
    expect(errors).to_have_text(["Choose one answer."])
    settled(page)  # the swapped-in question's autosave listens once htmx has settled it
    page.get_by_label(_choice(first, False), exact=True).check()
    expect(page.locator("#answer-status")).to_have_text("Answer saved.")
    region.says("Answer saved.")
    expect(errors).to_have_count(0)
    assert_accessible(page)


def test_a_fixed_policy_loses_its_mistakes_message_and_marks(page):
    """A least-privilege answer checked with a JSON mistake is marked invalid, described by
    the message (on its policy editor too); fixed, its autosave takes both off."""
    question = Question.objects.filter(type="least_privilege").order_by("pk").first()
    make_quiz(question, slug="fixed", title="Fixed", feedback="immediate", tries=2)
    _start(page, "fixed")
    editor = policy_editor(page, "Your policy (JSON)")
    editor.fill('{"Version": ')
    page.get_by_role("button", name="Check answer").press("Enter")
    expect(page.locator("#attempt-body .field-error")).to_have_count(1)
    editor = policy_editor(page, "Your policy (JSON)")
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(editor).to_have_attribute("aria-describedby", re.compile("-error"))
    editor.fill(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    )
    editor.press("End")  # a key let go: the autosave's trigger as one types
    expect(page.locator("#answer-status")).to_have_text("Answer saved.", timeout=10_000)
    expect(page.locator("#attempt-body .field-error")).to_have_count(0)
    expect(editor).not_to_have_attribute("aria-invalid", "true")
    expect(editor).not_to_have_attribute("aria-describedby", re.compile("-error"))
    textarea = page.locator("#attempt-body textarea")
    expect(textarea).not_to_have_attribute("aria-invalid", "true")


def test_a_policy_typed_in_the_editor_is_saved_as_it_grows(page):
    """Typing in the policy editor autosaves at each pause, not only once: the trigger was
    `keyup changed` from the form, and a key let go in CodeMirror comes from its editable div,
    which has no value, so htmx took every key after the first for "no change". A policy
    written over a minute kept its first 1.5 seconds; the tab closed, the rest was lost."""
    question = Question.objects.filter(type="least_privilege").order_by("pk").first()
    make_quiz(question, slug="typed", title="Typed", feedback="immediate")
    _start(page, "typed")
    editor = policy_editor(page, "Your policy (JSON)")
    editor.press("Control+a")
    editor.press("Delete")
    editor.press_sequentially('{"Version": ')
    expect(page.locator("#answer-status")).to_contain_text("saved", timeout=10_000)
    page.locator("#answer-status").evaluate("status => { status.textContent = '' }")
    editor.press_sequentially('"2012-10-17"')  # a pause, then more: saved again
    expect(page.locator("#answer-status")).to_contain_text("saved", timeout=10_000)
    page.reload()  # the tab closed and opened again
    expect(page.locator("textarea[name=policy]")).to_have_value(
        re.compile(r'^\{"Version": "2012-10-17"')
    )


@pytest.mark.parametrize("leave", ["navigation", "link"])
def test_a_policy_typed_just_before_leaving_the_question_is_kept(page, leave):
    """The autosave waits 1.5 s after typing stops; a policy pasted and followed at once by
    the next question's number (htmx) or "Review and submit" (a page load) was dropped with
    the status line it waited on. It is saved first now (static/js/quiz-answer.js)."""
    question = Question.objects.filter(type="least_privilege").order_by("pk").first()
    other = Question.objects.filter(type="true_false").order_by("pk").first()
    make_quiz(question, other, slug="left", title="Left", feedback="immediate")
    _start(page, "left")
    settled(page)
    typed = '{"Version": "2012-10-17", "Statement": []}'
    policy_editor(page, "Your policy (JSON)").fill(typed)
    if leave == "navigation":
        page.get_by_role("navigation", name="Questions").get_by_role("link", name="2").click()
        expect(page.get_by_role("heading", name="Question 2 of 2")).to_be_focused()
    else:
        page.get_by_role("link", name="Review and submit").click()
        expect(page.get_by_role("heading", name=re.compile("before you submit"))).to_be_visible()
    page.goto(page.url.split("?")[0].replace("summary/", "") + "?q=1")
    expect(page.locator("textarea[name=policy]")).to_have_value(typed)


def test_a_running_countdown_is_the_only_time_left_shown(page):
    """The time-limit box said "in about 60 minutes" as the page loaded and kept saying it
    while htmx moved between questions, beside a clock counting down (58 beside 28:00 half an
    hour later). With the clock running, the clock alone says how long is left."""
    claims = Question.objects.filter(type="true_false").order_by("slug")[:2]
    make_quiz(*claims, slug="timed-clock", title="Timed clock", time_limit=60, feedback="end")
    _start(page, "timed-clock")
    box = page.locator("#time-left")
    expect(box.locator(".countdown-clock")).to_have_text(re.compile(r"^(59:\d\d|1:00:00)$"))
    expect(box).not_to_contain_text("in about", use_inner_text=True)
    expect(box).to_contain_text("Time limit: this attempt ends at")


def test_a_refused_flag_s_note_goes_once_a_later_flag_goes_through(page, console, settings):
    """A flag refused over the answer limit says "Too many… Try again in N seconds" in the
    page's alert region; pressed again once the limit allows it, the flag is set, and the note
    that said it could not be had stayed on the page beside "Remove flag"."""
    from tests.e2e.test_live_status import Region

    console.allow("status of 429")
    first = Question.objects.filter(type="single").order_by("slug").first()
    make_quiz(first, slug="refused-flag", title="Refused flag")
    _start(page, "refused-flag")
    region = Region(page, "#attempt-body")
    limits = settings.RATE_LIMITS
    settings.RATE_LIMITS = {**limits, "answer": "0/60"}
    page.get_by_role("button", name="Flag to come back to").press("Enter")
    note = page.locator("#page-alert .note")
    expect(note).to_contain_text("Too many answers and flags in a short time")
    expect(note).to_contain_text("Try again in")
    region.says(note.inner_text())
    settings.RATE_LIMITS = limits
    page.get_by_role("button", name="Flag to come back to").press("Enter")
    region.says("Flagged: it is listed before you submit.")
    expect(page.get_by_role("button", name="Remove flag")).to_be_visible()
    expect(page.locator("#page-alert")).to_be_empty()
    assert_accessible(page)
