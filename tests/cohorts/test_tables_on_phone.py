"""A cohort's gradebook, a learner's attempts in it and a quiz's statistics on a phone: their
tables were wider than a 390 px screen and scrolled sideways, a learner's scores off screen
beside their name. Each becomes cards there (`.cards-on-phone`, as the question bank's), so
every cell must say which column it is (`data-label`, the column's heading): a column added
without one would be an unlabelled value on a phone. tests/e2e/test_cohorts.py looks at them
in a browser."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cohorts import services
from tests.cohorts.conftest import at, client_for, take_right
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


class _Tables(HTMLParser):
    """Each <table>: its classes, its column headings' text, and its body's cells as
    (tag, data-label) per row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._in_head = False
        self._heading: list[str] | None = None
        self._hidden = 0  # depth inside an aria-hidden element (a heading's copy for the eye)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._hidden or a.get("aria-hidden") == "true":
            self._hidden += 1
            return
        if tag == "table":
            self.tables.append({"class": (a.get("class") or "").split(), "head": [], "rows": []})
        elif not self.tables:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.tables[-1]["rows"].append([])
        elif tag == "th" and self._in_head:
            self._heading = []
        elif tag in ("td", "th") and self.tables[-1]["rows"]:
            self.tables[-1]["rows"][-1].append((tag, a.get("data-label")))

    def handle_data(self, data):
        if self._heading is not None and not self._hidden:
            self._heading.append(data)

    def handle_endtag(self, tag):
        if self._hidden:
            self._hidden -= 1
            return
        if tag == "thead":
            self._in_head = False
        elif tag == "th" and self._heading is not None:
            self.tables[-1]["head"].append("".join(self._heading).strip())
            self._heading = None


def _tables(html: str) -> list[dict]:
    parsed = _Tables()
    parsed.feed(html)
    return parsed.tables


def _assert_cards_labelled_as_columns(table: dict, heading=lambda text: text) -> None:
    """Cards on a phone; each row's heading cell first, then a cell per column, labelled with
    that column's heading (`heading` turns a heading into the label it gives)."""
    assert "cards-on-phone" in table["class"], table["class"]
    assert table["rows"]
    for row in table["rows"]:
        assert row[0] == ("th", None)
        labels = [label for _tag, label in row[1:]]
        assert labels == [heading(text) for text in table["head"][1:]], labels


@pytest.fixture
def two_assignments(cohort, quiz, owner, learner):
    """`quiz` (due on day 4) and a second quiz assigned; ada took the first."""
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=4), by=owner, now=at(hours=2)
    )
    other = make_quiz(make_question("single"), title="Shared responsibility basics")
    services.assignment_create(cohort=cohort, quiz=other, by=owner, now=at(hours=2))
    take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=5))


def test_the_gradebook_is_cards_on_a_phone_each_score_under_its_quiz(
    cohort, owner, learner, two_assignments
):
    page = client_for(owner).get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
    [table] = [t for t in _tables(page.content.decode()) if "gradebook" in t["class"]]
    # The heading of a quiz's column also says when it is due, and so do its cells: on a phone
    # the headings are not drawn, and the cards named the quiz only, its due date nowhere.
    # The heading's whole-class figures are the column's, not a card's: not in its label.
    _assert_cards_labelled_as_columns(table, heading=_without_class_figures)
    assert table["head"][1:] == [
        "Lessons completed",
        "Handed in",
        "Root user basics due 6 Mar (UTC)1 of 1 handed in\xa0·\xa0mean best 100%Best score",
        "Shared responsibility basics0 of 1 handed inBest score",
    ]


def _without_class_figures(heading: str) -> str:
    """A column's heading less its whole-class figures ("3 of 5 handed in · mean best 50%")
    and its link that sorts by the column's best scores (tests/cohorts/test_sorting.py)."""
    import re

    return re.sub(r"\d+ of \d+ handed in(\xa0·\xa0mean best \d+%)?(Best score)?$", "", heading)


def test_a_learners_attempts_are_cards_on_a_phone(cohort, owner, learner, two_assignments):
    url = reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk])
    page = client_for(owner).get(url)
    assert page.status_code == 200, page
    [table] = _tables(page.content.decode())
    _assert_cards_labelled_as_columns(table)
    assert table["head"] == ["Attempt", "Started", "Submitted", "Score", "Time"]


def test_a_quizs_statistics_tables_are_cards_on_a_phone(
    cohort, owner, quiz, learner, two_assignments
):
    for url in (
        reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk]),
        reverse("teach:quiz-statistics", args=[quiz.pk]),
    ):
        tables = _tables(client_for(owner).get(url).content.decode())
        questions, *tallies = [t for t in tables if "stats-table" in t["class"]]
        assert questions["head"][:2] == ["Question", "Kind"]
        _assert_cards_labelled_as_columns(questions)
        assert len(tallies) == 2  # how often each choice was picked, per question
        for table in tallies:
            _assert_cards_labelled_as_columns(table)


def test_a_long_quiz_title_heads_its_column_once_for_a_screen_reader_linked_to_its_assignment(
    cohort, owner, quiz, learner, two_assignments
):
    """Cut to three lines on screen (tests/e2e/test_cohorts.py), a long title is still whole in
    its heading's link, which leads to the assignment; the copy shown whole on hover or focus
    is hidden from screen readers, which read the link. A short title has no copy."""
    import re

    long = "Identity and Access Management: policies, roles and permission boundaries"
    quiz.title = long
    quiz.save(update_fields=["title"])
    page = client_for(owner).get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
    html = page.content.decode()
    [table] = [t for t in _tables(html) if "gradebook" in t["class"]]
    assert _without_class_figures(table["head"][3]) == f"{long} due 6 Mar (UTC)"
    _assert_cards_labelled_as_columns(table, heading=_without_class_figures)
    assignment = cohort.assignments.get(quiz=quiz)
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    assert f'<a class="gradebook-title" href="{url}">{long}</a>' in html
    assert html.count(f'<span class="gradebook-full" aria-hidden="true">{long}</span>') == 1
    assert len(re.findall(r'class="gradebook-full"', html)) == 1  # not for the short title


def test_an_attempt_in_progress_says_it_has_no_score_yet(cohort, quiz, owner, learner):
    """Its score cell was empty: on a phone's card a bare "Score:" label, which read as a page
    left unfinished."""
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    take_right(quiz, learner, start=at(days=1))  # not handed in
    url = reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk])
    body = client_for(owner).get(url).content.decode()
    assert '<td data-label="Score">not handed in yet</td>' in body
