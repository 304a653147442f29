"""The teaching editors' live parts over Django's own size limits (srm_trainer/too_large.py):
the Markdown preview, a policy question's live key, a challenge's live check and the quiz
preview's check each say so in their own place and in the page's status region, the form left
as typed. Each was Django's 400 page, which htmx leaves unswapped: nothing changed on screen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.teach.conftest import client_for
from tests.test_too_large import HTMX, browser_for, refused_in, too_big

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "target", "place"),
    [
        ("single", "md-preview", "#md-preview"),
        ("policy_decision", "live", "#live-refusal"),
        ("policy_decision", "pd-editor", "#live-refusal"),
        ("least_privilege", "lp-check", "#lp-check"),
    ],
)
def test_an_editors_live_part_over_the_limit_says_so_in_its_place(
    instructor, owned, kind, target, place
):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, kind])
    page = client_for(instructor).get(url, follow=True).content.decode()
    assert f'id="{place[1:]}"' in page and f'id="{target}"' in page
    browser = browser_for(instructor)
    response = browser.post(url, too_big(action="preview"), headers={**HTMX, "HX-Target": target})
    refused_in(response, place)
    assert response["HX-Reswap"] == "innerHTML"
    assert '<p class="note note-error">' in response.content.decode()


def test_the_quiz_previews_check_over_the_limit_is_said_in_its_status_line(instructor, owned):
    quiz, _ = owned
    preview = client_for(instructor).get(reverse("teach:quiz-preview", args=[quiz.pk]))
    assert 'id="answer-status"' in preview.content.decode()
    url = reverse("teach:quiz-preview-check", args=[quiz.pk, 1])
    response = browser_for(instructor).post(url, too_big(), headers=HTMX)
    said = refused_in(response, "#answer-status")
    assert response.content.decode().startswith(said)
