"""Certificates in the admin: found by name, account or whole code, read by everyday admins,
changed by nobody (the code is in shared links; name and date are what the public page
vouches for)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import Certificate

pytestmark = pytest.mark.django_db

LIST = "/admin/certificates/certificate/"


@pytest.fixture
def certificate(learner):
    return Certificate.objects.create(
        user=learner, course_title="The course", name="Zoë Ångström", issued_at=timezone.now()
    )


def _listed(client, query: str = "") -> bool:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return "Zoë Ångström" in response.content.decode()


def test_the_list_finds_a_certificate_by_name_account_or_whole_code(admin_client, certificate):
    assert _listed(admin_client)
    assert _listed(admin_client, "?q=Zo%C3%AB")
    with CaptureQueriesContext(connection) as ctx:
        assert _listed(admin_client, "?q=ada")  # the learner's username
    # One certificate per learner who finished: a search counts what it found, not the whole
    # table again for "(N total)".
    assert sum("COUNT(" in q["sql"].upper() for q in ctx.captured_queries) == 1
    assert _listed(admin_client, f"?q={certificate.code}")
    assert not _listed(admin_client, f"?q={certificate.code[:6]}")  # no guessing by fragment
    assert not _listed(admin_client, "?q=grace")


def test_the_filters_and_date_drill_down_work(admin_client, certificate):
    issued = certificate.issued_at
    assert _listed(admin_client, f"?course__exact={certificate.course}")
    assert _listed(admin_client, f"?issued_at__year={issued.year}&issued_at__month={issued.month}")
    assert not _listed(admin_client, f"?issued_at__year={issued.year - 1}")


def test_nobody_adds_or_changes_a_certificate_in_the_admin(admin_client, certificate):
    assert admin_client.get(LIST + "add/").status_code == 403
    page = admin_client.get(f"{LIST}{certificate.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and certificate.code in body
    assert 'name="name"' not in body and 'name="issued_at_0"' not in body
    admin_client.post(f"{LIST}{certificate.pk}/change/", {"name": "Someone Else"})
    certificate.refresh_from_db()
    assert certificate.name == "Zoë Ångström"
    # "View on site" leads to the public verification page
    [link] = re.findall(r'href="(/admin/r/\d+/\d+/)"', body)
    assert admin_client.get(link)["Location"].endswith(f"/certificates/{certificate.code}/")


def test_an_everyday_admin_reads_certificates_but_cannot_delete_them(
    client, everyday_admin, certificate
):
    assert _listed(client)
    assert client.get(f"{LIST}{certificate.pk}/change/").status_code == 200
    assert client.get(f"{LIST}{certificate.pk}/delete/").status_code == 403
    client.post(f"{LIST}{certificate.pk}/delete/", {"post": "yes"})
    assert Certificate.objects.filter(pk=certificate.pk).exists()
