"""Prints the benchmarks' one table (tests/bench/report.py) after `make bench`."""

from __future__ import annotations

from tests.bench import report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not report.ROWS:
        return
    terminalreporter.section("benchmark figures (make bench)")
    terminalreporter.write_line(report.machine())
    for line in report.table():
        terminalreporter.write_line(line)
