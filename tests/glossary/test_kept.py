"""The matcher and the linked lesson HTML are kept per glossary version, and forgotten the
moment a term changes (committed rows: outside a transaction is where they are kept)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary import terms
from glossary.models import GlossaryTerm

pytestmark = pytest.mark.django_db(transaction=True)

HTML = "<p>An SCP and a permissions boundary.</p>"


def test_the_glossary_is_read_once_then_reused_until_a_term_changes():
    term = GlossaryTerm.objects.create(slug="scp", term="SCP", definition="x.")
    first = terms.link_terms(HTML)
    with CaptureQueriesContext(connection) as ctx:
        again = terms.link_terms(HTML)
    assert again == first and "#term-scp" in first
    assert len(ctx.captured_queries) <= 1  # the version check in the shared cache only
    term.aliases = ["permissions boundary"]
    term.slug = "limits"
    term.save()
    relinked = terms.link_terms(HTML)
    assert "#term-limits" in relinked and "#term-scp" not in relinked


def test_a_term_deleted_is_no_longer_linked():
    GlossaryTerm.objects.create(slug="scp", term="SCP", definition="x.")
    assert "glossary-term" in terms.link_terms(HTML)
    GlossaryTerm.objects.all().delete()
    assert terms.link_terms(HTML) == HTML


def test_the_glossary_page_is_kept_and_follows_its_terms_and_lessons(client, staff):
    """The A to Z listing is drawn once per glossary version and reading order: a term or a
    lesson edited shows at once, and a draft lesson stays staff only."""
    from tests.conftest import give_mfa, make_lesson, make_module

    lesson = make_lesson(make_module(), title="Before")
    draft = make_lesson(make_module(), title="Draft lesson", published=False)
    term = GlossaryTerm.objects.create(
        slug="scp", term="SCP", definition="Old words.", lesson=lesson
    )
    GlossaryTerm.objects.create(slug="wip", term="WIP", definition="Draft words.", lesson=draft)
    first = client.get("/learn/glossary/").content.decode()
    assert "Old words." in first and "Taught in" in first and "Draft lesson" not in first
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/learn/glossary/").content.decode()
    assert again.split("<main", 1)[1] == first.split("<main", 1)[1]  # the frame's token differs
    assert not any("glossary_glossaryterm" in q["sql"] for q in ctx.captured_queries)
    term.definition = "New words."
    term.save()
    assert "New words." in client.get("/learn/glossary/").content.decode()
    lesson.title = "After"
    lesson.save()
    assert ">After</a>" in client.get("/learn/glossary/").content.decode()
    give_mfa(staff)  # staff preview drafts once they have two-factor sign-in
    client.force_login(staff)
    assert "Draft lesson" in client.get("/learn/glossary/").content.decode()
