"""Every scenario's situation and explanation rendered and stored (lessons/rendered.py,
`SCENARIO`), so no page renders one after the upgrade. A change of
`lessons.markdown.RENDERER_VERSION` adds a migration like this one (with its own
`RENDERED_WITH`), here and in quizzes (its questions): tests/quizzes/test_stored_markdown.py
checks one was written for the version the renderer has."""

from django.db import migrations

RENDERED_WITH = "3"  # lessons.markdown.RENDERER_VERSION when this was written


def fill(apps, schema_editor):
    from lessons.rendered import SCENARIO

    SCENARIO.refill(apps.get_model("lessons", "Scenario"))


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0012_scenario_rendered"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
