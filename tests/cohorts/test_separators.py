"""No " · " a page draws ever starts a line: it is held to the word before it by a no-break
space, in links' lines and in metadata lines alike ("12 questions · pass mark 70%", a gradebook
cell's "Best 80% · latest 60%"); with plain spaces a line on a phone (390 px) could begin with
"·". Written `&nbsp;·&nbsp;`, it is held to the word after it too, and neither ends nor starts
a line: always so beside a link, where a phone wrapped the gradebook's "Root user basics ·" and
left "Statistics" alone below it. A line of long single words (a finding's type, an ARN) holds
it only to the word before (`&nbsp;· `), so the line breaks after the dot rather than inside a
word. Only a page's <title> (the browser's tab, which does not wrap) keeps plain ones. (Flex
rows of links have no dot at all: their gap separates them,
tests/quizzes/test_result_next_module.py.)"""

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
# A dot a line may start with: a breakable space before it.
_STARTS_A_LINE = re.compile(rf"[ \t\n]{_BETWEEN}·")
# A dot beside a link that a line may end with: a breakable space after it.
_ENDS_A_LINE_BY_A_LINK = re.compile(
    rf"</a>{_BETWEEN}·{_BETWEEN}[ \t\n]|·{_BETWEEN}[ \t\n]{_BETWEEN}<a[\s>]"
)
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


def _found(pattern: re.Pattern) -> list[str]:
    return [
        f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for text in [_drawn(path.read_text())]
        for m in pattern.finditer(text)
    ]


def test_no_template_writes_a_dot_a_line_may_start_with():
    assert _found(_STARTS_A_LINE) == []


def test_no_template_writes_a_dot_beside_a_link_a_line_may_end_with():
    assert _found(_ENDS_A_LINE_BY_A_LINK) == []


def test_the_scan_finds_a_plain_dot_and_leaves_titles_alone():
    title = "{% block title %}Import · Teaching{% endblock %}"
    assert _STARTS_A_LINE.search(_drawn(title)) is None
    assert _STARTS_A_LINE.search(_drawn(title + "<p>12 questions · pass mark</p>"))
    assert _STARTS_A_LINE.search('</span>\n<span class="meta">· formerly')
    assert _STARTS_A_LINE.search("<p>GuardDuty&nbsp;· <code>Recon</code></p>") is None
    assert _ENDS_A_LINE_BY_A_LINK.search('<a href="/q/">Quiz</a>&nbsp;· <a href="/s/">Stats</a>')


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
