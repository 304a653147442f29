"""The labs answer as the learner types, the way the sandbox does (`{% live_form %}`,
srm_trainer/live_status.py, and static/js/live-updates.js): a port typed key by key changes the
result without leaving the field, in one request (not one a key, and none more on leaving the
field), and a result swapped in while typing neither moves the focus nor the caret. The network
and WAF labs traced only when a field was left or Enter pressed, and nothing said so: a learner
typing a port saw nothing change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import settled

pytestmark = pytest.mark.e2e

# A person's pace, 150 ms a key (about 65 words a minute); the pause that sends is 400 ms.
PACE = 150


def live_posts(page) -> list:
    sent: list = []
    page.on(
        "request",
        lambda r: (
            sent.append(r) if r.method == "POST" and r.headers.get("hx-request") == "true" else None
        ),
    )
    return sent


def caret(field) -> list[int]:
    return field.evaluate("(box) => [box.selectionStart, box.selectionEnd]")


@pytest.mark.parametrize(
    ("url", "label", "word", "shown", "before", "after", "said"),
    [
        (
            "/lab/network/",
            "Port",
            "443",
            "#result .netlab-outcome",
            "Request allowed",
            "Request blocked",
            "Request blocked at public-nacl: no reply.",
        ),
        (
            "/lab/waf/",
            "Repeat request 1",
            "90",
            "#waf-result .netlab-outcome",
            "3002 requests evaluated",
            "92 requests evaluated",
            "92 requests evaluated: 92 × Allow by the default action.",
        ),
    ],
    ids=["network", "waf"],
)
def test_a_word_typed_key_by_key_changes_the_result_in_one_request(
    page, url, label, word, shown, before, after, said
):
    page.goto(url)
    outcome = page.locator(shown)
    expect(outcome).to_contain_text(before)
    sent = live_posts(page)
    field = page.get_by_label(label, exact=True)
    field.focus()
    field.press("Control+a")
    field.press_sequentially(word, delay=PACE)
    expect(outcome).to_contain_text(after)  # the field never left
    expect(page.locator("#live-status")).to_have_text(said)
    settled(page)
    expect(field).to_be_focused()
    expect(field).to_have_value(word)
    assert caret(field) == [len(word), len(word)]
    page.wait_for_timeout(600)  # longer than the pause after a key (400 ms): nothing more goes
    # One at this pace (measured: one at 100-300 ms a key); two where a loaded machine holds a
    # key back past the pause. One a key would be three for a port.
    typed = len(sent)
    assert 1 <= typed <= 2, [r.post_data for r in sent]
    # Leaving the field (its change event) sends the same fields again no more.
    field.press("Tab")
    page.wait_for_timeout(600)
    assert len(sent) == typed


def test_leaving_a_sandbox_field_after_its_update_sends_nothing_more(page):
    """The same mechanism in the sandbox: a field left after the pause that sent it sent the same
    fields a second time (two requests for a word typed and left)."""
    page.goto("/sandbox/")
    decision = page.locator("#live .decision-word")
    expect(decision).to_have_text("Allowed")
    sent = live_posts(page)
    action = page.get_by_label("Action", exact=True)
    action.focus()
    action.press("Control+a")
    action.press_sequentially("s3:PutObject", delay=PACE)
    expect(decision).to_contain_text("Implicit deny")
    settled(page)
    expect(action).to_be_focused()
    assert caret(action) == [12, 12]
    page.wait_for_timeout(600)
    typed = len(sent)
    assert typed >= 1
    action.press("Tab")
    page.wait_for_timeout(600)
    assert len(sent) == typed


def test_results_swapped_in_between_keys_leave_the_caret_where_it_was(page):
    """Each key waits for the last one's answer (longer than the pause that sends it), so a
    result lands between keys, and one while the caret is inside the text."""
    page.goto("/lab/network/")
    result = page.locator("#result")
    sent = live_posts(page)
    port = page.get_by_label("Port", exact=True)
    port.focus()
    port.press("Control+a")
    for typed, verdict in (("2", "Request blocked"), ("22", "Request blocked")):
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.keyboard.type(typed[-1])
        settled(page)
        expect(port).to_be_focused()
        expect(port).to_have_value(typed)
        assert caret(port) == [len(typed), len(typed)]
        expect(result.locator(".verdict").first).to_have_text(verdict)
    port.press("ArrowLeft")  # between the two 2s
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.type("4")
    settled(page)
    expect(port).to_have_value("242")
    expect(port).to_be_focused()
    assert caret(port) == [2, 2]
    page.keyboard.type("3")  # typed on where the caret stayed
    expect(port).to_have_value("2432")
    assert len(sent) == 3


def test_a_slow_answer_that_lands_after_more_typing_is_not_shown_as_current(page):
    """A busy server: the answer for "2" comes back after the learner has typed "22". It is
    drawn greyed as from before the last change, marked busy, not said in the status region,
    and no field is marked with its error; the update for "22", which waited for it, follows
    and is the one said."""
    page.goto("/lab/network/")
    held: list = []
    page.route("**/lab/network/", lambda route: held.append(route))
    region = page.locator("#live-status")
    port = page.get_by_label("Port", exact=True)
    port.focus()
    port.press("Control+a")
    page.keyboard.type("x")  # not a port: its answer is an error about the field
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(20)
    assert len(held) == 1
    page.keyboard.type("2")  # the field says "x2" while the answer for "x" is out
    page.wait_for_timeout(600)
    assert len(held) == 1  # the update for "x2" waits for the one out (hx-sync)
    held[0].continue_()
    result = page.locator("#result")
    expect(result).to_have_attribute("data-live-outdated", "")
    expect(result).to_have_attribute("aria-busy", "true")
    expect(result.locator(".netlab-outcome")).to_contain_text("Port: must be a whole number")
    expect(result.locator(".netlab-outcome")).to_have_css("opacity", "0.6")
    expect(port).not_to_have_attribute("aria-invalid", "true")
    expect(region).to_be_empty()
    for _ in range(200):
        if len(held) == 2:
            break
        page.wait_for_timeout(20)
    assert len(held) == 2
    assert "flow-port=x2" in (held[1].request.post_data or "")
    held[1].continue_()
    expect(result).not_to_have_attribute("data-live-outdated", "")
    expect(result).not_to_have_attribute("aria-busy", "true")
    expect(result.locator(".netlab-outcome")).to_have_css("opacity", "1")
    expect(region).to_contain_text("Port: must be a whole number")
    expect(port).to_have_attribute("aria-invalid", "true")
    expect(port).to_be_focused()
    expect(port).to_have_value("x2")


def test_an_update_over_the_rate_limit_while_typing_keeps_the_text_and_greys_the_result(
    page, console, settings
):
    console.allow("status of 429")
    page.goto("/lab/network/")
    result = page.locator("#result")
    expect(result.locator(".verdict").first).to_have_text("Request allowed")
    limits = settings.RATE_LIMITS
    settings.RATE_LIMITS = {**limits, "sandbox": "0/60"}
    port = page.get_by_label("Port", exact=True)
    port.focus()
    port.press("Control+a")
    port.press_sequentially("22", delay=PACE)
    alert = result.locator("#live-refusal").get_by_role("alert")
    expect(alert).to_contain_text("a lot of updates in a short time")
    expect(alert).to_contain_text("from before this change")
    expect(result.locator("#live-refusal ~ .netlab-outcome")).to_have_css("opacity", "0.6")
    expect(result.locator(".verdict").first).to_have_text("Request allowed")  # the old one, greyed
    expect(port).to_have_value("22")
    expect(port).to_be_focused()
    # Leaving the field asks again (a refused update answered nothing), and, allowed again,
    # the result is the one for what was typed.
    settings.RATE_LIMITS = limits
    with page.expect_response(lambda r: r.request.method == "POST"):
        port.press("Tab")
    expect(result.locator("#live-refusal")).to_be_empty()
    expect(result.locator(".verdict").first).to_have_text("Request blocked")
