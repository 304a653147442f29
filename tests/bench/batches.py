"""CPU per call of a page or function, for the benchmarks that time many pages one by one
(the teaching pages, the admin's pages)."""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.bench import report

K = TypeVar("K", bound=Hashable)


def cpu_ms(name: str, call: Callable[[], object], *, runs: int, warm: int, env: str):
    """(lowest, median) mean CPU ms of `call` over batches of ten calls, after `warm` warm-up
    calls. On a shared machine a neighbour's burst inflates some batches; the lowest batch is
    the steadiest figure to compare runs by, the median says how much the bursts cost.

    `{env}_PROFILE=name` also prints a cProfile of `runs` calls (`{env}_SORT`, `{env}_LINES`,
    and `{env}_CALLERS` for the callers of a function)."""
    for _ in range(warm):
        call()
    batches = []
    for _ in range(max(1, runs // 10)):
        start = time.process_time()
        for _ in range(10):
            call()
        batches.append((time.process_time() - start) * 100)  # ms per call
    print_profile(name, call, runs=runs, env=env)
    return min(batches), statistics.median(batches)


def in_turn(
    calls: Mapping[K, Callable[[], object]], *, rounds: int, per_batch: int = 1
) -> dict[K, list[float]]:
    """CPU ms per call of each of `calls` (the view's thread: the test client runs it here), in
    `rounds` batches of `per_batch` calls, the batches taken in turn: a batch of every call,
    then the next round (every other round in reverse order). For the relative rules (a page at
    100x within so many times its 1x time): measured in separate phases, seconds apart, one
    burst of this shared machine's load landed on every batch of one size and decided the
    rule; in turn, a burst lands on one batch of each. Compare by the lowest batch (`min`, as
    `cpu_ms`); the median says what the bursts cost. Warm each call up before."""
    out: dict[K, list[float]] = {key: [] for key in calls}
    keys = list(calls)
    for n in range(rounds):
        for key in keys if n % 2 == 0 else reversed(keys):
            call = calls[key]
            start = time.thread_time()
            for _ in range(per_batch):
                call()
            out[key].append((time.thread_time() - start) * 1000 / per_batch)
    return out


def print_profile(name: str, call: Callable[[], object], *, runs: int, env: str) -> None:
    """When `{env}_PROFILE=name`: a cProfile of `runs` calls, printed (`{env}_SORT`,
    `{env}_LINES`, and `{env}_CALLERS` for the callers of a function)."""
    if os.environ.get(f"{env}_PROFILE") != name:
        return
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(runs):
        call()
    profile.disable()
    print(f"\n=== {name}")
    stats = pstats.Stats(profile).sort_stats(os.environ.get(f"{env}_SORT", "cumulative"))
    stats.print_stats(int(os.environ.get(f"{env}_LINES", "60")))
    if os.environ.get(f"{env}_CALLERS"):
        stats.print_callers(os.environ[f"{env}_CALLERS"])


def page_row(name: str, call: Callable[[], object], *, runs: int, warm: int, env: str, row: str):
    """A page's row in the one table (`report`): its lowest batch's CPU per call (`cpu_ms`),
    with the queries one call makes and the median batch as the note. Returns the row's
    figures (lowest ms, median ms, queries) for the benchmark's own printout."""
    low, median = cpu_ms(name, call, runs=runs, warm=warm, env=env)
    with CaptureQueriesContext(connection) as queries:
        call()
    report.record("pages", row, low, "ms", note=f"{len(queries)} q; median batch {median:.2f} ms")
    return low, median, len(queries)


class Counted:
    """Queries run inside (by `execute_wrapper`: Django's CaptureQueriesContext sees none of a
    test client's requests in a transactional test)."""

    def __enter__(self):
        self.count = 0

        def count(execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

        self._wrapper = connection.execute_wrapper(count)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __len__(self):
        return self.count
