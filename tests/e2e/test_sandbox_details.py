"""Smaller sandbox details: what the preset menu shows, limits that say so, step wording, the
folds on a phone (the diagram under the steps, the request's context keys)."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from srm_trainer.sandbox.state import (
    MAX_IDENTITY_POLICIES,
    PolicyText,
    SandboxState,
    encode_permalink,
    starter_state,
)
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import IDENTITY_EDITOR, settled, typed_and_left
from tests.e2e.layout import layout_problems

pytestmark = pytest.mark.e2e


def test_the_preset_menu_names_what_is_open(page):
    page.goto("/sandbox/")
    expect(page.get_by_label("Start from a preset")).to_have_value("")
    expect(page.locator("#preset option:checked")).to_have_text("(the starter example)")
    page.goto("/sandbox/?preset=role-trust-cross-account-assume")
    expect(page.get_by_label("Start from a preset")).to_have_value(
        "role-trust-cross-account-assume"
    )
    page.goto("/sandbox/?case=" + encode_permalink(SandboxState()))
    expect(page.locator("#preset option:checked")).to_contain_text("your own case")


def test_an_add_button_at_its_limit_says_so(page):
    empty = '{"Version": "2012-10-17", "Statement": []}'
    full = SandboxState(
        identity=tuple(PolicyText(text=empty) for _ in range(MAX_IDENTITY_POLICIES))
    )
    page.goto("/sandbox/?case=" + encode_permalink(full))
    expect(page.get_by_role("button", name="Add an identity policy")).to_have_count(0)
    expect(
        page.get_by_text("That is the most the sandbox takes (20 identity policies)")
    ).to_be_visible()


def test_steps_not_reached_read_plainly_and_the_page_is_accessible(page):
    page.goto("/sandbox/")
    policy = page.locator(IDENTITY_EDITOR).first
    policy.fill(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
    )
    expect(page.locator("#live .decision-word")).to_contain_text("Explicit deny")
    expect(page.locator("#live")).not_to_contain_text("(not reached)")
    expect(page.locator("#live .step-unreached").first).to_contain_text("Not reached")
    assert_accessible(page)


DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'


def test_on_a_phone_the_diagram_is_folded_under_the_steps_and_stays_as_opened(phone):
    """On a phone the diagram repeats the step list a screen and a half below it: folded there,
    opened by keyboard it stays open as the result changes."""
    phone.goto("/sandbox/")
    live = phone.locator("#live")
    expect(live.locator(".flow")).to_be_visible()
    summary = live.locator("summary", has_text="The same steps as a diagram")
    diagram = summary.locator("xpath=..")
    expect(diagram).not_to_have_attribute("open", "")
    expect(diagram.locator("figure")).to_be_hidden()
    summary.focus()
    phone.keyboard.press("Enter")
    expect(diagram.locator("figure")).to_be_visible()
    phone.locator(IDENTITY_EDITOR).first.fill(DENY_ALL)
    expect(live.locator(".decision-word")).to_contain_text("Explicit deny")
    expect(diagram).to_have_attribute("open", "")
    expect(diagram.locator("figure")).to_be_visible()


def test_on_a_wide_screen_the_diagram_shows_and_an_opened_fold_stays_open(page):
    page.goto("/sandbox/")
    live = page.locator("#live")
    expect(live.locator(".flow")).to_be_visible()
    expect(live.locator("figure.diagram")).to_be_visible()
    expect(live.get_by_text("The same steps as a diagram")).to_be_hidden()
    statements = live.locator("details.statements")
    statements.locator("summary").click()
    expect(statements.locator(".policy-explain").first).to_be_visible()
    page.locator(IDENTITY_EDITOR).first.fill(DENY_ALL)
    expect(live.locator(".decision-word")).to_contain_text("Explicit deny")
    expect(statements).to_have_attribute("open", "")
    expect(statements.locator(".policy-explain").first).to_contain_text("a Deny statement applied")
    expect(live.locator("figure.diagram")).to_be_visible()


# The example's request context: the nine keys AWS would send for an IAM user.
STARTER_KEYS = "Context keys (9): aws:username, aws:PrincipalType, aws:PrincipalArn and 6 more"
NEEDS_MFA = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
    '"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}'
)


def center(box) -> float:
    return box["y"] + box["height"] / 2


def test_on_a_phone_the_context_keys_are_folded_and_stay_as_opened(phone):
    """The request was a screen and three quarters tall on a phone (1,465 px), nine context keys
    half of it: folded there, the summary says which. Opened, each key is one line; the fold
    stays open as the learner types (the summary follows) and adds or removes a key, and a
    key added from a suggestion beside the closed fold opens it at the new key."""
    phone.goto("/sandbox/")
    request = phone.get_by_role("group", name="The request")
    fold = phone.locator("#context-fold")
    summary = fold.locator("summary")
    expect(summary).to_have_text(STARTER_KEYS)
    expect(fold).not_to_have_attribute("open", "")
    key = phone.get_by_label("Context key 1", exact=True)
    expect(key).to_be_hidden()
    height = request.bounding_box()["height"]
    assert height <= 900, f"the request is {height} px tall at 390 px"

    summary.focus()
    phone.keyboard.press("Enter")
    expect(key).to_be_visible()
    value = phone.get_by_label("Context key 1 value", exact=True)
    remove = phone.get_by_role("button", name="Remove context key 1", exact=True)
    boxes = [key.bounding_box(), value.bounding_box(), remove.bounding_box()]
    assert max(map(center, boxes)) - min(map(center, boxes)) < 2, boxes  # one line
    assert boxes[2]["width"] >= 24 and boxes[2]["height"] >= 24, boxes[2]
    key.fill("aws:userid")
    typed_and_left(phone, key)
    expect(summary).to_have_text(re.compile(r"^Context keys \(9\): aws:userid, "))
    expect(fold).to_have_attribute("open", "")

    phone.get_by_role("button", name="Add a key", exact=True).focus()
    phone.keyboard.press("Enter")
    added = phone.get_by_label("Context key 10", exact=True)
    expect(added).to_be_focused()
    expect(fold).to_have_attribute("open", "")
    expect(summary).to_contain_text("Context keys (10)")
    settled(phone)
    assert_accessible(phone)
    phone.get_by_role("button", name="Remove context key 10", exact=True).click()
    expect(added).to_have_count(0)
    expect(fold).to_have_attribute("open", "")
    settled(phone)

    summary.click()
    expect(key).to_be_hidden()
    phone.locator(IDENTITY_EDITOR).first.fill(NEEDS_MFA)
    suggestion = phone.get_by_role("button", name="Add aws:MultiFactorAuthPresent")
    expect(suggestion).to_be_visible()
    settled(phone)  # swapped in with the result, the suggestion is htmx's once it settles
    suggestion.click()
    # The key came with its name: the focus is on its value, what is left to type (it was on
    # the name, and a value typed there ran on after it: "aws:MultiFactorAuthPresenttrue").
    added_value = phone.get_by_label("Context key 10 value", exact=True)
    expect(added_value).to_be_focused()
    expect(added_value).to_be_visible()
    expect(added).to_have_value("aws:MultiFactorAuthPresent")
    phone.keyboard.type("true")
    expect(added).to_have_value("aws:MultiFactorAuthPresent")
    expect(added_value).to_have_value("true")


def test_on_a_phone_the_principals_quick_choices_take_two_lines_and_work_by_keyboard(phone):
    """The principal's five quick choices took three lines at 390 px (95 px under the field),
    and still three at 360 and 375 px with smaller chips. On a phone each shows a short word
    ("Role") and is named in full ("Role session"): two lines at all three widths. Each is a
    button of at least 24 px a side, reached by Tab with its focus drawn, that Enter presses
    (the field takes the choice; focus stays on the button)."""
    names = ["IAM user", "Role session", "Federated user", "AWS service", "Anonymous"]
    phone.goto("/sandbox/")
    principal = phone.get_by_label("Principal (who calls)")
    choices = phone.locator("#principal-help").get_by_role("button")
    for width in (360, 375, 390):
        phone.set_viewport_size({"width": width, "height": 844})
        for choice, name in zip(choices.all(), names, strict=True):
            expect(choice).to_have_accessible_name(name)
        assert [c.inner_text() for c in choices.all()] == [
            "User",
            "Role",
            "Federated",
            "Service",
            "Anonymous",
        ]
        boxes = [choice.bounding_box() for choice in choices.all()]
        lines = sorted({round(center(box)) for box in boxes})
        assert len(lines) <= 2, f"the quick choices take {len(lines)} lines at {width} px: {boxes}"
        for box in boxes:
            assert box["width"] >= 24 and box["height"] >= 24, box
        field = principal.bounding_box()
        assert all(box["x"] + box["width"] <= field["x"] + field["width"] + 1 for box in boxes)
        assert layout_problems(phone) == []

    principal.focus()
    for choice in choices.all():
        phone.keyboard.press("Tab")
        expect(choice).to_be_focused()
        outline = choice.evaluate(
            "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
        )
        assert outline[0] != "none" and float(outline[1].removesuffix("px")) >= 2, outline
    phone.keyboard.press("Enter")
    expect(principal).to_have_value("*")
    expect(phone.get_by_role("button", name="Anonymous", exact=True)).to_be_focused()
    settled(phone)


def test_on_a_desktop_the_principals_quick_choices_show_their_full_names(page):
    """The short words are for a phone only: at 1280 px each choice reads as it is named."""
    page.goto("/sandbox/")
    choices = page.locator("#principal-help").get_by_role("button")
    names = ["IAM user", "Role session", "Federated user", "AWS service", "Anonymous"]
    assert [c.inner_text() for c in choices.all()] == names
    for choice, name in zip(choices.all(), names, strict=True):
        expect(choice).to_have_accessible_name(name)


def test_on_a_phone_context_keys_with_an_error_are_not_folded(phone):
    """A key twice (names are case-insensitive) refuses the request: the fold opens on it, the
    message beside the keys; closed again by the reader, it stays closed while they type."""
    twice = (("aws:SourceIp", "203.0.113.10"), ("AWS:SOURCEIP", "198.51.100.7"))
    phone.goto("/sandbox/?case=" + encode_permalink(replace(starter_state(), context=twice)))
    fold = phone.locator("#context-fold")
    expect(fold).to_have_attribute("open", "")
    expect(fold.locator(".note-error")).to_contain_text("appears twice")
    expect(phone.get_by_label("Context key 2", exact=True)).to_be_visible()
    fold.locator("summary").click()
    phone.get_by_label("Action", exact=True).fill("s3:PutObject")
    expect(phone.locator("#arn-hint")).to_contain_text("s3:PutObject")
    settled(phone)
    expect(fold).not_to_have_attribute("open", "")


def test_on_a_wide_screen_the_request_is_compact_with_its_keys_in_view(page):
    page.goto("/sandbox/")
    expect(page.locator("#context-fold summary")).to_be_hidden()
    rows = page.locator(".context-row")
    expect(rows).to_have_count(9)
    expect(page.get_by_label("Context key 9 value", exact=True)).to_be_visible()
    # One line of fields (44 px tall, as every text field and menu is), not stacked.
    assert rows.first.bounding_box()["height"] <= 48
    arn = page.get_by_label("Resource ARN").bounding_box()
    account = page.get_by_label("Resource account").bounding_box()
    assert abs(arn["y"] - account["y"]) < 2 and account["x"] > arn["x"]  # side by side
    height = page.get_by_role("group", name="The request").bounding_box()["height"]
    # 1,194 px once every text field and menu became 44 px tall (docs/pages.md).
    assert height <= 1_230, f"the request is {height} px tall at 1280 px"


def test_a_key_added_right_after_typing_is_not_lost_to_the_live_update(page, console):
    """Leaving a field for a button fires the field's change event, whose live update starts
    100 ms later; while a busy server had not answered the button, that update replaced its
    request and the key was never added. The button's request carries what was typed."""

    def busy(route):
        if "op=add-context" in (route.request.post_data or ""):
            time.sleep(0.4)  # the change event's update is sent meanwhile
        route.continue_()

    # On a slow machine the typing's own update (400 ms) may be out before the click: the
    # button's request waits for it (the form's `hx-sync="this:queue last"`), none is aborted.
    page.goto("/sandbox/")
    page.route("**/sandbox/", busy)
    page.get_by_label("Context key 1", exact=True).fill("aws:userid")
    page.get_by_role("button", name="Add a key", exact=True).click()
    added = page.get_by_label("Context key 10", exact=True)
    expect(added).to_be_focused()
    expect(page.get_by_label("Context key 1", exact=True)).to_have_value("aws:userid")
    expect(page.locator("#context-summary")).to_have_text(
        re.compile(r"^Context keys \(10\): aws:userid, ")
    )
