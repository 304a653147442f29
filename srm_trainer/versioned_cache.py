"""A value built from the database, kept in this process until a shared version changes.

Some pages need a summary of many rows (the course's reading order, the glossary's matcher)
that changes only when an editor saves. Reading it on every request made those pages slower
as the content grew, and a plain per-process cache would go stale when another process saves.
So each kept value carries the version it was built for; the version lives in the shared
cache, one read per use; `changed()` (called by the models' signals) sets a new one, which
every process sees on its next read.

Inside a transaction the value is built afresh and not kept: rows written there may still be
rolled back, and a kept value must only ever describe committed rows. This is the one place
that rule lives: such a build says so (`Kept.lasting` is False), and whatever is drawn from it
(srm_trainer/kept_fragments.py) is not kept either.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")

# Every kept value's version key, so a request can read them all in one cache read.
_KEYS: list[str] = []
# On a database connection: the kept values changed in its open transaction, not yet bumped.
_PENDING = "_versioned_cache_pending"
# While a request is answered (`versions_read_once`): the versions it has read, or None.
_read: ContextVar[dict[str, str] | None] = ContextVar("versions_read", default=None)
# ... and the values it built inside a transaction (never kept beyond it), by cache and the
# savepoints open when built, so a request asking twice (a page and a context processor)
# builds once; any change forgets them, and one built inside a savepoint is not used outside
# it (the savepoint may roll back).
_built: ContextVar[dict[tuple, Kept] | None] = ContextVar("versions_built", default=None)


@contextmanager
def versions_read_once() -> Iterator[None]:
    """Within this block (a request: srm_trainer/middleware.py), the first version asked for
    reads every kept value's version in one cache read, and later ones use it: a lesson page
    asks for two (the reading order's, the glossary's), each a query with the database cache.
    A change made inside the block is read afresh."""
    token = _read.set({})
    built = _built.set({})
    try:
        yield
    finally:
        _built.reset(built)
        _read.reset(token)


@dataclass(frozen=True, eq=False)
class Kept(Generic[T]):
    """One build: compares (and hashes) by identity, so a new version is a new key wherever
    a kept value is used as one. `version` is "" for a build made inside a transaction."""

    version: str
    value: T

    @property
    def lasting(self) -> bool:
        """Whether this build is kept beyond now: False inside a transaction, where nothing
        drawn from it may be kept either."""
        return bool(self.version)


class VersionedCache(Generic[T]):
    def __init__(self, key: str, build: Callable[[], T]) -> None:
        self.key = key  # the version's key in the shared cache
        if key not in _KEYS:
            _KEYS.append(key)
        self._build = build
        self._lock = threading.Lock()
        self._kept: Kept[T] | None = None

    def _version(self) -> str:
        read = _read.get()
        if read is None:
            version = cache.get(self.key)
        else:
            if not read:
                read.update(cache.get_many(_KEYS))
                read[""] = ""  # read once, even when no version is set yet
            version = read.get(self.key)
        if version is None:
            cache.add(self.key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.key) or ""
            if read is not None:
                read[self.key] = version
        return version

    def current(self) -> Kept[T]:
        """The value for the current version, built now if this process has not got it."""
        if connection.in_atomic_block:
            built = _built.get()
            if built is None:
                return Kept("", self._build())
            key = (self, tuple(connection.savepoint_ids))
            found = built.get(key)
            if found is None:
                found = built[key] = Kept("", self._build())
            return found
        version = self._version()
        kept = self._kept
        if kept is not None and kept.version == version:
            return kept
        with self._lock:
            kept = self._kept = Kept(version, self._build())
        return kept

    def get(self) -> T:
        return self.current().value

    def changed(self) -> None:
        """Forget the value everywhere. Outside a transaction the new version is set at once;
        inside one, once, when it commits: until then every other process still reads the
        committed rows its value was built from, and no value is kept from inside a
        transaction. One version per transaction, however many rows it saves (a curriculum
        load saves hundreds), instead of two cache writes per row."""
        self._kept = None
        read = _read.get()
        if read is not None:
            read.clear()  # this request reads the versions again
        built = _built.get()
        if built is not None:
            built.clear()
        if not connection.in_atomic_block:
            self._bump()
            return
        # Every change registers the same callback (O(1), whatever the transaction holds; a
        # callback registered in a savepoint that rolls back is dropped with it), and the
        # first to run at the commit bumps. Pending is kept per connection, as the transaction
        # is: another thread's commit must not take this transaction's bump.
        pending: set[VersionedCache[T]] | None = getattr(connection, _PENDING, None)
        if pending is None:
            pending = set()
            setattr(connection, _PENDING, pending)
        pending.add(self)
        transaction.on_commit(self._bump_if_pending)

    def _bump_if_pending(self) -> None:
        pending: set[VersionedCache[T]] = getattr(connection, _PENDING, set())
        if self in pending:
            pending.discard(self)
            self._bump()

    def _bump(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, timeout=None)
