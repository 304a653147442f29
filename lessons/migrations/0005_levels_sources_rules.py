"""Lesson levels and sources, and the documentation rule a scenario illustrates.

It follows 0004 (a scenario's owner), written on another branch at the same time.

A scenario's file fingerprint (see curriculum/loader.py) hashes the fields the loader
writes, and the loader now also writes `rule`. Without help, every scenario untouched since
the last load would look edited in the admin and its next file change would be kept back.
So a fingerprint that matches the row's old state is recomputed with the empty rule the row
now has; a row edited since the last load keeps a mismatching fingerprint, as before.
"""

import hashlib
import json

from django.db import migrations, models


def _fingerprint(state):
    text = json.dumps(state, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refresh_scenario_fingerprints(apps, schema_editor):
    Scenario = apps.get_model("lessons", "Scenario")
    for row in Scenario.objects.filter(source="file").exclude(file_fingerprint=""):
        state = {
            "title": row.title,
            "situation": row.situation,
            "case": row.case,
            "order": row.order,
            "_related": sorted(row.lessons.values_list("pk", flat=True)),
        }
        if _fingerprint(state) == row.file_fingerprint:
            row.file_fingerprint = _fingerprint({**state, "rule": row.rule})
            row.save(update_fields=["file_fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0004_scenario_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="level",
            field=models.CharField(
                choices=[
                    ("foundational", "Foundational"),
                    ("associate", "Associate"),
                    ("advanced", "Advanced"),
                ],
                default="foundational",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="lesson",
            name="sources",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='The AWS documentation pages the lesson rests on: [{"title": ..., "url": "https://..."}]. Shown as links at the end of the lesson; files need at least two.',
            ),
        ),
        migrations.AddField(
            model_name="scenario",
            name="rule",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='The documentation rule the scenario illustrates: {"title": ..., "url": "https://..."}. Shown with the answer, in the sandbox and in quiz feedback.',
            ),
        ),
        migrations.AlterField(
            model_name="responsibility",
            name="owner",
            field=models.CharField(
                choices=[("aws", "AWS"), ("customer", "Customer"), ("shared", "Split")],
                max_length=10,
            ),
        ),
        migrations.RunPython(refresh_scenario_fingerprints, migrations.RunPython.noop),
    ]
