"""Done when (issue 13): a learner predicts a scenario in a lesson, then answers an in-lesson
check, with htmx and without JavaScript; every state passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lessons.models import KnowledgeCheck, Module
from quizzes.models import Question
from srm_trainer.iam.words import DECISIONS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import no_horizontal_scroll, settled, sign_up

pytestmark = pytest.mark.e2e
LESSON = "/learn/iam/least-privilege/"
SCENARIO = "least-privilege-other-bucket"
CHECK = "iam-listbucket-resource"


def right_choice(slug: str) -> str:
    """The right choice's label as read: its code spans are drawn as code, without backticks."""
    text = next(c["text"] for c in Question.objects.get(slug=slug).choices() if c["correct"])
    return text.replace("`", "")


def test_a_learner_predicts_a_scenario_then_answers_a_check(page, screenshots):
    page.goto(LESSON)
    sign_up(page, "pia")
    page.goto(LESSON)
    card = page.locator(f"#scenario-{SCENARIO}")
    card.screenshot(path=str(screenshots / "lesson-scenario-before.png"))
    expect(card.get_by_role("group", name="Predict first: what does AWS decide?")).to_be_visible()
    expect(card).not_to_contain_text("No statement names the")  # the explanation waits
    assert_accessible(page)

    card.get_by_label(DECISIONS["ImplicitDeny"]).check()
    card.get_by_role("button", name="Check my prediction").click()
    settled(page)
    expect(card.get_by_role("heading", name="Your prediction was right")).to_be_visible()
    expect(card).to_contain_text("No statement names the")  # the explanation, revealed
    expect(card.get_by_role("link", name="Try it in the sandbox")).to_be_visible()
    card.locator(".predict").screenshot(path=str(screenshots / "lesson-predict.png"))
    assert_accessible(page)

    check = page.locator(f"#check-{CHECK}")
    check.get_by_label(right_choice(CHECK), exact=True).check()
    check.get_by_role("button", name="Check answer").click()
    settled(page)
    expect(check.get_by_text("Right.", exact=True)).to_be_visible()
    expect(check).to_contain_text("Your first answer counts as a knowledge check.")
    check.screenshot(path=str(screenshots / "lesson-check.png"))
    assert_accessible(page)

    kept = KnowledgeCheck.objects.filter(user__username="pia").order_by("kind")
    assert [(k.kind, k.ref, k.correct) for k in kept] == [
        ("prediction", SCENARIO, True),
        ("question", CHECK, True),
    ]
    # Both count on the course progress page, in the lesson's module (shown, not required).
    page.goto("/progress/")
    title = Module.objects.get(slug="iam").title
    card = page.locator(".module-card").filter(has=page.get_by_role("heading", name=title))
    expect(card.locator(".module-part", has_text="Knowledge checks")).to_have_text(
        re.compile(r"Knowledge checks: 2 of \d+ answered")
    )


def test_without_javascript_the_lesson_comes_back_at_the_answer(browser, base_url, curriculum):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto(LESSON)
    card = page.locator(f"#scenario-{SCENARIO}")
    card.get_by_label(DECISIONS["Allow"], exact=True).check()
    card.get_by_role("button", name="Check my prediction").click()
    expect(page).to_have_url(re.compile(rf"/predict/{SCENARIO}/#predict-{SCENARIO}$"))
    card = page.locator(f"#scenario-{SCENARIO}")
    expect(card.get_by_role("heading", name="Your prediction was not right")).to_be_visible()
    expect(card).to_contain_text(
        "Not kept: create an account or sign in to have your predictions counted."
    )

    check = page.locator(f"#check-{CHECK}")
    check.get_by_label(right_choice(CHECK), exact=True).check()
    check.get_by_role("button", name="Check answer").click()
    expect(page).to_have_url(re.compile(rf"/check/{CHECK}/#check-{CHECK}$"))
    expect(page.locator(f"#check-{CHECK}").get_by_text("Right.", exact=True)).to_be_visible()
    context.close()


def test_on_a_phone_the_prediction_and_its_answer_fit_the_screen(phone):
    phone.goto(LESSON)
    no_horizontal_scroll(phone)
    card = phone.locator(f"#scenario-{SCENARIO}")
    card.get_by_label(DECISIONS["ImplicitDeny"]).check()
    card.get_by_role("button", name="Check my prediction").click()
    expect(card.get_by_role("heading", name="Your prediction was right")).to_be_visible()
    no_horizontal_scroll(phone)
    assert_accessible(phone)


def test_after_a_refused_check_only_the_refusal_is_shown_and_said(page, console, settings):
    """The page's one status region holds what the last check did, and only that: a refusal
    takes the place of a verdict, a verdict the place of a refusal (the refusal stayed there
    beside the new verdict), and an answer refused over the rate limit is said as it is shown
    in its check's status line (the region kept the words before it)."""
    from tests.e2e.test_live_status import Region

    console.allow("status of 429")
    page.goto(LESSON)
    check = page.locator(f"#check-{CHECK}")
    region = Region(page, f"#check-{CHECK}")
    check.get_by_role("button", name="Check answer").click()
    region.says("Not checked: Choose one answer.")

    card = page.locator(f"#scenario-{SCENARIO}")
    card.get_by_label(DECISIONS["ImplicitDeny"]).check()
    card.get_by_role("button", name="Check my prediction").click()
    expect(card.get_by_role("heading", name="Your prediction was right")).to_be_visible()
    region.says("Your prediction was right.")

    check.get_by_label(right_choice(CHECK), exact=True).check()
    check.get_by_role("button", name="Check answer").click()
    expect(check.get_by_text("Right.", exact=True)).to_be_visible()
    region.says("Right.")

    # Sent with nothing chosen, then chosen and refused over the rate limit: the refusal alone
    # (the earlier "Choose what AWS decides." stayed beside it), the choice kept, the focus on
    # the button.
    other = page.locator("#scenario-least-privilege-one-bucket")
    other.get_by_role("button", name="Check my prediction").click()
    region.says("Not checked: Choose what AWS decides.")
    expect(other.locator(".field-error")).to_have_text(["Choose what AWS decides."])
    settled(page)  # the swapped-in form is htmx's once settled (a plain one before)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "0/60"}
    other.get_by_label(DECISIONS["Allow"], exact=True).check()
    other.get_by_role("button", name="Check my prediction").click()
    refusal = re.compile(r"^Too many answers in a short time: nothing was checked\. Try again")
    expect(other.locator(".autosave")).to_have_text(refusal)
    expect(page.locator("#live-status")).to_have_text(refusal)
    region.says(other.locator(".autosave").inner_text())
    expect(other.locator(".field-error")).to_have_count(0)
    expect(other).not_to_contain_text("Choose what AWS decides.")
    expect(other.get_by_label(DECISIONS["Allow"], exact=True)).to_be_checked()
    expect(other.get_by_role("button", name="Check my prediction")).to_be_focused()
    assert_accessible(page)


def test_back_after_marking_a_lesson_complete_shows_it_complete(page):
    """Marked complete, then on to the next lesson and Back: the browser showed the copy it had
    kept from before ("Mark lesson complete" again), and Back once more the module page a lesson
    short. Both are asked for again and say what is saved."""
    from lessons.models import Lesson

    first, second = Lesson.objects.in_reading_order()[:2]
    page.goto("/")
    sign_up(page, "back-button-learner")
    page.goto(first.get_absolute_url().replace(first.slug + "/", ""))
    expect(page.get_by_text("0 of", exact=False).first).to_be_visible()
    page.goto(first.get_absolute_url())
    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_visible()
    page.goto(second.get_absolute_url())
    page.go_back()
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_visible()
    page.go_back()
    expect(page.get_by_text(re.compile(r"^1 of \d+ lessons? completed"))).to_be_visible()
