"""The note above a list or a form of rows a content file writes (static/css/admin-notes.css)
draws its warning icon in the padding before its text. On a list page Django's `.module p`
(the list sits in `#changelist.module`) outweighed the note's own padding, and the icon was
drawn over the note's first word ("Modu⚠les that come from files")."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def _icon_clear_of_text(page) -> bool:
    """The icon (the background image, 14 px wide at its position) ends before the text starts."""
    return page.locator(".from-content-file").first.evaluate(
        """note => {
            const style = getComputedStyle(note);
            const iconEnd = parseFloat(style.backgroundPositionX) + 14;
            const range = document.createRange();
            range.selectNodeContents(note);
            const textStart = range.getClientRects()[0].left - note.getBoundingClientRect().left;
            return iconEnd <= textStart;
        }"""
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_content_file_notes_icon_stands_before_its_text_on_a_list_and_a_form(
    staff_page, curriculum, size
):
    page, _ = staff_page(size)
    for address in ("/admin/lessons/module/", "/admin/lessons/lesson/"):
        page.goto(address)
        assert _icon_clear_of_text(page), address
    page.locator("#result_list tbody tr a").first.click()  # a lesson's own page
    assert _icon_clear_of_text(page), page.url
