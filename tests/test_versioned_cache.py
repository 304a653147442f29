"""The helper behind the kept reading order and glossary: built once per version, rebuilt when
any process changes the version, never kept from inside a transaction."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from srm_trainer.versioned_cache import VersionedCache, versions_read_once

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
