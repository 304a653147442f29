"""Every scenario's situation and explanation rendered again for renderer version 4 (a table
column's alignment is a class, where it was an inline style the CSP refused; a heading's id
never one of the lesson page's own), so no page renders one after the upgrade; as
0013_scenario_rendered_fill does for version 3. Lesson bodies need no migration: each is
rendered again on its first view (`lessons.rendered.lesson_body`, keyed by the version)."""

from django.db import migrations

RENDERED_WITH = "4"  # lessons.markdown.RENDERER_VERSION when this was written


def fill(apps, schema_editor):
    from lessons.rendered import SCENARIO

    SCENARIO.refill(apps.get_model("lessons", "Scenario"))


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0023_user_indexes_in_composites"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
