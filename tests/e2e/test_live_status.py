"""A live update's result is said through the page's one status region (srm_trainer/live_status.py):
the region that was in the page before the update (a region swapped in with the result is often
not announced) now holds a short sentence, and nothing htmx swaps is a live region itself."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import (
    ATTEMPT,
    IDENTITY_EDITOR,
    LESSON,
    answered,
    open_the_reply_path,
    policy_editor,
    settled,
)

pytestmark = pytest.mark.e2e


class Region:
    """The page's status region, marked (a property on the element itself) before an update, so
    that its words after the update can be checked to be in that same element."""

    def __init__(self, page, swapped: str) -> None:
        self.page, self.swapped = page, swapped
        self.locator = page.locator("#live-status")
        expect(self.locator).to_have_count(1)
        expect(self.locator).to_be_empty()  # a page starts with nothing said
        self.locator.evaluate("region => { region.markedBeforeTheUpdate = true; }")

    def says(self, words: str, *, exact: bool = True) -> None:
        if exact:
            expect(self.locator).to_have_text(words)
        else:
            expect(self.locator).to_contain_text(words)
        expect(self.locator).to_have_count(1)
        assert self.locator.evaluate("region => region.markedBeforeTheUpdate === true"), (
            "the status region was replaced: a screen reader may not announce the new one"
        )
        expect(self.locator).to_have_attribute("aria-live", "polite")
        # Nothing swapped in is a live region of its own.
        expect(self.page.locator(self.swapped)).to_have_count(1)
        expect(
            self.page.locator(f"{self.swapped}[aria-live], {self.swapped} [aria-live]")
        ).to_have_count(0)


def test_the_network_lab_says_the_new_verdict(page):
    page.goto("/lab/network/?preset=forgotten-ephemeral-ports")
    region = Region(page, "#result")
    open_the_reply_path(page, protocol="tcp")
    region.says("Request allowed, reply allowed.")


def test_the_waf_lab_says_the_new_counts(page):
    page.goto("/lab/waf/")
    region = Region(page, "#waf-result")
    page.get_by_label("Repeat request 1").fill("50")  # said as typed, the field not left
    region.says("52 requests evaluated: 52 × Allow by the default action.")


def test_the_sandbox_says_the_new_decision_and_a_refusal_leaves_it_empty(page, console):
    console.allow("status of 400")
    page.goto("/sandbox/?preset=role-trust-cross-account-assume")
    region = Region(page, "#live")
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
    }
    page.locator(IDENTITY_EDITOR).first.fill(json.dumps(deny))
    region.says("Decision: Explicit deny", exact=False)
    # Refused: its alert speaks, and the region no longer says the old decision as if current.
    page.get_by_label("Resource ARN").fill("arn:aws:s3:::" + "b" * 2_100)
    expect(page.locator("#live-refusal").get_by_role("alert")).to_contain_text("2,113 characters")
    region.says("")


def test_many_requests_are_counted_in_the_same_region(page):
    page.goto("/sandbox/batch/")
    region = Region(page, "#results")
    page.get_by_role("button", name="Evaluate all").click()
    region.says("requests:", exact=False)
    expect(page.locator("#results table")).to_be_visible()


def test_a_comparison_says_what_it_found(page):
    page.goto("/sandbox/compare/")
    region = Region(page, "#results")
    reads = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}  # fmt: skip
    policy_editor(page, "New: Identity policy 1").fill(json.dumps(reads))
    settled(page)
    page.get_by_role("button", name="Compare").click()
    region.says("Compared:", exact=False)


def test_the_srm_explorer_says_what_it_now_shows(page):
    page.goto("/learn/srm/")
    region = Region(page, "#explorer")
    page.get_by_label("Compare with").select_option(label="Amazon RDS")
    region.says("compared with Amazon RDS.", exact=False)


def test_marking_a_lesson_complete_is_said_and_focus_stays_on_its_button(page):
    page.goto("/")
    page.get_by_role("link", name="Start with the first lesson").click()
    page.wait_for_url(LESSON)  # and its load (journeys.py): the region marked is the lesson's
    region = Region(page, "#progress")
    page.get_by_role("button", name="Mark lesson complete").press("Enter")
    region.says("Lesson completed. Well done.")
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_focused()


def test_the_skip_link_after_a_lessons_heading_focuses_its_completion_button(page):
    """A long lesson's button was 76-84 Tab presses from the top: the link after its heading
    takes the focus to it (a visible ring: reached by keyboard), and Enter there marks it."""
    page.goto("/")
    page.get_by_role("link", name="Start with the first lesson").click()
    page.wait_for_url(LESSON)
    skip = page.get_by_role("link", name="Skip to the end of the lesson")
    skip.focus()
    page.keyboard.press("Enter")
    button = page.get_by_role("button", name="Mark lesson complete")
    expect(button).to_be_focused()
    assert button.evaluate("b => b.matches(':focus-visible')")
    region = Region(page, "#progress")
    page.keyboard.press("Enter")
    region.says("Lesson completed. Well done.")


def test_moving_a_question_says_where_and_keeps_the_focus_on_it(staff_page):
    """Keyboard only: the moved question's button keeps the focus (the other one once it
    reaches the top), the move is said, and the page is not reloaded (it was, the focus
    lost to the page's start and nothing said)."""
    from lessons.models import Source
    from tests.quizzes.builders import make_question, make_quiz

    page, sam = staff_page("desktop")
    questions = [make_question("true_false", owner=sam, source=Source.AUTHORED, lesson=None,
                               slug=f"q-{n}") for n in range(3)]  # fmt: skip
    quiz = make_quiz(*questions, owner=sam, source=Source.AUTHORED, published=False)
    page.goto(f"/teach/quizzes/{quiz.pk}/")
    page.evaluate("window.notReloaded = true")
    region = Region(page, "#quiz-entries")
    # The editors' words, "↑ Up" and "↓ Down", the row named for screen readers only.
    up = page.get_by_role("button", name="Move up question 3")
    expect(up.locator("[aria-hidden=true]")).to_have_text("↑ Up")
    expect(up.locator(".visually-hidden")).to_have_text("Move up question 3")
    up.focus()
    page.keyboard.press("Enter")
    region.says("Moved up: now question 2 of 3.")
    expect(page.get_by_role("button", name="Move up question 2")).to_be_focused()
    # The browser's own autofocus can focus it as soon as it is swapped in, before htmx has
    # settled it: until then its form is a plain one, and Enter posts it as a page of its own.
    settled(page)
    page.keyboard.press("Enter")
    region.says("Moved up: now question 1 of 3.")
    expect(page.get_by_role("button", name="Move down question 1")).to_be_focused()
    assert page.evaluate("window.notReloaded === true")
    assert [e.question.slug for e in quiz.entries.order_by("order")] == ["q-2", "q-0", "q-1"]


def test_a_quiz_says_each_tries_verdict_and_a_flag_in_the_same_region(page):
    """The feedback takes the focus and the region says the verdict in a few words; the
    feedback and the status line swapped in with the question are no live regions."""
    from quizzes.models import Question
    from tests.quizzes.builders import make_quiz

    first = Question.objects.filter(type="single").order_by("slug").first()
    make_quiz(first, slug="said", title="Said", tries=2, feedback="immediate")
    page.goto("/quizzes/said/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    region = Region(page, "#attempt-body")
    wrong, right = (
        next(c["text"] for c in first.choices() if c["correct"] is good) for good in (False, True)
    )
    page.get_by_label(wrong, exact=True).check()
    page.get_by_role("button", name="Check answer").press("Enter")
    region.says("Not right: try again. 1 try left.")
    expect(page.locator(".feedback-region")).to_be_focused()
    settled(page)  # the verdict may take the focus before (the browser's own autofocus)
    page.get_by_label(right, exact=True).check()
    page.get_by_role("button", name="Check answer").press("Enter")
    region.says("Right.")
    # Until htmx has settled the swap the flag button is a plain form's, and its focus call
    # can take a key pressed meanwhile onto the verdict.
    settled(page)
    page.get_by_role("button", name="Flag to come back to").press("Enter")
    region.says("Flagged: it is listed before you submit.")
    # The focus stays on the button pressed, not on the verdict below it: Enter again unflags.
    expect(page.get_by_role("button", name="Remove flag")).to_be_focused()
    settled(page)
    page.keyboard.press("Enter")
    region.says("Flag removed.")
    expect(page.get_by_role("button", name="Flag to come back to")).to_be_focused()


@pytest.mark.parametrize(
    ("url", "swapped", "link"),
    [
        ("/sandbox/", "#live", "Link to this exact state"),
        ("/lab/network/", "#result", "Link to this exact network and flow"),
        ("/lab/waf/", "#waf-result", "Link to this exact web ACL and requests"),
    ],
)
def test_copy_link_says_the_link_is_copied_and_keeps_its_own_name(page, url, swapped, link):
    """The "Copy link" button changed only its own text, which a screen reader is not told of; and a second
    press within the moment made "Copied" its name for good. The labs showed their link only as
    a text box; they share the sandbox's button (static/js/copy-link.js)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(url)
    region = Region(page, swapped)
    button = page.locator("[data-copy]")
    expect(button).to_have_accessible_name("Copy link")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_text("Copied")
    page.keyboard.press("Enter")
    region.says("Link copied.")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible(timeout=4000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.get_by_label(link).input_value() and "?case=" in copied


def test_the_sandbox_says_a_context_value_aws_would_never_send(page):
    """Typing `not-an-ip` as aws:SourceIp: the warning appears beside the context keys and the
    status region says it after the decision; the typing is not interrupted, and a good value
    takes it away."""
    page.goto("/sandbox/")
    region = Region(page, "#live")
    row = page.locator(".context-row").filter(has=page.locator('input[value="aws:SourceIp"]'))
    value = row.locator('input[name$="-value"]')
    with answered(page):
        value.fill("not-an-ip")
    notes = page.locator("#notes-context")
    expect(notes).to_contain_text("aws:SourceIp is “not-an-ip”, which is not an IP address")
    region.says("Warning, request context: aws:SourceIp is not an IP address.", exact=False)
    expect(value).to_be_focused()
    expect(value).to_have_attribute("aria-describedby", "notes-context")
    with answered(page):
        value.fill("203.0.113.7")
    expect(notes).to_have_text("")
    expect(region.locator).not_to_contain_text("Warning")
    expect(region.locator).to_contain_text("Decision:")


def test_a_live_update_that_says_the_same_words_again_leaves_the_region_alone(page):
    """Typing in the sandbox sends an update at every pause; each put its sentence in the region
    afresh, and a screen reader read "Decision: Allowed" out again and again while nothing it
    says had changed. The same words are now left in place (no change to announce); new words
    still replace them."""
    page.goto("/sandbox/")
    region = Region(page, "#live")
    page.get_by_label("Resource ARN").fill("arn:aws:s3:::reports/2026/q2.csv")
    region.says("Decision: Allowed")
    settled(page)
    page.locator("#live-status").evaluate(
        """region => {
            region.changes = 0;
            new MutationObserver(records => { region.changes += records.length; })
                .observe(region, { childList: true, characterData: true, subtree: true });
        }"""
    )
    with page.expect_response(lambda r: r.request.method == "POST" and "/sandbox/" in r.url):
        page.get_by_label("Resource ARN").fill("arn:aws:s3:::reports/2026/q3.csv")
    settled(page)
    assert page.locator("#live-status").evaluate("region => region.changes") == 0
    # A button pressed says its result, the same words or not.
    with page.expect_response(lambda r: r.request.method == "POST" and "/sandbox/" in r.url):
        page.get_by_role("button", name="Evaluate", exact=True).click()
    settled(page)
    assert page.locator("#live-status").evaluate("region => region.changes") > 0
    region.says("Decision: Allowed")
    page.get_by_label("Action", exact=True).fill("s3:PutObject")
    region.says("Decision: Implicit deny", exact=False)
