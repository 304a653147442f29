"""A request still on its way when the learner presses the lab's own button (or types on in the
sandbox's action field): the new one waits for it and then goes (`hx-sync="this:queue last"`),
rather than cancelling it. Cancelled (`this:replace`, before), htmx logged each one as a console
error (`htmx:sendAbort`) although nothing was lost: the button's request carried the same fields.
The page fixture fails on any console error; the result must still be the one for what was
typed."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import policy_editor

pytestmark = pytest.mark.e2e


def slow_live_updates(page, path: str) -> None:
    """Answer the page's htmx POSTs 0.6 s late, as a busy server does."""

    def late(route):
        if route.request.method == "POST" and route.request.headers.get("hx-request") == "true":
            time.sleep(0.6)
        route.continue_()

    page.route(f"**{path}", late)


def sent_updates(page) -> list:
    sent: list = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.headers.get("hx-request") == "true" else None,
    )
    return sent


def test_findings_lab_button_pressed_while_an_update_is_out(page):
    page.goto("/lab/findings/?preset=exact-severity-trap")
    result = page.locator("#findings-result")
    expect(result.locator(".findings-summary")).to_contain_text("2 of 10")
    slow_live_updates(page, "/lab/findings/")
    sent = sent_updates(page)
    field = page.get_by_label("Event pattern (JSON)")
    field.focus()
    field.press("Control+a")
    page.keyboard.type(
        '{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}'
    )
    page.wait_for_function("() => document.querySelector('#findings-workspace.htmx-request')")
    # The page marks the request before the test's route has recorded it (CI saw 0 here once).
    for _ in range(100):
        if sent:
            break
        page.wait_for_timeout(20)
    assert len(sent) == 1  # the typing's update is out, not yet answered
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Test pattern")).to_be_focused()
    page.keyboard.press("Enter")
    expect(result.locator(".findings-summary")).to_contain_text("4 of 10")
    expect(page.locator("#live-status")).to_have_text("4 of 10 sample findings match.")
    expect(page.locator(".htmx-request")).to_have_count(0)
    assert len(sent) >= 2


def test_sandbox_button_pressed_while_an_update_is_out(page):
    page.goto("/sandbox/")
    decision = page.locator("#live .decision-word")
    expect(decision).to_have_text("Allowed")
    slow_live_updates(page, "/sandbox/")
    editor = policy_editor(page, "Identity policy 1")
    editor.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(",")  # not JSON now: the update says so
    page.wait_for_function("() => document.querySelector('[data-case-editor].htmx-request')")
    page.get_by_role("button", name="Add a key", exact=True).press("Enter")
    expect(page.get_by_label("Context key 10", exact=True)).to_be_focused()
    expect(decision).to_have_text("Can't evaluate yet")
    expect(page.locator(".htmx-request")).to_have_count(0)


def test_sandbox_action_suggestions_asked_again_while_the_last_are_out(page):
    """The action field asks for suggestions 200 ms after each pause in typing; a pause while
    the last answer is still out asked again and cancelled it (a console error)."""
    page.goto("/sandbox/")
    expect(page.locator("#live .decision-word")).to_have_text("Allowed")

    def late(route):
        time.sleep(0.6)
        route.continue_()

    page.route("**/sandbox/actions/**", late)
    action = page.get_by_label("Action", exact=True)
    action.focus()
    action.press("Control+a")
    with page.expect_request("**/sandbox/actions/**"):
        page.keyboard.type("s3:Get")
    page.keyboard.type("Obj")
    with page.expect_response(lambda r: "/sandbox/actions/" in r.url and "Obj" in r.url):
        pass
    expect(page.locator("#action-options option[value='s3:GetObject']")).to_have_count(1)
    expect(page.locator(".htmx-request")).to_have_count(0)
