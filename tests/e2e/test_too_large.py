"""A live update over Django's own size limit (srm_trainer/too_large.py), in a browser: the
refusal shows where the learner is looking and the page's status region says it, and what was
typed stays. It was Django's 400 page, which htmx leaves unswapped: the old result stayed on
screen, or the status line said nothing, as if the update had gone through. The limit is
lowered for the test (100 KB, read per request): the same path as the real 2.5 MB."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_live_status import Region
from tests.e2e.test_quiz_behaviour import _start
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e
TOO_BIG = 150_000

PASTE = """(box, text) => {
  box.value = text;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  box.dispatchEvent(new Event('change', {bubbles: true}));
}"""


@pytest.fixture
def small_limit(settings, console):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    console.allow("status of 413")


def test_a_batch_over_the_limit_says_so_in_its_results_and_keeps_the_form(page, small_limit):
    page.goto("/sandbox/batch/")
    results = page.locator("#results")
    page.get_by_role("button", name="Evaluate all").press("Enter")
    expect(results.locator("table")).to_be_visible()
    actions = page.locator("#actions")
    typed = "s3:GetObject\n" * (TOO_BIG // 13)
    actions.evaluate(PASTE, typed)
    page.get_by_role("button", name="Evaluate all").press("Enter")
    expect(results).to_contain_text("more than the sandbox takes at once (64 KB)")
    expect(results.locator("table")).to_have_count(0)  # the old table is not left as if it applied
    expect(page.locator("#live-status")).to_contain_text("Error: That is more than the sandbox")
    assert actions.input_value() == typed


def test_a_quiz_answer_over_the_limit_is_said_in_its_status_line(page, small_limit):
    make_quiz(make_question("flow_fix", lesson=None), slug="big", title="Big", feedback="immediate")
    _start(page, "big")
    region = Region(page, "#attempt-body")
    rules = page.locator("#attempt-body textarea").first
    typed = '{"network_acls": []}' + " " * TOO_BIG
    rules.evaluate(PASTE, typed)  # the autosave sends it
    status = page.locator("#answer-status")
    words = re.compile(r"^That is more text than this page can send at once \(at most 98 KB\)")
    expect(status).to_have_text(words)
    region.says(status.inner_text())
    page.get_by_role("button", name="Check answer").press("Enter")
    expect(status).to_have_text(words)
    assert rules.input_value() == typed
    expect(page.locator(".feedback-region")).to_be_empty()


# --- the policy editor's findings (frontend/policy-editor: a fetch of JSON, not htmx) -----------

REFRESH = """(box, text) => {
  box.value = text;
  box.dispatchEvent(new Event('policy-editor:refresh'));
}"""
TYPO = (
    '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow",\n'
    '    "Action": "s3:GetObjekt", "Resource": "*"}]\n}'
)


def test_a_policy_too_long_for_findings_says_so_where_findings_appear(page, small_limit, console):
    """Over Django's limit the findings request was the 400 page, and over the sandbox's own
    (20,000 characters) a 400 the editor did not read: either way it showed no findings, as if
    the policy had none. Now it marks the first line with the reason and says it in its
    status line, and takes that back once the policy can be checked again."""
    console.allow("status of 400")  # the sandbox's own limit
    make_quiz(make_question("least_privilege", lesson=None), slug="lp", title="One policy")
    _start(page, "lp")
    editor = page.locator(".policy-editor").filter(has=page.locator(".cm-content"))
    content = editor.locator(".cm-content")
    status = editor.get_by_role("status")
    content.fill(TYPO)
    expect(editor.locator(".cm-lintRange")).to_have_text('"s3:GetObjekt"')
    textarea = page.locator("textarea[data-policy-editor]")
    for typed, words in [
        (
            TYPO + " " * TOO_BIG,  # over its door's (srm_trainer/too_large.py: 20,000 escaped)
            "The policy is more than 67 KB long, too long to check for findings (at most "
            "20,000 characters): shorten it to see them.",
        ),
        (
            TYPO + " " * 25_000,  # under it, over the sandbox's own 20,000 characters
            f"The policy is {len(TYPO) + 25_000:,} characters long, too long to check for "
            "findings (at most 20,000 characters): shorten it to see them.",
        ),
    ]:
        textarea.evaluate(REFRESH, typed)
        expect(status).to_have_text(words)
        expect(editor.locator(".cm-lintRange-error")).to_have_count(0)  # the old finding is gone
        marker = editor.locator(".cm-gutter-lint .cm-lint-marker-warning")
        expect(marker).to_have_count(1)
        page.mouse.move(0, 0)  # off the marker first: a pointer left on it shows no new tooltip
        marker.hover()  # the reason, as a finding's message is shown
        expect(page.locator(".cm-tooltip-lint")).to_have_text(words)
    assert_accessible(page)
    textarea.evaluate(REFRESH, TYPO)
    expect(editor.locator(".cm-lintRange")).to_have_text('"s3:GetObjekt"')
    expect(status).to_have_text("")
