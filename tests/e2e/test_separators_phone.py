"""On a 390 px phone the gradebook's list of assignments wrapped "Root user basics · Statistics"
after the dot, leaving it dangling at the line's end. Held by no-break spaces (templates), the
dot is on the line of the link after it, whatever the title's length."""

from __future__ import annotations

import pytest

from tests.e2e.journeys import sign_in_with_code
from tests.e2e.test_cohorts import _spring_class

pytestmark = pytest.mark.e2e

# Each " · " in the list's items: its line's top, and the top of the link or text after it.
DOTS = """() => {
    const found = [];
    for (const li of document.querySelectorAll('.teach-list > li')) {
        const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            let at = node.data.indexOf('·');
            while (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + 1);
                const dot = range.getBoundingClientRect();
                const after = document.createRange();
                const next = at + 2 < node.data.length ? [node, at + 2] : null;
                if (next) { after.setStart(node, at + 2); after.setEnd(node, at + 3); }
                else {
                    const sibling = walker.nextNode();
                    walker.previousNode();
                    if (!sibling) break;
                    after.setStart(sibling, 0); after.setEnd(sibling, 1);
                }
                found.push({dot: dot.top, after: after.getBoundingClientRect().top});
                at = node.data.indexOf('·', at + 1);
            }
        }
    }
    return found;
}"""


def test_a_dot_between_an_assignment_and_its_statistics_never_ends_a_line(page, phone):
    secret, cohort, quiz, _ = _spring_class()
    for words in range(1, 9):  # titles wrapping at every point of the line
        quiz.title = "Shared responsibility " + "checks " * words
        quiz.save()
        if words == 1:
            page.goto("/")
            sign_in_with_code(page, "ines", secret)
            phone.context.add_cookies(page.context.cookies())
        phone.goto(f"/teach/cohorts/{cohort.pk}/")
        dots = phone.evaluate(DOTS)
        assert dots, "no dot in the list"
        for found in dots:
            assert abs(found["dot"] - found["after"]) < 2, (words, found)
