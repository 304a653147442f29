"""A form's labels read alike on every page: "Cohort name", as on the sign-in page and in the
question editors, never Django's "Cohort name:" (docs/pages.md, "One look for every page")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

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
