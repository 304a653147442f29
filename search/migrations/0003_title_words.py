"""Each title's words beside its document (`TitleWord`), so the database orders results by
`search.rank`'s rules itself and a search reads a page, not every match.

A prefix typed is looked up as a range of `word` in code-point order: SQLite compares text so
already, PostgreSQL only under the "C" collation, so its index is made on that (the query
says `COLLATE "C"` to use it). The words of the documents already indexed are written here, so
an upgraded database ranks right without a reindex (the next `load_curriculum` writes them
again anyway).
"""

import django.db.models.deletion
from django.db import migrations, models


WORD_INDEX = {
    "sqlite": ["CREATE INDEX search_titleword_word ON search_titleword (word)"],
    "postgresql": ['CREATE INDEX search_titleword_word ON search_titleword (word COLLATE "C")'],
}


def add_word_index(apps, schema_editor):
    for sql in WORD_INDEX.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def write_words(apps, schema_editor):
    from search.rank import title_words

    alias = schema_editor.connection.alias
    Document = apps.get_model("search", "Document")
    TitleWord = apps.get_model("search", "TitleWord")
    batch = []
    for document_id, title in Document.objects.using(alias).values_list("id", "title").iterator():
        batch.extend(
            TitleWord(
                document_id=document_id,
                name=name,
                word=word,
                folded=folded,
                weighted=weighted,
                name_weight=weight,
            )
            for name, word, folded, weighted, weight in title_words(title)
        )
        if len(batch) >= 2000:
            TitleWord.objects.using(alias).bulk_create(batch)
            batch = []
    TitleWord.objects.using(alias).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_document_target"),
    ]

    operations = [
        migrations.CreateModel(
            name="TitleWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.PositiveSmallIntegerField(
                        help_text="Which of the title's names: 0 the title."
                    ),
                ),
                (
                    "word",
                    models.TextField(
                        help_text="In lower case, for the last word typed as a prefix."
                    ),
                ),
                (
                    "folded",
                    models.TextField(
                        help_text="Without case or a plural ending (`search.rank.fold`)."
                    ),
                ),
                (
                    "weighted",
                    models.BooleanField(help_text="Counts towards closeness even when not typed."),
                ),
                (
                    "name_weight",
                    models.PositiveSmallIntegerField(help_text="Its name's weighted words."),
                ),
                (
                    "document",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="search.document",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["folded"], name="search_titleword_folded")],
            },
        ),
        # Dropped with its table when going back.
        migrations.RunPython(add_word_index, migrations.RunPython.noop),
        migrations.RunPython(write_words, migrations.RunPython.noop),
    ]
