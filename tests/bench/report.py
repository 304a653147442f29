"""One table for `make bench` (issue 15, item 6): every benchmark records its figures here and
`tests/bench/conftest.py` prints them together at the end, with the machine they came from.

A figure is a median (and p95 where the benchmark repeats a measurement); `record` is called
before a benchmark checks its budget, so a figure is printed even when the budget is missed.
"""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime

SECTIONS = ("engine", "sandbox", "api", "pages", "server", "memory")


@dataclass(frozen=True)
class Row:
    section: str
    what: str
    median: float
    p95: float | None
    unit: str
    note: str = ""


ROWS: list[Row] = []


def record(
    section: str, what: str, median: float, unit: str, *, p95: float | None = None, note: str = ""
) -> None:
    ROWS.append(Row(section, what, median, p95, unit, note))


def record_samples(
    section: str, what: str, samples: list[float], unit: str, note: str = ""
) -> None:
    """Median and p95 of repeated measurements."""
    p95 = statistics.quantiles(samples, n=100)[94] if len(samples) >= 2 else None
    record(section, what, statistics.median(samples), unit, p95=p95, note=note)


def machine() -> str:
    """Where the figures came from: CPU, cores, load while measuring, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {cpu}, {os.cpu_count()} cores; "
        f"load average {load}; Python {platform.python_version()}"
    )


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.2f} {unit}"


def table(rows: list[Row] | None = None) -> list[str]:
    """The rows as aligned text lines, grouped by section in SECTIONS order."""
    rows = ROWS if rows is None else rows
    order = {name: i for i, name in enumerate(SECTIONS)}
    ordered = sorted(rows, key=lambda r: order.get(r.section, len(order)))  # stable within
    cells = [("section", "what", "median", "p95", "note")] + [
        (r.section, r.what, _figure(r.median, r.unit), _figure(r.p95, r.unit), r.note)
        for r in ordered
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = []
    for i, c in enumerate(cells):
        lines.append(
            f"{c[0]:{widths[0]}}  {c[1]:{widths[1]}}  {c[2]:>{widths[2]}}  {c[3]:>{widths[3]}}  {c[4]}".rstrip()
        )
        if i == 0:
            lines.append("-" * len(lines[0]))
    return lines


def loops(fn, *, number: int, repeat: int = 9) -> list[float]:
    """Seconds per call in each of `repeat` loops of `number` calls (min is the best case,
    median and p95 what `record_samples` prints)."""
    import time

    per_call = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        per_call.append((time.perf_counter() - start) / number)
    return per_call
