"""A live update never carries a button's value: only a real press of the button does.

htmx takes a submit button that merely has focus for the form's submitter and sends its name and
value with the form's next request, even one its `input` or `change` trigger starts. Leaving a
field by Tab puts the focus on the button after it (a "Remove" beside a context key, a quick
principal, "Open this case"), and the live update that the field's change starts then acted as
if that button had been pressed (static/js/live-updates.js)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import answered, settled, typed_and_left

pytestmark = pytest.mark.e2e

REGIONS = "/sandbox/?preset=scp-deny-outside-approved-regions"


def live_posts(page) -> list[dict[str, list[str]]]:
    """The form fields of every live update (htmx POST) the page sends from now on."""
    sent: list[dict[str, list[str]]] = []

    def seen(request):
        if request.method == "POST" and request.headers.get("hx-request") == "true":
            sent.append(parse_qs(request.post_data or "", keep_blank_values=True))

    page.on("request", seen)
    return sent


def on_button(page, name: str) -> None:
    """Tab left the field for the button `name`: it has the focus, not pressed."""
    expect(page.get_by_role("button", name=name, exact=True)).to_be_focused()


def shared_state(page):
    """The case the result's permalink holds: what the server evaluated."""
    from srm_trainer.sandbox.state import decode_permalink

    link = page.locator("#permalink").input_value()
    return decode_permalink(parse_qs(urlsplit(link).query)["case"][0])


def decision(page):
    return page.locator("#live .decision-word")


def test_tab_from_a_context_value_onto_its_remove_button_keeps_the_key(page):
    page.goto(REGIONS)
    expect(decision(page)).to_have_text(re.compile(r"^Explicit deny"))
    sent = live_posts(page)
    value = page.get_by_label("Context key 1 value", exact=True)
    value.fill("eu-west-1")
    typed_and_left(page, value)
    on_button(page, "Remove context key 1")

    expect(decision(page)).to_have_text(re.compile(r"^Allowed"))
    expect(page.get_by_label("Context key 1 value", exact=True)).to_have_value("eu-west-1")
    assert ("aws:RequestedRegion", "eu-west-1") in shared_state(page).context
    assert sent and all("op" not in fields for fields in sent)


def test_tab_from_the_principal_onto_a_quick_choice_keeps_the_typed_principal(page):
    page.goto(REGIONS)
    sent = live_posts(page)
    principal = page.get_by_label("Principal (who calls)")
    typed = "arn:aws:iam::111122223333:role/auditor"
    principal.fill(typed)
    typed_and_left(page, principal)
    on_button(page, "IAM user")

    expect(principal).to_have_value(typed)
    expect(page.locator("#permalink")).to_be_visible()
    assert shared_state(page).principal == typed
    assert sent and all("op" not in fields for fields in sent)


def test_tab_from_a_policy_name_onto_remove_keeps_the_policy(page):
    page.goto(REGIONS)
    before = decision(page).inner_text()
    count = page.locator("textarea[name^='identity-']").count()
    sent = live_posts(page)
    name = page.get_by_label("Name of identity policy 1")
    name.fill("ReadReports")
    typed_and_left(page, name)
    on_button(page, "Remove Identity policy 1")

    expect(decision(page)).to_have_text(before)
    expect(page.locator("textarea[name^='identity-']")).to_have_count(count)
    assert shared_state(page).identity[0].name == "ReadReports"
    assert sent and all("op" not in fields for fields in sent)


def test_a_key_added_typed_and_left_by_tab_is_in_the_result(page):
    page.goto(REGIONS)
    rows = page.locator(".context-row")
    n = rows.count()
    page.get_by_role("button", name="Add a key").click()
    expect(rows).to_have_count(n + 1)
    settled(page)
    sent = live_posts(page)
    with answered(page):  # its live update answered before the next field's replaces it
        page.get_by_label(f"Context key {n + 1}", exact=True).fill("aws:PrincipalTag/team")
    value = page.get_by_label(f"Context key {n + 1} value", exact=True)
    value.fill("reports")
    typed_and_left(page, value)
    on_button(page, f"Remove context key {n + 1}")

    expect(rows).to_have_count(n + 1)
    expect(value).to_have_value("reports")
    assert ("aws:PrincipalTag/team", "reports") in shared_state(page).context
    assert sent and all("op" not in fields for fields in sent)


def test_a_button_pressed_by_keyboard_still_acts(page):
    """Tab onto "Remove context key 1" as above, then press it: now it removes the key."""
    page.goto(REGIONS)
    rows = page.locator(".context-row")
    n = rows.count()
    value = page.get_by_label("Context key 1 value", exact=True)
    value.fill("eu-west-1")
    typed_and_left(page, value)
    page.keyboard.press("Enter")
    expect(rows).to_have_count(n - 1)
    settled(page)
    assert all(key != "aws:RequestedRegion" for key, _ in shared_state(page).context)


def test_network_lab_json_left_by_tab_onto_open_sends_no_update(page):
    """The whole-case JSON is read by "Open this case" alone, the trace by the fields above it:
    typing in it and leaving it by Tab (onto "Open this case") sends no live update (one went
    at every pause in typing, and one carrying "Open" answered a whole page into the result)."""
    page.goto("/lab/network/")
    result = page.locator("#result")
    expect(result.locator(".verdict").first).to_be_visible()
    sent = live_posts(page)
    page.get_by_text("Edit the whole case as JSON").click()
    text = page.get_by_label("Case (network and flow)")
    text.press("End")
    text.press_sequentially(" x", delay=500)
    typed_and_left(page, text)
    on_button(page, "Open this case")

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("#result #workspace, #result header")).to_have_count(0)
    expect(result.locator(".verdict").first).to_be_visible()
    assert sent == []
    port = page.get_by_label("Port", exact=True)  # a field the trace reads still sends one
    with answered(page):
        port.fill("22")
    assert len(sent) == 1 and "op" not in sent[0]
