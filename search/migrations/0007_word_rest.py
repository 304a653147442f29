"""Each indexed word without its first letter (`Word.rest`), so "Did you mean" finds the word
a misspelt first letter hides ("fuardduty": "guardduty") in a few ranges of an index, as it
finds one of the right first letter (`search.query.closest`). The words already indexed get
theirs here, so an upgraded database corrects them without a reindex.

The ranges are in code-point order: SQLite compares text so already, PostgreSQL only under
the "C" collation, so its index is made on that (the query says `COLLATE "C"` to use it).
"""

from django.db import migrations, models

REST_INDEX = {
    "sqlite": ["CREATE INDEX search_word_rest ON search_word (rest)"],
    "postgresql": ['CREATE INDEX search_word_rest ON search_word (rest COLLATE "C")'],
}


def fill_and_index(apps, schema_editor):
    schema_editor.execute("UPDATE search_word SET rest = substr(word, 2)")
    for sql in REST_INDEX.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS search_word_rest")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_title_words_stemmed")]

    operations = [
        migrations.AddField(
            model_name="word",
            name="rest",
            field=models.CharField(
                default="",
                help_text="The word without its first letter, so “Did you mean” can find a "
                "word whose first letter was mistyped (`search.query.closest`).",
                max_length=40,
            ),
        ),
        migrations.RunPython(fill_and_index, drop_index),
    ]
