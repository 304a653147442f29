"""The filter panel of an admin list (Django's changelist filters: the audit log's "By action",
the certificates' "By issued at", the users' four): its links were 20 px tall and stacked with
nothing between them, under WCAG 2.2's 24 px target (2.5.8), and axe's target-size failed on
every admin list with filters, at desktop and phone size. Each is at least 24 px tall now
(static/css/admin-focus.css). The lists pass axe whole: on a phone the "Show all" beside the
search box, told from its grey text by colour alone (link-in-text-block), is underlined."""

from __future__ import annotations

import pytest

from tests.e2e.accessibility import serious_violations

pytestmark = pytest.mark.e2e

LISTS = ("/admin/auditlog/logentry/", "/admin/certificates/certificate/", "/admin/auth/user/")
HEIGHTS = "links => links.map(a => a.getBoundingClientRect().height)"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_each_filter_link_is_a_24_px_target_and_the_lists_pass_axe(staff_page, size):
    page, _sam = staff_page(size)
    found = {}
    for path in LISTS:
        page.goto(path)
        heights = page.locator("#changelist-filter li a").evaluate_all(HEIGHTS)
        assert len(heights) >= 5 and min(heights) >= 24, (path, heights)
        if violations := serious_violations(page):
            found[path] = violations
    assert found == {}
