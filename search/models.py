"""One row per searchable thing, written only by `search.index` (never edited by hand).

The full-text index over these rows is the database's own and is created by the migration,
outside Django's models: an external-content FTS5 table kept in step by triggers on SQLite, a
generated `tsvector` column with a GIN index on PostgreSQL. Rows are replaced by (kind, key),
so reindexing one lesson is a delete and an insert.
"""

from __future__ import annotations

from django.db import models


class Document(models.Model):
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=100, help_text="The source row's id within its kind.")
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Plain text: Markdown already removed.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.title}"
