"""A co-instructor (one the cohort was handed over from, say) looks for "Archive" on the
cohort's "Learners and instructors" page, where the cohort list sends everyone to archive a
class, and finds it gone: the page now says who archives and deletes it (found walking through
the instructor's first day, 2026-12-06: it said only "Only the owner changes who teaches this
cohort.")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts import services
from tests.cohorts.conftest import client_for
from tests.teach.formdata import text

pytestmark = pytest.mark.django_db


def _people(user, cohort) -> str:
    return text(client_for(user).get(reverse("teach_cohorts:people", args=[cohort.pk])))


def test_a_co_instructor_is_told_who_archives_and_deletes_the_cohort(cohort, co_instructor):
    page = _people(co_instructor, cohort)
    assert "Archive the cohort" not in page
    assert (
        "Only its owner, ines, changes who teaches this cohort, archives it or deletes it." in page
    )


def test_an_archived_cohorts_co_instructor_is_told_who_restores_it(cohort, owner, co_instructor):
    services.cohort_archive(cohort=cohort)
    page = _people(co_instructor, cohort)
    assert (
        "Only its owner, ines, changes who teaches this cohort, restores it or deletes it." in page
    )


def test_the_owner_is_not_told_it(cohort, owner):
    page = _people(owner, cohort)
    assert "Archive the cohort" in page and "Only its owner" not in page


@pytest.mark.parametrize("page", ["archive", "delete"])
def test_a_co_instructor_at_an_owners_page_is_told_why_and_the_way_back(
    cohort, co_instructor, page
):
    """An old tab or a bookmark after a hand-over: the 403 said "ask your instructor or an
    administrator", to an instructor."""
    response = client_for(co_instructor).get(reverse(f"teach_cohorts:{page}", args=[cohort.pk]))
    assert response.status_code == 403
    said = text(response)
    assert f"Only its owner, ines, changes who teaches {cohort.name}, archives, restores" in said
    assert "ask your instructor" not in said
    back = reverse("teach_cohorts:people", args=[cohort.pk])
    assert f'href="{back}"' in response.content.decode()
