"""A work budget: how much catalogue and search work one request may still spend.

Evaluation is linear in the policy's size, but the checks around it (expanding wildcards over
the 20,000-action catalogue, "did you mean", resource-type searches, redundant-statement pairs)
can be made to repeat by a policy written for the purpose. Every such step is charged to one
`Budget` per request, in *units* of roughly a microsecond of work on the machine the budget was
calibrated on. When it runs out, the remaining checks are skipped and the findings say so:
the answer is a little less complete, never late.

A unit count rather than a clock keeps the outcome deterministic: the same policy gets the same
findings on a busy server and an idle one.
"""

from __future__ import annotations

from collections.abc import Hashable

__all__ = ["Budget", "DEFAULT_FINDINGS", "DEFAULT_UNITS"]

# About 15 ms of catalogue work: a request also parses, evaluates and renders, and the whole of
# it must stay under 100 ms of CPU (see tests/bench/test_cpu_budget.py).
DEFAULT_UNITS = 15_000
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
