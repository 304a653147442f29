"""A work budget: how much catalogue and search work one request may still spend.

Evaluation is linear in the policy's size, but the checks around it (expanding wildcards over
the 20,000-action catalogue, "did you mean", resource-type searches, redundant-statement pairs)
can be made to repeat by a policy written for the purpose. Every such step is charged to one
`Budget` per request, in *units* of roughly a microsecond of work on the machine the budget was
calibrated on. When it runs out, the remaining checks are skipped and the findings say so:
the answer is a little less complete, never late.

A unit count rather than a clock keeps the outcome deterministic: the same policy gets the same
findings on a busy server and an idle one.

`on_fresh_frame_chunk` runs the heavy checks clear of a CPython cost that no unit count sees
(see its docstring).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import ParamSpec, TypeVar, cast

__all__ = ["Budget", "DEFAULT_FINDINGS", "DEFAULT_UNITS", "on_fresh_frame_chunk"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

# A request also parses, evaluates and renders, and the whole of it must stay under 100 ms of
# CPU (tests/bench/test_cpu_budget.py). Measured on the development machine (2 cores, Python
# 3.11) with policies built to spend it all, cold memos: 12,000 units are 6-15 ms of linting on
# a fresh frame chunk (0.4-1.3 µs a unit). Without that guard, at the worst frame depth, the
# same capped work took 47-105 ms, most of it frame-chunk thrashing in per-statement calls that
# no unit count sees. Real policies stay well under: the engine's 642 cases lint in at most
# 4,500 units, bar one old AWS managed policy whose "did you mean"s would spend 20,000.
DEFAULT_UNITS = 12_000
# Findings one request shows; the rest are counted in a note. Nobody reads more, and each one
# costs wording and rendering.
DEFAULT_FINDINGS = 100


class Budget:
    """Units of work left for one request; shared by every policy the request checks."""

    __slots__ = ("left", "exhausted", "findings", "paid")

    def __init__(self, units: int = DEFAULT_UNITS, *, findings: int = DEFAULT_FINDINGS) -> None:
        self.left = units
        self.exhausted = False  # some check was skipped for want of units
        self.findings = findings  # findings still to be shown
        self.paid: set[Hashable] = set()  # memoised answers this request has paid for

    def take(self, units: int) -> bool:
        """Spend `units` if that many are left; otherwise spend nothing and note the refusal."""
        if units > self.left:
            self.exhausted = True
            return False
        self.left -= units
        return True

    def take_once(self, key: Hashable, units: int) -> bool:
        """Spend `units` for the answer named `key` the first time this request asks for it,
        one unit after that. A memoised answer so costs a request what computing it does,
        whether or not an earlier request computed it: the findings do not depend on what the
        process did before, and a repeat within the request is only a lookup."""
        if key in self.paid:
            return self.take(1)
        if not self.take(units):
            return False
        self.paid.add(key)
        return True

    def __repr__(self) -> str:
        return f"Budget(left={self.left}, exhausted={self.exhausted})"


# --- frame chunks ------------------------------------------------------------------------------
#
# CPython 3.11 keeps a thread's frames in chunks of 16 KB and unmaps a chunk as soon as the frame
# stack leaves it. A loop whose calls straddle a chunk's end therefore maps, faults in and unmaps
# 16 KB on every call: ~15 µs each, mostly system time, 10-30 times the call itself. Where the
# ends fall depends on every frame above, the middleware stack included, so one more middleware
# once moved a sandbox update from 95 ms to 230 ms of CPU (docs/limits.md, "A fresh frame chunk").
#
# A chunk is allocated with room for the frame that needs it plus 1,000 slots, rounded up to a
# power of two; and a frame larger than a whole 16 KB chunk never fits in the current one. So a
# frame of _SPACER_SLOTS slots always starts a new 64 KB chunk and leaves ~40 KB below it: work
# called from there runs at the same place in a chunk whoever called it, with room for far
# deeper stacks than the checks make. The spacer costs ~20 µs a call (the mapping, and 7 page
# faults for its slots), so it wraps a request's analysis once, not each small call.

_SPACER_SLOTS = 3_200  # 25 KB: more than a 16 KB chunk, and with 1,000 slots more than 32 KB
_inside = threading.local()


def _make_spacer() -> Callable[..., object]:
    # Locals assigned only in dead code still get a slot each in the frame (the symbol table
    # counts them), and cost nothing to run.
    names = " = ".join(f"_{i}" for i in range(_SPACER_SLOTS))
    source = (
        "def spacer(fn, args, kwargs):\n"
        f"    if False:\n        {names} = None\n"
        "    return fn(*args, **kwargs)\n"
    )
    namespace: dict[str, Callable[..., object]] = {}
    exec(compile(source, __file__, "exec"), namespace)  # noqa: S102  our own text, not input
    return namespace["spacer"]


_spacer = _make_spacer()


def on_fresh_frame_chunk(fn: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """`fn(*args, **kwargs)`, called from a frame that starts a new frame chunk (see above), so
    its loops cost the same whatever the depth it was called from. Calls made while one is
    running go straight through: the first already placed the stack."""
    if getattr(_inside, "active", False):
        return fn(*args, **kwargs)
    _inside.active = True
    try:
        return cast(_R, _spacer(fn, args, kwargs))
    finally:
        _inside.active = False
