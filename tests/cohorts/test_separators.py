"""A " · " joining two links, or a link and its facts, is held to both neighbours by no-break
spaces: with plain spaces a phone (390 px) wrapped the gradebook's "Root user basics ·" and left
the dot at the line's end, "Statistics" alone below it. Held, the line breaks inside the title
instead, and the dot neither ends nor starts a line. (Flex rows of links have no dot at all:
their gap separates them, tests/quizzes/test_result_next_module.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cohorts import services
from tests.cohorts.conftest import at, client_for

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Template tags and spans may stand between a link and its dot ("</a>{% if x %} · …").
_BETWEEN = r"(?:\{%[^%]*%\}|<span[^>]*>|</span>)*"
_BREAKABLE_DOT = re.compile(rf"</a>{_BETWEEN}[ \t\n]·|·[ \t\n]{_BETWEEN}<a[\s>]")


def _breakable(text: str) -> list[str]:
    """Each " · " in `text` with a space a line may break at beside it (not U+00A0, which
    Python's backslash-s counts)."""
    return [
        text[max(0, m.start() - 20) : m.end() + 20]
        for m in re.finditer(r"[ \t\r\n]·|·[ \t\r\n]", text)
    ]


def test_no_template_joins_a_link_with_a_dot_a_line_may_break_beside():
    found = [
        f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, m.start()) + 1}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for text in [path.read_text()]
        for m in _BREAKABLE_DOT.finditer(text)
    ]
    assert found == []


@pytest.mark.django_db
def test_the_gradebooks_assignments_and_the_cohort_list_hold_their_dots(
    owner, cohort, quiz, learner
):
    """Every dot in the gradebook's list of assignments (its links and each one's facts), in
    the instructor's list of cohorts and in a learner's, as rendered."""
    services.assignment_create(
        cohort=cohort, quiz=quiz, by=owner, due_at=at(days=7), opens_at=at(days=1), now=at(hours=2)
    )
    teacher, member = client_for(owner), client_for(learner)
    for client, url in (
        (teacher, reverse("teach_cohorts:gradebook", args=[cohort.pk])),
        (teacher, reverse("teach_cohorts:list")),
        (member, reverse("cohorts:mine")),
    ):
        page = BeautifulSoup(client.get(url, follow=True).content.decode(), "html.parser")
        items = page.select(".teach-list li")
        assert items, url
        texts = [item.get_text() for item in items]
        assert any("·" in text for text in texts), texts
        assert [bit for text in texts for bit in _breakable(text)] == [], url
