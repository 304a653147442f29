"""Signing up keeps what an anonymous learner did, and brings them back where they were; the
two-factor step of signing in offers Sign in as its main action."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from lessons.models import Lesson, LessonProgress
from quizzes.models import Attempt, ReviewCard
from tests.conftest import give_mfa
from tests.e2e.journeys import (
    ATTEMPT,
    PASSWORD,
    fill_sign_in,
    fill_sign_up,
    make_user,
    no_horizontal_scroll,
)
from tests.e2e.layout import layout_problems

pytestmark = pytest.mark.e2e


def test_anonymous_work_is_carried_over_at_sign_up(page, live_server):
    # Anonymously: one quiz attempt, submitted with misses, and one lesson marked complete.
    page.goto("/quizzes/iam-quiz/")
    page.get_by_role("button", name="Start the quiz").press("Enter")
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit and see your result").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    lesson = Lesson.objects.in_reading_order().first()
    page.goto(lesson.get_absolute_url())
    page.get_by_role("button", name="Mark lesson complete").press("Enter")
    expect(page.locator("#progress")).to_contain_text("Lesson completed.")
    # Focus stays in the progress box (on the button now offered), not the page's top.
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_focused()

    page.locator("#progress").get_by_role("link", name="Create an account").click()
    fill_sign_up(page, "newton")
    expect(page).to_have_url(live_server.url + lesson.get_absolute_url())
    expect(page.locator("#progress")).to_contain_text("Lesson completed.")
    assert LessonProgress.objects.filter(user__username="newton", lesson=lesson).exists()
    assert Attempt.objects.filter(user__username="newton").count() == 1
    assert ReviewCard.objects.filter(user__username="newton").exists()

    page.goto("/quizzes/")
    expect(page.get_by_text("1 attempt,")).to_be_visible()
    page.goto("/quizzes/iam-quiz/")
    expect(page.locator("table.attempts tbody tr")).to_have_count(1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_code_step_draws_sign_in_as_the_main_action_and_cancel_beside_it(page, scheme):
    """Cancel was drawn filled, as Sign in is (`button.button` outweighed the secondary class on
    a <button>): two equal buttons, the one that abandons the sign-in as prominent as the one
    that finishes it."""
    page.emulate_media(color_scheme=scheme)
    give_mfa(make_user("ada"))
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill("ada")
    page.get_by_label(re.compile(r"^Password$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password$")).press("Enter")
    code = page.get_by_label("Code")
    sign_in = page.get_by_role("button", name="Sign in")
    cancel = page.get_by_role("button", name="Cancel")
    fill = sign_in.evaluate("b => getComputedStyle(b).backgroundColor")
    assert fill != "rgba(0, 0, 0, 0)"
    assert cancel.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"
    # Cancel's words in the main button's colour, on the page's own background.
    assert cancel.evaluate("b => getComputedStyle(b).color") == fill
    assert layout_problems(page) == []
    code.focus()  # Tab from the code reaches Sign in first, then Cancel
    page.keyboard.press("Tab")
    expect(sign_in).to_be_focused()
    page.keyboard.press("Tab")
    expect(cancel).to_be_focused()


def _ringed(locator) -> None:
    """The focused control shows its focus: an outline at least 2 px wide."""
    style = locator.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2, style


def test_the_code_step_and_confirm_its_you_open_in_the_code_field(page):
    """The code page opened at its top: a keyboard user tabbed past the header's links to the
    field. It opens in it (`autofocus`, no script), so the code is typed straight away; so does
    "Confirm it's you" with a code, and with the password."""
    secret = give_mfa(make_user("ada"))
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill("ada")
    page.get_by_label(re.compile(r"^Password$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password$")).press("Enter")
    code = page.get_by_label("Code")
    expect(code).to_be_focused()
    _ringed(code)
    step = int(time.time()) // 30
    page.keyboard.type(format_hotp_value(hotp_value(secret, step)))
    page.keyboard.press("Enter")
    expect(page.locator(".whoami")).to_have_text("Signed in as ada")

    page.goto("/accounts/reauthenticate/?next=/accounts/2fa/")
    expect(page.get_by_label(re.compile(r"^Password$"))).to_be_focused()
    page.get_by_role("link", name=re.compile("authenticator app", re.I)).click()
    code = page.get_by_label("Code")
    expect(code).to_be_focused()
    _ringed(code)
    # A code is accepted once: the next step's (accepted one step early, MFA_TOTP_TOLERANCE).
    page.keyboard.type(format_hotp_value(hotp_value(secret, step + 1)))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))


def test_a_refused_sign_up_opens_on_the_first_field_in_error(page):
    """The page came back with the focus at its top: a keyboard or screen-reader user had to
    hunt for the refused field. It opens on the password, read with its message, and the
    mistyped second password is said at the same time (srm_trainer/error_focus.py)."""
    page.goto("/accounts/signup/")
    page.get_by_label("Username", exact=True).fill("newton")
    page.get_by_label(re.compile(r"^Password$")).fill("short")
    again = page.get_by_label(re.compile(r"^Password \(again\)$"))
    again.fill("shorter")
    again.press("Enter")
    first = page.get_by_label(re.compile(r"^Password$"))
    expect(first).to_be_focused()
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(first).to_have_accessible_description(re.compile("This password is too short"))
    expect(again).to_have_accessible_description(re.compile("same password each time"))
    expect(page.get_by_label("Username", exact=True)).to_have_value("newton")
    assert layout_problems(page) == []


def test_a_refused_sign_in_opens_on_its_message_and_tab_reaches_the_username(page):
    make_user("ada")
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill("ada")
    page.get_by_label(re.compile(r"^Password$")).fill("not-the-password")
    page.get_by_label(re.compile(r"^Password$")).press("Enter")
    message = page.locator(".form-error")
    expect(message).to_be_focused()
    expect(message).to_contain_text("not correct")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username", exact=True)).to_be_focused()


@pytest.mark.parametrize("width", [1280, 800])
def test_a_long_username_never_pushes_sign_out_off_a_wide_header(page, width):
    """A username may be 150 characters. Above phone width the header printed it whole, one
    unbreakable word: the page scrolled sideways and "Account" and "Sign out" sat off-screen.
    It is cut short instead (its whole text still read out, and shown on hover)."""
    username = "Zoe_" + "x" * 146
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/signup/")
    fill_sign_up(page, username)
    no_horizontal_scroll(page)
    header = page.get_by_role("banner")
    for control in (
        header.get_by_role("link", name="Account"),
        header.get_by_role("button", name="Sign out"),
    ):
        expect(control).to_be_in_viewport(ratio=1)
    expect(page.locator(".whoami strong")).to_have_attribute("title", username)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        ("NotAllowedError", "No security key was used: the browser's prompt was cancelled"),
        ("SecurityError", "The browser refused to use a security key on this address"),
    ],
)
def test_a_security_key_prompt_that_fails_says_so_in_the_page(page, error, said):
    """allauth's script only logged a refused or failed prompt to the console: the Add button
    seemed to do nothing (static/js/security-key-errors.js). The browser's prompt is made to
    fail as a browser without a key, or on an address keys refuse, makes it fail."""
    make_user("ada")
    page.add_init_script(
        "navigator.credentials.create = () => "
        f"Promise.reject(new DOMException('refused', '{error}'));"
    )
    page.goto("/accounts/login/?next=/accounts/2fa/webauthn/add/")
    fill_sign_in(page, "ada")
    page.goto("/accounts/2fa/webauthn/add/")
    password = page.get_by_label(re.compile(r"^Password$"))
    password.fill(PASSWORD)
    password.press("Enter")
    add = page.get_by_role("button", name="Add")
    expect(add).to_be_visible()
    # The page's deferred scripts hold the prompt's handler: a click before they ran was a
    # click on nothing (one CI run of 2026-12-05 under load).
    page.wait_for_load_state("load")
    add.click()
    alert = page.locator("#page-alert [role=alert]")
    expect(alert).to_contain_text(said)
    expect(add).to_be_focused()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/$"))


def test_enter_in_a_security_keys_name_asks_for_the_key(page):
    """Enter in the name field is how a keyboard user finishes a form. allauth's Add button is
    not a submit button (a script runs the browser's prompt), so Enter posted the form with no
    key: the page reloaded, saying nothing and adding nothing. It presses Add instead
    (static/js/security-key-enter.js); the prompt here fails, as without a key, and says so."""
    make_user("ada")
    page.add_init_script(
        "navigator.credentials.create = () => "
        "Promise.reject(new DOMException('refused', 'NotAllowedError'));"
    )
    page.goto("/accounts/login/?next=/accounts/2fa/webauthn/add/")
    fill_sign_in(page, "ada")
    page.goto("/accounts/2fa/webauthn/add/")
    password = page.get_by_label(re.compile(r"^Password$"))
    password.fill(PASSWORD)
    password.press("Enter")
    name = page.get_by_label("Name")
    expect(name).to_be_visible()
    page.wait_for_load_state("load")
    name.fill("Laptop")
    name.press("Enter")
    expect(page.locator("#page-alert [role=alert]")).to_contain_text("No security key was used")
    expect(name).to_have_value("Laptop")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/$"))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_account_tabs_are_one_row_on_a_desktop_and_whole_on_a_phone(page, width):
    """The five tabs need about 662 px and the account column was 576: at 1280 px "Your data"
    dropped to a second line. On a desktop they are one row now, on a phone they wrap, each
    tab whole (no label broken over two lines) and the page no wider than the window; the
    tabs keep their names."""
    from tests.e2e.test_reflow import signed_in_as

    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    signed_in_as(page, make_user("tabs"))
    page.goto("/accounts/password/change/")
    tabs = page.get_by_role("navigation", name="Your account").get_by_role("link")
    expect(tabs).to_have_text(
        ["Password", "E-mail", "Two-factor authentication", "Name for instructors", "Your data"]
    )
    boxes = [tabs.nth(i).bounding_box() for i in range(5)]
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.account-nav a')).lineHeight)"
    )
    for box in boxes:
        assert box["height"] < 2 * line, box  # one line of text each
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    if width >= 1280:
        assert len({round(box["y"]) for box in boxes}) == 1, boxes
    no_horizontal_scroll(page)
