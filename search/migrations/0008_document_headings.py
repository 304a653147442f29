"""A lesson's section headings beside its text, for the ranking of several words no title
holds (`search.query.reranked`). Filled when a lesson is indexed (every `load_curriculum`,
`rebuild_search_index`); until then a document has none and that rule passes it by."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0007_word_rest'),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='headings',
            field=models.TextField(blank=True, help_text="A lesson's section headings, one a line (`search.query.reranked` reads them): none for other kinds, or until the lesson is indexed again.", null=True),
        ),
    ]
