"""How many generated inputs a property test tries: a fifth in `make test` (the quick loop), every
one in `make test-deep`, which CI runs (`.ci/run`), so the full strength is still checked on each
change. `make fuzz` is separate and heavier still."""

from __future__ import annotations

import os

DEEP = os.environ.get("TEST_DEPTH") == "deep"


def examples(n: int) -> int:
    """`n` in the deep run; a fifth of it (at least 20) in the quick one."""
    return n if DEEP else max(20, n // 5)
