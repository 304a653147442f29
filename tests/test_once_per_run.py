"""`once_per_run` (tests/lifecycle.py): a result the run's xdist workers share, worked out once."""

from __future__ import annotations

import threading
import time

import pytest

from tests.lifecycle import once_per_run


class _Worker:
    """A worker's `tmp_path_factory`: its own folder inside the run's."""

    def __init__(self, run_folder, name: str) -> None:
        self.folder = run_folder / f"popen-{name}"
        self.folder.mkdir(exist_ok=True)

    def getbasetemp(self):
        return self.folder


def _counting(result):
    calls = []

    def produce():
        calls.append(1)
        return result

    return produce, calls


def test_the_workers_of_a_run_work_it_out_once(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    produce, calls = _counting({"a": (1, 2)})
    first = once_per_run(_Worker(tmp_path, "gw0"), "thing", produce)
    second = once_per_run(_Worker(tmp_path, "gw1"), "thing", produce)
    assert first == second == {"a": [1, 2]}  # as JSON, the same for the worker that made it
    assert len(calls) == 1
    once_per_run(_Worker(tmp_path, "gw1"), "another", produce)
    assert len(calls) == 2  # each name its own


def test_another_run_works_it_out_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    produce, calls = _counting([1])
    for run in ("pytest-1", "pytest-2"):
        (tmp_path / run).mkdir()
        assert once_per_run(_Worker(tmp_path / run, "gw0"), "thing", produce) == [1]
    assert len(calls) == 2


def test_without_xdist_it_is_just_called(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    produce, calls = _counting((1,))
    assert once_per_run(_Worker(tmp_path, "gw0"), "thing", produce) == [1]
    assert once_per_run(_Worker(tmp_path, "gw0"), "thing", produce) == [1]
    assert len(calls) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["popen-gw0"]  # nothing kept


def test_a_failure_leaves_nothing_and_the_next_worker_tries_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")

    def failing():
        raise AssertionError("the interpreter failed")

    with pytest.raises(AssertionError, match="the interpreter failed"):
        once_per_run(_Worker(tmp_path, "gw0"), "thing", failing)
    produce, calls = _counting({"ok": True})
    assert once_per_run(_Worker(tmp_path, "gw1"), "thing", produce) == {"ok": True}
    assert len(calls) == 1


def test_a_worker_that_comes_meanwhile_waits_for_it(tmp_path, monkeypatch):
    """Two workers at once (here two threads, each with its own lock file open, as two
    processes would have): the second waits and reads what the first worked out."""
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.05)
        return {"n": len(calls)}

    got = {}

    def worker(name):
        got[name] = once_per_run(_Worker(tmp_path, name), "thing", slow)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("gw0", "gw1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == {"gw0": {"n": 1}, "gw1": {"n": 1}}
    assert len(calls) == 1
