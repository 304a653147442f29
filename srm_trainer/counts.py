"""Counting related rows for the rows a page shows, and only those."""

from __future__ import annotations

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def counted(rows: QuerySet, by: str) -> Coalesce:
    """How many of `rows` (filtered on an `OuterRef` to the outer row, grouped by `by`) each
    outer row has, 0 when none. A correlated subquery: the database counts for the rows a page
    takes alone, where a join grouped over every row counted them all before paging (the quiz
    list, the bank and a quiz's entries at 100 times the course: 0.05-0.9 s)."""
    per_row = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(per_row, output_field=IntegerField()), 0)
