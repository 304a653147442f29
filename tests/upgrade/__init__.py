"""Upgrading a site from an earlier release (docs/upgrading.md)."""

from pathlib import Path

# An old release's database with its users' work: make_fixture.py says how it was made.
FIXTURE = Path(__file__).resolve().parent / "release-2026-12-01.sqlite3.xz"
