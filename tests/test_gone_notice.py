"""A live update that finds what it acts on gone (404) or no longer allowed (403) says so on
the page, in its alert region (srm_trainer/gone.py): htmx leaves a 4xx unswapped, so the button
pressed did nothing at all. A whole page keeps the plain 404 and 403 pages."""

from __future__ import annotations

import pytest

from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LESSON_URL = "/learn/iam/policies/"
OUT_OF_DATE = "This page is out of date"


@pytest.fixture
def lesson():
    return make_lesson(make_module(slug="iam"), slug="policies", body="## Policies\n\nWords.\n")


def _said_on_the_page(response, status: int) -> str:
    assert response.status_code == status
    # What static/js/stale-page.js swaps in, and where: the page's alert region.
    assert response["X-Page-Stale"] == "1"
    assert response["HX-Retarget"] == "#page-alert"
    return response.content.decode()


def test_marking_complete_a_lesson_unpublished_since_says_so(learner_client, lesson):
    lesson.published = False
    lesson.save()
    response = learner_client.post(
        LESSON_URL + "complete/",
        headers={**HTMX, "HX-Current-URL": "http://testserver" + LESSON_URL},
    )
    body = _said_on_the_page(response, 404)
    assert OUT_OF_DATE in body and "Nothing was saved" in body
    assert f'<a href="http://testserver{LESSON_URL}">Reload the page</a>' in body


def test_a_check_taken_out_of_its_lesson_since_says_so(learner_client, lesson):
    question = make_question(slug="root-mfa", lesson=lesson)
    chosen = question.data["choices"][0]["id"]
    # The page was drawn with the check; the instructor took it out before the learner answered.
    response = learner_client.post(LESSON_URL + "check/root-mfa/", {"choice": chosen}, headers=HTMX)
    assert OUT_OF_DATE in _said_on_the_page(response, 404)


def test_a_teaching_page_refused_since_says_so(learner_client):
    response = learner_client.get("/teach/", headers=HTMX)
    body = _said_on_the_page(response, 403)
    assert "you can no longer do this here" in body


def test_whole_pages_keep_their_plain_404_and_403(learner_client, lesson):
    lesson.published = False
    lesson.save()
    response = learner_client.get(LESSON_URL)
    assert response.status_code == 404 and "X-Page-Stale" not in response
    assert "We couldn't find that page" in response.content.decode()
    response = learner_client.get("/teach/")
    assert response.status_code == 403 and "X-Page-Stale" not in response
    assert "You can't open this page" in response.content.decode()
