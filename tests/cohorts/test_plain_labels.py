"""A form's labels read alike on every page: "Cohort name", as on the sign-in page and in the
question editors, never Django's "Cohort name:" (docs/pages.md, "One look for every page")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cohorts import services
from tests.cohorts.conftest import at
from tests.teach.conftest import client_for

pytestmark = pytest.mark.django_db

LABEL = re.compile(r"<(label|legend)\b[^>]*>(.*?)</\1>", re.S)


def _labels(body: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for _, text in LABEL.findall(body)]


def _colons(client, url: str) -> tuple[list[str], list[str]]:
    response = client.get(url, follow=True)  # the cohort list adds its form's `once` first
    assert response.status_code == 200, url
    labels = _labels(response.content.decode())
    return labels, [label for label in labels if label.endswith(":")]


def test_the_cohort_pages_labels_end_without_a_colon(cohort, quiz, owner, learner):
    pages = [
        reverse("teach_cohorts:list"),
        reverse("teach_cohorts:people", args=[cohort.pk]),
        reverse("teach_cohorts:assignment-create", args=[cohort.pk]),
        reverse("teach:import"),
        reverse("teach:quiz-statistics", args=[quiz.pk]),
    ]
    for url in pages:
        labels, colons = _colons(client_for(owner), url)
        assert labels, url  # the page has a form: the check looked at something
        assert not colons, (url, colons)
    for url in [reverse("cohorts:mine"), reverse("account_delete")]:
        labels, colons = _colons(client_for(learner), url)
        assert labels, url
        assert not colons, (url, colons)


def test_a_field_left_empty_is_told_what_to_type_in_the_pages_words(cohort, quiz, owner, learner):
    """Each form of a cohort's pages says what an empty field wants, as the rename and the
    next term's name do; three said Django's "This field is required.", the one message of
    the pages not in their own words."""
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    teacher = client_for(owner)
    sent = {
        reverse("teach_cohorts:list"): ({"name": "", "once": "t-1"}, "Give the cohort a name."),
        reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk]): (
            {"learner": learner.username, "due_at": ""},
            "Type the date and time their extension runs to.",
        ),
    }
    for url, (data, said) in sent.items():
        body = teacher.post(url, data).content.decode()
        assert said in body, url
        assert "This field is required." not in body, url
    body = client_for(learner).post(reverse("cohorts:join"), {"code": ""}, follow=True)
    body = body.content.decode()
    assert "Type the join code your instructor gave you." in body
    assert "This field is required." not in body
