"""Rows record their source. Rows that exist already were loaded from the content files
(or edited after): they become `file` rows with no fingerprint, so the next load takes the
file's version once, as loads always did, and tracks edits from then on."""

from django.db import migrations, models


def existing_rows_came_from_files(apps, schema_editor):
    for name in ['Question', 'Quiz']:
        apps.get_model("quizzes", name).objects.update(source="file")


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0002_stable_choice_ids'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='file_fingerprint',
            field=models.CharField(blank=True, editable=False, help_text="For file rows: a hash of what the last load wrote. If the row's fingerprint differs now, it was edited since, and the next load keeps it (unless --force).", max_length=64),
        ),
        migrations.AddField(
            model_name='question',
            name='source',
            field=models.CharField(choices=[('file', 'Content file'), ('authored', 'Written in the app')], default='authored', editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name='quiz',
            name='file_fingerprint',
            field=models.CharField(blank=True, editable=False, help_text="For file rows: a hash of what the last load wrote. If the row's fingerprint differs now, it was edited since, and the next load keeps it (unless --force).", max_length=64),
        ),
        migrations.AddField(
            model_name='quiz',
            name='source',
            field=models.CharField(choices=[('file', 'Content file'), ('authored', 'Written in the app')], default='authored', editable=False, max_length=10),
        ),
        migrations.RunPython(existing_rows_came_from_files, migrations.RunPython.noop),
    ]
