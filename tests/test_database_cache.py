"""The database cache (`CACHE_URL=db://`, the default; `srm_trainer/ratelimit/cache.py`): what
Django's cache API promises, with each write one statement and no live entry ever culled."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from srm_trainer.ratelimit import cache as database_cache
from srm_trainer.ratelimit.models import CacheEntry

pytestmark = pytest.mark.django_db


def test_the_default_cache_is_ours():
    assert isinstance(caches["default"], database_cache.OneStatementDatabaseCache)


def test_values_come_back_as_they_were_set():
    cache.set("lesson", {"title": "Roles", "order": [3, 1]}, 60)
    assert cache.get("lesson") == {"title": "Roles", "order": [3, 1]}
    cache.set("lesson", "replaced", 60)
    assert cache.get("lesson") == "replaced"
    cache.set("forever", 1, None)
    assert cache.get("forever") == 1
    cache.delete("lesson")
    assert cache.get("lesson", "gone") == "gone"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def test_add_keeps_a_live_entry_and_replaces_an_expired_one(clock):
    assert cache.add("lock", "first", 60) is True
    assert cache.add("lock", "second", 60) is False
    assert cache.get("lock") == "first"
    clock.shift(61)
    assert cache.get("lock") is None  # expired reads as missing
    assert cache.add("lock", "third", 60) is True
    assert cache.get("lock") == "third"


def test_touch_moves_the_expiry_of_an_entry_that_exists(clock):
    cache.set("session-ish", "v", 10)
    assert cache.touch("session-ish", 120) is True
    clock.shift(60)
    assert cache.get("session-ish") == "v"
    assert cache.touch("never-set", 120) is False


def test_incr_counts_as_allauth_counts():
    cache.set("hits", 1, 60)
    assert cache.incr("hits") == 2
    assert cache.get("hits") == 2


def test_a_write_is_one_statement_and_culls_nothing_live():
    """Django's counted the whole table, read the row and wrote it, and past MAX_ENTRIES
    deleted a third of the table, live entries included."""
    for n in range(350):
        cache.set(f"entry-{n}", n, 300)
    with CaptureQueriesContext(connection) as queries:
        cache.set("one-more", 1, 300)
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("INSERT INTO")
    assert CacheEntry.objects.count() == 351
    assert cache.get_many([f"entry-{n}" for n in range(350)]) == {
        f"entry-{n}": n for n in range(350)
    }


def test_expired_entries_are_deleted_as_writes_go_by(clock, monkeypatch):
    monkeypatch.setattr(database_cache, "PURGE_EVERY", 5)
    for n in range(3):
        cache.set(f"old-{n}", n, 10)
    clock.shift(11)
    for n in range(5):
        cache.set(f"new-{n}", n, 300)
    keys = set(CacheEntry.objects.values_list("cache_key", flat=True))
    assert not any("old-" in key for key in keys)
    assert sum("new-" in key for key in keys) == 5
