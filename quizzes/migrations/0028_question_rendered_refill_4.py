"""Every question's prompt and explanation rendered again for renderer version 4 (a table
column's alignment is a class, where it was an inline style the CSP refused; a heading's id
never one of the lesson page's own), so no page renders one after the upgrade; as
0014_question_rendered_fill does for version 3."""

from django.db import migrations

RENDERED_WITH = "4"  # lessons.markdown.RENDERER_VERSION when this was written


def fill(apps, schema_editor):
    from quizzes import rendered

    rendered.QUESTION.refill(apps.get_model("quizzes", "Question"))


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0027_reviewcard_draft"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
