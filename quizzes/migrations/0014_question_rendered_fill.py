"""Every question's prompt and explanation rendered and stored (quizzes/rendered.py), so no page
renders one after the upgrade. A change of `lessons.markdown.RENDERER_VERSION` adds a migration
like this one (with its own `RENDERED_WITH`), here and in lessons (its scenarios):
tests/quizzes/test_stored_markdown.py checks one was written for the version the renderer has."""

from django.db import migrations

RENDERED_WITH = "3"  # lessons.markdown.RENDERER_VERSION when this was written


def fill(apps, schema_editor):
    from quizzes import rendered

    rendered.QUESTION.refill(apps.get_model("quizzes", "Question"))


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0013_question_rendered"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
