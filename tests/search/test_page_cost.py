"""A search costs the same number of queries, and reads the same number of rows, with the
course as it is or 100 times larger (docs/search.md): the database orders the matches and
hands back one page of them and their count, whatever their number. Timing lives in
tests/bench (`make bench`, tests/bench/test_search_bench.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import index
from search.models import Document
from search.query import COMPLETIONS, PER_PAGE

# A course's worth of documents, each kind as the shipped index has them in proportion:
# a common word ("policy", "a") in titles and texts alike, a service's name ("s3") in some.
UNIT = (
    [("lesson", f"S3 bucket policy, part {n}", "How a policy on a bucket decides access.")
     for n in range(12)]
    + [("lesson", f"IAM roles, part {n}", "A role is assumed; its policy says which S3 bucket it may read.")
       for n in range(12)]
    + [("glossary", f"Policy term {n} (P{n})", "A document that allows or denies.")
       for n in range(6)]
    + [("scenario", f"A policy case {n}", "Who may read the S3 bucket?") for n in range(4)]
    + [("question", f"Which policy wins in case {n}?", "An explicit deny wins over an IAM role's allow: a policy.")
       for n in range(16)]
)  # fmt: skip
SEARCHES = ["policy", "s3", "a", "bucket pol", "iam role", "kangaroo", "policy&page=2"]


def build(times: int) -> None:
    """The unit `times` over, indexed as `search.index` writes it (title words included)."""
    Document.objects.all().delete()
    index.write(
        [
            Document(
                kind=kind,
                key=f"{n}-{i}",
                title=title,
                target=f"module-{n}/lesson-{i}" if kind == "lesson" else f"slug-{n}-{i}",
                body=body,
            )
            for n in range(times)
            for i, (kind, title, body) in enumerate(UNIT)
        ]
    )


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows the database handed back to Python, by every cursor, while it counts."""
    read = [0]

    def counting(name):
        def fetch(self, *args):
            got = getattr(self.cursor, name)(*args)
            read[0] += (got is not None) if name == "fetchone" else len(got)
            return got

        return fetch

    for name in ("fetchone", "fetchmany", "fetchall"):
        monkeypatch.setattr(CursorWrapper, name, counting(name), raising=False)
    return read


def cost(client, rows_read, typed: str) -> tuple[int, int]:
    """The search's queries (not the rate limit's, which depend on the clock), and the rows
    every query of the request read."""
    url = f"{reverse('search')}?q={typed}"
    assert client.get(url).status_code == 200  # warm
    rows_read[0] = 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len([q for q in queries if "search_" in q["sql"]]), rows_read[0]


@pytest.mark.django_db
def test_a_search_reads_a_page_and_a_count_with_100_times_the_course(client, rows_read):
    build(1)  # 50 documents: each search but "kangaroo" fills its first page
    small = {typed: cost(client, rows_read, typed) for typed in SEARCHES}
    build(100)  # 5,000 documents, as 2,400 lessons and their questions, terms and scenarios
    large = {typed: cost(client, rows_read, typed) for typed in SEARCHES}
    assert large == small
    assert small["policy"] == small["policy&page=2"] != small["kangaroo"]
    for typed, (_, rows) in large.items():
        # the page's ids and count, its marked hits, the last word's completions
        assert rows <= 2 * PER_PAGE + COMPLETIONS + 10, typed
    assert Document.objects.count() == 100 * len(UNIT)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's plan; PostgreSQL marks by id")
def test_a_page_is_marked_in_one_pass_over_a_prefix_s_matches(client):
    """Marking the page's hits: with the last word a prefix ("policy" looked for as policy*),
    FTS5 looked up by id works the prefix out again for each of the page's 20 ids, merging the
    list of documents of every word it begins (at 100 times the course, 6 ms a page where one
    pass over the matches is 1 ms); so the matches are read once and the page's ids picked
    from them. Words typed whole are still looked up by id, which seeks in their lists."""
    build(2)
    url = reverse("search")

    def marking_plan(typed: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{url}?q={typed}").status_code == 200
        (marking,) = [q["sql"] for q in queries if "highlight(" in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {marking}")
            return [row[-1] for row in cursor.fetchall() if "search_document_fts" in row[-1]]

    # FTS5's plan names its constraints after "INDEX n:": "=" is a lookup by rowid, "M" a match
    (prefix,) = marking_plan("policy")
    assert "VIRTUAL TABLE INDEX" in prefix and ":M" in prefix, prefix
    (whole,) = marking_plan("s3")
    assert ":=M" in whole, whole


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan (migration 0009)")
def test_the_ranking_reads_title_words_from_their_indexes_alone(client):
    """The ranking (`search.query.title_rules`) reads each title word that hits, by its folded
    form or as a prefix's range: both indexes hold every column it reads, so no word's row is
    read again from the table (~2 ms of "policy"'s ~20 ms query at 100 times the course)."""
    build(2)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{reverse('search')}?q=polic").status_code == 200
    (ranking,) = [q["sql"] for q in queries if "search_titleword" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {ranking}")
        reads = [row[-1] for row in cursor.fetchall() if "search_titleword" in row[-1]]
    assert len(reads) == 2, reads  # the folded word, the prefix's range
    assert all("COVERING INDEX" in read for read in reads), reads
