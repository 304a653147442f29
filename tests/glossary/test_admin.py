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


@pytest.mark.parametrize("address", ["add/", "{pk}/delete/"])
def test_an_admin_opening_add_or_delete_is_told_terms_come_from_the_course_files(
    client, everyday_admin, term, address
):
    """The plain 403 told the administrator to "ask your instructor or an administrator";
    the page says what is true: the course files hold the glossary, the load writes it."""
    page = client.get(LIST + address.format(pk=term.pk))
    assert page.status_code == 403
    text = page.content.decode()
    assert "ask your instructor or an administrator" not in text
    assert "lessons/content/glossary.yaml" in text and "load_curriculum" in text
    assert f'href="{LIST}"' in text  # back to the terms
    client.post(LIST + address.format(pk=term.pk), {"post": "yes"})
    assert GlossaryTerm.objects.filter(pk=term.pk).exists()


def test_the_list_of_terms_reads_its_page_in_order_from_an_index(admin_client, term):
    """Its page of 100 is the first 100 entries of `glossary_term_order` (term, then the latest
    added, the order Django makes total): the database sorted every term first, ~25 ms at the
    26,700 of the course grown 100 times on SQLite."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get("/admin/glossary/glossaryterm/").status_code == 200
    (rows,) = [
        q["sql"]
        for q in queries
        if 'FROM "glossary_glossaryterm"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {rows}")
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "USING INDEX glossary_term_order" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
