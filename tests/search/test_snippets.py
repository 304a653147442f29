"""Snippets over an index of a test's own rows only (no shared corpus): the words marked, the
content escaped, and a mark that the content cannot forge."""

from __future__ import annotations

import pytest

from search import index
from search.query import search
from search.sources import MARK_START
from tests.conftest import make_lesson, make_module

pytestmark = pytest.mark.django_db


def test_snippets_highlight_the_words_and_escape_the_content(db):
    make_lesson(
        make_module(),
        title="<img src=x onerror=alert(1)> boundary",
        body="Text `<script>alert(2)</script>` near the boundary.",
    )
    index.rebuild()
    (hit,) = [hit for hit in search("boundary").hits if hit.kind == "lesson"]
    assert "<mark>boundary</mark>" in hit.title
    assert "<img" not in hit.title and "&lt;img src=x" in hit.title
    # SQLite shows the text escaped; PostgreSQL's ts_headline drops what looks like a tag.
    assert "<script>" not in hit.snippet and "alert(2)" in hit.snippet
    assert "<mark>boundary</mark>" in hit.snippet


def test_content_cannot_forge_a_highlight(db):
    make_lesson(make_module(), title="Plain", body=f"{MARK_START}forged boundary")
    index.rebuild()
    (hit,) = [hit for hit in search("boundary").hits if hit.kind == "lesson"]
    assert hit.snippet.count("<mark>") == 1 and "<mark>boundary</mark>" in hit.snippet
