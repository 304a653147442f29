"""A bank's export holds at most `EXPORT_PER_FILE` questions a file: a bank has no ceiling
(imports add 300 questions at a time), and its export read, held and wrote every question at
once (50,000 were ~6 s of CPU and up to 0.8 GB). A larger bank's export is a page listing it in
parts, ranges of slugs, each a file of its own, together every question once
(docs/limits.md, "A bank is exported a bounded number of questions at a time")."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question
from teach.transfer import importer
from teach.transfer_views import EXPORT_PER_FILE
from tests.test_finder_nul import nul_params

pytestmark = pytest.mark.django_db

SIZE = 2 * EXPORT_PER_FILE + 7


@pytest.fixture
def big_bank(instructor):
    Question.objects.bulk_create(
        Question(slug=f"big-{n:05d}", type="true_false", category="big", owner=instructor,
                 source=Source.AUTHORED, prompt=f"True {n}?", explanation="Because.",
                 data={"answer": True})
        for n in range(SIZE)
    )  # fmt: skip
    return sorted(f"big-{n:05d}" for n in range(SIZE))


def _file_slugs(response) -> list[str]:
    assert response["Content-Disposition"].startswith("attachment")
    return [q["slug"] for q in json.loads(response.content)["questions"]]


def test_a_bank_past_a_file_comes_as_a_list_of_parts_that_hold_it_once(teacher, big_bank):
    url = reverse("teach:category-export", args=["big", "json"])
    page = teacher.get(url)
    assert page.status_code == 200 and "Content-Disposition" not in page  # no whole file
    soup = BeautifulSoup(page.content, "html.parser")
    assert f"{SIZE:,} questions" in soup.get_text(" ")
    links = [a["href"] for a in soup.select("ol.teach-list a")]
    assert len(links) == 3
    exported = []
    for number, link in enumerate(links, start=1):
        response = teacher.get(url + link.replace("&amp;", "&"))
        assert f'filename="big-part-{number}.json"' in response["Content-Disposition"]
        held = _file_slugs(response)
        assert len(held) <= EXPORT_PER_FILE
        exported += held
    assert exported == big_bank  # every question once, in order
    # A part's file imports as a bank of its own.
    plan = importer.preview(teacher.get(url + links[-1]).content.decode(), "json", owner=None)
    assert len(plan.questions) == SIZE - 2 * EXPORT_PER_FILE


def test_a_question_added_after_the_list_is_in_the_part_its_slug_falls_in(
    teacher, big_bank, instructor
):
    url = reverse("teach:category-export", args=["big", "gift"])
    soup = BeautifulSoup(teacher.get(url).content, "html.parser")
    links = [a["href"] for a in soup.select("ol.teach-list a")]
    Question.objects.create(slug="big-00999a", type="true_false", category="big",
                            owner=instructor, source=Source.AUTHORED, prompt="Added?",
                            explanation="Later.", data={"answer": True})  # fmt: skip
    texts = [teacher.get(url + link).content.decode() for link in links]
    assert [t.count("Added?") for t in texts] == [1, 0, 0]
    assert sum(len(re.findall(r"^::", t, re.M)) for t in texts) == SIZE + 1


def test_a_bank_of_one_file_is_that_file(teacher, instructor):
    Question.objects.bulk_create(
        Question(slug=f"small-{n}", type="true_false", category="small", owner=instructor,
                 source=Source.AUTHORED, prompt="True?", explanation="Because.",
                 data={"answer": True})
        for n in range(EXPORT_PER_FILE)
    )  # fmt: skip
    response = teacher.get(reverse("teach:category-export", args=["small", "json"]))
    assert len(_file_slugs(response)) == EXPORT_PER_FILE
    assert 'filename="small.json"' in response["Content-Disposition"]


@pytest.mark.parametrize("query", ["?from=a%00&before=z%00&part=1", "?from=%00", "?before=%00"])
def test_a_nul_in_a_parts_range_reaches_no_query(teacher, instructor, query):
    """A part's link holds two slugs, which no NUL is part of; a hand-made one with a NUL sent
    it to the database, which PostgreSQL refuses: a 500 there. Read as U+FFFD, it is a bound
    like any other."""
    Question.objects.create(slug="b-one", type="true_false", category="small", owner=instructor,
                            source=Source.AUTHORED, prompt="True?", explanation="Because.",
                            data={"answer": True})  # fmt: skip
    with nul_params() as sent:
        response = teacher.get(reverse("teach:category-export", args=["small", "json"]) + query)
    assert response.status_code in (200, 404)
    assert not sent
