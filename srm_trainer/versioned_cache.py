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

`VersionedPerKey` keeps one such value per key (a teacher's counts over their own questions):
each key has its own version, read with the others in the request's one cache read when it
is the first asked for, else in one read of its own, and changed alone.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
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
_read: ContextVar[dict[str, str | None] | None] = ContextVar("versions_read", default=None)
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


def _version_of(key: str) -> str:
    """`key`'s version in the shared cache, set now if none is. Within `versions_read_once`, the
    first read takes every registered version (and `key`) in one cache read; a key not among
    them (`VersionedPerKey`'s) asked for later is one read of its own, once a request."""
    read = _read.get()
    if read is None:
        version = cache.get(key)
    else:
        if key not in read:
            wanted = [key] if read else list(dict.fromkeys([*_KEYS, key]))
            found = cache.get_many(wanted)
            read.update({name: found.get(name) for name in wanted})  # None: no version yet
        version = read[key]
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key) or ""
        if read is not None:
            read[key] = version
    return version


class VersionedCache(Generic[T]):
    def __init__(self, key: str, build: Callable[[], T], *, register: bool = True) -> None:
        """`register`: read this version with every other in a request's one cache read (the
        kept values every page may ask for; `VersionedPerKey`'s are not)."""
        self.key = key  # the version's key in the shared cache
        if register and key not in _KEYS:
            _KEYS.append(key)
        self._build = build
        self._lock = threading.Lock()
        self._kept: Kept[T] | None = None

    def _version(self) -> str:
        return _version_of(self.key)

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


class VersionedPerKey(Generic[T]):
    """A `VersionedCache` per key: `build(key)` kept in this process for the key's version
    (`f"{prefix}:{key}"` in the shared cache), for the `size` keys used last. The same rules:
    built afresh and not kept inside a transaction; `changed(key)` inside one sets the key's
    new version when it commits, never when it rolls back."""

    def __init__(self, prefix: str, build: Callable[[int], T], *, size: int = 256) -> None:
        self.prefix = prefix
        self._build = build
        self._size = size
        self._lock = threading.Lock()
        self._members: OrderedDict[int, VersionedCache[T]] = OrderedDict()

    def _member(self, key: int) -> VersionedCache[T]:
        with self._lock:
            member = self._members.get(key)
            if member is None:
                member = VersionedCache(
                    f"{self.prefix}:{key}", lambda: self._build(key), register=False
                )
                self._members[key] = member
                while len(self._members) > self._size:
                    self._members.popitem(last=False)
            else:
                self._members.move_to_end(key)
            return member

    def current(self, key: int) -> Kept[T]:
        return self._member(key).current()

    def get(self, key: int) -> T:
        return self.current(key).value

    def changed(self, key: int) -> None:
        """Forget `key`'s value everywhere (at the commit, inside a transaction)."""
        self._member(key).changed()
