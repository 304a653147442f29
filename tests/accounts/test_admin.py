"""The audit log's list in the admin: a search counts only what it found (the log only
grows, and counting all of it again for "(N total)" would cost a scan per page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_search_of_the_audit_log_counts_only_what_it_found(admin_client):
    from lessons.models import Layer

    Layer.objects.create(slug="storage", name="Storage", order=1)  # an entry in the log
    Layer.objects.create(slug="network", name="Network", order=2)
    with CaptureQueriesContext(connection) as ctx:
        page = admin_client.get("/admin/auditlog/logentry/", {"q": "Storage"}).content.decode()
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "1 result" in page and "Show all" in page
