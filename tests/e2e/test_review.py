"""The review queue in a browser: it empties when nothing is due now, in the learner's zone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import review
from quizzes.models import Question
from tests.e2e.journeys import make_user, settled, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def tokyo_page(browser, base_url, curriculum):
    context = browser.new_context(base_url=base_url, timezone_id="Asia/Tokyo")
    page = context.new_page()
    yield page
    context.close()


def test_right_answers_empty_the_review_queue_for_now(midday, tokyo_page):
    page = tokyo_page
    learner = make_user("rin")
    missed = list(Question.objects.filter(type="single").order_by("pk")[:3])
    for question in missed:
        review.card_record(
            user=learner,
            question=question,
            correct=False,
            now=timezone.now() - timedelta(hours=1),
        )
    page.goto("/")
    sign_in(page, "rin")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile(r"^Review\W+3 due now$"))).to_be_visible()
    nav.get_by_role("link", name="Review").click()
    page.wait_for_url("**/quizzes/review/")  # and its load: htmx has set the page up
    expect(page.locator(".due-count")).to_have_text("3 questions due now.")

    for n in range(3):
        action = page.locator("#review-body form").get_attribute("action")
        question = next(q for q in missed if action.endswith(f"/review/{q.pk}/"))
        right = next(c for c in question.choices() if c["correct"])
        page.get_by_label(right["text"], exact=True).check()
        page.get_by_role("button", name="Check answer").press("Enter")
        expect(page.get_by_text("Next review: later today at")).to_be_visible()
        expect(page.get_by_text("(Asia/Tokyo)").first).to_be_visible()
        if n < 2:
            settled(page)
            page.get_by_role("link", name="Next question").press("Enter")
            # the next question has replaced the feedback (the count alone reads the same
            # before and after the swap)
            expect(page.get_by_role("button", name="Check answer")).to_be_visible()
            expect(page.locator(".due-count")).to_contain_text(f"{2 - n} question")
            settled(page)  # its form is htmx's once settled, the focus on its heading

    expect(page.locator(".due-count")).to_contain_text("Nothing is due now. 3 more later today")
    expect(page.get_by_role("link", name="Next question")).to_have_count(0)
    expect(nav.get_by_role("link", name="Review", exact=True)).to_be_visible()
    page.goto("/")
    expect(page.get_by_text("due for review")).to_have_count(0)


def test_session_lost_in_review_signs_in_again_back_to_the_question_with_the_answer(page, midday):
    """The answer was lost: signing in led to the answer's POST-only address, a 405. Now the
    htmx answer sends the whole page to sign in, and signing in brings the learner back to the
    question with their choice made, not checked yet."""
    from tests.e2e.journeys import fill_sign_in

    learner = make_user("noor")
    question = Question.objects.filter(type="single").order_by("pk").first()
    review.card_record(
        user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    page.goto("/")
    sign_in(page, "noor")
    page.goto("/quizzes/review/")
    wrong = next(c for c in question.choices() if not c["correct"])
    page.get_by_label(wrong["text"], exact=True).check()
    page.context.clear_cookies(name="sessionid")  # the session expires while they think
    page.get_by_role("button", name="Check answer").press("Enter")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("status")).to_contain_text("Your session ended")
    fill_sign_in(page, "noor")
    expect(page).to_have_url(re.compile(rf"/quizzes/review/{question.pk}/$"))
    page.wait_for_load_state()  # htmx has set the page up: the check goes as an update
    expect(page.get_by_label(wrong["text"], exact=True)).to_be_checked()
    expect(page.get_by_text("Your answer from before is filled in again")).to_be_visible()
    page.get_by_role("button", name="Check answer").press("Enter")
    expect(page.get_by_text("Next review:")).to_be_visible()


# What a screen reader announces: the text of every live region in the page (role status,
# alert or log, or aria-live other than off) that a mutation touched, keyed by its id.
WATCH_LIVE_REGIONS = """() => {
    const live = '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]';
    window.liveChanged = new Set();
    new MutationObserver(records => {
        for (const record of records) {
            const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
            const region = node && node.closest(live);
            if (region) window.liveChanged.add(region);
        }
    }).observe(document.body, { childList: true, characterData: true, subtree: true });
}"""
LIVE_CHANGED = """() => Object.fromEntries(
    [...window.liveChanged].filter(region => region.isConnected)
        .map(region => [region.id || region.outerHTML.slice(0, 60), region.textContent.trim()])
)"""


def test_an_answer_announces_its_verdict_and_what_next_not_the_due_count(midday, tokyo_page):
    """After each answer two live regions spoke at once: the verdict, and the due count's long
    status line ("2 questions due now. 1 more later today..."), a screen-reader user heard it all
    on every question. Now the one region an answer changes says the verdict and what comes
    next; the count is plain text on the page, still kept true, read when wanted."""
    page = tokyo_page
    learner = make_user("rin")
    missed = list(Question.objects.filter(type="single").order_by("pk")[:3])
    for question in missed:
        review.card_record(
            user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
        )
    page.goto("/")
    sign_in(page, "rin")
    page.goto("/quizzes/review/")
    count = page.locator("#due-count")
    expect(count).to_have_text("3 questions due now.")
    page.evaluate(WATCH_LIVE_REGIONS)
    action = page.locator("#review-body form").get_attribute("action")
    question = next(q for q in missed if action.endswith(f"/review/{q.pk}/"))
    right = next(c for c in question.choices() if c["correct"])
    page.get_by_label(right["text"], exact=True).check()
    page.get_by_role("button", name="Check answer").press("Enter")
    expect(count).to_contain_text("2 questions due now. 1 more later today")  # kept true
    settled(page)
    assert page.evaluate(LIVE_CHANGED) == {"live-status": "Right. The next question is ready."}
    assert count.evaluate("line => line.closest('[role=status], [aria-live]') === null")
    page.get_by_role("link", name="Next question").press("Enter")
    expect(page.get_by_role("button", name="Check answer")).to_be_visible()
    settled(page)
    expect(page.locator("#live-status")).to_be_empty()  # the last verdict is not left standing
    expect(page.locator("#review-body [role=status], #review-body [aria-live]")).to_have_count(0)


def test_keep_going_brings_the_next_question_with_the_focus_on_it(midday, page, settings):
    """ "Keep going" posted and loaded the whole page again: a keyboard or screen-reader user
    was put back at the top, before the header and the filters, where the sitting's other
    questions (swapped in by htmx) take the focus to their heading. It swaps the same way now."""
    settings.REVIEW_SESSION_SIZE = 1
    learner = make_user("rin")
    for question in Question.objects.filter(type="single").order_by("pk")[:2]:
        review.card_record(
            user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
        )
    page.goto("/")
    sign_in(page, "rin")
    page.goto("/quizzes/review/")
    page.locator("#review-body input[type=radio]").first.check()
    page.get_by_role("button", name="Check answer").press("Enter")
    settled(page)
    page.get_by_role("button", name="Keep going: 1 more").press("Enter")
    heading = page.get_by_role("heading", name="Review question")
    expect(heading).to_be_focused()
    expect(page.locator("#due-count")).to_contain_text("1 question due now")


@pytest.mark.parametrize("leave", ["pause", "at-once"])
def test_a_policy_typed_in_review_and_not_checked_comes_back_after_a_reload(midday, page, leave):
    """The review page kept nothing typed: a policy written in its editor was gone on a
    reload. It is kept as on the quiz page: at each pause in typing ("Answer kept, not checked
    yet."), and, reloaded before the pause ends, as the page is left (quiz-answer.js); the
    page drawn again fills it in, not checked, and checking it lets it go."""
    from tests.e2e.journeys import policy_editor

    learner = make_user("rin")
    question = Question.objects.filter(type="least_privilege").order_by("pk").first()
    review.card_record(
        user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    page.goto("/")
    sign_in(page, "rin")
    page.goto("/quizzes/review/")
    settled(page)
    typed = '{"Version": "2012-10-17", "Statement": ['
    editor = policy_editor(page, "Your policy (JSON)")
    editor.fill(typed)
    if leave == "pause":
        expect(page.locator("#answer-status")).to_have_text("Answer kept, not checked yet.")
        page.reload()
    else:
        # Left at once: the edit still waiting for its pause goes by a beacon; the queue is
        # opened again once the beacon has arrived (it may land after the next page's load).
        page.goto("/")
        _wait_for_a_draft(learner)
        page.goto("/quizzes/review/")
    expect(page.locator("textarea[name=policy]")).to_have_value(typed)
    expect(page.locator("#answer-status")).to_have_text(
        "Your answer from before is filled in again; it is not checked yet."
    )
    expect(page.locator("#review-body .field-error")).to_have_count(0)


def _wait_for_a_draft(learner, seconds: float = 10) -> None:
    import time

    from quizzes.models import ReviewCard

    deadline = time.monotonic() + seconds
    while not ReviewCard.objects.filter(user=learner, draft__isnull=False).exists():
        assert time.monotonic() < deadline, "the beacon never kept the policy"
        time.sleep(0.1)


def test_an_answer_checked_before_its_autosave_pause_leaves_no_draft(midday, page):
    """Typed and checked at once, before the 1.5 s pause that keeps a draft: the autosave still
    armed must not keep the checked answer after the check was sent (it would be filled in
    again, unchecked, when the question came back). Time is moved past the pause before the
    reload, so an autosave still waiting would have gone."""
    from quizzes.models import ReviewCard
    from tests.e2e.journeys import policy_editor

    learner = make_user("rin")
    question = Question.objects.filter(type="least_privilege").order_by("pk").first()
    review.card_record(
        user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    page.clock.install()
    page.goto("/")
    sign_in(page, "rin")
    page.goto("/quizzes/review/")
    settled(page)
    sent: list[str] = []  # the answer's posts, in the order the page sent them

    def note(request) -> None:
        if request.method == "POST" and "/quizzes/review/" in request.url:
            autosave = "action=autosave" in (request.post_data or "")
            sent.append("autosave" if autosave else "check")

    page.on("request", note)
    typed = '{"Version": "2012-10-17", "Statement": []}'
    policy_editor(page, "Your policy (JSON)").fill(typed)
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("heading", name="Your answer")).to_be_visible()
    expect(page.get_by_text("Next review:")).to_be_visible()
    page.clock.run_for(3000)  # past the autosave's pause
    page.reload()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    assert "check" in sent and "autosave" not in sent[sent.index("check") :], sent
    card = ReviewCard.objects.get(user=learner, question=question)
    assert (card.reviews, card.draft) == (2, None)  # checked once, nothing kept
    expect(page.locator("#answer-status")).to_have_count(0)  # not offered again yet

    # When it comes back, it starts afresh: the checked answer is not filled in again.
    ReviewCard.objects.filter(pk=card.pk).update(due=timezone.now() - timedelta(minutes=1))
    page.reload()
    expect(page.locator("#answer-status")).to_have_text("")
    expect(page.locator("textarea[name=policy]")).not_to_have_value(typed)
