"""What lets a site move between releases: every migration an old release applied is still
here (or squashed into one that says it `replaces` it), so `migrate` on its database knows
where it stands; and every migration of ours can be undone, so a release can be rolled back
with `migrate APP NUMBER` (docs/upgrading.md). Read from the files, no database: ~0.1 s."""

from __future__ import annotations

import lzma
import sqlite3

from django.db.migrations.loader import MigrationLoader

from tests.upgrade import FIXTURE

OURS = {
    "accounts",
    "certificates",
    "cohorts",
    "glossary",
    "lessons",
    "quizzes",
    "ratelimit",
    "search",
}


def _on_disk() -> dict:
    return MigrationLoader(None, ignore_no_migrations=True).disk_migrations


def test_every_migration_an_old_release_applied_is_still_known(tmp_path):
    copy = tmp_path / "old.sqlite3"
    copy.write_bytes(lzma.decompress(FIXTURE.read_bytes()))
    db = sqlite3.connect(copy)
    applied = set(db.execute("SELECT app, name FROM django_migrations"))
    db.close()
    disk = _on_disk()
    known = set(disk) | {old for migration in disk.values() for old in migration.replaces}
    assert {(app, name) for app, name in applied if app in OURS} <= known


def test_every_migration_of_ours_can_be_undone():
    stuck = [
        f"{app}.{name}: {type(operation).__name__}"
        for (app, name), migration in sorted(_on_disk().items())
        if app in OURS
        for operation in migration.operations
        if not operation.reversible
    ]
    assert not stuck, "give each a reverse (RunPython.noop when undoing needs nothing)"
