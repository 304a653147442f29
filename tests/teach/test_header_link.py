"""The header's "Teaching" link: shown to instructors and staff only, marked as the current
page under /teach/, and free: the role comes with the user's own query, so no page costs a
query more for anyone."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from srm_trainer.accounts.roles import set_instructor
from tests.conftest import make_lesson
from tests.teach.conftest import client_for

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="/teach/"( aria-current="page")?>Teaching</a>')


@pytest.fixture(autouse=True)
def _content():
    make_lesson()


def teaching_link(client, url="/") -> re.Match | None:
    response = client.get(url)
    assert response.status_code == 200
    return LINK.search(response.content.decode())


def test_instructors_and_staff_see_the_link(instructor, mfa_staff):
    assert teaching_link(client_for(instructor))
    assert teaching_link(client_for(mfa_staff))


def test_learners_and_anonymous_visitors_do_not(learner):
    assert teaching_link(client_for(learner)) is None
    assert teaching_link(client_for(None)) is None


def test_the_link_is_marked_current_under_teach_only(instructor):
    client = client_for(instructor)
    assert teaching_link(client, "/").group(1) is None
    assert teaching_link(client, reverse("teach:dashboard")).group(1) == ' aria-current="page"'


def test_a_role_change_shows_on_the_next_page_without_signing_in_again(learner):
    client = client_for(learner)
    assert teaching_link(client) is None
    set_instructor(user=learner, instructor=True)
    assert teaching_link(client)
    set_instructor(user=learner, instructor=False)
    assert teaching_link(client) is None


def test_a_session_from_before_the_role_aware_backend_still_works(instructor):
    client = client_for(None)
    client.force_login(instructor, backend="django.contrib.auth.backends.ModelBackend")
    assert teaching_link(client)


def _home_queries(client) -> int:
    client.get("/")  # warm: the first page may store the session's time zone
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    return len(captured)


def test_the_home_page_costs_an_instructor_no_more_queries_than_a_learner(
    learner, instructor, django_assert_num_queries
):
    learner_client, instructor_client = client_for(learner), client_for(instructor)
    learner_client.get("/")
    instructor_client.get("/")
    # session, user (with the role), lessons, modules, completions per module, the last
    # completion and the lessons after it ("Continue"), review count, assigned work, and the
    # course progress (5: certificates/progress.py: quizzes, knowledge checks, review cards,
    # certificate, scenarios per module; the reading order and the completions per module it
    # shares with the page, each read once per request, here inside the test's transaction)
    with django_assert_num_queries(14):
        learner_client.get("/")
    with django_assert_num_queries(14):
        assert instructor_client.get("/").status_code == 200
    assert _home_queries(client_for(None)) == 2  # modules and lessons only
