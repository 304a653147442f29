"""The helper behind the kept reading order and glossary: built once per version, rebuilt when
any process changes the version, never kept from inside a transaction."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from srm_trainer.versioned_cache import VersionedCache, VersionedPerKey, versions_read_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def counted():
    builds = []

    def build():
        builds.append(len(builds) + 1)
        return builds[-1]

    cache.delete("test:versioned")
    return VersionedCache("test:versioned", build), builds


def test_a_value_is_built_once_then_reused_until_changed(counted):
    kept, builds = counted
    assert kept.get() == 1 and kept.get() == 1 and builds == [1]
    kept.changed()
    assert kept.get() == 2


def test_another_process_bumping_the_version_makes_a_rebuild(counted):
    kept, builds = counted
    first = kept.current()
    cache.set(kept.key, "bumped-elsewhere", timeout=None)
    second = kept.current()
    assert second.value == 2 and second is not first and second != first


def test_a_value_built_inside_a_transaction_is_not_kept(counted):
    kept, builds = counted
    with transaction.atomic():
        inside = kept.current()
        assert inside.version == "" and inside.value == 1
    assert kept.get() == 2 and kept.get() == 2


def test_a_request_reads_every_version_once(counted, monkeypatch):
    """Inside `versions_read_once` (each request: VersionsReadOnceMiddleware) the versions are
    read in one cache read; a bump by another process shows from the next request on."""
    kept, builds = counted
    other = VersionedCache("test:versioned-other", lambda: "other")
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail("read alone"))
    cache.set(kept.key, "one", timeout=None)
    cache.set(other.key, "two", timeout=None)
    with versions_read_once():
        assert kept.get() == 1 and other.get() == "other"
        cache.set(kept.key, "bumped-elsewhere", timeout=None)
        assert kept.get() == 1
    assert len(reads) == 1 and {kept.key, other.key} <= set(reads[0])
    with versions_read_once():
        assert kept.get() == 2


def test_a_change_made_during_a_request_is_read_again(counted):
    kept, builds = counted
    with versions_read_once():
        assert kept.get() == 1
        kept.changed()
        assert kept.get() == 2


def _counting_sets(monkeypatch, key: str) -> list[str]:
    """The versions written for `key`, in order."""
    written: list[str] = []
    real_set = cache.set
    monkeypatch.setattr(
        cache,
        "set",
        lambda k, v, *a, **kw: (
            (written.append(v) if k == key else None) or real_set(k, v, *a, **kw)
        ),
    )
    return written


def test_a_change_outside_a_transaction_is_seen_at_once(counted, monkeypatch):
    kept, builds = counted
    before = kept.current().version
    written = _counting_sets(monkeypatch, kept.key)
    kept.changed()
    assert len(written) == 1 and cache.get(kept.key) == written[0] != before


def test_many_changes_in_one_transaction_make_one_version_when_it_commits(counted, monkeypatch):
    """A curriculum load saves hundreds of rows in one transaction: one new version at the
    commit, not a cache write per row; before the commit, other processes keep reading the
    old version, whose value still describes the committed rows."""
    kept, builds = counted
    before = kept.current().version
    written = _counting_sets(monkeypatch, kept.key)
    with transaction.atomic():
        for _ in range(5):
            kept.changed()
        assert written == [] and cache.get(kept.key) == before
    assert len(written) == 1 and cache.get(kept.key) == written[0] != before
    assert kept.get() == 2


def test_a_change_whose_savepoint_rolled_back_does_not_hide_a_later_one(counted, monkeypatch):
    kept, builds = counted
    before = kept.current().version
    written = _counting_sets(monkeypatch, kept.key)
    with transaction.atomic():
        with transaction.atomic():
            kept.changed()
            transaction.set_rollback(True)  # that change never happened
        kept.changed()  # this one did
    assert len(written) == 1 and cache.get(kept.key) != before


def test_a_transaction_rolled_back_leaves_the_version(counted, monkeypatch):
    kept, builds = counted
    before = kept.current().version
    written = _counting_sets(monkeypatch, kept.key)
    with transaction.atomic():
        kept.changed()
        transaction.set_rollback(True)
    assert written == [] and cache.get(kept.key) == before


@pytest.fixture
def per_key():
    builds: list[int] = []

    def build(key: int) -> str:
        builds.append(key)
        return f"value of {key}, build {len(builds)}"

    for key in (1, 2):
        cache.delete(f"test:per-key:{key}")
    return VersionedPerKey("test:per-key", build), builds


def test_each_key_is_kept_and_changed_alone(per_key):
    """One teacher's save makes only their counts built again."""
    kept, builds = per_key
    assert kept.get(1) == kept.get(1) and kept.get(2) and builds == [1, 2]
    kept.changed(1)
    assert kept.get(1) == "value of 1, build 3" and kept.get(2) == "value of 2, build 2"
    assert builds == [1, 2, 1]


def test_a_keys_change_in_a_transaction_is_seen_when_it_commits_never_if_rolled_back(
    per_key, monkeypatch
):
    kept, builds = per_key
    before = kept.current(1).version
    written = _counting_sets(monkeypatch, "test:per-key:1")
    with transaction.atomic():
        kept.changed(1)
        transaction.set_rollback(True)
    assert written == [] and cache.get("test:per-key:1") == before
    with transaction.atomic():
        kept.changed(1)
        kept.changed(1)
        assert written == []
    assert len(written) == 1 and cache.get("test:per-key:1") == written[0] != before


def test_a_keys_version_asked_for_first_is_read_with_the_others(per_key, counted, monkeypatch):
    """Its version costs a request no cache read of its own when asked for first; asked for
    after the others were read, one."""
    kept, _ = per_key
    registered, _ = counted
    for key in ("test:per-key:1", "test:per-key:2", registered.key):
        cache.set(key, "v", timeout=None)
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    with versions_read_once():
        kept.get(1)
        registered.get()
        kept.get(1)
    assert len(reads) == 1 and {"test:per-key:1", registered.key} <= set(reads[0])
    with versions_read_once():
        registered.get()
        kept.get(2)
        kept.get(2)
    assert len(reads) == 3 and reads[2] == ["test:per-key:2"]
