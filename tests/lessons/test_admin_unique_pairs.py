"""A clash of a unique pair (a lesson's slug in its module, a service's layer) is shown at the
field to change, marked invalid, with what was typed kept: not only above the form."""

from __future__ import annotations

import re

import pytest

from lessons.models import Layer, Responsibility, Service
from tests.conftest import make_lesson, make_module
from tests.lessons.test_body_markers import _post

pytestmark = pytest.mark.django_db


def _input(page: str, name: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', page).group(0)


def _error_at(page: str, name: str) -> str:
    return page.split(f'id="id_{name}_error"', 1)[1].split("</ul>", 1)[0]


# --- a lesson's slug taken in its module: the error is at the slug ----------------------------


def test_a_slug_taken_in_the_module_is_refused_at_the_slug_field(admin_client):
    module = make_module()
    make_lesson(module, slug="taken")
    lesson = make_lesson(module, slug="mine")
    response = _post(admin_client, lesson, slug="taken")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "This module has a lesson with this slug already."
        in page.split('id="id_slug_error"')[1][:300]
    )
    slug_input = re.search(r'<input[^>]*name="slug"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in slug_input
    assert 'value="taken"' in slug_input  # as typed
    assert "already exists" not in page  # not Django's words above the form
    lesson.refresh_from_db()
    assert lesson.slug == "mine"
    # Another module may use it.
    assert _post(admin_client, lesson, slug="taken", module=make_module().pk).status_code == 302


def test_a_layer_the_service_has_already_is_refused_at_the_layer_field(admin_client):
    service = Service.objects.create(slug="ec2", name="EC2", model="IaaS")
    layer = Layer.objects.create(slug="guest-os", name="Guest OS")
    Responsibility.objects.create(service=service, layer=layer, owner="customer", reason="Yours.")
    response = admin_client.post(
        "/admin/lessons/responsibility/add/",
        {"service": service.pk, "layer": layer.pk, "owner": "aws", "reason": "Typed."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This service says who secures this layer already." in _error_at(page, "layer")
    assert 'aria-invalid="true"' in _input(page, "layer")
    assert "already exists" not in page
    assert "Typed." in page
    assert Responsibility.objects.count() == 1
