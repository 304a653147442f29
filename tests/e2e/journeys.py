"""Steps many journeys share. Sign-up and sign-in live only here, and find fields by their
label, so a change of account pages (allauth) is adapted in one place; the second factors an
account signs in with are set up by tests/conftest.py's `give_mfa` and `give_passkey`."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Locator, Page, expect

PASSWORD = "a-long-passphrase-for-e2e"


def sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    """From any page: follow the header's "Sign up" link, fill the form, submit by keyboard."""
    page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    fill_sign_up(page, username, password)


def fill_sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    """On the sign-up page: fill it in and press Enter in the last field."""
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label(re.compile(r"^Password$")).fill(password)
    again = page.get_by_label(re.compile(r"^Password (confirmation|\(again\))$", re.I))
    again.fill(password)
    again.press("Enter")
    expect(page.locator(".whoami")).to_have_text(f"Signed in as {username}")


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """From any page: follow the header's "Sign in" link, fill the form, submit by keyboard."""
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    fill_sign_in(page, username, password)


def fill_sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    field = page.get_by_label(re.compile(r"^Password$"))
    field.fill(password)
    field.press("Enter")
    expect(page.locator(".whoami")).to_have_text(f"Signed in as {username}")


def sign_in_with_code(page: Page, username: str, secret: str, password: str = PASSWORD) -> None:
    """From any page, as `sign_in`, then the authenticator app's current code (instructors and
    staff have two-factor sign-in; `secret` is what `give_mfa` returned)."""
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username", exact=True).fill(username)
    field = page.get_by_label(re.compile(r"^Password$"))
    field.fill(password)
    field.press("Enter")
    code = page.get_by_label("Code")
    code.fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    code.press("Enter")
    expect(page.locator(".whoami")).to_have_text(f"Signed in as {username}")


def make_user(username: str, password: str = PASSWORD):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username, password=password)


def no_horizontal_scroll(page: Page) -> None:
    """The page is no wider than the viewport (a phone never scrolls sideways)."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px viewport"


# Each word of the visible text under `selector` (split after a hyphen or slash, where a line may
# end) whose letters are drawn on more than one line. Code (an ARN, an action name) may break
# anywhere, and text clipped to 1 px for screen readers is drawn nowhere.
_BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('code, kbd, samp, script, style')) continue;
      if (parent.getBoundingClientRect().width <= 1) continue;
      for (const m of node.data.matchAll(/[^\\s\\-\\/]+[\\-\\/]?/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def words_broken(page: Page, selector: str) -> list[str]:
    """The words under `selector` broken across lines without a hyphen: where a browser has no
    hyphenation dictionary (headless Chromium, many phones) `hyphens: auto` adds none, and a
    narrow column then cut "Applications" into "Applicatio" and "ns"."""
    return page.evaluate(_BROKEN_WORDS, selector)


# An attempt's page, where "Start the quiz" goes. `page.wait_for_url(ATTEMPT)` waits for its
# load event too, after which htmx has set the page up: on a loaded machine a question's
# heading shows before that, and an answer chosen then sent no autosave, and a check went
# without htmx (a page of its own), which two CI runs met.
ATTEMPT = re.compile(r"/quizzes/attempts/\d+/")
# A lesson's page, for the same wait after a link or button that leads to one.
LESSON = re.compile(r"/learn/[-\w]+/[-\w]+/$")


def settled(page: Page) -> None:
    """Wait until htmx has finished swapping and settling (it moves focus to an `autofocus`
    element when it settles): a key pressed before that can land on the element it focuses.
    A person never types within those few milliseconds; a test can."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, "
        ".htmx-added')"
    )
    page.wait_for_timeout(50)  # htmx's settle delay (20 ms) and its focus call after it


def next_page_with_htmx(page: Page, *, count: Locator, pager: str, url, rows: Locator) -> None:
    """Press the htmx pager's "Next page" (templates/_pager.html) by keyboard and check what a
    reader relies on: the list swapped in without a reload, the address pushed (`url`), and the
    count line saying page 2 and taking focus above the new rows (static/js/pager.js), which
    differ from the first page's."""
    first = rows.first.inner_text()
    page.evaluate("() => { window.notReloaded = true; }")
    page.get_by_role("navigation", name=pager).get_by_role("link", name="Next page").press("Enter")
    expect(page).to_have_url(url)
    expect(count).to_contain_text("page 2 of")
    settled(page)
    expect(count).to_be_focused()
    assert page.evaluate("() => window.notReloaded"), "the page was loaded afresh"
    assert rows.first.inner_text() != first


@contextmanager
def answered(page: Page) -> Iterator[None]:
    """Wait, after the edit made inside, for the live update it starts to be answered and
    swapped in, so that what the test reads next is that update's answer. (An edit while an
    update is out waits for it: the sandbox's and labs' `hx-sync="this:queue last"`; the
    instructor's editors' `this:replace` cancels it, which htmx logs as a console error.) For
    edits a Tab cannot follow (Tab indents in a policy editor); fields have `typed_and_left`."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.request.headers.get("hx-request") == "true"
    ):
        yield
    settled(page)


def typed_and_left(page: Page, field) -> None:
    """Leave `field` by Tab, as a person goes on, and let the live updates its typing and its
    change event start (400 and 100 ms later) land, so a button pressed next acts on the page
    as the updates left it (and, where a form's hx-sync is `this:replace`, cancels none)."""
    field.press("Tab")
    page.wait_for_timeout(400)
    settled(page)


# The editable part of the policy editor that stands in for an identity policy's textarea.
IDENTITY_EDITOR = "textarea[name^='identity-'] + .policy-editor .cm-content"


def policy_editor(scope, name: str):
    """The policy editor (CodeMirror, over a hidden textarea) labelled `name`. `fill()` replaces
    its text as one typed insertion; the textarea follows, and htmx's live update fires.

    Only CodeMirror's editable element matches: before the script upgrades the page the textarea
    carries the same name, and an action that resolved to it would wait on it forever once it
    is hidden (Playwright re-resolves a locator only when its element leaves the page)."""
    return scope.get_by_role("textbox", name=name, exact=True).and_(scope.locator(".cm-content"))


def open_the_reply_path(page, protocol: str | None = None) -> None:
    """In the network lab's starting example (or "forgotten-ephemeral-ports"), add the outbound
    network ACL rule its replies lack (110: ports 1024-65535 to anywhere, for `protocol` if
    given), then leave the field (the trace runs again as the fields are typed; leaving sends
    the last of them at once)."""
    page.locator("#nacl-0-outbound-1-rule").fill("110")
    if protocol:
        page.locator("#nacl-0-outbound-1-protocol").select_option(protocol)
    page.locator("#nacl-0-outbound-1-ports").fill("1024-65535")
    page.locator("#nacl-0-outbound-1-cidr").fill("0.0.0.0/0")
    page.locator("#nacl-0-outbound-1-cidr").press("Tab")
