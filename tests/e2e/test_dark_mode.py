"""The dark palette: with the OS set to dark, every page is dark and passes axe (colour contrast
included); the header's toggle pins a palette that survives a reload and other pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.e2e.accessibility import serious_violations
from tests.e2e.conftest import DESKTOP, watched_page
from tests.e2e.journeys import make_user, policy_editor, settled, sign_in
from tests.e2e.test_crawl import crawl, every_page
from tests.e2e.test_quiz import start_quiz
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e

# Pages the crawl does not open, each showing colours of its own: the labs' SVG traces and charts.
MORE_PAGES = [
    "/lab/network/?preset=forgotten-ephemeral-ports",
    "/lab/waf/",
    "/lab/findings/",
]


@pytest.fixture
def dark(browser, base_url, curriculum):
    """A desktop browser whose OS asks for a dark colour scheme."""
    yield from watched_page(browser, base_url=base_url, viewport=DESKTOP, color_scheme="dark")


@pytest.fixture
def light(browser, base_url, curriculum):
    yield from watched_page(browser, base_url=base_url, viewport=DESKTOP, color_scheme="light")


def background(page) -> tuple[int, int, int]:
    css = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    return tuple(int(n) for n in re.findall(r"\d+", css)[:3])


def is_dark(page) -> bool:
    return sum(background(page)) < 3 * 60


SHOTS = {
    "home": "/",
    "lesson": "/learn/encryption-and-kms/keys-hashes-and-signatures/",
    "sandbox": "/sandbox/?preset=role-trust-cross-account-assume",
    "network-lab": MORE_PAGES[0],
}


def test_every_page_is_dark_and_passes_axe_when_the_os_asks_for_dark(dark, screenshots):
    dark._e2e_console.allow("status of 404")  # /no-such-page/
    dark.goto("/")
    assert is_dark(dark), background(dark)
    problems = crawl(dark, every_page() + MORE_PAGES)
    assert not problems, "\n".join(problems)
    for name, url in SHOTS.items():  # for people to look at: build/e2e-screenshots/dark-*.png
        dark.goto(url)
        dark.screenshot(path=screenshots / f"dark-{name}.png", full_page=name != "lesson")


def test_feedback_and_results_read_well_in_the_dark(dark):
    """Colours only seen after an answer: the quiz's feedback and the attempt's result."""
    make_user("lovelace")
    make_quiz(Question.objects.get(slug="enc-sign-large-file"), slug="sign-one", title="Sign")
    dark.goto("/")
    sign_in(dark, "lovelace")
    start_quiz(dark, "sign-one")
    dark.get_by_label(re.compile("Download the private key")).check()
    dark.get_by_role("button", name="Check answer").press("Enter")
    expect(dark.locator(".feedback-wrong")).to_be_visible()
    settled(dark)  # as a learner sees it: the verdict focused, its ring drawn
    problems = [f"feedback: {v}" for v in serious_violations(dark)]
    dark.get_by_role("link", name="Review and submit").click()
    problems += [f"summary: {v}" for v in serious_violations(dark)]
    dark.get_by_role("button", name="Submit and see your result").click()
    expect(dark.locator(".result-summary")).to_be_visible()
    problems += [f"result: {v}" for v in serious_violations(dark)]
    assert not problems, "\n".join(problems)


def test_the_toggle_pins_dark_across_reloads_and_pages_and_unpins_when_it_matches_the_os(light):
    light.goto("/")
    toggle = light.get_by_role("button", name="Dark theme")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert not is_dark(light)

    toggle.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert is_dark(light)
    light.reload()
    expect(light.get_by_role("button", name="Dark theme")).to_have_attribute("aria-pressed", "true")
    assert is_dark(light)
    light.goto("/learn/encryption-and-kms/keys-hashes-and-signatures/")
    assert is_dark(light) and light.evaluate("() => localStorage.getItem('srm-theme')") == "dark"

    light.get_by_role("button", name="Dark theme").click()  # back to what the OS prefers
    assert not is_dark(light)
    assert light.evaluate("() => localStorage.getItem('srm-theme')") is None


def test_the_toggle_can_pin_light_when_the_os_prefers_dark(dark):
    dark.goto("/quizzes/")
    dark.get_by_role("button", name="Dark theme").click()
    dark.goto("/")
    expect(dark.get_by_role("button", name="Dark theme")).to_have_attribute("aria-pressed", "false")
    assert not is_dark(dark)


def test_a_pinned_palette_is_set_before_the_page_paints(light):
    """No flash: theme.js runs in <head>, blocking and before <body> exists, so the pinned
    palette is in place for the first paint (a deferred script would run after it)."""
    light.goto("/")
    light.evaluate("() => localStorage.setItem('srm-theme', 'dark')")
    light.add_init_script(
        "new MutationObserver((_, watcher) => { if (document.body) {"
        " window.__themeAtBody = document.documentElement.getAttribute('data-theme');"
        " watcher.disconnect(); } }).observe(document, {childList: true, subtree: true});"
    )
    light.reload()
    assert light.evaluate("() => window.__themeAtBody") == "dark"
    head_script = light.locator("head script[src*='theme.js']")
    assert head_script.evaluate("s => !s.defer && !s.async")


_CONTRAST = """([fg, bg]) => {
  const rgb = (el, prop) => getComputedStyle(el)[prop].match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [a, b] = [lum(rgb(fg, "color")), lum(rgb(bg, "backgroundColor"))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_the_policy_editors_colours_read_in_the_dark(dark):
    """The cursor's line number sat on the light palette's beige (1.9:1) and numbers and
    true/false/null kept their light colours: each now reads at 4.5:1 at least."""
    dark.goto("/sandbox/")
    editor = policy_editor(dark, "Identity policy 1")
    editor.fill('{"Version": "2012-10-17", "Statement": [], "n": 1, "b": true}')
    editor.press("Control+Home")
    gutter = dark.locator(".cm-activeLineGutter").first
    expect(gutter).to_be_visible()
    assert gutter.evaluate(f"(el) => ({_CONTRAST})([el, el])") >= 4.5
    body = dark.locator(".cm-editor").first
    for token in ("1", "true"):
        span = editor.locator("span", has_text=re.compile(f"^{token}$")).first
        ratio = span.evaluate(f"(el, bg) => ({_CONTRAST})([el, bg])", body.element_handle())
        assert ratio >= 4.5, (token, ratio)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_refused_sign_ins_message_is_a_box_that_reads_in_both_palettes(
    browser, base_url, curriculum, scheme
):
    """The form's own message opens focused; its ring touched the "Username" label under it.
    It is a tinted box now, set off from the first field, its words at 4.5:1 on its tint."""
    make_user("lovelace")
    for page in watched_page(browser, base_url=base_url, viewport=DESKTOP, color_scheme=scheme):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("lovelace")
        page.get_by_label("Password").fill("not-her-password")
        page.get_by_role("button", name="Sign in").click()
        message = page.locator(".auth-form .form-error")
        expect(message).to_be_focused()
        assert message.evaluate(f"(el) => ({_CONTRAST})([el, el])") >= 4.5
        label = page.locator("label[for=id_login]")
        gap = label.bounding_box()["y"] - sum(message.bounding_box()[k] for k in ("y", "height"))
        assert gap >= 12, gap  # 1rem: clear of the focus ring (3 px and its offset)
