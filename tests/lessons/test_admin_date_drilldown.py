"""The admin's lists of lesson progress and knowledge checks read only what they show: their
page of 100, newest first, from an index in that order, and their date drill-down's years,
months or days by a seek each (`srm_trainer.admin_dates`, lessons migration 0022).

Django's drill-down truncated every row's date (a Python function on SQLite) and the lists
sorted every row: at the bench's heavy learner (3,600 lessons complete, 4,700 checks; tests/
heavy_learner.py) the lists' queries took ~10 and ~14 ms on SQLite, now ~0.4 ms
(docs/limits.md). The seeks list the same dates as Django's, in the admin's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lessons.models import KnowledgeCheck, LessonProgress
from srm_trainer.admin_dates import seeking
from tests.conftest import make_lesson

pytestmark = pytest.mark.django_db

# Around the turns of a day, a month and a year in UTC and in Auckland (UTC+13 in summer),
# so a date falls on another day, month or year in the admin's zone than in UTC.
MOMENTS = [
    datetime(2024, 12, 31, 10, 30, tzinfo=UTC),  # 1 January 2025 in Auckland
    datetime(2024, 12, 31, 11, 30, tzinfo=UTC),
    datetime(2025, 1, 15, 9, 0, tzinfo=UTC),
    datetime(2025, 2, 28, 11, 59, tzinfo=UTC),  # 1 March in Auckland
    datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    datetime(2025, 3, 1, 12, 0, 1, tzinfo=UTC),
    datetime(2025, 4, 5, 13, 30, tzinfo=UTC),  # Auckland's clocks go back on 6 April
    datetime(2025, 4, 6, 14, 30, tzinfo=UTC),
    datetime(2026, 7, 1, 0, 0, tzinfo=UTC),
]


@pytest.fixture
def progress():
    """A completion at each moment, by learners of their own (one lesson each)."""
    lesson = make_lesson()
    users = get_user_model().objects
    for n, moment in enumerate(MOMENTS):
        LessonProgress.objects.create(
            user=users.create_user(f"drill-{n}"), lesson=lesson, completed_at=moment
        )
    return LessonProgress.objects.all()


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/New_York"])
def test_the_seeks_list_the_same_dates_as_djangos(progress, zone):
    with timezone.override(zone):
        for rows in (
            progress,
            progress.filter(completed_at__gte=MOMENTS[2]),
            progress.filter(user__username__in=["drill-0", "drill-3", "drill-7"]),
            progress.none(),
        ):
            ours = seeking(rows)
            for kind in ("year", "month", "day"):
                assert ours.datetimes("completed_at", kind) == list(
                    rows.datetimes("completed_at", kind)
                ), kind
            first_last = {"first": Min("completed_at"), "last": Max("completed_at")}
            assert ours.aggregate(**first_last) == rows.aggregate(**first_last)


def _sqlite_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row[-1] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("page", "table", "index"),
    [
        ("lessonprogress/", "lessons_lessonprogress", "progress_completed"),
        ("lessonprogress/?completed_at__year=2025", "lessons_lessonprogress",
         "progress_completed"),
        ("lessonprogress/?user__id__exact={user}", "lessons_lessonprogress", "progress_latest"),
        ("knowledgecheck/", "lessons_knowledgecheck", "knowledge_check_answered"),
        ("knowledgecheck/?answered_at__year=2025&answered_at__month=3", "lessons_knowledgecheck",
         "knowledge_check_answered"),
        ("knowledgecheck/?user__id__exact={user}", "lessons_knowledgecheck",
         "knowledge_check_user_latest"),
    ],
)  # fmt: skip
def test_the_lists_read_their_page_and_their_dates_from_an_index_in_order(
    admin_client, progress, page, table, index
):
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    lesson = progress.first().lesson
    for n, moment in enumerate(MOMENTS):
        KnowledgeCheck.objects.create(
            user=progress[n].user, lesson=lesson, kind="prediction", ref=f"r{n}",
            response={}, score=1.0, correct=True, answered_at=moment + timedelta(minutes=1),
        )  # fmt: skip
    url = "/admin/lessons/" + page.format(user=progress.first().user_id)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    reads = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
    assert reads
    for sql in reads:
        assert "django_datetime_trunc" not in sql  # no date of every row truncated
        plan = _sqlite_plan(sql)
        assert "TEMP B-TREE" not in plan, (sql, plan)
        if "COUNT(" not in sql:
            assert f"INDEX {index}" in plan, (sql, plan)


def test_a_learners_checks_in_some_lessons_are_found_by_lesson_not_by_the_admins_index(
    progress,
):
    """The admin's newest-first index on a learner's checks must not take over the module
    page's tally (their checks in its lessons, oldest first): asked for that order, SQLite
    walked it through every check of the learner's (4,700 at the heavy learner's 100x)."""
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    from lessons import knowledge_checks

    user = progress.first().user
    lesson = progress.first().lesson
    KnowledgeCheck.objects.create(
        user=user, lesson=lesson, kind="prediction", ref="r", response={}, score=1.0,
        correct=True, answered_at=MOMENTS[0],
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        found = knowledge_checks.results(user, lesson_ids=[lesson.pk, lesson.pk + 1])
    assert [r.ref for r in found] == ["r"]
    (sql,) = [q["sql"] for q in queries if 'FROM "lessons_knowledgecheck"' in q["sql"]]
    assert "(user_id=? AND lesson_id=?)" in _sqlite_plan(sql), _sqlite_plan(sql)
