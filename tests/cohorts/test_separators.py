"""Every " · " a page draws, joining two links, a link and its facts, or the facts of a
metadata line ("12 questions · pass mark 70%", a gradebook cell's "Best 80% · latest 60%"), is
held to both neighbours by no-break spaces: with plain spaces a phone (390 px) wrapped the
gradebook's "Root user basics ·" and left the dot at the line's end, "Statistics" alone below
it, and a metadata line began its second line with "·". Held, the line breaks between words
instead, and the dot neither ends nor starts a line. Only a page's <title> (the browser's tab,
which does not wrap) keeps plain ones. (Flex rows of links have no dot at all: their gap
separates them, tests/quizzes/test_result_next_module.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cohorts import services
from tests.cohorts.conftest import at, client_for, take_right

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Tags that draw no text, HTML tags and no-break spaces may stand between a dot and the space
# a line breaks at ("</a>{% if x %} · …", "</span>\n<span>· formerly", "x &nbsp;·&nbsp;y").
_BETWEEN = r"(?:\{%\s*(?:end)?(?:if|elif|else|for|empty|with)\b[^%]*%\}|<[^>]*>|&nbsp;)*"
_BREAKABLE_DOT = re.compile(rf"[ \t\n]{_BETWEEN}·|·{_BETWEEN}[ \t\n]")
# What is never drawn in a page's text: its <title> and the block that fills it, and comments.
_NOT_DRAWN = re.compile(
    r"\{% block title %\}.*?\{% endblock %\}|<title>.*?</title>|\{#.*?#\}", re.DOTALL
)


def _breakable(text: str) -> list[str]:
    """Each " · " in `text` with a space a line may break at beside it (not U+00A0, which
    Python's backslash-s counts)."""
    return [
        text[max(0, m.start() - 20) : m.end() + 20]
        for m in re.finditer(r"[ \t\r\n]·|·[ \t\r\n]", text)
    ]


def _drawn(text: str) -> str:
    """`text` with what is not drawn in a page blanked, each line where it was."""
    return _NOT_DRAWN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def test_no_template_writes_a_dot_a_line_may_break_beside():
    found = [
        f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for text in [_drawn(path.read_text())]
        for m in _BREAKABLE_DOT.finditer(text)
    ]
    assert found == []


def test_a_page_title_keeps_its_plain_dots():
    """The scan leaves titles alone, and only them."""
    title = "{% block title %}Import · Teaching{% endblock %}"
    assert _BREAKABLE_DOT.search(_drawn(title)) is None
    assert _BREAKABLE_DOT.search(_drawn(title + "<p>12 questions · pass mark</p>"))


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


@pytest.mark.django_db
def test_metadata_lines_hold_their_dots(owner, cohort, published, learner):
    """The facts of a metadata line, as rendered: a gradebook cell ("Best 100% · latest 100%",
    "1 attempt · 5 min"), a class's figures under its column ("1 of 1 handed in · mean best"),
    the learner's quiz list ("2 questions · pass mark 70% · 1 attempt") and the instructor's
    quiz page (each question's kind · bank · answers)."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner, now=at(hours=2))
    take_right(published, learner, start=at(hours=3), submit=at(hours=3, minutes=5))
    teacher, member = client_for(owner), client_for(learner)
    for client, url, where in (
        (teacher, reverse("teach_cohorts:gradebook", args=[cohort.pk]), ".gradebook td, th"),
        (member, reverse("quizzes:list"), ".meta"),
        (teacher, reverse("teach:quiz", args=[published.pk]), ".meta"),
    ):
        page = BeautifulSoup(client.get(url, follow=True).content.decode(), "html.parser")
        texts = [part.get_text() for part in page.select(where)]
        assert sum(text.count("·") for text in texts) >= 2, (url, texts)
        assert [bit for text in texts for bit in _breakable(text)] == [], url
