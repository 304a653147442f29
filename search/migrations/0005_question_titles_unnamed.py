"""A question's title is its prompt, not a name (`search.sources.Source.named`): its title
words, which the ranking read as a name, are removed, as `search.index.write` no longer writes
them. Nothing else changes; a search then ranks as after a rebuild."""

from django.db import migrations


def remove_question_title_words(apps, schema_editor):
    TitleWord = apps.get_model("search", "TitleWord")
    alias = schema_editor.connection.alias
    TitleWord.objects.using(alias).filter(document__kind="question").delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_words")]

    operations = [migrations.RunPython(remove_question_title_words, migrations.RunPython.noop)]
