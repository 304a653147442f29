"""An admin autocomplete field's open list, used from the keyboard, in light and dark: the
combobox names the listbox it controls (select2 said only aria-owns, which axe and ARIA 1.2's
combobox want as aria-controls), its aria-activedescendant follows the arrow keys, and the
highlighted option is readable (Django's white on light blue was 2.4:1; WCAG AA asks 4.5:1).
static/js/admin-autocomplete.js and static/css/admin-autocomplete.css."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import give_mfa
from tests.e2e.accessibility import serious_violations
from tests.e2e.conftest import ConsoleErrors, watch
from tests.e2e.journeys import PASSWORD, make_user, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

COMBOBOX = ".field-owner .select2-selection[role=combobox]"
OPEN = ".select2-container--open"  # the open dropdown (and the combobox beside its select)
HIGHLIGHTED = ".select2-results__option--highlighted"
AA_TEXT = 4.5


def _channels(css: str) -> tuple[float, ...]:
    found = re.fullmatch(r"rgba?\(([^)]*)\)", css.strip())
    assert found, f"not an rgb() colour: {css!r}"
    parts = [float(p) for p in re.split(r"[\s,/]+", found.group(1).strip())]
    return tuple(parts) if len(parts) == 4 else (*parts, 1.0)


def _luminance(rgb: tuple[float, ...]) -> float:
    """WCAG 2's relative luminance of an sRGB colour given as 0-255 channels."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG 2's contrast ratio of two computed colours; an opaque background only (a
    translucent one would need what lies under it, and the highlight is opaque)."""
    fg, bg = _channels(foreground), _channels(background)
    assert bg[3] == 1.0 and fg[3] == 1.0, f"translucent: {foreground} on {background}"
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_is_wcags_ratio():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(255, 255, 255)", "rgb(121, 174, 200)") == pytest.approx(2.42, abs=0.01)
    assert contrast("rgb(119, 119, 119)", "rgba(255, 255, 255, 1)") == pytest.approx(4.48, abs=0.01)


def highlighted_option(page):
    """The option the arrows have reached, checked to be the combobox's and the search box's
    active descendant, and the list the combobox controls."""
    option = page.locator(f"{OPEN} [role=listbox] [role=option]{HIGHLIGHTED}")
    expect(option).to_have_count(1)
    option_id = option.get_attribute("id")
    assert option_id, "the highlighted option has no id for aria-activedescendant to name"
    combobox = page.locator(COMBOBOX)
    expect(combobox).to_have_attribute("aria-activedescendant", option_id)
    expect(page.locator(".select2-search__field")).to_have_attribute(
        "aria-activedescendant", option_id
    )
    return option


def test_the_open_list_is_controlled_followed_and_readable(
    browser, base_url, transactional_db, screenshots
):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_superuser("sam", "sam@example.org", PASSWORD)
    secret = give_mfa(staff)
    for name in ("ines", "ivan", "irma"):
        make_user(name)
    quiz = make_quiz(make_question(slug="alpha"), slug="wk")
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    errors = ConsoleErrors()
    watch(page, errors)
    page.goto("/")
    sign_in_with_code(page, "sam", secret)

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"/admin/quizzes/quiz/{quiz.pk}/change/")
        combobox = page.locator(COMBOBOX)
        expect(combobox).to_have_attribute("aria-expanded", "false")
        expect(combobox).not_to_have_attribute("aria-controls", re.compile(".*"))

        combobox.focus()
        page.keyboard.press("Enter")  # opens the list; focus moves to its search box
        search = page.locator(f"{OPEN} .select2-search__field")
        expect(search).to_be_focused()
        search.press_sequentially("i")
        # The list for "i", not the one the opening asked for (which has sam too): it is drawn
        # again when its answer comes, with new ids.
        expect(page.locator(f"{OPEN} [role=listbox] [role=option]")).to_have_text(
            ["ines", "irma", "ivan"]
        )

        expect(combobox).to_have_attribute("aria-expanded", "true")
        controlled = combobox.get_attribute("aria-controls")
        assert controlled, "the open combobox names no list it controls"
        listbox = page.locator(f"#{controlled}")
        expect(listbox).to_have_attribute("role", "listbox")
        expect(listbox).to_be_visible()
        expect(listbox.get_by_role("option")).to_have_count(3)

        first = highlighted_option(page)
        expect(first).to_have_text("ines")  # select2 highlights the first
        first_id = first.get_attribute("id")
        search.press("ArrowDown")
        second = highlighted_option(page)  # and aria-activedescendant followed the arrow
        expect(second).to_have_text("irma")
        assert second.get_attribute("id") != first_id
        search.press("ArrowUp")
        expect(highlighted_option(page)).to_have_text("ines")
        assert highlighted_option(page).get_attribute("id") == first_id

        search.press("ArrowDown")
        option = highlighted_option(page)
        colours = option.evaluate(
            "o => { const s = getComputedStyle(o); return [s.color, s.backgroundColor]; }"
        )
        page.screenshot(path=screenshots / f"admin-autocomplete-open-{scheme}.png")
        ratio = contrast(*colours)
        assert ratio >= AA_TEXT, f"{scheme}: {colours[0]} on {colours[1]} is {ratio:.2f}:1"
        assert serious_violations(page) == []  # the open list, colour contrast included

        chosen = option.inner_text()
        search.press("Enter")  # picks it; the list closes and lets go of it
        expect(combobox).to_have_attribute("aria-expanded", "false")
        expect(combobox).not_to_have_attribute("aria-controls", re.compile(".*"))
        expect(combobox).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
        expect(combobox).to_have_accessible_name(re.compile(rf"^Owner:.* {chosen}$"))
        expect(combobox).to_be_focused()

    context.close()
    assert errors.unexpected() == []
