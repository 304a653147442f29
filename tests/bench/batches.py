"""CPU per call of a page or function, for the benchmarks that time many pages one by one
(the teaching pages, the admin's pages)."""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable


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
    if os.environ.get(f"{env}_PROFILE") == name:
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
    return min(batches), statistics.median(batches)
