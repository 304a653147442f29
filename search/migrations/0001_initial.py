"""The documents table, and the database's own full-text index over it.

SQLite: an FTS5 table whose content is `search_document` (external content, so the text is
stored once), kept in step by three triggers; Porter stemming, so "boundaries" finds
"boundary". PostgreSQL: a stored generated `tsvector` (title weighted above body, English
stemming) with a GIN index. Any other database gets the table only (search then finds nothing).

Careful: SQLite cannot alter a column in place, so Django rebuilds a table for most later
`AlterField`s, and the triggers go with the old table. A later migration that alters
`search_document` must create the triggers again (and run `rebuild_search_index`).
"""

from django.db import migrations, models

SQLITE = [
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, body, content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO search_document_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_document_fts",
]
POSTGRES = [
    """ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, body), 'B')) STORED""",
    "CREATE INDEX search_document_vector ON search_document USING GIN (vector)",
]
POSTGRES_UNDO = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                (
                    "key",
                    models.CharField(
                        help_text="The source row's id within its kind.", max_length=100
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                ("url", models.CharField(max_length=300)),
                (
                    "body",
                    models.TextField(
                        blank=True, help_text="Plain text: Markdown already removed."
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "key"), name="search_document_once")
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}),
        ),
    ]
