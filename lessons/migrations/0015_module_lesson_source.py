"""Modules and lessons record whether a load wrote them (`source`), so that a later load can
tell a lesson taken out of the files (retired: unpublished, its progress kept) or moved to
another module's folder (moved: the same row) from one made only in the admin (left alone).

Rows already in the database are marked `file` when the content files hold them now: a
module in modules.yaml, a lesson at `<module>/NN-<slug>.md`. Anything else was made in the
admin, or was taken out of the files before this release, and is left as it was."""

import re

from django.conf import settings
from django.db import migrations, models

LESSON_FILE = re.compile(r"^\d+-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def file_paths() -> tuple[set[str], set[tuple[str, str]]]:
    import yaml

    content = settings.BASE_DIR / "lessons" / "content"
    try:
        listed = yaml.safe_load((content / "modules.yaml").read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError):
        return set(), set()
    modules = {m["slug"] for m in listed if isinstance(m, dict) and isinstance(m.get("slug"), str)}
    lessons = set()
    for module in modules:
        folder = content / module
        for path in folder.glob("*.md") if folder.is_dir() else ():
            found = LESSON_FILE.match(path.name)
            if found:
                lessons.add((module, found.group(1)))
    return modules, lessons


def mark_file_rows(apps, schema_editor):
    Module = apps.get_model("lessons", "Module")
    Lesson = apps.get_model("lessons", "Lesson")
    if not Module.objects.exists():
        return
    modules, lessons = file_paths()
    Module.objects.filter(slug__in=modules).update(source="file")
    for pk, module, slug in Lesson.objects.values_list("pk", "module__slug", "slug"):
        if (module, slug) in lessons:
            Lesson.objects.filter(pk=pk).update(source="file")


class Migration(migrations.Migration):

    dependencies = [
        ('lessons', '0014_module_hands_on'),
    ]

    operations = [
        migrations.AddField(
            model_name='lesson',
            name='source',
            field=models.CharField(choices=[('file', 'Content file'), ('authored', 'Written in the app')], default='authored', editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name='module',
            name='source',
            field=models.CharField(choices=[('file', 'Content file'), ('authored', 'Written in the app')], default='authored', editable=False, max_length=10),
        ),
        migrations.RunPython(mark_file_rows, migrations.RunPython.noop),
    ]
