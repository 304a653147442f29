"""A box that scrolls sideways (a wide table, a diagram, the labs' figures, a code block) is a
keyboard stop named "… (scrolls sideways)" only while it overflows (static/js/scroll-boxes.js): a
lesson table or a policy that fits a desktop is passed over by Tab and not said to scroll (a code
block is then no named group at all, only its text); on a phone, where it overflows, Tab stops on
it and it says so; a resize flips it either way, never taking the stop from the box that has
focus, and a box a live fragment brings is marked too. Without JavaScript the server's markup
stands: every box a stop, every table's and diagram's name saying it scrolls."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.journeys import open_the_reply_path, settled

pytestmark = pytest.mark.e2e

# Six columns: it fits a desktop's lesson column, not a phone's.
LESSON = "/learn/shared-responsibility/the-line-moves/"
NAME = "Table: Task, EC2, RDS, Lambda, S3, DynamoDB"
SAID = f"{NAME} (scrolls sideways)"

# A scenario's policy, in a lesson: it fits a desktop's lesson column, not a phone's, and is
# named after the summary that shows it.
POLICY_LESSON = "/learn/iam/users-and-groups/"
POLICY = "Identity-based policy: Developers group: DevTableAccess"
POLICY_SAID = f"Code: {POLICY} (scrolls sideways)"

# Focus what Tab reaches just before the box (the last visible focusable thing before it in
# the page), press Tab, and say whether focus landed on the box.
TABS_ONTO = """box => {
    const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
    const before = [...document.querySelectorAll(focusable)].filter(el =>
        el.tabIndex >= 0 && el.checkVisibility()
        && el.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING
        && !el.contains(box));
    before.at(-1).focus();
    return before.at(-1) === document.activeElement;
}"""


def tab_stops_on(page, box) -> bool:
    assert box.evaluate(TABS_ONTO), "nothing before the box takes focus"
    page.keyboard.press("Tab")
    return box.evaluate("box => box === document.activeElement")


def lesson_table(page):
    return page.locator(".prose .table-scroll").filter(has_text="DynamoDB")


def scrolls_as_a_named_stop_on_a_phone(page, box, said: str) -> None:
    """At 390 px `box` overflows, and so is a keyboard stop named `said` that the arrow keys
    scroll (what the stop is for)."""
    page.set_viewport_size(PHONE)
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "it should scroll at 390 px"
    expect(box).to_have_js_property("tabIndex", 0)
    expect(page.get_by_role("group", name=said, exact=True)).to_have_count(1)
    assert tab_stops_on(page, box)
    page.keyboard.press("ArrowRight")
    expect(box).not_to_have_js_property("scrollLeft", 0)


def fits_again_at_desktop_still_a_stop(page, box) -> None:
    """Back at 1280 px `box` no longer overflows, but it has focus, so it keeps its stop
    (taking it would throw focus to the page's start)."""
    page.set_viewport_size(DESKTOP)
    page.wait_for_function("b => b.scrollWidth <= b.clientWidth", arg=box.element_handle())
    page.wait_for_timeout(100)  # the resize has been seen
    assert box.evaluate("b => b === document.activeElement && b.tabIndex === 0")


def test_a_lesson_table_is_a_tab_stop_only_while_it_scrolls(page):
    page.goto(LESSON)
    box = lesson_table(page)
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), "the table should fit at 1280 px"
    expect(box).to_have_js_property("tabIndex", -1)
    expect(box).to_have_accessible_name(NAME)
    assert not tab_stops_on(page, box)

    scrolls_as_a_named_stop_on_a_phone(page, box, SAID)

    # Focused when it stops overflowing, it keeps its stop (focus is not thrown to the page's
    # start) until focus moves on; then it is passed over again.
    fits_again_at_desktop_still_a_stop(page, box)
    page.keyboard.press("Tab")
    expect(box).to_have_js_property("tabIndex", -1)
    expect(box).to_have_accessible_name(NAME)
    assert not tab_stops_on(page, box)


def scenario_policy(page):
    return page.locator("details.policy").filter(has_text=POLICY).locator("pre")


def is_plain_text(box) -> None:
    """Neither a stop nor a named group: a screen reader reads the code as text."""
    expect(box).to_have_js_property("tabIndex", -1)
    expect(box).not_to_have_attribute("role", re.compile(""))
    expect(box).not_to_have_attribute("aria-label", re.compile(""))


def test_a_code_block_is_a_named_tab_stop_only_while_it_scrolls(page):
    page.goto(POLICY_LESSON)
    code = scenario_policy(page)
    assert code.evaluate("b => b.scrollWidth <= b.clientWidth"), "the policy should fit at 1280 px"
    is_plain_text(code)
    assert not tab_stops_on(page, code)

    scrolls_as_a_named_stop_on_a_phone(page, code, POLICY_SAID)

    # Focused when it stops overflowing, it keeps its stop and its name until focus moves on.
    fits_again_at_desktop_still_a_stop(page, code)
    expect(code).to_have_accessible_name(POLICY_SAID)
    page.keyboard.press("Tab")
    is_plain_text(code)
    assert not tab_stops_on(page, code)


def test_a_box_a_live_fragment_brings_is_marked_too(page):
    """The network lab's trace is swapped in by htmx: its figure fits, so it is no stop, as
    the first one was."""
    page.goto("/lab/network/?preset=forgotten-ephemeral-ports")
    figure = page.locator("#result figure")
    expect(figure).to_have_js_property("tabIndex", -1)
    first = figure.element_handle()
    open_the_reply_path(page)
    expect(page.locator("#result .verdict").nth(1)).to_have_text("Reply allowed")
    settled(page)
    assert not first.evaluate("f => f.isConnected"), "the figure should have been replaced"
    expect(figure).to_have_js_property("tabIndex", -1)


def test_without_javascript_every_box_is_a_named_stop(browser, base_url, curriculum):
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(LESSON)
        box = lesson_table(page)
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
        expect(box).to_have_attribute("tabindex", "0")
        expect(box).to_have_accessible_name(SAID)
        boxes = page.locator(".table-scroll, .diagram-scroll")
        assert boxes.count() >= 2  # the table and the diagram
        for each in boxes.all():
            expect(each).to_have_attribute("tabindex", "0")
            expect(each).to_have_attribute("aria-label", re.compile(r" \(scrolls sideways\)$"))
        page.goto(POLICY_LESSON)
        code = page.locator("pre")
        assert code.count() >= 2  # the lesson's own policy and the scenario's
        for each in code.all():
            expect(each).to_have_attribute("tabindex", "0")
    finally:
        context.close()
