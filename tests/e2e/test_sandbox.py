"""The policy sandbox in a browser: Enter, live updates, permalinks, refusals."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import IDENTITY_EDITOR, answered

pytestmark = pytest.mark.e2e

PRESET = "/sandbox/?preset=role-trust-cross-account-assume"
FIELDS = ["Principal (who calls)", "Action", "Resource ARN", "Resource account"]
MARKED = "#workspace :is(.cm-lintRange-error, .cm-lintPoint-error)"  # an error marked in an editor


def decision(page):
    return page.locator("#live .decision-word")


@pytest.mark.parametrize("field", FIELDS)
def test_enter_in_a_field_evaluates_and_keeps_the_principal(page, field):
    page.goto(PRESET)
    principal = page.get_by_label("Principal (who calls)").input_value()
    before = decision(page).inner_text()
    # The evaluation's answer swapped in (the load state "networkidle", reached once the page
    # had loaded, never waited: the checks below could pass before it came).
    with answered(page):
        page.get_by_label(field, exact=True).press("Enter")
    expect(page.get_by_label("Principal (who calls)")).to_have_value(principal)
    expect(decision(page)).to_have_text(before)


@pytest.fixture
def no_js_page(browser, base_url, curriculum):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_enter_without_javascript_evaluates_and_keeps_the_principal(no_js_page):
    page = no_js_page
    page.goto(PRESET)
    principal = page.get_by_label("Principal (who calls)").input_value()
    before = decision(page).inner_text()
    with page.expect_navigation():
        page.get_by_label("Resource ARN").press("Enter")
    expect(page.get_by_label("Principal (who calls)")).to_have_value(principal)
    expect(decision(page)).to_have_text(before)


def refused_and_kept(page, message: str) -> None:
    """The refusal shows in the result panel; the page, the editors and the old result stay,
    the old result marked as not applying any more."""
    panel = page.locator("#live")
    expect(panel.get_by_role("alert")).to_contain_text(message)
    expect(panel).to_contain_text("no longer")
    expect(page.get_by_role("heading", level=1, name="Policy sandbox")).to_be_visible()
    expect(page.get_by_label("Principal (who calls)")).to_be_visible()
    expect(page.locator("#live .decision-word").first).to_be_visible()
    expect(page.locator("#live .live-stale")).to_have_count(1)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_oversized_policy_is_refused_in_the_result_panel_with_the_editors_kept(
    page, console, settings, debug
):
    """In debug, django-htmx's helper would replace the whole page with a 400 answer."""
    settings.DEBUG = debug
    console.allow("status of 400")
    page.goto(PRESET)
    editor = page.locator(IDENTITY_EDITOR).first
    editor.fill(" " * 20_001)
    refused_and_kept(page, "20,001 characters")
    expect(page.locator("textarea[name^='identity-']").first).to_have_value(" " * 20_001)
    # Fixing it brings the decision back and clears the refusal.
    editor.fill("")
    expect(page.locator("#live .live-stale")).to_have_count(0)


def test_an_oversized_resource_is_refused_in_the_result_panel(page, console):
    console.allow("status of 400")
    page.goto(PRESET)
    page.get_by_label("Resource ARN").fill("arn:aws:s3:::" + "b" * 2_100)
    refused_and_kept(page, "resource is 2,113 characters long")


def test_the_rate_limit_says_slow_down_in_the_result_panel(page, console, settings):
    from django.core.cache import cache

    console.allow("status of 429")
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "3/3600"}
    page.goto(PRESET)
    principal = page.get_by_label("Principal (who calls)")
    alert = page.locator("#live").get_by_role("alert")
    for n in range(8):  # a fixed window may roll over once: type on until refused
        # Each typing answered before the next (the load state "networkidle", reached once the
        # page had loaded, never waited): the next would replace an update still on its way.
        with answered(page):
            principal.fill(f"arn:aws:iam::111122223333:user/user{n}")
        if alert.count():
            break
    refused_and_kept(page, "Slow down")
    cache.clear()


def test_a_page_older_than_a_sign_in_says_so_instead_of_keeping_a_silent_old_result(
    page, context, console
):
    """Signing in or out in another tab rotates the CSRF token: the sandbox left open can send
    no live update any more. It says so in the page's alert region, kept in view, with a link
    that reloads it (srm_trainer/csrf_failure.py, static/js/stale-page.js)."""
    console.allow("status of 403")
    page.goto(PRESET)
    cookie = next(c for c in context.cookies() if c["name"] == "csrftoken")
    context.add_cookies([{**cookie, "value": "y" * 32}])  # what a sign-in elsewhere does

    with answered(page):
        page.get_by_label("Resource account").fill("444455556666")
    alert = page.locator("#page-alert").get_by_role("alert")
    expect(alert).to_contain_text("Someone signed in or out in this browser")
    expect(alert).to_contain_text("Nothing was saved")
    expect(alert).to_be_in_viewport()
    reload = alert.get_by_role("link", name="reload the page")
    expect(reload).to_have_attribute("href", re.compile(r"/sandbox/\?preset="))
    reload.click()  # (leaving the field may send the stale page one more update: refused too)
    expect(page.locator("#page-alert")).to_be_empty()
    stale = len([m for m in console.seen if "403" in m])
    with answered(page):  # the reloaded page carries the new token: its updates go through
        page.get_by_label("Resource account").fill("444455556666")
    expect(page.locator("#page-alert")).to_be_empty()
    assert stale >= 1
    assert len([m for m in console.seen if "403" in m]) == stale  # none from the new page


def test_a_refused_update_leaves_no_note_of_the_last_one_beside_the_editors(
    page, console, settings
):
    """A policy's JSON mistake, noted beside its editor and marked in it; fixed and sent over
    the rate limit, the refusal stands alone: the note (the text ends too soon) and its mark, about text
    since changed, stayed beside the refusal."""
    from django.core.cache import cache

    console.allow("status of 429")
    cache.clear()
    page.goto(PRESET)
    editor = page.locator(IDENTITY_EDITOR).first
    good = page.locator("textarea[name^='identity-']").first.input_value()
    with answered(page):
        editor.fill('{"Version": "2012-10-17", "Statement": [')
    notes = page.locator("#workspace .notes").filter(
        has_text="The text ends before every { and [ in it is closed."
    )
    expect(notes).to_have_count(1)
    noted = page.locator(f"#{notes.get_attribute('id')}")
    expect(page.locator(MARKED)).not_to_have_count(0)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "0/60"}
    with answered(page):
        editor.fill(good)
    expect(page.locator("#live").get_by_role("alert")).to_contain_text("Slow down")
    expect(noted).to_be_empty()
    expect(page.locator(MARKED)).to_have_count(0)
    cache.clear()


@pytest.mark.parametrize(
    ("url", "label", "edited", "result"),
    [
        ("/sandbox/", "Action", "s3:PutObject", "#live .decision-word"),
        ("/lab/network/", "Port", "22", "#result .netlab-outcome"),
        ("/lab/waf/", "URI path of request 1", "/admin", "#waf-result .netlab-outcome"),
    ],
)
def test_reload_after_an_edit_keeps_what_was_on_screen(page, url, label, edited, result):
    """The fields are autocomplete="off", so a reload drew the page's first values again and a
    learner's edits were gone: the address follows the link to the exact state instead."""
    page.goto(url)
    field = page.get_by_label(label, exact=True)
    # Answered as typed (the field not left). Waiting for the address alone was not enough: in
    # the sandbox the action's suggestions, answered first on a loaded machine, settle too, and
    # the address then followed the link of the result from before the edit.
    with answered(page):
        field.fill(edited)
    expect(page).to_have_url(re.compile(r"\?case="))  # once the edit's result has settled
    shown = " ".join(page.locator(result).first.inner_text().split())
    page.reload()
    expect(page.get_by_label(label, exact=True)).to_have_value(edited)
    expect(page.locator(result).first).to_have_text(shown)


def test_created_by_appears_as_a_federated_principal_is_typed_and_decides(page):
    """'Created by (IAM user)' belongs to a federated user session: it appears as such a
    principal is typed (no round trip), is reached by Tab after the quick choices, and a bucket
    grant to that user reaches the session as far as the session policy allows."""
    broker = "arn:aws:iam::111122223333:user/broker"
    page.goto("/sandbox/")
    created_by = page.get_by_label("Created by (IAM user)")
    expect(created_by).to_be_hidden()
    principal = page.get_by_label("Principal (who calls)")
    principal.fill("")
    principal.press_sequentially("arn:aws:sts::111122223333:federated-user/Carol")
    expect(created_by).to_be_visible()
    page.get_by_role("button", name="Anonymous").focus()
    page.keyboard.press("Tab")
    expect(created_by).to_be_focused()
    page.keyboard.type(broker)
    page.locator("summary", has_text="Resource-based policy, permissions boundary").click()
    grant = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": broker},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports/*",
                }
            ],
        }
    )
    session = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    )
    for field, text in (("resource_policy", grant), ("session_policy", session)):
        page.evaluate(
            "([id, text]) => { const el = document.getElementById(id); el.value = text;"
            " el.dispatchEvent(new Event('change', {bubbles: true})); }",
            [field, text],
        )
    expect(decision(page)).to_have_text(re.compile("^Allowed"))
    expect(page.locator("#live")).to_contain_text(
        "the IAM user who created this federated user session"
    )
    principal.fill("arn:aws:iam::111122223333:user/alice")
    expect(created_by).to_be_visible()  # it holds a value: kept in sight beside its error
    expect(page.locator("#notes-federated_by")).to_contain_text(
        "goes only with a federated user principal"
    )


@pytest.mark.parametrize(
    ("size", "status", "words"),
    [(20_001, 400, "20,001 characters long"), (70_000, 413, "more than the sandbox takes")],
    ids=["policy-too-long", "form-over-64-KB"],
)
def test_download_with_a_policy_too_large_comes_back_with_the_policy(
    page, console, size, status, words
):
    """ "Download case" posts the page, not htmx: refused, it was a page that kept nothing ("may
    not bring back what you had typed"), every policy lost by one press."""
    console.allow(f"status of {status}")
    page.goto(PRESET)
    expect(decision(page).first).to_be_visible()
    typed = "x" * size
    page.locator("textarea[name='identity-0-text']").evaluate(
        "(box, text) => { box.value = text; }", typed
    )  # the editor's own box, as its live updates would have filled it; no update sent
    with page.expect_navigation():
        page.get_by_role("button", name="Download case").click()
    expect(page.get_by_role("heading", level=1, name="Policy sandbox")).to_be_visible()
    expect(page.locator("#live .decision-why")).to_contain_text(words)
    expect(page.locator("textarea[name='identity-0-text']")).to_have_value(typed)
    expect(page.get_by_label("Action")).not_to_have_value("")  # the request kept too


def test_a_refused_case_file_is_read_out_with_the_focus_on_the_file_input(page, console, tmp_path):
    """A refused "Open" reloads the page: the focus lands on the file input, described by the
    error (line and column), so a screen reader says what is wrong where the learner is (the
    error was a status paragraph at the top, with the focus on nothing)."""
    console.allow("status of 400")
    bad = tmp_path / "case.json"
    bad.write_text('{\n "request": {"principal": "x",}\n}')
    page.goto(PRESET)
    page.get_by_label("Open a case file").set_input_files(bad)
    with page.expect_navigation():
        page.get_by_role("button", name="Open", exact=True).click()
    field = page.get_by_label("Open a case file")
    expect(field).to_be_focused()
    expect(field).to_have_accessible_description(re.compile(r"Line 2, column 31"))
