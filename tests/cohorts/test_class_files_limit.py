"""A cohort's CSV files (its gradebook and its answers, their lists of parts and each part) cost
up to about a second of the server's CPU each (`exports.GRADEBOOK_ROWS_PER_FILE`,
`ANSWERS_PER_FILE`): they are rate-limited together (`class_files`, docs/limits.md), per
instructor, with the site's "Too many requests" page."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from tests.cohorts.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "class_files": "3/600"}


def test_too_many_downloads_of_a_class_s_files_are_refused(owner, cohort, tight):
    teacher = client_for(owner)
    gradebook = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    files = [
        reverse("teach_cohorts:gradebook-csv", args=[cohort.pk]),
        reverse("teach_cohorts:answers-csv", args=[cohort.pk]),
        reverse("teach_cohorts:gradebook-csv", args=[cohort.pk]) + "?before=m&part=1",
    ]
    for _ in range(4):  # the gradebook page itself is not counted
        assert teacher.get(gradebook).status_code == 200
    for url in files:
        response = teacher.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    for url in files[:2]:  # the two files share one count
        refused = teacher.get(url)
        assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
        assert refused["Content-Type"].startswith("text/html")
        text = unescape(refused.content.decode())
        assert "That was a lot of downloads of a class's files in a short time." in text
        assert "Try again in " in text
        assert "what you typed" not in text  # a download has no form to go back to


def test_each_instructor_has_their_own_count(owner, co_instructor, cohort, tight):
    url = reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])
    teacher = client_for(owner)
    for _ in range(3):
        teacher.get(url)
    assert teacher.get(url).status_code == 429
    assert client_for(co_instructor).get(url).status_code == 200
