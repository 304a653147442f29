"""Every choice and item gets a stored id. Rows loaded from files already carry the id the
loader derived from the text, and keep it; rows typed into the admin without ids get that same
derived id, so any answer that refers to it stays valid. From now on ids are kept, not derived."""

import hashlib

from django.db import migrations


def _derived(text: str) -> str:
    # The id the loader used to derive from a choice's text (frozen here on purpose).
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def assign_ids(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    for question in Question.objects.all().iterator():
        data = question.data if isinstance(question.data, dict) else None
        if data is None:
            continue
        changed = False
        for key in ("choices", "items"):
            entries = data.get(key)
            if not isinstance(entries, list):
                continue
            taken = {e["id"] for e in entries if isinstance(e, dict) and e.get("id")}
            for entry in entries:
                if not isinstance(entry, dict) or entry.get("id"):
                    continue
                text = entry.get("text")
                if not isinstance(text, str):
                    continue
                new, n = _derived(text.strip()), 1
                while new in taken:
                    n += 1
                    new = f"{_derived(text.strip())}-{n}"
                entry["id"] = new
                taken.add(new)
                changed = True
        if changed:
            question.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial")]

    operations = [migrations.RunPython(assign_ids, migrations.RunPython.noop)]
