"""Which rows `load_curriculum` writes from a file, and from which: the admin says so on their
pages. Modules, lessons, the SRM rows and the compliance rows follow the files (`loader.py`):
each deploy's load writes the file's version over an edit made in the admin, publishing and
unpublishing included, and an admin who was not told lost the edit without a word.

The files are read as the loader reads them (`read_curriculum`), once, and again only when a
file under lessons/content/ changes (its path, size and time are the key)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from django.db import models

from curriculum.readers import CONTENT_DIR, Problems, read_curriculum

# The files the rows of each kind come from, as the repository names them.
CONTENT = "lessons/content"
MODULES_FILE = f"{CONTENT}/modules.yaml"
SRM_FILE = f"{CONTENT}/srm.yaml"
COMPLIANCE_FILE = f"{CONTENT}/compliance.yaml"
GLOSSARY_FILE = f"{CONTENT}/glossary.yaml"


def _signature(root: Path) -> tuple:
    """Every file under `root`, with its size and time: a changed file changes it."""
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            found.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


@lru_cache(maxsize=2)
def _keys(root: Path, signature: tuple) -> dict[str, dict]:
    """Each kind's rows in the files (the loader's keys: slugs, "module/lesson" paths, a
    service's and layer's slugs), each with the file it comes from."""
    cur = read_curriculum(root, check_cases=False, problems=Problems())
    lessons = {f"{le.module}/{le.slug}": f"{CONTENT}/{le.source}" for le in cur.lessons}
    for name in cur.unread:  # a lesson file the loader refuses is still the lesson's file
        if name.startswith("lesson:"):
            lessons.setdefault(name[7:], f"{CONTENT}/{name[7:].split('/')[0]}/")
    return {
        "module": {m.slug: MODULES_FILE for m in cur.modules},
        "lesson": lessons,
        "layer": {la.slug: SRM_FILE for la in cur.layers},
        "service": {s.slug: SRM_FILE for s in cur.services},
        "responsibility": {
            f"{s.slug}/{layer}": SRM_FILE for s in cur.services for layer in s.responsibilities
        },
        "artifactsection": {a.slug: COMPLIANCE_FILE for a in cur.artifact_sections},
        "complianceprogram": {p.slug: COMPLIANCE_FILE for p in cur.programs},
        "glossaryterm": {t.slug: GLOSSARY_FILE for t in cur.glossary},
    }


def _key(obj: models.Model) -> str:
    name = obj._meta.model_name
    if name == "lesson":
        return f"{obj.module.slug}/{obj.slug}"  # type: ignore[attr-defined]
    if name == "responsibility":
        return f"{obj.service.slug}/{obj.layer.slug}"  # type: ignore[attr-defined]
    return str(getattr(obj, "slug", ""))


def shipped_file(obj: models.Model | None, root: Path = CONTENT_DIR) -> str | None:
    """The file the next `load_curriculum` writes `obj` from ("lessons/content/iam/
    03-policies.md"), or None: a row added in the admin, under a key no file has, is its own."""
    if obj is None or obj.pk is None:
        return None
    kinds = _keys(root, _signature(root))
    return kinds.get(str(obj._meta.model_name), {}).get(_key(obj))
