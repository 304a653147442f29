"""Admins manage every piece of curriculum content in the Django admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import give_mfa

pytestmark = pytest.mark.django_db

MODELS = [
    "module",
    "lesson",
    "layer",
    "service",
    "responsibility",
    "scenario",
    "artifactsection",
    "complianceprogram",
    "lessonprogress",
]


@pytest.fixture
def admin_client(shipped_course, client):
    user = get_user_model().objects.create_superuser("root-admin", password="a-long-passphrase-9")
    give_mfa(user)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_curriculum_model_has_a_working_list_add_and_search(admin_client, model):
    assert admin_client.get(f"/admin/lessons/{model}/").status_code == 200
    assert admin_client.get(f"/admin/lessons/{model}/?q=iam").status_code == 200
    assert admin_client.get(f"/admin/lessons/{model}/add/").status_code == 200


def test_a_lesson_opens_for_editing_with_its_scenarios_inline(admin_client):
    from lessons.models import Lesson

    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    body = admin_client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    assert "scenarios shown in this lesson" in body.lower()


def test_learners_cannot_open_the_admin(client, learner):
    client.force_login(learner)
    assert client.get("/admin/lessons/lesson/").status_code == 302


def test_the_admin_refuses_a_lesson_source_that_is_not_an_https_link():
    """Lesson.clean() runs the loader's link check; a draft may have fewer than two sources."""
    from django.core.exceptions import ValidationError

    from tests.conftest import make_lesson

    lesson = make_lesson(sources=[{"title": "One page", "url": "https://docs.aws.amazon.com/a"}])
    lesson.full_clean()  # one source is fine for a draft written in the admin
    lesson.sources = [{"title": "Bad", "url": "javascript:alert(1)"}]
    with pytest.raises(ValidationError, match="https address"):
        lesson.full_clean()
