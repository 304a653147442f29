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
    # Null, not "": SQLite adds a nullable column in place, where a default would make Django
    # copy the table, dropping the full-text index's triggers on it (migration 0001).
    headings = models.TextField(  # noqa: DJ001 - see above
        null=True,
        blank=True,
        help_text="A lesson's section headings, one a line (`search.query.reranked` reads "
        "them): none for other kinds, or until the lesson is indexed again.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.title}"


class TitleWord(models.Model):
    """One word of one name of a document's title (`search.rank.title_words`), written with the
    document by `search.index`, so the database can rank by the title (`search.rank`) and read
    only a page of results. Its document's rows are deleted with it by `search.index` (no
    cascade: a cascading delete would read every document first, and a rebuild deletes them
    all); the ranking joins only the documents a search found."""

    document = models.ForeignKey(
        Document, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    name = models.PositiveSmallIntegerField(help_text="Which of the title's names: 0 the title.")
    word = models.TextField(help_text="In lower case, for the last word typed as a prefix.")
    folded = models.TextField(help_text="Without case or a plural ending (`search.rank.fold`).")
    weighted = models.BooleanField(help_text="Counts towards closeness even when not typed.")
    name_weight = models.PositiveSmallIntegerField(help_text="Its name's weighted words.")

    class Meta:
        indexes = [models.Index(fields=["folded"], name="search_titleword_folded")]
        # and one on `word` in code-point order, for a prefix's range (migration 0003); on
        # SQLite both also hold every column the ranking reads (migration 0009)

    def __str__(self) -> str:
        return f"{self.document_id}/{self.name}: {self.word}"


class Word(models.Model):
    """Every word of the indexed documents' titles and texts, in lower case, once: the last
    word typed is also looked for as each of these it begins (`search.query.completions`).
    Both databases index a word's stem, which can be shorter than what was typed of it
    ("security" is kept as "secur"), so the prefix alone missed "securi" and "encrypti".

    Written with the documents (`search.index.write`) and never deleted by a reindex: a word
    no longer in any document is looked for in vain (it matches nothing), and a rebuild
    (`manage.py rebuild_search_index`) starts the list again."""

    word = models.CharField(max_length=40, primary_key=True)
    # and an index in code-point order on PostgreSQL, for a prefix's range (migration 0004)
    rest = models.CharField(
        max_length=40,
        default="",
        help_text="The word without its first letter, so “Did you mean” can find a "
        "word whose first letter was mistyped (`search.query.closest`).",
    )
    # and an index on it in code-point order, for a range (migration 0007)

    def __str__(self) -> str:
        return self.word
