"""A class's answers CSV past `exports.ANSWERS_PER_FILE` answers comes in parts, each a range of
learners by name, so no download costs more than about a second of the server's time whatever
the class's size (docs/teaching.md, "A class of 300": 900,000 answers were ~20 s in one
request). Here the limit is made 9 answers, two learners' work."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from cohorts import exports, services
from tests.cohorts.conftest import at, client_for, make_learner, take_right

pytestmark = pytest.mark.django_db

NAMES = ("Björk", "carl", "dana", "Émile", "zoe")  # with ada (the `learner` fixture): six


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _work(cohort, quiz, user, hour: int) -> None:
    """Two attempts handed in at `quiz` (two questions): four answers."""
    for k in range(2):
        take_right(quiz, user, start=at(hours=hour + k), submit=at(hours=hour + k, minutes=5))


@pytest.fixture
def big_class(owner, cohort, quiz, learner, monkeypatch):
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    _work(cohort, quiz, learner, 3)
    for n, name in enumerate(NAMES):
        user = make_learner(name)
        services.cohort_join(cohort=cohort, user=user, now=at(hours=1))
        _work(cohort, quiz, user, 10 + 2 * n)
    monkeypatch.setattr(exports, "ANSWERS_PER_FILE", 9)
    return cohort


def _part_links(page: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<a href="(\?[^"]*)">Part \d', page)]


def test_a_class_with_more_answers_than_a_file_holds_gets_them_in_parts(owner, big_class, quiz):
    url = reverse("teach_cohorts:answers-csv", args=[big_class.pk])
    teacher = client_for(owner)
    page = teacher.get(url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    body = page.content.decode()
    assert "hold 24 answers, more than one file holds (9)" in body
    assert "Part 1: ada to Björk" in body and "Part 3: Émile to zoe" in body
    assert "2 learners, 8 answers" in body
    links = _part_links(body)
    assert len(links) == 3
    files = [teacher.get(url + link) for link in links]
    assert "answers-part-2-" in files[1]["Content-Disposition"]
    parts = [_csv(f) for f in files]
    assert all(len(rows) - 1 <= 9 for rows in parts)
    # Together, the whole file, in its order: what one file held before.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports, "ANSWERS_PER_FILE", 1000)
        whole = _csv(teacher.get(url))
    assert [row for rows in parts for row in rows[1:]] == whole[1:]
    assert [rows[0] for rows in parts] == [whole[0]] * 3
    assert [row[0] for row in whole[1:]][::4] == ["ada", "Björk", "carl", "dana", "Émile", "zoe"]


def test_a_learner_who_joins_after_the_parts_are_listed_is_in_one_of_them(owner, big_class, quiz):
    """The parts are ranges of names, not lists of learners: "bruno" (between Björk, the end
    of part 1, and carl, the start of part 2) joins and answers after the page was drawn, and
    is in exactly one file."""
    url = reverse("teach_cohorts:answers-csv", args=[big_class.pk])
    teacher = client_for(owner)
    links = _part_links(teacher.get(url).content.decode())
    bruno = make_learner("bruno")
    services.cohort_join(cohort=big_class, user=bruno, now=at(hours=1))
    _work(big_class, quiz, bruno, 30)
    learners = [row[0] for link in links for row in _csv(teacher.get(url + link))[1:]]
    assert learners.count("bruno") == 4
    assert learners.index("bruno") == learners.index("Björk") + 4


def test_a_class_within_a_file_gets_one_file(owner, big_class, quiz, monkeypatch):
    monkeypatch.setattr(exports, "ANSWERS_PER_FILE", 24)
    response = client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[big_class.pk]))
    assert len(_csv(response)) == 25
    assert "answers-part" not in response["Content-Disposition"]


def test_the_list_of_parts_says_where_it_is_and_leads_back(owner, big_class):
    body = client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[big_class.pk]))
    body = body.content.decode()
    gradebook = reverse("teach_cohorts:gradebook", args=[big_class.pk])
    assert f'<a href="{gradebook}">Spring class</a>' in body
    assert '<li aria-current="page">Every answer, in parts</li>' in body
    assert f'<a href="{gradebook}">Back to the gradebook</a>' in body
