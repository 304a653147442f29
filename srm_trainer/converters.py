"""URL converters. `<id:pk>` replaces `<int:pk>` for database ids.

Django's `int` converter takes any run of digits, and a value past 2**63 - 1 reaches the
database, where SQLite raises OverflowError (a 500) on some lookups. Eighteen digits always fit
a 64-bit integer column and are more ids than any table here will hold; a longer value does not
match the URL, so it is a 404 like any other id that does not exist.
"""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
