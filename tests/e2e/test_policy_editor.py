"""The policy editor (CodeMirror over the policy textareas): live results, completion, findings
at their line, and a keyboard way out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import slow_cpu
from tests.e2e.journeys import ATTEMPT, answered, policy_editor, settled, sign_up
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e

IDENTITY = "Identity policy 1"


def decision(page):
    return page.locator("#live .decision-word")


def line(editor, number: int):
    """The editor's line `number` (1-based) as drawn."""
    return editor.locator(".cm-line").nth(number - 1)


def test_typing_in_the_editor_updates_the_result_live(page):
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    expect(decision(page)).to_have_text("Allowed")
    editor.fill(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
    )
    expect(decision(page)).to_contain_text("Explicit deny")
    # The textarea the form posts follows the editor.
    expect(page.locator("textarea[name='identity-0-text']")).to_have_value(re.compile('"Deny"'))


def test_completion_offers_an_action_name_and_taking_it_updates_the_result(page):
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    editor.fill(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",\n  "Action": ""}]}'
    )
    expect(decision(page)).not_to_have_text("Allowed")
    for _ in range(4):  # from the end, back inside the empty action string
        editor.press("ArrowLeft")
    # The list opens below the line, with room to show it whole (above, it would cover the
    # request's fields and axe would judge their contrast against it).
    editor.evaluate("el => el.scrollIntoView({block: 'start'})")
    with page.expect_response(lambda r: r.request.method == "POST"):
        editor.press_sequentially("s3:GetObj", delay=30)
    option = page.locator(".cm-tooltip-autocomplete [role=option]", has_text="s3:GetObject")
    expect(option.first).to_be_visible()
    settled(page)  # the form is dimmed while a live update is on its way
    assert_accessible(page)
    editor.press("Enter")
    expect(line(editor, 2)).to_have_text('  "Action": "s3:GetObject"}]}')
    expect(decision(page)).to_have_text("Allowed")


def test_completion_offers_the_statements_condition_keys_and_operators(page):
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    # Each edit's live update answered before the next edit (see `answered`).
    with answered(page):
        editor.fill(
            '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n  "Condition": {""}}]}'
        )
    for _ in range(5):
        editor.press("ArrowLeft")
    with answered(page):
        editor.press_sequentially("StringEq", delay=30)
    options = page.locator(".cm-tooltip-autocomplete [role=option]")
    expect(options.filter(has_text=re.compile(r"^StringEquals$")).first).to_be_visible()
    # CodeMirror ignores Enter for its `interactionDelay` (75 ms) after the list last changed, so
    # a list still refiltering is not accepted by accident: pause as a person would.
    page.wait_for_timeout(200)
    with answered(page):
        editor.press("Enter")
    expect(line(editor, 2)).to_have_text(re.compile(r'"Condition": \{"StringEquals\w*"\}'))
    editor.press("End")
    for _ in range(4):
        editor.press("ArrowLeft")
    editor.press_sequentially(': {"s3:Exist', delay=30)
    expect(options.filter(has_text="s3:ExistingObjectTag").first).to_be_visible(timeout=15_000)


def test_a_finding_is_marked_at_its_line(page):
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    editor.fill(
        '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow",\n'
        '    "Action": "s3:GetObjekt", "Resource": "*"}]\n}'
    )
    marked = line(editor, 4).locator(".cm-lintRange")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text('"s3:GetObjekt"')
    expect(line(editor, 3).locator(".cm-lintRange")).to_have_count(0)
    # The same finding is listed under the editor, where it was before.
    expect(page.locator("#notes-identity-0")).to_contain_text("Line 4")


def test_tab_indents_and_escape_then_tab_leaves_the_editor(page):
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    hint = editor.get_attribute("aria-describedby").split()[0]
    expect(page.locator(f"#{hint}")).to_have_text(re.compile("Escape then Tab"))
    editor.click()
    editor.press("Control+Home")
    editor.press("Tab")
    expect(editor).to_be_focused()
    expect(page.locator("textarea[name='identity-0-text']")).to_have_value(re.compile(r"^\s+\{"))
    editor.press("Escape")
    status = page.locator(".policy-editor-status").first
    expect(status).to_have_text(re.compile("Tab now leaves"))
    page.keyboard.press("Tab")
    expect(editor).not_to_be_focused()
    assert page.evaluate("() => !document.activeElement.closest('.cm-editor')")
    assert page.evaluate("() => document.activeElement.matches(':focus-visible')")
    # Out of the editor, the hint is gone (it stayed, saying Tab leaves an editor left already).
    expect(status).to_have_text("")


def test_the_tab_hint_goes_when_tab_would_indent_again(page):
    """After Escape, CodeMirror lets Tab leave for two seconds, until any other key. The hint
    stayed after both; it goes with the way out, and a modifier (Shift, for Shift+Tab) keeps
    it."""
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    status = page.locator(".policy-editor-status").first
    editor.click()
    editor.press("Control+Home")
    editor.press("Escape")
    expect(status).to_have_text("Tab now leaves the editor.")
    page.keyboard.down("Shift")
    page.keyboard.up("Shift")
    page.wait_for_timeout(100)
    expect(status).to_have_text("Tab now leaves the editor.")
    editor.press("ArrowRight")  # the next key: Tab indents again, and the hint goes
    expect(status).to_have_text("")
    editor.press("Tab")
    expect(editor).to_be_focused()

    editor.press("Escape")
    expect(status).to_have_text("Tab now leaves the editor.")
    expect(status).to_have_text("", timeout=3000)  # CodeMirror's two seconds are up
    editor.press("Tab")
    expect(editor).to_be_focused()
    assert_accessible(page)


def test_focus_moved_on_stays_there_when_the_live_update_lands(page):
    """Typing, then Escape and Tab onto the next control ("Add an identity policy") within the
    live update's delay: the update starts with that button focused. sandbox.js took any
    request made while an "op" button had focus for a click on it, and once the update settled
    sent focus to the newest identity policy's editor, pulling a keyboard user back into the
    editor they had just left."""
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    editor.click()
    editor.press("Control+Home")
    # Waiting for the update's answer, not for htmx's request class: on a busy machine the
    # request can come and go before a poll for the class ever sees it.
    with answered(page):
        editor.press("Tab")  # indents: an edit, so a live update is due in 400 ms
        editor.press("Escape")
        page.keyboard.press("Tab")
        after_editor = page.evaluate("() => document.activeElement.outerHTML")
        assert 'name="op"' in after_editor, after_editor  # the case this guards: an op button
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.outerHTML") == after_editor
    expect(editor).not_to_be_focused()


def test_format_lays_the_policy_out_and_refuses_broken_json(page):
    page.goto("/sandbox/")
    editor = policy_editor(page, IDENTITY)
    with answered(page):  # Format's edit starts a live update too: not while this one is out
        editor.fill(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
        )
    page.get_by_role("button", name=f"Format {IDENTITY}").click()
    expect(line(editor, 2)).to_have_text('  "Version": "2012-10-17",')
    expect(page.locator("textarea[name='identity-0-text']")).to_have_value(
        re.compile('\n  "Statement": \\[\n')
    )
    editor.fill('{"Version": }')
    page.get_by_role("button", name=f"Format {IDENTITY}").click()
    expect(page.get_by_role("status").filter(has_text="Not formatted")).to_be_visible()
    expect(line(editor, 1)).to_have_text('{"Version": }')


def test_the_label_focuses_the_editor_and_the_page_stays_accessible(page):
    page.goto("/sandbox/")
    page.locator("label", has_text=re.compile(f"^{IDENTITY}$")).click()
    expect(policy_editor(page, IDENTITY)).to_be_focused()
    assert_accessible(page)


def test_a_quiz_answer_is_written_in_the_editor_with_findings_marked(page):
    question = Question.objects.filter(type="least_privilege").order_by("pk").first()
    make_quiz(question, slug="one-policy", title="Write one policy")
    page.goto("/")
    sign_up(page, "hopper")
    page.goto("/quizzes/one-policy/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    editor = policy_editor(page, "Your policy (JSON)")
    editor.fill(
        '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow",\n'
        '    "Action": "s3:GetObjekt", "Resource": "*"}]\n}'
    )
    expect(line(editor, 4).locator(".cm-lintRange")).to_have_text('"s3:GetObjekt"')
    assert_accessible(page)
    page.get_by_role("button", name="Check answer").press("Enter")
    # The answer graded is the one in the editor: its made-up action allows nothing.
    expect(page.locator(".feedback-region")).to_contain_text("Your policy does not allow")


def test_an_editor_added_by_htmx_is_upgraded_and_focused(page):
    page.goto("/sandbox/")
    page.get_by_role("button", name="Add an identity policy").click()
    added = policy_editor(page, "Identity policy 2")
    expect(added).to_be_focused()
    added.fill(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}'
    )
    expect(decision(page)).to_contain_text("Explicit deny")


def test_typing_over_a_selection_of_several_lines_breaks_no_csp_rule(page):
    """Select all, `{` (closeBrackets wraps the lines in braces, the selection kept inside), then
    a character over the selection: Chromium's own editing typed it first and, joining the
    lines, wrote a `style` attribute, which the page's CSP (`style-src-attr`) refused with a
    console error. The same for any selection of several lines typed over. CodeMirror now
    applies that input itself, its bracket wrapping included.

    The page runs on a CPU slowed ten times, as on CI's busy machine: there a selection the
    browser has just made (Playwright's `fill` selects all, then types) reached CodeMirror only
    after the text typed over it, so the old check, reading CodeMirror's selection, saw none
    and let Chromium's editing write the style attribute (CI failed so on `b78d8050`)."""
    page.add_init_script(
        "window.cspViolations = [];"
        " document.addEventListener('securitypolicyviolation',"
        " e => window.cspViolations.push(`${e.violatedDirective}: ${e.sample}`));"
    )
    page.goto("/sandbox/")
    slow_cpu(page, 10)
    editor = policy_editor(page, IDENTITY)
    textarea = page.locator("textarea[name='identity-0-text']")
    expect(textarea).to_have_value(re.compile(r'^\{\n  "Version": "2012-10-17",\n  "Statement"'))
    editor.click()
    editor.press("Control+a")
    editor.press("{")
    expect(textarea).to_have_value(re.compile(r"^\{\{[\s\S]*\}\}$"))
    editor.press_sequentially("xy")
    expect(textarea).to_have_value("{xy}")
    expect(editor).to_have_text("{xy}")

    # From inside the first line to inside the third, typed over; then `[` wraps such a selection.
    with answered(page):
        editor.fill('{\n  "Version": "2012-10-17",\n  "Statement": []\n}')
    editor.press("Control+Home")
    editor.press("ArrowRight")
    for _ in range(2):
        editor.press("Shift+ArrowDown")
    editor.press_sequentially("z")
    expect(textarea).to_have_value('{z "Statement": []\n}')
    editor.press("Control+a")
    editor.press("ArrowLeft")
    editor.press("Shift+ArrowDown")
    editor.press("[")
    expect(textarea).to_have_value('[{z "Statement": []\n]}')
    expect(line(editor, 1)).to_have_text('[{z "Statement": []')
    assert page.evaluate("window.cspViolations") == []
