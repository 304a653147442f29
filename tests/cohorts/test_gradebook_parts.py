"""A class's gradebook CSV past `exports.GRADEBOOK_ROWS_PER_FILE` rows (a learner and an
assignment each) comes in parts, each a range of learners by name, as its answers do
(`tests/cohorts/test_answer_parts.py`), so no download costs more than about a second of the
server's time whatever the class's size (docs/teaching.md, "A class of 300": 3,000 learners ×
40 assignments were ~3-5 s in one request). Here the limit is made 5 rows: two learners' rows
at two assignments."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from cohorts import exports, services
from tests.cohorts.conftest import at, client_for, make_learner, make_owned_quiz, take_right

pytestmark = pytest.mark.django_db

NAMES = ("Björk", "carl", "dana", "Émile", "zoe")  # with ada (the `learner` fixture): six
BY_NAME = ["ada", "Björk", "carl", "dana", "Émile", "zoe"]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _learners(rows: list[list[str]]) -> list[str]:
    return list(dict.fromkeys(row[0] for row in rows[1:]))


@pytest.fixture
def big_class(owner, cohort, quiz, learner, monkeypatch):
    """Six learners, two assignments; carl and zoe have handed in the second quiz, the others
    only the first (so by progress, they come first)."""
    second = make_owned_quiz(owner)
    second.slug, second.title = "second", "Second quiz"
    second.save()
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    services.assignment_create(cohort=cohort, quiz=second, by=owner, now=at(hours=2))
    take_right(quiz, learner, start=at(hours=3), submit=at(hours=3, minutes=5))
    for n, name in enumerate(NAMES):
        user = make_learner(name)
        services.cohort_join(cohort=cohort, user=user, now=at(hours=1))
        take_right(quiz, user, start=at(hours=10 + n), submit=at(hours=10 + n, minutes=5))
        if name in ("carl", "zoe"):
            take_right(second, user, start=at(hours=20 + n), submit=at(hours=20 + n, minutes=5))
    monkeypatch.setattr(exports, "GRADEBOOK_ROWS_PER_FILE", 5)
    return cohort


def _url(cohort) -> str:
    return reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])


def _part_links(page: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<a href="(\?[^"]*)">Part \d', page)]


def test_a_gradebook_with_more_rows_than_a_file_holds_comes_in_parts_in_name_order(
    owner, big_class
):
    """Asked for sorted by progress (the page's link), it lists parts by name, says so and
    that a spreadsheet sorts them; the parts hold every row once, the whole file's rows."""
    teacher = client_for(owner)
    page = teacher.get(_url(big_class) + "?sort=progress&order=desc")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    body = page.content.decode()
    assert (
        "has 12 rows (a row for each learner and assignment), more than one file holds (5)" in body
    )
    assert "The files list learners by name, not in the order the gradebook was sorted in" in body
    assert "put the files together in a spreadsheet and sort it there" in body
    assert "Part 1: ada to Björk" in body and "Part 3: Émile to zoe" in body
    assert "2 learners, 4 rows" in body
    links = _part_links(body)
    assert len(links) == 3 and not any("sort" in link for link in links)
    files = [teacher.get(_url(big_class) + link) for link in links]
    assert "gradebook-part-2-" in files[1]["Content-Disposition"]
    assert all(f["Cache-Control"] == "no-store" for f in files)  # as the whole file
    parts = [_csv(f) for f in files]
    assert all(len(rows) - 1 <= 5 for rows in parts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports, "GRADEBOOK_ROWS_PER_FILE", 1000)
        whole = _csv(teacher.get(_url(big_class)))
    assert [row for rows in parts for row in rows[1:]] == whole[1:]
    assert [rows[0] for rows in parts] == [whole[0]] * 3
    assert [_learners(rows) for rows in parts] == [BY_NAME[0:2], BY_NAME[2:4], BY_NAME[4:6]]


def test_a_learner_who_joins_after_the_parts_are_listed_is_in_one_of_them(owner, big_class):
    """A learner, bruno (between Björk, the end of part 1, and carl, the start of part 2),
    joins after the page was drawn: his two rows are in exactly one file, after Björk's."""
    teacher = client_for(owner)
    links = _part_links(teacher.get(_url(big_class)).content.decode())
    services.cohort_join(cohort=big_class, user=make_learner("bruno"), now=at(hours=1))
    learners = [row[0] for link in links for row in _csv(teacher.get(_url(big_class) + link))[1:]]
    assert learners.count("bruno") == 2
    assert learners.index("bruno") == learners.index("Björk") + 2
    assert len(learners) == 14


def test_a_gradebook_within_a_file_is_one_file_in_the_order_asked(owner, big_class, monkeypatch):
    monkeypatch.setattr(exports, "GRADEBOOK_ROWS_PER_FILE", 12)
    teacher = client_for(owner)
    response = teacher.get(_url(big_class) + "?order=desc")
    assert "gradebook-part" not in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == 13 and _learners(rows) == BY_NAME[::-1]
    by_progress = _learners(_csv(teacher.get(_url(big_class) + "?sort=progress&order=desc")))
    assert set(by_progress[:2]) == {"carl", "zoe"} and sorted(by_progress) == sorted(BY_NAME)


def test_the_list_of_parts_says_where_it_is_and_leads_back(owner, big_class):
    body = client_for(owner).get(_url(big_class)).content.decode()
    gradebook = reverse("teach_cohorts:gradebook", args=[big_class.pk])
    assert f'<a href="{gradebook}">Spring class</a>' in body
    assert '<li aria-current="page">The gradebook, in parts</li>' in body
    assert f'<a href="{gradebook}">Back to the gradebook</a>' in body


def test_the_links_that_may_lead_to_the_parts_do_not_save_the_page_as_the_file(
    owner, big_class, learner
):
    """A link marked `download` would save the list of parts as `gradebook.csv`."""
    pages = [
        reverse("teach_cohorts:gradebook", args=[big_class.pk]),
        reverse("teach_cohorts:delete", args=[big_class.pk]),
        reverse("teach_cohorts:member-remove", args=[big_class.pk, learner.pk]),
    ]
    for url in pages:
        page = client_for(owner).get(url)
        links = re.findall(r"<a [^>]*gradebook\.csv[^>]*>", page.content.decode())
        assert links and not any("download" in link for link in links), url
