"""`url` becomes `target`: what a result's address is made from (slugs), not the address.

A stored address was reversed under the script prefix and URLconf of whoever indexed it (a
command, a load, a request under another prefix), and every search showed that one. Each row's
target is read back from the end of its old address, where the slugs are whatever came before
them, so an upgraded database shows right links at once, without a reindex: a lesson's
"…/<module>/<lesson>/", a quiz's or a glossary term's "…/<slug>/", the sandbox's
"…?preset=<slug>". A row whose address does not end so is dropped (the next reindex, or
`load_curriculum`, writes it again). Going back makes addresses under the plain site.

The rename alters the column in place on both databases (SQLite's RENAME COLUMN): the table is
not rebuilt, so the full-text triggers of 0001 stay.
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.db import migrations, models
from django.urls import NoReverseMatch, reverse

# kind: (the view a target's slugs are the arguments of, how many slugs)
VIEWS = {
    "lesson": ("lesson", 2),
    "glossary": ("glossary:term", 1),
    "question": ("quizzes:detail", 1),
}


def target_of(kind: str, address: str) -> str | None:
    """The slugs at the end of an address as the search stored it, or None."""
    parts = urlsplit(address)
    if kind == "scenario":
        found = parse_qs(parts.query).get("preset")
        return found[0] if found and found[0] else None
    if kind not in VIEWS:
        return address  # no source draws it: left as it is
    segments = [unquote(s) for s in parts.path.split("/") if s]
    count = VIEWS[kind][1]
    if len(segments) < count or not parts.path.endswith("/"):
        return None
    return "/".join(segments[-count:])


def address_of(kind: str, target: str) -> str | None:
    try:
        if kind == "scenario":
            return f"{reverse('sandbox')}?preset={target}"
        if kind not in VIEWS:
            return target
        return reverse(VIEWS[kind][0], args=target.split("/"))
    except NoReverseMatch:
        return None


def _rewrite(make):
    def rewrite(apps, schema_editor):
        Document = apps.get_model("search", "Document")
        rows = Document.objects.using(schema_editor.connection.alias)
        changed, gone = [], []
        for document in rows.only("id", "kind", "target").iterator(chunk_size=500):
            value = make(document.kind, document.target)
            if value is None:
                gone.append(document.id)
            elif value != document.target:
                document.target = value[:300]
                changed.append(document)
        rows.filter(id__in=gone).delete()
        rows.bulk_update(changed, ["target"], batch_size=500)

    return rewrite


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="document", old_name="url", new_name="target"),
        migrations.AlterField(
            model_name="document",
            name="target",
            field=models.CharField(
                help_text="What the result's address is made from when it is shown (slugs): "
                "never the address, which depends on the searching request's script prefix and "
                "URLconf.",
                max_length=300,
            ),
        ),
        migrations.RunPython(_rewrite(target_of), _rewrite(address_of)),
    ]
