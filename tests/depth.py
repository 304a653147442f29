"""How many generated inputs a property test tries: a fifth in `make test` (the quick loop), every
one in `make test-deep`, which CI runs (`.ci/run`), so the full strength is still checked on each
change. `make fuzz` is separate and heavier still."""

from __future__ import annotations

import os

DEEP = os.environ.get("TEST_DEPTH") == "deep"
FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"


def examples(n: int) -> int:
    """`n` in the deep run; a fifth of it (at least 20) in the quick one."""
    return n if DEEP else max(20, n // 5)


def _no_constants_from_our_source() -> None:
    """In the quick loop, Hypothesis draws no constants read from our own modules.

    Hypothesis (6.13x on) reads every string and number literal of the project's modules (~2,500)
    and, in about one draw in forty, hands one back instead of a random value; for each kind of
    text a strategy asks for, it first checks all ~2,500 against that kind's alphabet and length.
    That was ~0.3 s of each test process in `make test`, more than the property tests' own draws.
    The inputs a strategy can produce are the same (a literal is one of them); only that bias
    towards our literals is gone, and only here: `make test-deep` (CI) and `make fuzz` keep it,
    as do Hypothesis's own constants (empty, NUL, odd Unicode, edge numbers)."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the feature
        return
    if not hasattr(providers, "_get_local_constants") or not hasattr(providers, "Constants"):
        return  # pragma: no cover - moved in a later Hypothesis: it keeps the bias, nothing breaks
    none = providers.Constants()
    providers._get_local_constants = lambda: none


if not DEEP and not FUZZ:
    _no_constants_from_our_source()
