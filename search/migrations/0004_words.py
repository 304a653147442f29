"""Every word of the indexed documents (`Word`), so the last word typed is also looked for as
each indexed word it begins: the stemmers keep "security" as "secur", and "securi"* found
nothing until the word was whole.

A prefix is looked up as a range of `word` in code-point order: SQLite's primary key is in
that order already, PostgreSQL's only under the "C" collation, so a second index is made on
that there (the query says `COLLATE "C"` to use it). The words of the documents already
indexed are written here, so an upgraded database completes words without a reindex. The
words are split as `search.index.words_of` splits them today, written out here because a
migration must not change when that code does.
"""

import re

from django.db import migrations, models

WORD_INDEX = {
    "postgresql": ['CREATE INDEX search_word_code_points ON search_word (word COLLATE "C")'],
}
WORD = re.compile(r"[^\W_]+")


def add_word_index(apps, schema_editor):
    for sql in WORD_INDEX.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def write_words(apps, schema_editor):
    alias = schema_editor.connection.alias
    Document = apps.get_model("search", "Document")
    Word = apps.get_model("search", "Word")
    words = set()
    for title, body in Document.objects.using(alias).values_list("title", "body").iterator():
        for text in (title, body):
            words.update(w for w in map(str.lower, WORD.findall(text)) if 3 < len(w) <= 40)
    Word.objects.using(alias).bulk_create(
        map(Word, sorted(words)), batch_size=2000, ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_title_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="Word",
            fields=[
                ("word", models.CharField(max_length=40, primary_key=True, serialize=False)),
            ],
        ),
        # Dropped with its table when going back.
        migrations.RunPython(add_word_index, migrations.RunPython.noop),
        migrations.RunPython(write_words, migrations.RunPython.noop),
    ]
