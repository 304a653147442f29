"""The header's "Sign in" on an error page, on a phone (390 px): reached by Tab with its focus ring
in sight (amber on the header's blue, at least 3:1), and Enter signs in. From a 404 it leads to
the page before, not back to the missing address (the same 404 again, once signed in); the
400 and 500 pages have the fixed header (templates/_plain_header.html), with no account links."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import fill_sign_in, make_user, no_horizontal_scroll

pytestmark = pytest.mark.e2e

# The focused control: whether it is in the header, its ring, its box and the header's colour.
FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        text: `${el.tagName.toLowerCase()} ${el.textContent.trim() || el.placeholder || ""}`.trim(),
        inHeader: !!el.closest('.site-header'),
        outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
        offset: parseFloat(style.outlineOffset),
        ring: style.outlineColor,
        behind: getComputedStyle(el.closest('.site-header') || document.body).backgroundColor,
        left: box.left, right: box.right, top: box.top, bottom: box.bottom,
    };
}"""


def _luminance(rgb: str) -> float:
    parts = [int(p) / 255 for p in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_on_a_phone_sign_in_from_a_404_is_ringed_and_leads_to_the_page_before(phone, base_url):
    make_user("lovelace")
    phone._e2e_console.allow("status of 404")
    response = phone.goto("/no-such-page/", referer=f"{base_url}/learn/glossary/")
    assert response.status == 404
    no_horizontal_scroll(phone)
    phone.keyboard.press("Tab")  # the skip link
    for _ in range(10):
        phone.keyboard.press("Tab")
        focused = phone.evaluate(FOCUSED)
        if focused["text"] == "a Sign in" or not focused["inHeader"]:
            break
    assert focused["text"] == "a Sign in", focused
    assert focused["outline"] >= 2, focused
    assert _contrast(focused["ring"], focused["behind"]) >= 3, focused
    # The ring (outside the box by its offset) is drawn wholly inside the screen.
    reach = focused["outline"] + focused["offset"]
    assert focused["left"] - reach >= 0 and focused["right"] + reach <= 390, focused
    assert focused["top"] - reach >= 0, focused
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(f"{base_url}/accounts/login/?next=/learn/glossary/")
    fill_sign_in(phone, "lovelace")
    expect(phone).to_have_url(f"{base_url}/learn/glossary/")


def test_on_a_phone_the_400_pages_fixed_header_is_ringed_and_has_no_account_links(phone):
    """Drawn without a request (it cannot know who is signed in), its header is the brand and
    the search box: each reached by Tab with its ring in sight, and no "Sign in" that would
    tell a signed-in person they were not."""
    phone._e2e_console.allow("status of 400")
    response = phone.goto("/search/?" + "a&" * 1500)
    assert response.status == 400
    no_horizontal_scroll(phone)
    expect(phone.get_by_role("banner").get_by_role("link")).to_have_count(1)  # the brand
    phone.keyboard.press("Tab")  # the skip link
    reached = []
    for _ in range(10):
        phone.keyboard.press("Tab")
        focused = phone.evaluate(FOCUSED)
        if not focused["inHeader"]:
            break
        reached.append(focused["text"])
        assert focused["outline"] >= 2, focused
        assert _contrast(focused["ring"], focused["behind"]) >= 3, focused
        reach = focused["outline"] + focused["offset"]
        assert focused["left"] - reach >= 0 and focused["right"] + reach <= 390, focused
    assert reached == ["a SRM Trainer", "button Search"]  # a phone draws the box on /search/
