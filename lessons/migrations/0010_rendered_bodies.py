"""RenderedBody's plural, as a module's delete page counts them ("Rendered bodies: 1", not
"bodys"): Meta only, no change to the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0009_progress_latest_index"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="renderedbody",
            options={"verbose_name_plural": "rendered bodies"},
        ),
    ]
