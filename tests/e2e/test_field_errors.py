"""An answer refused as empty is tied to its controls: the group and each control a screen reader
lands on say they are in error (`aria-invalid`) and read the message (`aria-describedby`). The
message was a paragraph inside the group that only the page's status line repeated once: a
learner Tabbing back to the radios heard nothing of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import (
    answered,
    make_user,
    policy_editor,
    settled,
    sign_in,
    sign_up,
    typed_and_left,
)

pytestmark = pytest.mark.e2e
LESSON = "/learn/iam/least-privilege/"
SCENARIO = "least-privilege-other-bucket"
CHECK = "iam-listbucket-resource"


def described_by(page, locator) -> str:
    """The text of every element `locator`'s aria-describedby names."""
    return locator.evaluate(
        "el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)"
        ".map(id => document.getElementById(id)?.textContent.trim() ?? `missing #${id}`).join(' ')"
    )


def test_an_empty_check_marks_its_choices_invalid_and_describes_them(page):
    page.goto(LESSON)
    sign_up(page, "pia")
    page.goto(LESSON)
    check = page.locator(f"#check-{CHECK}")
    check.get_by_role("button", name="Check answer").press("Enter")
    settled(page)
    group = check.get_by_role("group", name="Choose one answer")
    expect(group).to_be_visible()
    assert described_by(page, group) == "Choose one answer."
    radios = group.get_by_role("radio")
    expect(radios.first).to_be_visible()
    for i in range(radios.count()):
        expect(radios.nth(i)).to_have_attribute("aria-invalid", "true")

    radios.first.check()
    check.get_by_role("button", name="Check answer").press("Enter")
    settled(page)
    expect(check.locator("[aria-invalid]")).to_have_count(0)


def test_an_empty_prediction_marks_its_choices_invalid_and_describes_them(page):
    page.goto(LESSON)
    sign_up(page, "pia")
    page.goto(LESSON)
    card = page.locator(f"#scenario-{SCENARIO}")
    card.get_by_role("button", name="Check my prediction").press("Enter")
    settled(page)
    group = card.get_by_role("group", name="Predict first: what does AWS decide?")
    assert described_by(page, group).startswith("Choose")
    radios = group.get_by_role("radio")
    for i in range(radios.count()):
        expect(radios.nth(i)).to_have_attribute("aria-invalid", "true")


def test_a_sandbox_policy_that_is_not_json_is_marked_invalid_where_it_is_read(page):
    """The editor's text names the notes under it, where the error's line and column are; it
    is also marked invalid while they hold an error, and unmarked once the policy reads."""
    page.goto("/sandbox/")
    editor = policy_editor(page, "Identity policy 1")
    expect(editor).not_to_have_attribute("aria-invalid", "true")
    with answered(page):
        editor.focus()
        page.keyboard.press("Control+End")
        page.keyboard.type(",")
    expect(editor).to_have_attribute("aria-invalid", "true")
    assert "Line 11, column 2" in " ".join(described_by(page, editor).split())
    expect(page.locator("#live-status")).to_contain_text("line 11, column 2")
    with answered(page):
        page.keyboard.press("Backspace")
    expect(editor).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#live .decision-word")).to_have_text("Allowed")


def test_a_malformed_action_is_marked_invalid(page):
    page.goto("/sandbox/")
    action = page.get_by_label("Action", exact=True)
    kept = action.input_value()
    action.fill("s3")
    typed_and_left(page, action)
    expect(action).to_have_attribute("aria-invalid", "true")
    assert 'Action must be "service:Action"' in described_by(page, action)
    action.fill(kept)
    typed_and_left(page, action)
    expect(action).not_to_have_attribute("aria-invalid", "true")


def test_an_item_left_without_a_position_is_described_by_the_message(page):
    """Ordering questions say what is missing once, for the whole form (not once per select):
    each empty select is marked invalid and names that message. On the review page."""
    from datetime import timedelta

    from django.utils import timezone

    from quizzes.models import Question
    from quizzes.review import card_record

    user = make_user("pia")
    question = Question.objects.filter(type="ordering").first()
    card_record(user=user, question=question, correct=False, now=timezone.now() - timedelta(days=3))
    page.goto("/")
    sign_in(page, "pia")
    page.goto("/quizzes/review/")
    selects = page.locator("#review-body select")
    expect(selects.first).to_be_visible()
    selects.first.select_option(index=1)
    page.get_by_role("button", name="Check answer").press("Enter")
    settled(page)
    message = page.locator("#review-body .form-error")
    expect(message).to_contain_text("none yet")
    expect(selects.first).not_to_have_attribute("aria-invalid", "true")
    for i in range(1, selects.count()):
        expect(selects.nth(i)).to_have_attribute("aria-invalid", "true")
        assert described_by(page, selects.nth(i)) == message.inner_text().strip()
