"""“Start again from the given policy” in a browser: a least-privilege policy typed over in the
policy editor (CodeMirror) and autosaved comes back as the question gave it, in the editor the
swap draws, with the focus in it and the status region saying so; a reload keeps it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import ATTEMPT, policy_editor, settled
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


def test_the_given_policy_comes_back_in_the_editor_with_the_focus(page):
    question = Question.objects.get(slug="iam-lp-fix-s3-star")
    given = question.challenge()["start_policy"]
    make_quiz(question, slug="start-again", title="Start again", feedback="immediate")
    page.goto("/quizzes/start-again/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.wait_for_url(ATTEMPT)
    settled(page)

    editor = policy_editor(page, "Your policy (JSON)")
    editor.fill('{"Version": "2012-10-17", "Statement": []}')
    expect(page.locator("#answer-status")).to_contain_text("saved", timeout=10_000)
    # Two steps, as it throws away what was typed: the fold, then its button.
    replace = page.get_by_role("button", name="Replace my answer with the given policy")
    expect(replace).to_be_hidden()
    page.get_by_text("Start again from the given policy").press("Enter")
    replace.press("Enter")

    expect(page.locator("#live-status")).to_have_text(
        "Started again from the given policy: your saved answer is replaced."
    )
    editor = policy_editor(page, "Your policy (JSON)")
    settled(page)
    expect(editor).to_be_focused()
    # The editor drawn by the swap holds the given policy, and shows its first lines; the
    # hidden field it stands for holds it too.
    textarea = page.locator("textarea[name=policy]")
    assert textarea.evaluate("box => box.policyEditor.state.doc.toString()") == given
    expect(editor).to_contain_text('"Sid": "Backups"')
    expect(textarea).to_have_value(given)
    assert_accessible(page)

    page.reload()
    expect(page.locator("textarea[name=policy]")).to_have_value(given)
    expect(policy_editor(page, "Your policy (JSON)")).to_contain_text(re.compile('"s3:\\*"'))
