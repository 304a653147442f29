"""How many generated inputs a property test tries: a tenth in `make test` (the quick loop), every
one in `make test-deep`, which CI runs (`.ci/run`), so the full strength is still checked on each
change. `make fuzz` is separate and heavier still."""

from __future__ import annotations

import os

DEEP = os.environ.get("TEST_DEPTH") == "deep"


def examples(n: int) -> int:
    """`n` in the deep run; a tenth of it (at least 10) in the quick one: the property tests
    took ~7% of `make test`'s CPU at a fifth, and a tenth halves that (docs/testing.md, "The test loop")."""
    return n if DEEP else max(10, n // 10)
