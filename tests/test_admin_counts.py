"""The admin's big content lists (glossary terms, questions, lessons, scenarios: 26,700,
21,000, 3,600 and 3,900 rows at the bench's size) count their rows once a page: Django's
"(N total)" beside a filtered or searched list counted the whole table again (and the glossary's
plain list counted it twice, ~2 ms each on PostgreSQL). A filtered list says how many it found
and offers "Show all" (`show_full_result_count = False`), as the lists of learners' records do
(tests/quizzes/test_admin.py)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary.models import GlossaryTerm
from tests.quizzes.builders import make_lesson, make_question, make_scenario

pytestmark = pytest.mark.django_db


def _counts(admin_client, url: str, table: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get(url)
    assert response.status_code == 200
    counts = [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    return sum(f'FROM "{table}"' in q["sql"] for q in counts), response.content.decode()


def _term():
    return GlossaryTerm.objects.create(
        slug="least-privilege-x", term="Least privilege X", definition="Only what is needed.",
        lesson=make_lesson(),
    )  # fmt: skip


LISTS = {
    "glossary terms": ("/admin/glossary/glossaryterm/", "glossary_glossaryterm", "q=Least"),
    "questions": ("/admin/quizzes/question/", "quizzes_question", "level__exact=advanced"),
    "lessons": ("/admin/lessons/lesson/", "lessons_lesson", "level__exact=advanced"),
    "scenarios": ("/admin/lessons/scenario/", "lessons_scenario", "q=a"),
}


@pytest.mark.parametrize("what", LISTS)
def test_a_big_content_list_counts_its_rows_once(admin_client, what):
    url, table, narrowed = LISTS[what]
    _term()
    make_question(level="advanced")
    make_scenario()
    plain, _ = _counts(admin_client, url, table)
    assert plain == 1
    filtered, page = _counts(admin_client, f"{url}?{narrowed}", table)
    assert filtered == 1
    # What it found is still said, and the whole list is one click away.
    assert re.search(r"\d+ results?", page)
    assert re.search(r'<a href="\?">Show all</a>', page), page
    assert " total)" not in page
