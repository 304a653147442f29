"""How much the fuzzer runs, and the server-time budget it checks.

`make test` runs a small, fixed sample (a few seconds). `make fuzz` sets HYPOTHESIS_PROFILE=fuzz:
thousands of random inputs per target, and each request's CPU time, measured with
`time.process_time()` around the test client's call, must stay within the budget of 100 ms a
request, with a generous margin (the client's own work is inside the measurement). The time is
never asserted in `make test`: a shared CI machine would make it flaky.
"""

from __future__ import annotations

import gc
import os
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from hypothesis import HealthCheck, settings

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
BUDGET_SECONDS = 0.100
MARGIN = 2.5  # the margin: a request may take 250 ms of CPU here before the test fails

_HEALTH = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]
settings.register_profile(
    "fuzz", max_examples=1500, deadline=None, suppress_health_check=_HEALTH, print_blob=True
)
settings.register_profile(
    "fuzz-quick",
    max_examples=12,
    deadline=None,
    suppress_health_check=_HEALTH,
    derandomize=True,
    database=None,
)


def fuzz_settings(*, examples: int | None = None) -> settings:
    """Per-test settings (not a global profile, so the other property tests keep theirs)."""
    base = settings.get_profile("fuzz" if FUZZ else "fuzz-quick")
    if examples is not None and FUZZ:
        return settings(base, max_examples=examples)
    return base


# --- what the run measured ----------------------------------------------------------------

TIMES: dict[str, list[tuple[float, str]]] = defaultdict(list)
COUNTS: dict[str, int] = defaultdict(int)


def timed(target: str, call: Callable[[], Any], describe: Callable[[], str]) -> Any:
    """Run one request (or engine call), counting it and recording its CPU time."""
    # The fuzzer's own heap is not the request's cost: without this, a full collection that
    # happens to fall inside a trivial request walks hypothesis's millions of objects (600 ms
    # spikes that do not reproduce). Frozen objects are skipped by later collections, so a
    # collection during the call sees only what the request itself made. Only where the time
    # is checked (`make fuzz`): in `make test` it is not, and undoing the freeze after each
    # test cost a full collection of the test process's heap (~0.3 s a test, 11 tests).
    if FUZZ:
        gc.collect(1)
        gc.freeze()
    start = time.process_time()
    result = call()
    elapsed = time.process_time() - start
    COUNTS[target] += 1
    TIMES[target].append((elapsed, describe()[:1000] if elapsed > BUDGET_SECONDS else ""))
    return result


def count(target: str) -> None:
    COUNTS[target] += 1


def check_budget(target: str) -> None:
    """In `make fuzz` only: every request of `target` stayed within the budget and margin."""
    if not FUZZ:
        return
    limit = BUDGET_SECONDS * MARGIN
    slow = sorted((t for t in TIMES[target] if t[0] > limit), reverse=True)
    assert not slow, (
        f"{len(slow)} of {len(TIMES[target])} {target} requests took over {limit * 1000:.0f} ms "
        "of CPU; the slowest:\n"
        + "\n".join(f"  {seconds * 1000:.0f} ms: {what}" for seconds, what in slow[:5])
    )


def clear_caches() -> None:
    """Rate limits count in the cache: forget them, so every input reaches the view."""
    for alias in django_settings.CACHES:
        caches[alias].clear()


def pytest_terminal_summary(terminalreporter) -> None:
    if not COUNTS:
        return
    write = terminalreporter.write_line
    write("")
    write(f"fuzz: {sum(COUNTS.values()):,} generated inputs")
    for target in sorted(COUNTS):
        times = sorted(t for t, _ in TIMES[target])
        line = f"  {target:<24} {COUNTS[target]:>6,} inputs"
        if times:
            p50 = times[len(times) // 2] * 1000
            p95 = times[int(len(times) * 0.95)] * 1000
            line += f"   CPU p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {times[-1] * 1000:7.1f} ms"
            over = sum(1 for t in times if t > BUDGET_SECONDS)
            if over:
                line += f"  ({over} over {BUDGET_SECONDS * 1000:.0f} ms)"
        write(line)


@pytest.fixture(autouse=True)
def _unfreeze():
    yield
    if not FUZZ:
        return  # `timed` froze nothing
    gc.unfreeze()
    # The test process's own heap, frozen once collection was done (tests/conftest.py), is
    # frozen again without this test's leftovers.
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Every input must reach its view: one test sends thousands, and the counters live in the
    database, where clearing the cache does not reset them."""
    settings.RATE_LIMITS = {group: "1000000/60" for group in settings.RATE_LIMITS}
    settings.RATE_LIMITS_PER_ADDRESS = {
        group: "1000000/60" for group in settings.RATE_LIMITS_PER_ADDRESS
    }


_SERVED_ONCE: list[bool] = []  # whether this process has served the warm-up requests below


@pytest.fixture
def fuzz_client(client, db):
    """The test client raises the server's exception, so a 500 shows its traceback. The
    catalogue is loaded first, as a server does at start (srm_trainer/wsgi.py), so no input is
    charged for that."""
    from srm_trainer.iam import catalog

    catalog.warm()
    clear_caches()
    # A server's first request imports views and compiles templates, once in its life: not an
    # input's cost. Once per process here too (they were two requests before every test).
    if not _SERVED_ONCE:
        client.post("/api/iam/evaluate", "{}", content_type="application/json")
        client.get("/sandbox/")
        _SERVED_ONCE.append(True)
    return client


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session) -> None:
    """Hypothesis registers its own random generator the first time a test runs with a fixed
    seed (`derandomize`, the quick profile above), and checks it with a full garbage collection
    (`register_random`). Run by the first such test, that collection walked everything the
    process had made since collection ended (the database, Django's caches): ~60 ms of one
    test in a quick run, more in the suite. Here, just after the heap is frozen
    (tests/conftest.py), it walks almost nothing. Seeding and restoring the generators is
    unchanged: it is Hypothesis's own context manager, entered and left once."""
    from hypothesis.internal.entropy import deterministic_PRNG

    with deterministic_PRNG():
        pass
