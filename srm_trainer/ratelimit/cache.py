"""The database cache behind `CACHE_URL=db://` (the default): Django's DatabaseCache, except
that a write is one statement and nothing live is ever thrown away.

Why: django-allauth keeps its sign-in lockout (failed passwords per account and per address) in
the cache. Django's DatabaseCache, once its table holds more than MAX_ENTRIES rows (300 by
default), deletes a third of them by key order on the next write, live entries included: anyone
who could make enough entries (failed sign-ins for many usernames, requests from many IPv6
addresses) could wipe an account's count of wrong guesses and keep guessing. Raising the limit
only moves the edge, and every write also counted the whole table first.

Here a write is a single `INSERT ... ON CONFLICT DO UPDATE` (SQLite 3.24+, PostgreSQL): no count,
no read first, no cull. Expired rows are deleted every PURGE_EVERY writes of a process (and read
as missing until then, as Django's does), so the table holds at most what the cache's users keep
alive. Reads, deletes and the table itself are Django's (`createcachetable` is not needed: the
table is a migration of this app).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

PURGE_EVERY = 200


class OneStatementDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes = itertools.count(1)

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, k, v, e = (quote(n) for n in (self._table, "cache_key", "value", "expires"))
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        if mode == "touch":
            sql = f"UPDATE {table} SET {e} = %s WHERE {k} = %s"  # noqa: S608 - quoted names
            params = [expires, key]
        else:
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            sql = (
                f"INSERT INTO {table} ({k}, {v}, {e}) VALUES (%s, %s, %s) "  # noqa: S608
                f"ON CONFLICT ({k}) DO UPDATE SET {v} = excluded.{v}, {e} = excluded.{e}"
            )
            params = [key, pickled, expires]
            if mode == "add":  # an entry is added where there is none, or only an expired one
                sql += f" WHERE {table}.{e} < %s"
                params.append(now)
        # Inside a transaction, in a savepoint of its own, as Django's does: a failed write
        # must not abort the caller's transaction (PostgreSQL); alone, the statement is one.
        contained = transaction.atomic(using=db) if connection.in_atomic_block else None
        try:
            with contained or contextlib.nullcontext(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                written = cursor.rowcount > 0
                if next(self._writes) % PURGE_EVERY == 0:
                    cursor.execute(f"DELETE FROM {table} WHERE {e} < %s", [now])  # noqa: S608
        except DatabaseError:
            return False  # as Django's: a write that loses a race fails quietly
        return written
