"""Counting requests in fixed windows, atomically across every worker process.

Redis (and the one-process LocMemCache) increment atomically, so they count in Django's cache:
`add` creates the window's key, `incr` counts. The database cache cannot (its `incr` is a read
then a write, so two workers both read 5 and both write 6): with it, counts live in a table of
their own and one statement counts, `INSERT ... ON CONFLICT DO UPDATE SET count = count + 1
RETURNING count`, which the database applies to the row one request at a time."""

from __future__ import annotations

import math
import random
import sqlite3
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When

PURGE_AFTER_SECONDS = 3600  # rows of clients idle this long are deleted, now and then:
PURGE_CHANCE = 1 / 200  # on about one counted request in 200


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "COUNT/SECONDS" as settings.RATE_LIMITS holds it (checked at start-up by env_rate)."""
        count, _, seconds = text.partition("/")
        return cls(int(count), int(seconds))


@dataclass(frozen=True)
class Tally:
    count: int  # requests in this window, this one included
    retry_after: int  # whole seconds until the window ends


def count(key: str, limit: Limit, now: float | None = None) -> Tally:
    """Count one request for `key` in the current window of `limit`."""
    now = time.time() if now is None else now
    period = int(now // limit.seconds)
    ends = (period + 1) * limit.seconds
    if isinstance(caches["default"], DatabaseCache):
        n = _count_in_database(key, period, ends, now)
    else:
        n = _count_in_cache(key, period, limit.seconds)
    return Tally(n, max(1, math.ceil(ends - now)))


def _count_in_cache(key: str, period: int, seconds: int) -> int:
    cache = caches["default"]
    name = f"rl:{key}:{period}"
    cache.add(name, 0, timeout=seconds + 1)
    try:
        return cache.incr(name)
    except ValueError:  # the key expired between add and incr
        cache.add(name, 1, timeout=seconds + 1)
        return 1


def _count_in_database(key: str, period: int, ends: float, now: float) -> int:
    from srm_trainer.ratelimit.models import Counter

    if _can_upsert_returning():
        n = _upsert(Counter, key, period, ends)
    else:
        n = _update_then_read(Counter, key, period, ends)
    if random.random() < PURGE_CHANCE:  # noqa: S311 - spreading housekeeping, not security
        Counter.objects.filter(expires__lt=now - PURGE_AFTER_SECONDS).delete()
    return n


def _can_upsert_returning() -> bool:
    vendor = connection.vendor
    return vendor == "postgresql" or (vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35))


def _upsert(model, key: str, period: int, ends: float) -> int:
    """One statement that inserts the row or counts on (a new window starts again at 1), and
    returns the count: atomic on its own, in autocommit or inside a transaction."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    k, p, c, e = (q(name) for name in ("key", "period", "count", "expires"))
    sql = (
        f"INSERT INTO {table} ({k}, {p}, {c}, {e}) VALUES (%s, %s, 1, %s) "  # noqa: S608 - names are ours, quoted
        f"ON CONFLICT ({k}) DO UPDATE SET "
        f"{c} = CASE WHEN {table}.{p} = excluded.{p} THEN {table}.{c} + 1 ELSE 1 END, "
        f"{p} = excluded.{p}, {e} = excluded.{e} "
        f"RETURNING {c}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, period, ends])
        return cursor.fetchone()[0]


def _update_then_read(model, key: str, period: int, ends: float) -> int:
    """For databases without INSERT ... RETURNING: the UPDATE's row lock is held until the
    transaction ends, so the count read back is the one this request made."""
    row = model.objects.filter(pk=key)
    bump = {
        "count": Case(When(period=period, then=F("count") + 1), default=Value(1)),
        "period": period,
        "expires": ends,
    }
    with transaction.atomic():
        if row.update(**bump):
            return row.values_list("count", flat=True).get()
        try:
            with transaction.atomic():
                model.objects.create(key=key, period=period, count=1, expires=ends)
                return 1
        except IntegrityError:  # another worker created it a moment ago
            row.update(**bump)
            return row.values_list("count", flat=True).get()
