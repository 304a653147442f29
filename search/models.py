"""One row per searchable thing, written only by `search.index` (never edited by hand).

The full-text index over these rows is the database's own and is created by the migration,
outside Django's models: an external-content FTS5 table kept in step by triggers on SQLite, a
generated `tsvector` column with a GIN index on PostgreSQL. Rows are replaced by (kind, key),
so reindexing one lesson is a delete and an insert.

No row holds an address: the index is written outside requests (a load, a command) and inside
requests under any script prefix or URLconf, so each result's address is made when it is drawn
(search/sources.py, `Source.address`) from the row's `target`.
"""

from __future__ import annotations

from django.db import models


class Document(models.Model):
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=100, help_text="The source row's id within its kind.")
    title = models.CharField(max_length=300)
    target = models.CharField(
        max_length=300,
        help_text="What the result's address is made from when it is shown (slugs): never the "
        "address, which depends on the searching request's script prefix and URLconf.",
    )
    body = models.TextField(blank=True, help_text="Plain text: Markdown already removed.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.title}"
