"""The teaching editors' check messages in a browser, light and dark: "The model pattern sends
exactly…" and "Not ready to save" with its list, and the Markdown preview's "Not previewed", are
drawn as states (a tinted box with a coloured edge and a sign before the words), not as the plain
text they were (no rule drew `check-ok`, `check-bad`, `check-problems`); they pass axe's contrast
rule in both palettes, and the page's status region says each. The stylesheet's side:
tests/test_stylesheet_classes.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import make_user, no_horizontal_scroll, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

LOOK = """element => {
  const drawn = getComputedStyle(element), page = getComputedStyle(document.body);
  return {
    edge: drawn.borderLeftWidth, edgeColour: drawn.borderLeftColor, ground: drawn.backgroundColor,
    page: page.backgroundColor, sign: getComputedStyle(element, "::before").content,
  };
}"""


@pytest.fixture
def quiz_of_ines(page):
    """Ines's quiz, Ines signed in with her code; returns the quiz's pk."""
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    question = make_question("single", owner=ines, source=Source.AUTHORED, lesson=None)
    quiz = make_quiz(question, owner=ines, source=Source.AUTHORED, published=False)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    return quiz.pk


def drawn_as_a_state(box, sign: str) -> dict:
    look = box.evaluate(LOOK)
    assert look["edge"] == "4px", look
    assert look["ground"] not in ("rgba(0, 0, 0, 0)", look["page"]), look
    assert sign in look["sign"], look
    return look


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_findings_check_is_drawn_as_passing_then_as_refused(page, quiz_of_ines, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(reverse("teach:question-create", args=[quiz_of_ines, "route_findings"]))
    passing = page.locator("#route-check .check-ok")
    expect(passing).to_contain_text("The model pattern sends exactly the findings")
    ok = drawn_as_a_state(passing, "✓")

    # Untick a finding that must reach the target: the check refuses, as its own state.
    wanted = page.locator("#route-editor input[name='k-want']:checked").first
    wanted.uncheck()
    refused = page.locator("#route-check .check-bad")
    expect(refused).to_have_text("Not ready to save:")
    bad = drawn_as_a_state(refused, "✗")
    assert bad["edgeColour"] != ok["edgeColour"] and bad["ground"] != ok["ground"]
    problems = page.locator("#route-check .check-problems")
    assert problems.evaluate(LOOK)["ground"] == bad["ground"]  # one box with its heading
    expect(page.locator("#live-status")).to_contain_text("Not ready to save: The model pattern")
    # The finding that fails: "No" in the refusal's colour, not the text's.
    no = page.locator("#route-check table.check-requests td strong", has_text="No").first
    assert no.evaluate("e => getComputedStyle(e).color") == bad["edgeColour"]
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_prompt_past_its_limit_is_not_previewed_and_that_is_said(
    page, phone, quiz_of_ines, scheme
):
    """By keyboard: the button keeps focus, the refusal stands in the preview's place, drawn as
    one, and the status region says it (the preview said nothing before)."""
    address = reverse("teach:question-create", args=[quiz_of_ines, "single"])
    for where in (page, phone):
        where.emulate_media(color_scheme=scheme)
    phone.context.add_cookies(page.context.cookies())
    for where in (page, phone):
        where.goto(address)
        where.get_by_role("textbox", name="Prompt (Markdown)").fill("Which is yours? " * 320)
        button = where.get_by_role("button", name="Preview the Markdown")
        button.focus()
        button.press("Enter")
        refusal = where.locator("#md-preview .check-bad")
        expect(refusal).to_contain_text("Not previewed: the prompt is 5,120 characters long")
        drawn_as_a_state(refusal, "✗")
        expect(button).to_be_focused()
        expect(where.locator("#live-status")).to_have_text(
            "Not previewed: the prompt is longer than its 5,000 characters."
        )
        assert_accessible(where)
    no_horizontal_scroll(phone)
