"""Reflow (WCAG 1.4.10): at 320 CSS px wide, what a 1280 px window shows zoomed to 400%, no
page scrolls sideways and none has the layout problems tests/e2e/layout.py names; a wide table
scrolls in a box of its own. The phone crawls (390 px) did not see what only fits down to 340
px."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ConsoleErrors, watch
from tests.e2e.test_crawl import crawl, every_page

pytestmark = pytest.mark.e2e

ZOOMED = {"width": 320, "height": 640}
LONG_ZONE = "America/North_Dakota/New_Salem"


@pytest.fixture
def zoomed(browser, base_url, curriculum):
    """A desktop browser zoomed to 400% (320 CSS px)."""
    context = browser.new_context(base_url=base_url, viewport=ZOOMED, timezone_id=LONG_ZONE)
    page = context.new_page()
    errors = ConsoleErrors()
    watch(page, errors)
    page._e2e_console = errors
    yield page
    context.close()
    assert errors.unexpected() == [], "console errors"


def test_at_320_px_no_page_scrolls_sideways(zoomed):
    """The WAF lab's table of runs ("login-rate" kept on one line) was 358 px wide, in no
    scrolling box: the whole page scrolled sideways."""
    zoomed._e2e_console.allow("status of 404")  # /no-such-page/
    labs = ["/lab/waf/", "/lab/network/?preset=forgotten-ephemeral-ports"]
    problems = crawl(zoomed, every_page() + labs, axe=False)
    # A drawing's text drawn under 11 px here is four times that on a zoomed screen; the phone
    # crawls hold the 11 px floor where the pixels are a phone's.
    problems = [p for p in problems if not re.search(r"is drawn at [\d.]+ px$", p)]
    assert not problems, "\n".join(problems)
