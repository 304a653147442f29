"""The shipped course in the test database, for tests that need real content around them."""

from __future__ import annotations

from functools import cache

from auditlog.context import disable_auditlog

from curriculum.loader import load_curriculum
from curriculum.readers import Curriculum, read_curriculum


@cache
def shipped_curriculum() -> Curriculum:
    """The content files, parsed once per test process (the loader only reads it)."""
    return read_curriculum()


def load_shipped() -> None:
    """Write the shipped course into this test's database (rolled back after the test).

    Without the audit trail: here the course is only scenery, and its ~2,000 entries cost a
    third of the load. The audit of content changes is tested in tests/accounts/test_audit.py,
    and the loader itself, audit on, in tests/curriculum/."""
    with disable_auditlog():
        load_curriculum(shipped_curriculum())
