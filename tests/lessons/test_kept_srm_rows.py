"""The SRM explorer and its diagram read the services, layers and responsibilities once per
version and process (lessons/explorers.py `srm_rows`), so a second view reads none of them; a
save or delete of any of them, wherever it is made, shows on the next view. Committed rows, as
a server sees them: only those are kept."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons import diagrams
from lessons.models import Layer, Responsibility, Service
from tests.conftest import make_srm

pytestmark = pytest.mark.django_db(transaction=True)

SRM_TABLES = ('"lessons_service"', '"lessons_layer"', '"lessons_responsibility"')


def view(client, url: str = "/learn/srm/?service=ec2&compare=rds") -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def without_tokens(body: str) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def diagram_owners(body: str) -> list[str]:
    """The owners the figure's cells show, the same in its wide and its narrow drawing."""
    figure = body[body.index('id="diagram-srm-stack"') :]
    wide, narrow = figure[: figure.index("</figure>")].split("<svg")[1:]
    owners = re.findall(r"d-owner d-owner-([a-z]+)", wide)
    assert re.findall(r"d-owner d-owner-([a-z]+)", narrow) == owners
    return owners


def test_a_second_view_reads_no_srm_row_draws_no_figure_and_shows_the_same_page(
    client, monkeypatch
):
    make_srm()
    drawn = []
    draw = diagrams.srm_stack
    monkeypatch.setattr(diagrams, "srm_stack", lambda *a, **k: drawn.append(1) or draw(*a, **k))
    first, sql = view(client)
    assert [q for q in sql if any(t in q for t in SRM_TABLES)] and drawn == [1]
    again, sql = view(client, "/learn/srm/?service=rds")  # another service: the same figure
    assert not [q for q in sql if any(t in q for t in SRM_TABLES)] and drawn == [1]
    again, sql = view(client)
    assert without_tokens(again) == without_tokens(first) and 'id="diagram-srm-stack"' in again


def test_edits_show_on_the_next_view_in_the_table_and_the_diagram(client):
    services = make_srm()
    body, _ = view(client)
    assert diagram_owners(body) == ["customer", "customer", "customer", "aws"]
    cell = Responsibility.objects.get(service=services["rds"], layer__slug="guest-os")
    cell.owner = "shared"
    cell.reason = "Edited reason"
    cell.save()
    body, _ = view(client)
    assert "Edited reason" in body
    assert diagram_owners(body) == ["customer", "customer", "customer", "shared"]

    layer = Layer.objects.get(slug="guest-os")
    layer.name = "Operating system"
    layer.save()
    assert "Operating system" in view(client)[0]

    Service.objects.create(slug="s3", name="Amazon Simple Storage", model="Managed", order=5)
    body, _ = view(client, "/learn/srm/?service=s3")
    assert '<option value="s3" selected>Amazon Simple Storage</option>' in body

    services["rds"].delete()  # its responsibilities go with it
    body, _ = view(client, "/learn/srm/?service=rds")
    assert 'value="rds"' not in body and "There is no service called" in body
    assert diagram_owners(body) == ["customer", "none", "customer", "none"]  # ec2 and s3
