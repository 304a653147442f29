"""The title words folded again (`search.rank.fold` now drops -ing, -ed, -ion and a final e
as well as a plural ending, so "rotating" meets "rotation"): each named document's words are
written afresh from its title, as `search.index.write` now writes them, so an upgraded database
ranks as after a rebuild without one."""

from django.db import migrations


def refold(apps, schema_editor):
    from search.rank import title_words
    from search.sources import SOURCES

    alias = schema_editor.connection.alias
    Document = apps.get_model("search", "Document")
    TitleWord = apps.get_model("search", "TitleWord")
    TitleWord.objects.using(alias).all().delete()
    named = [kind for kind, source in SOURCES.items() if source.named]
    documents = Document.objects.using(alias).filter(kind__in=named)
    batch = []
    for document_id, title in documents.values_list("id", "title").iterator():
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
    dependencies = [("search", "0005_question_titles_unnamed")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
