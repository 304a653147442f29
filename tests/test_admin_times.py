"""The admin's times name their zone, as the site's pages do (`lessons.timezones.zoned`,
"6 Dec 2026, 20:11 (UTC)"): Django's "Dec. 6, 2026, 8:11 p.m." said nothing of which clock,
and the admin is drawn on the reader's (the zone their browser reports) or the site's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from quizzes.models import Attempt, Quiz
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 12, 6, 20, 11, tzinfo=UTC)


@pytest.fixture
def attempt(admin_user):
    attempt = make_attempt(make_quiz(make_question()), user=admin_user)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=STARTED)
    return attempt


@pytest.mark.parametrize(
    ("zone", "shown"),
    [(None, "6 Dec 2026, 20:11 (UTC)"), ("Asia/Tokyo", "7 Dec 2026, 05:11 (Asia/Tokyo)")],
)
def test_a_list_and_a_read_only_field_name_the_zone_of_their_times(
    admin_client, attempt, zone, shown
):
    if zone:
        admin_client.cookies["tz"] = zone
    listing = admin_client.get("/admin/quizzes/attempt/").content.decode()
    assert f'<td class="field-started_at nowrap">{shown}</td>' in listing
    page = admin_client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/").content.decode()
    assert f'<div class="readonly">{shown}</div>' in page
    assert "p.m." not in listing + page and "a.m." not in listing + page


def test_an_objects_history_names_the_zone_of_each_change(admin_client, attempt):
    quiz = Quiz.objects.get()
    entry = LogEntry.objects.log_actions(
        user_id=attempt.user_id, queryset=[quiz], action_flag=CHANGE, change_message="Edited"
    )
    LogEntry.objects.filter(pk__in=[e.pk for e in entry]).update(action_time=STARTED)
    admin_client.cookies["tz"] = "Asia/Tokyo"
    page = admin_client.get(f"/admin/quizzes/quiz/{quiz.pk}/history/").content.decode()
    assert '<th scope="row">7 Dec 2026, 05:11 (Asia/Tokyo)</th>' in page
