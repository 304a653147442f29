"""Make the old-release database that tests/upgrade/test_upgrade_from_release.py upgrades.

    .venv/bin/python tests/upgrade/make_fixture.py [COMMIT]

checks COMMIT (default: RELEASE, main on 2026-12-01 after cohorts, certificates, lesson checks,
the glossary, search and the network questions were merged) out into a throwaway git worktree,
and with THAT checkout's code (this venv's packages): migrates a new SQLite database, loads
the course its files had, and makes learners' work through its own services
(seed_old_release.py). Then it empties what is not anyone's work and is rebuilt anyway (the
audit log, the cache), dates the signed-in sessions to 2099 so that they are still live when
the test runs, compacts the file and writes it xz-compressed as FIXTURE.
The worktree is removed afterwards. Run it again only to move the fixture to another release;
the test needs no old checkout.

The venv's editable install of this project maps its package names to the main checkout, and
would fill in modules the old release lacks; `SHIM` takes that finder out first.
"""

from __future__ import annotations

import lzma
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURE = HERE / "release-2026-12-01.sqlite3.xz"  # tests/upgrade/__init__.py names it too
RELEASE = "00c56d56"
SHIM = (
    "import runpy, sys;"
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()];"
    "sys.path_hooks[:] = [h for h in sys.path_hooks if 'editable' not in repr(h).lower()];"
    "sys.path.insert(0, '.');"
    "sys.argv = ['manage.py', *sys.argv[1:]];"
    "runpy.run_path('manage.py', run_name='__main__')"
)
EMPTIED = ("auditlog_logentry", "srm_trainer_cache")
# The dev key both releases use with DJANGO_DEBUG=true: the sessions are signed with it, and
# the test's upgrade must read them with the same one.
SECRET_KEY = "dev-only-insecure-key-not-for-production"


def main(commit: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        old, database = Path(scratch) / "old", Path(scratch) / "old.sqlite3"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", str(old), commit], check=True)
        try:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{database}",
                "DJANGO_DEBUG": "true",
                "DJANGO_SECRET_KEY": SECRET_KEY,
                "PYTHONPYCACHEPREFIX": str(Path(scratch) / "pycache"),
            }

            def manage(*args: str, **kwargs) -> None:
                command = [sys.executable, "-c", SHIM, *args]
                subprocess.run(command, cwd=old, env=env, check=True, **kwargs)

            manage("migrate", "-v0")
            manage("load_curriculum", stdout=subprocess.DEVNULL)
            with open(HERE / "seed_old_release.py", "rb") as seed:
                manage("shell", stdin=seed)
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(old)], check=True)
        db = sqlite3.connect(database)
        for table in EMPTIED:
            db.execute(f'DELETE FROM "{table}"')  # noqa: S608 - our own table names
        # The signed-in sessions stay live whenever the test runs (a new one lasts two weeks).
        db.execute("UPDATE django_session SET expire_date = '2099-01-01 00:00:00'")
        db.commit()
        db.execute("VACUUM")
        db.close()
        FIXTURE.write_bytes(lzma.compress(database.read_bytes(), preset=9))
    print(f"{FIXTURE.relative_to(ROOT)}: {FIXTURE.stat().st_size:,} bytes from {commit}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else RELEASE)
