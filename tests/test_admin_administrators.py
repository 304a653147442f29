"""An everyday admin (staff of the `Administrators` role, not a superuser) reaches in the admin
only the models the role's grants name: the site's own views (autocomplete, "View on site")
asked only for staff, and answered for models the role holds nothing on."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import ForeignKey, ManyToManyField

from quizzes import attempts
from srm_trainer.accounts.roles import ADMINISTRATORS, role_grants
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def _edits(model) -> bool:
    """Whether the role's grants let it add or change `model` (the roles migrations' table)."""
    verbs = role_grants(ADMINISTRATORS).get(model._meta.app_label, {}).get(model._meta.model_name)
    return bool(set(verbs or ()) & {"add", "change"})


def _searchable_relations():
    """(model, field) for every relation whose model's admin has a search: what the admin's
    autocomplete can be asked about, registered models and the inlines' alike."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, ForeignKey | ManyToManyField) or field.model is not model:
                continue
            remote = admin.site._registry.get(field.related_model)
            if remote is not None and remote.search_fields:
                yield model, field


def test_autocomplete_answers_only_through_a_model_the_role_edits(client, everyday_admin):
    # Django asked only whether the user may view the model searched: the role, which views
    # accounts, searched them through learners' lesson progress, which it holds nothing on.
    wrong = []
    for model, field in _searchable_relations():
        response = client.get(
            "/admin/autocomplete/",
            {
                "term": "",
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field.name,
            },
        )
        remote = admin.site._registry[field.related_model]
        views_remote = everyday_admin.has_perm(
            f"{field.related_model._meta.app_label}.view_{field.related_model._meta.model_name}"
        ) or everyday_admin.has_perm(
            f"{field.related_model._meta.app_label}.change_{field.related_model._meta.model_name}"
        )
        expected = 200 if _edits(model) and views_remote and remote.search_fields else 403
        if response.status_code != expected:
            wrong.append(
                f"{model._meta.label}.{field.name}: {response.status_code}, not {expected}"
            )
    assert not wrong, wrong
    assert any(_edits(model) for model, _ in _searchable_relations())  # some answer, too


def test_autocomplete_of_an_owner_still_answers_the_role(client, everyday_admin):
    response = client.get(
        "/admin/autocomplete/",
        {"term": "op", "app_label": "quizzes", "model_name": "question", "field_name": "owner"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["ops"]


def test_view_on_site_opens_only_for_a_model_the_role_may_open(client, everyday_admin, learner):
    # Django's redirect answered any staff for any model: a learner's attempt's address to the
    # role, which holds nothing on attempts, and whether that attempt exists.
    question = make_question("single")
    quiz = make_quiz(question, published=True)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    kind = ContentType.objects.get_for_model(type(attempt))
    refused = client.get(f"/admin/r/{kind.pk}/{attempt.pk}/")
    assert refused.status_code == 403
    assert client.get(f"/admin/r/{kind.pk}/{attempt.pk + 1000}/").status_code == 403

    quiz_kind = ContentType.objects.get_for_model(type(quiz))
    opened = client.get(f"/admin/r/{quiz_kind.pk}/{quiz.pk}/")
    assert opened.status_code == 302 and opened["Location"].endswith(quiz.get_absolute_url())
