"""The glossary in the admin: every admin can look a term up; nobody edits one there, as
`lessons/content/glossary.yaml` is its source (`load_curriculum` replaces the rows)."""

from __future__ import annotations

import pytest

from glossary.models import GlossaryTerm

pytestmark = pytest.mark.django_db

LIST = "/admin/glossary/glossaryterm/"


@pytest.fixture
def term():
    return GlossaryTerm.objects.create(
        slug="scp", term="service control policy", definition="Sets the most an account may do."
    )


def test_an_everyday_admin_finds_a_term_and_reads_it_but_cannot_change_it(
    client, everyday_admin, term
):
    listed = client.get(LIST, {"q": "control"})
    assert listed.status_code == 200
    assert "service control policy" in listed.content.decode()
    page = client.get(f"{LIST}{term.pk}/change/")
    assert page.status_code == 200
    assert "Sets the most an account may do." in page.content.decode()
    client.post(f"{LIST}{term.pk}/change/", {"definition": "Grants permissions."})
    term.refresh_from_db()
    assert term.definition == "Sets the most an account may do."
    assert client.get(f"{LIST}{term.pk}/delete/").status_code == 403
    assert client.get("/admin/").content.decode().count('href="/admin/glossary/"') >= 1
