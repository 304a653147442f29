"""A lesson's body is rendered once per edit, not once per process (lessons/rendered.py):
with thousands of lessons, a page no memory cache holds still renders no Markdown."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from lessons import rendered
from lessons.models import Lesson, RenderedBody
from tests.conftest import make_lesson


@pytest.fixture
def forget_memory():
    """Another process: nothing in this one's memory."""
    rendered._recent.clear()
    yield
    rendered._recent.clear()


def no_rendering(text):
    raise AssertionError("Markdown was rendered again")


def test_a_body_rendered_once_is_read_back_by_a_fresh_process(
    client, db, forget_memory, monkeypatch
):
    lesson = make_lesson(body="## Who secures what\n\nThe **customer** secures their data.\n")
    first = client.get(lesson.get_absolute_url()).content.decode()
    assert "<strong>customer</strong>" in first
    stored = RenderedBody.objects.get(lesson=lesson)
    assert stored.headings == [["who-secures-what", "Who secures what"]]

    rendered._recent.clear()
    monkeypatch.setattr(rendered, "render_markdown_uncached", no_rendering)
    again = client.get(lesson.get_absolute_url()).content.decode()
    assert "<strong>customer</strong>" in again
    assert 'href="#who-secures-what"' in again  # the table of contents, from the stored row


def test_a_stored_rendering_is_never_served_for_a_changed_body(client, db, forget_memory):
    """The stored rendering is found by the body's digest, so even a body changed behind the
    ORM's back (an `update()`, no signal) is rendered anew, not read from a stale row. (Inside
    the test's transaction the page reads the lesson afresh; a server keeps the lesson row
    with the reading order, so it shows such an edit after the next save: README, "Performance".)"""
    lesson = make_lesson(body="Old words.\n")
    assert "Old words." in client.get(lesson.get_absolute_url()).content.decode()
    Lesson.objects.filter(pk=lesson.pk).update(body="New *words*.\n")
    rendered._recent.clear()
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert "New <em>words</em>." in body and "Old words." not in body
    stored = RenderedBody.objects.get(lesson=lesson)
    assert "New <em>words</em>." in stored.html
    assert stored.source == rendered.digest("New *words*.\n")


def test_the_memory_keeps_a_bounded_number_of_bodies(db, forget_memory, monkeypatch):
    monkeypatch.setattr(rendered, "KEPT_IN_MEMORY", 3)
    for n in range(5):
        rendered.lesson_body(make_lesson(body=f"Lesson {n}.\n"))
    assert len(rendered._recent) == 3
    assert RenderedBody.objects.count() == 5


def test_a_failed_store_leaves_the_callers_transaction_usable(db, forget_memory, monkeypatch):
    """A curriculum load's reindex reads bodies through `lesson_body` inside the load's
    transaction: a store that fails (here a statement the database refuses) is only logged, and
    the load goes on. On PostgreSQL a failed statement outside a savepoint would have aborted
    the whole transaction (`make test-postgres` runs this too)."""
    lesson = make_lesson(body="Some *text*.")

    def refused(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(RenderedBody.objects, "bulk_create", refused)
    with transaction.atomic():
        body = rendered.lesson_body(lesson)
        assert "<em>text</em>" in body.html
        assert Lesson.objects.filter(pk=lesson.pk).exists()  # the transaction still answers
