"""On SQLite, the title words' two indexes (`folded`, and `word` for a prefix's range) hold
every column the ranking reads of a word (`search.query.title_rules`), so a search reads its
title words from the indexes alone, not each one's row again from the table: at 100 times
the course "policy" read 3,400 title words' rows that way, ~2 ms of its ~20 ms query
(docs/search.md). The same names, so nothing else changes; PostgreSQL is left as it is (it
reads both ranges through a bitmap, which visits the table anyway)."""

from django.db import migrations

COLUMNS = "document_id, name, weighted, name_weight"
WIDE = [
    "DROP INDEX search_titleword_folded",
    f"CREATE INDEX search_titleword_folded ON search_titleword (folded, {COLUMNS}, word)",
    "DROP INDEX search_titleword_word",
    f"CREATE INDEX search_titleword_word ON search_titleword (word, {COLUMNS}, folded)",
]
NARROW = [
    "DROP INDEX search_titleword_folded",
    "CREATE INDEX search_titleword_folded ON search_titleword (folded)",
    "DROP INDEX search_titleword_word",
    "CREATE INDEX search_titleword_word ON search_titleword (word)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_document_headings"),
    ]

    operations = [migrations.RunPython(run(WIDE), run(NARROW))]
