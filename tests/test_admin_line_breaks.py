"""Text saved in the admin keeps its line breaks as LF, as every other form stores them
(srm_trainer/typed_text.py): a browser sends a textarea's line breaks as CR LF."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from srm_trainer.typed_text import AdminTextarea
from tests.conftest import give_mfa, make_module, sign_in

pytestmark = pytest.mark.django_db


def test_a_module_saved_in_the_admin_keeps_lf_line_breaks(client, django_user_model):
    """Saving a row changed every textarea's breaks to CR LF: content loaded from the files
    drifted from them, and the history said "Situation, Explanation" changed when only the
    rule had. Sent again unchanged, the text is not a change."""
    root = django_user_model.objects.create_superuser("root", password="a-long-passphrase-9")
    give_mfa(root)
    sign_in(client, root)
    module = make_module(summary="First line.\nSecond line.")
    form = {
        "title": module.title,
        "slug": module.slug,
        "summary": "First line.\r\nSecond line.\r\nThird.",
        "order": module.order,
        "published": "on",
        "lessons-TOTAL_FORMS": "0",
        "lessons-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/lessons/module/{module.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    module.refresh_from_db()
    assert module.summary == "First line.\nSecond line.\nThird."


@pytest.mark.django_db
def test_every_admin_textarea_reads_line_breaks_as_lf(admin_user):
    """So an admin added later gets it too (the admin's default for models.TextField)."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    found = []
    for model_admin in admin.site._registry.values():
        form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            model_field = next((f for f in model_admin.model._meta.fields if f.name == name), None)
            if isinstance(model_field, models.TextField) and not isinstance(
                model_field, models.JSONField
            ):
                found.append((model_admin.model.__name__, name, field.widget))
    assert found
    assert [(m, n) for m, n, w in found if not isinstance(w, AdminTextarea)] == []
