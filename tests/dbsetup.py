"""The test database, migrated once and copied: each test process (an xdist worker, or plain
pytest) used to run all the migrations into its in-memory SQLite database (~3.5 s of CPU each,
every run). Now the first process to need a database migrates it as before and saves a copy;
every process after copies it in with SQLite's backup API (a few milliseconds).

The copy is named after a hash of everything that decides what `migrate` builds: every
migration file of every installed app, the code listening to `post_migrate` (the role groups,
content types, permissions), the database and cache settings, and the Django, SQLite and Python
versions. Change any of them and the next run migrates afresh, so a stale copy is never used; a
clean clone has none and migrates once. PostgreSQL, and a run with `--no-migrations`, take
Django's usual path.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import inspect
import os
import sqlite3
import sys
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate
from django.test.utils import setup_databases

# Bump when the way the copy is made changes.
FORMAT = 1
CACHE_DIR = Path(__file__).resolve().parent.parent / "build" / "test-db"
# The copy this process's database was made from, when it was (for `reset_from_template`).
_template: Path | None = None
# Or, for a file database (the browser tests'), an in-memory copy of it as migrated
# (`keep_in_memory`).
_kept: sqlite3.Connection | None = None


def _migration_files() -> list[Path]:
    files = []
    for config in apps.get_app_configs():
        module, _ = MigrationLoader.migrations_module(config.label)
        if module is None:
            continue
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            files.extend(sorted(Path(location).glob("*.py")))
    return files


def _post_migrate_sources() -> list[Path]:
    sources = set()
    for entry in post_migrate.receivers:
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is None:
            continue
        with contextlib.suppress(TypeError):
            if path := inspect.getsourcefile(inspect.unwrap(receiver)):
                sources.add(Path(path))
    return sorted(sources)


def template_key() -> str:
    """A hash of every input that decides the migrated database's content."""
    digest = hashlib.sha256()
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    for part in (
        FORMAT,
        django.__version__,
        sqlite3.sqlite_version,
        sys.version,
        database["ENGINE"],
        sorted(database.get("OPTIONS", {}).items()),
        database.get("TEST", {}),
        settings.INSTALLED_APPS,
        settings.MIGRATION_MODULES,
        settings.AUTH_USER_MODEL,
        settings.CACHES,
    ):
        digest.update(repr(part).encode())
    for path in (*_migration_files(), *_post_migrate_sources()):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _in_memory_sqlite(aliases, serialized_aliases) -> bool:
    if set(aliases) != {DEFAULT_DB_ALIAS} or serialized_aliases:
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    return (
        connection.vendor == "sqlite"
        and connection.settings_dict["TEST"].get("MIGRATE", True) is not False
        and connection.creation.is_in_memory_db(connection.creation._get_test_db_name())
    )


def _open_test_db(connection) -> str:
    """Point `connection` at its (empty) in-memory test database, as `create_test_db` does
    before it migrates. Returns the real database's name, for the teardown."""
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    return old_name


def setup_test_databases(*, verbosity: int, aliases, serialized_aliases, keepdb: bool, copy: bool):
    """`django.test.utils.setup_databases`, from the saved copy when `copy` allows it (not with
    --reuse-db or --no-migrations) and the database is SQLite's in-memory one."""
    kwargs = {"keepdb": True} if keepdb else {}
    if not (copy and _in_memory_sqlite(aliases, serialized_aliases)):
        return setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            **kwargs,
        )
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    template = CACHE_DIR / f"migrated-{template_key()}.sqlite3"
    connection = connections[DEFAULT_DB_ALIAS]
    # One process migrates while the others wait for its copy.
    with open(CACHE_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        global _template
        if template.exists():
            old_name = _open_test_db(connection)
            with contextlib.closing(sqlite3.connect(template)) as source:
                source.backup(connection.connection)
            _template = template
            return [(connection, old_name, True)]
        config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            **kwargs,
        )
        partial = template.with_suffix(f".{os.getpid()}.partial")
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
        for old in CACHE_DIR.glob("migrated-*.sqlite3"):
            old.unlink(missing_ok=True)
        partial.replace(template)
        _template = template
        return config


def reset_from_template(aliases) -> bool:
    """Put the migrated database back after a test that commits (`transaction=True`), by
    copying the saved copy in again: what Django's `flush` and its `post_migrate` (content
    types, permissions, role groups) rebuild, in milliseconds instead of ~0.1 s a test. False
    when this process's database did not come from a copy; then `flush` runs as usual."""
    if (_template is None and _kept is None) or set(aliases) != {DEFAULT_DB_ALIAS}:
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        return False
    if _kept is not None:
        connection.ensure_connection()
        _kept.backup(connection.connection)
        return True
    assert _template is not None
    if not _template.exists():
        return False
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(_template)) as source:
        source.backup(connection.connection)
    return True


def snapshot() -> sqlite3.Connection | None:
    """An in-memory copy of the SQLite database as it stands now (None on another database),
    to put back later with `restore`."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        return None
    _not_while_writing(connection)
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    connection.connection.backup(copy)
    return copy


def restore(copy: sqlite3.Connection) -> None:
    """The database as `copy` holds it, every table at once (SQLite's backup API)."""
    connection = connections[DEFAULT_DB_ALIAS]
    _not_while_writing(connection)
    connection.ensure_connection()
    copy.backup(connection.connection)


def _not_while_writing(connection) -> None:
    """SQLite's backup API retries for as long as the database has a write transaction open,
    so copying in or out inside one waits forever: say so instead (a committing test run
    inside a module's shared scenery, which holds a transaction for the whole module)."""
    if connection.in_atomic_block:
        raise RuntimeError(
            "the test database cannot be copied while a transaction is open: is a test that "
            "commits (transaction=True) running inside a module's shared scenery?"
        )


def keep_in_memory(copy: sqlite3.Connection | None) -> None:
    """From now on `reset_from_template` puts `copy` back instead of flushing (None: flush
    again). For a file database, which `setup_test_databases` never copies: the browser
    tests' (tests/e2e/conftest.py)."""
    global _kept
    _kept = copy


@contextlib.contextmanager
def migrated_back(forward: Callable[[], object] | None = None) -> Iterator[None]:
    """Around a test that migrates the database back to try a migration on old rows: the
    database as it was on entering, put back when the block ends. On SQLite that is a copy
    taken on entering (`snapshot`, milliseconds); elsewhere `forward` runs (by default every
    app migrated to its latest again, ~0.5-1 s of CPU: Django renders every app's models at
    each step), as these tests did before."""
    copy = snapshot()
    try:
        yield
    finally:
        if copy is not None:
            restore(copy)
            copy.close()
        elif forward is not None:
            forward()
        else:
            from django.db.migrations.executor import MigrationExecutor

            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_back(targets: list[tuple[str, str]]) -> None:
    """`MigrationExecutor(connection).migrate(targets)`, for a test that starts from the
    migrated database (a `transaction=True` test, before it writes anything) and takes it back
    to try a migration on old rows. Going back is not what such a test checks, and it is dear:
    Django renders every app's models at each step from the earliest migration undone
    (0.3-2 s of CPU, lessons 0011 the most). So on SQLite, where this process's database came
    from the saved copy and no transaction is open, the database as going back leaves it is
    saved the first time (`build/test-db/back-<key>-<targets>.sqlite3`, `<key>` the migrated
    copy's: any change to a migration, or to what the key covers, goes back afresh, so a
    migration whose reverse breaks still fails the first run after the change, and a clean
    clone's) and copied in after that (SQLite's backup API, milliseconds). Elsewhere, or with
    a transaction open, it migrates back as before. What the test does next (its old rows, the
    migration under test, migrating forward) runs as before."""
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    if _template is None or connection.vendor != "sqlite" or connection.in_atomic_block:
        MigrationExecutor(connection).migrate(targets)
        return
    key = _template.stem.removeprefix("migrated-")
    named = hashlib.sha256(repr(sorted(targets)).encode()).hexdigest()[:12]
    saved = CACHE_DIR / f"back-{key}-{named}.sqlite3"
    connection.ensure_connection()
    if saved.exists():
        with contextlib.closing(sqlite3.connect(saved)) as source:
            source.backup(connection.connection)
        return
    MigrationExecutor(connection).migrate(targets)
    # Two processes may go back at once: each writes its own file and the last one's stays
    # (the same content); copies made under another key are stale.
    partial = saved.with_suffix(f".{os.getpid()}.partial")
    with contextlib.closing(sqlite3.connect(partial)) as copy:
        connection.connection.backup(copy)
    partial.replace(saved)
    for old in CACHE_DIR.glob("back-*.sqlite3"):
        if not old.name.startswith(f"back-{key}-"):
            old.unlink(missing_ok=True)
