"""From 641 px (a tablet, a laptop zoomed to 125-200%, a desktop) the header is two rows for every
role: the brand, the search box and the account, then the menu, whose three reference pages
fold under "More" where the role's menu would not fit its row. At 641-700 px an instructor's
header was five rows, 228 px of a short window, at 768-800 four; a learner's four and three.
Nothing left it: every destination the desktop header links to is in sight or under "More",
reached by Tab (and Enter on "More") in the order it is drawn, and "More" opens without
JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import review
from quizzes.models import Question
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import DESKTOP, watched_page
from tests.e2e.journeys import make_user, no_horizontal_scroll
from tests.e2e.test_reflow import signed_in_as

pytestmark = pytest.mark.e2e

# Two rows are 102 px here (the desktop's were 113); three were 141-149 px.
TWO_ROWS = 120
# Where each role's menu is no longer folded (site.css: 43rem, 50rem, 56rem).
UNFOLDED = {"visitor": 688, "learner": 800, "instructor": 896}

# The rows the header's visible controls stand in: their middles, those within 12 px one row.
ROWS = """() => {
    const middles = [];
    for (const el of document.querySelectorAll(
            '.site-header a, .site-header button, .site-header input, .site-header summary')) {
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        const box = el.getBoundingClientRect();
        const middle = box.top + box.height / 2;
        if (!middles.some(m => Math.abs(m - middle) < 12)) middles.push(middle);
    }
    return middles.length;
}"""

# Where the header's links go: those in sight, and those folded under a "More" in sight.
DESTINATIONS = """() => {
    const shown = el => el.checkVisibility({visibilityProperty: true});
    const links = [...document.querySelectorAll('.site-header a')].filter(a =>
        shown(a) || [...document.querySelectorAll('.nav-more')].some(m => shown(m) && m.contains(a)));
    return links.map(a => new URL(a.href).pathname).sort();
}"""


def signed_in(page, role: str, due: int = 12):
    """`page` signed in as a learner or an instructor with `due` questions due for review (the
    Review link's count makes the menu wider); a visitor's page at home."""
    page.goto("/")
    if role == "visitor":
        return None
    user = make_user(role)
    if role == "instructor":
        set_instructor(user=user, instructor=True)
        give_mfa(user)
    month_ago = timezone.now() - timedelta(days=30)
    for question in Question.objects.order_by("pk")[:due]:
        review.card_record(user=user, question=question, correct=False, now=month_ago)
    signed_in_as(page, user)
    page.goto("/")
    expect(page.locator(".site-header .count-badge")).to_have_text(str(due))
    return user


@pytest.mark.parametrize("role", ["visitor", "learner", "instructor"])
def test_from_641_px_the_header_is_two_rows_and_folds_only_where_the_menu_would_not_fit(page, role):
    """Every 16 px from 641 to 1,087, and each side of where the role's menu unfolds, with a
    three-digit review count (the widest a learner's or an instructor's menu gets). "More" was
    shown below 56rem for every role; a visitor's menu fits its row from 662 px, a learner's
    from about 780."""
    signed_in(page, role, due=123)
    desktop = page.evaluate(DESTINATIONS)
    assert len(desktop) == (11 if role == "instructor" else 10), desktop
    more = page.locator(".nav-more summary")
    unfolded = UNFOLDED[role]
    for width in sorted({*range(641, 1088, 16), unfolded - 1, unfolded}):
        page.set_viewport_size({"width": width, "height": 600})
        height = page.locator(".site-header").bounding_box()["height"]
        rows = page.evaluate(ROWS)
        assert rows == 2 and height <= TWO_ROWS, f"{width} px: {rows} rows, {height} px tall"
        assert page.evaluate(DESTINATIONS) == desktop, f"{width} px"
        assert more.is_visible() == (width < unfolded), f"{width} px"
        no_horizontal_scroll(page)
    # The desktop's header is the same two rows (it was two already, the menu's first), all of
    # its links in the menu's row.
    page.set_viewport_size(DESKTOP)
    assert page.evaluate(ROWS) == 2
    brand = page.locator(".brand").bounding_box()
    menu = page.get_by_role("navigation", name="Main").bounding_box()
    search = page.locator(".site-search").bounding_box()
    account = page.locator(".account").bounding_box()
    assert abs(search["y"] - brand["y"]) < brand["height"], (brand, search)
    assert abs(account["y"] - brand["y"]) < brand["height"], (brand, account)
    assert menu["y"] >= brand["y"] + brand["height"], (brand, menu)
    assert page.locator(".nav-more").is_hidden()


# What has keyboard focus: a link's path, or a control's role and name.
FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        inHeader: !!el.closest('.site-header'),
        inMenu: !!el.closest('.site-nav'),
        what: el.href ? new URL(el.href).pathname
            : `${el.tagName.toLowerCase()} ${(el.textContent || el.placeholder).trim()}`,
        current: el.getAttribute('aria-current') || (el.classList.contains('is-current') ? 'class' : ''),
        outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
        open: el.tagName === 'SUMMARY' && el.parentElement.open,
    };
}"""


def test_at_768_px_every_header_link_is_reached_by_keyboard(page):
    """An instructor on the glossary: Tab goes through every control in the header, each with
    a visible focus ring, opening "More" with Enter; "More" is marked as holding the current
    page and, open, the glossary's link is the current page; the page passes axe so."""
    signed_in(page, "instructor")
    desktop = page.evaluate(DESTINATIONS)
    page.set_viewport_size({"width": 768, "height": 600})
    page.goto("/learn/glossary/")
    more = page.locator(".nav-more summary")
    expect(more).to_be_visible()
    expect(more).to_have_accessible_name("More (the current page is one of these)")
    expect(page.get_by_role("link", name="Glossary", exact=True)).to_be_hidden()

    reached, controls, current = [], [], []
    page.keyboard.press("Tab")  # the skip link
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inHeader"]:
            break
        assert focused["outline"] >= 2, f"{focused['what']}: no visible focus"
        if focused["current"]:
            current.append(focused["what"])
        if focused["what"].startswith("/"):
            reached.append(focused["what"])
        else:
            controls.append(focused["what"])
        if focused["what"].startswith("summary") and not focused["open"]:
            page.keyboard.press("Enter")
            expect(page.get_by_role("link", name="Glossary", exact=True)).to_be_visible()
    assert sorted(reached) == desktop
    assert controls == [
        "input Search",
        "button Search",
        "button Dark theme",
        "button Sign out",
        "summary More (the current page is one of these)",
    ]
    assert current == ["summary More (the current page is one of these)", "/learn/glossary/"]
    # Open, its links hang over the page: axe's contrast and target-size checks, both palettes.
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page)


# Where the control Tab reached in the header is drawn.
TAB_THROUGH_HEADER = """() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return el.closest('.site-header') ? {x: box.left, middle: box.top + box.height / 2} : null;
}"""


@pytest.mark.parametrize("width", [375, 768, 1280])
def test_tab_goes_through_the_header_in_the_order_it_is_drawn(page, width):
    """Row by row, left to right, at each of the three layouts, for an instructor (the longest
    menu). Between phone and desktop the search box and the account, drawn in the first row,
    came after the menu, drawn in the second; on a desktop it was the other way round (the
    menu in the first row), and both are now the same two rows in the page's order. On a phone
    the Search button starts the second row, before the menu, after the account: Chromium
    follows the drawn order there (`reading-flow`), other browsers the page's (Search, then the
    account)."""
    signed_in(page, "instructor")
    page.set_viewport_size({"width": width, "height": 600})
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        where = page.evaluate(TAB_THROUGH_HEADER)
        if where is None:
            break
        reached.append(where)
    rows: list[float] = []  # each row's middle, top first; within 12 px is one row
    for where in reached:
        if not any(abs(where["middle"] - middle) < 12 for middle in rows):
            rows.append(where["middle"])
    # Two rows from 641 px; on a phone the menu's links wrap onto rows of their own.
    assert (len(rows) == 2 if width > 640 else len(rows) >= 2) and rows == sorted(rows), reached
    drawn = [
        (next(i for i, m in enumerate(rows) if abs(where["middle"] - m) < 12), where["x"])
        for where in reached
    ]
    assert drawn == sorted(drawn), reached
    # All of it: the brand, the search box and its button (a button alone on a phone), the
    # account's three, and the menu's nine links (six and "More" at 768).
    assert len(reached) == {375: 14, 768: 13, 1280: 15}[width], reached


@pytest.fixture
def no_script(browser, base_url, curriculum):
    yield from watched_page(
        browser,
        base_url=base_url,
        viewport={"width": 660, "height": 700},  # a visitor's menu folds below 688 px
        java_script_enabled=False,
    )


def test_more_opens_without_javascript(no_script):
    no_script.goto("/")
    menu = no_script.get_by_role("navigation", name="Main")
    compliance = menu.get_by_role("link", name="Compliance")
    expect(compliance).to_be_hidden()
    menu.locator("summary", has_text="More").click()
    compliance.click()
    expect(no_script).to_have_url(re.compile(r"/learn/compliance/$"))
    expect(menu.locator(".nav-more summary")).to_have_class("is-current")


def test_more_closes_on_escape_a_click_elsewhere_and_tab_leaving_it(page):
    """With static/js/nav-more.js: Escape closes "More" from its summary or from a link in it,
    focus back on the summary; so does a click on the page, and Tab past its last link (its
    list hung over what Tab reached). Without the script only the summary closed it."""
    signed_in(page, "instructor")
    page.set_viewport_size({"width": 768, "height": 600})
    page.goto("/learn/iam/")
    details = page.locator(".nav-more details")
    summary = details.locator("summary")
    glossary = page.get_by_role("link", name="Glossary", exact=True)

    summary.focus()
    page.keyboard.press("Enter")
    expect(glossary).to_be_visible()
    page.keyboard.press("Escape")  # from the summary
    expect(glossary).to_be_hidden()
    expect(summary).to_be_focused()

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Compliance", exact=True)).to_be_focused()
    page.keyboard.press("Escape")  # from a link in it
    expect(glossary).to_be_hidden()
    expect(summary).to_be_focused()
    assert page.evaluate(FOCUSED)["outline"] >= 2  # its focus ring shown

    summary.click()
    expect(glossary).to_be_visible()
    page.locator("main h1").click()  # elsewhere
    expect(glossary).to_be_hidden()
    expect(details).not_to_have_attribute("open", "")

    summary.click()
    glossary.focus()
    page.keyboard.press("Tab")  # past its last link, into the page
    expect(glossary).to_be_hidden()
    assert not page.evaluate(FOCUSED)["inHeader"]

    # A click inside it (on its own list's edge, not a link) leaves it open.
    summary.click()
    box = details.locator("ul").bounding_box()
    page.mouse.click(box["x"] + 3, box["y"] + 3)
    expect(glossary).to_be_visible()


# Each menu link: its name, where it is drawn against the window, and whether the menu scrolls.
MENU_LINKS = """() => {
    const nav = document.querySelector('.site-nav');
    return {
        scrolls: nav.scrollWidth > nav.clientWidth + 0.5,
        links: [...nav.querySelectorAll('a')]
            .filter(a => a.checkVisibility({visibilityProperty: true}))
            .map(a => { const b = a.getBoundingClientRect();
                        return {what: a.textContent.trim(), left: b.left, right: b.right,
                                width: b.width, height: b.height}; }),
    };
}"""


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("role", ["visitor", "learner", "instructor"])
def test_on_a_phone_every_menu_link_is_in_sight_without_scrolling(page, role, width):
    """The phone's menu was one row that scrolled sideways: at 390 px "Compliance" stood half
    past the screen's edge and the links after it were out of sight, with nothing to say there
    was more. Its links wrap now: every one lies wholly inside the window without scrolling,
    each a 24 px target, each marked when it is the page and reached by Tab with its focus
    ring shown, and the menu is still the landmark named "Main"."""
    signed_in(page, role)
    page.set_viewport_size({"width": width, "height": 700})
    page.goto("/learn/compliance/")
    menu = page.get_by_role("navigation", name="Main")
    drawn = page.evaluate(MENU_LINKS)
    assert not drawn["scrolls"], drawn
    assert len(drawn["links"]) == {"visitor": 7, "learner": 8, "instructor": 9}[role], drawn
    for link in drawn["links"]:
        assert link["left"] >= 0 and link["right"] <= width, link
        assert link["width"] >= 24 and link["height"] >= 24, link
    expect(menu.get_by_role("link", name="Compliance")).to_have_attribute("aria-current", "page")
    no_horizontal_scroll(page)
    page.keyboard.press("Tab")  # the skip link
    reached = set()
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inHeader"]:
            break
        if focused["inMenu"]:
            reached.add(focused["what"])
            assert focused["outline"] >= 2, focused
    assert len(reached) == len(drawn["links"]), reached
