"""The admin's date drill-down (`date_hierarchy`) read by seeking along an index on the date,
not by truncating every row's date.

Django's drill-down asks a list's rows for their first and last date (one MIN and MAX over all
of them) and then for their distinct years, months or days (`QuerySet.datetimes`: every row's
date truncated by a function, then made distinct). On SQLite the truncation is a Python
function called once a row, so the lesson-progress list's drill-down read and truncated all
3,600 rows of the bench's heavy learner (~9-15 ms of a page that shows 100), and it grows with
every learner's every lesson. Here each distinct year, month or day is found by asking for the
first row at or after the end of the one before: one index seek each (at most 31 on a page),
whatever the number of rows. The dates are the same, in the admin's time zone as Django's
are (tests/lessons/test_admin_date_drilldown.py compares them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

_KINDS = ("year", "month", "day")


def _start(moment: datetime, kind: str) -> datetime:
    """`moment`'s year, month or day as it began, in the current time zone."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind in ("year", "month"):
        local = local.replace(day=1)
    if kind == "year":
        local = local.replace(month=1)
    return _aware(local)


def _aware(naive_or_local: datetime) -> datetime:
    """The wall-clock time in the current time zone (its offset worked out again: a period may
    start on the other side of a change of offset from the moment it was found by)."""
    if not timezone.is_aware(naive_or_local):
        return naive_or_local
    return timezone.make_aware(naive_or_local.replace(tzinfo=None))


def _after(start: datetime, kind: str) -> datetime:
    """When the year, month or day that began at `start` ends."""
    wall = start.replace(tzinfo=None)
    if kind == "year":
        wall = wall.replace(year=wall.year + 1)
    elif kind == "month":
        wall = wall.replace(year=wall.year + wall.month // 12, month=wall.month % 12 + 1)
    else:
        wall = wall + timedelta(days=1)
    return timezone.make_aware(wall) if timezone.is_aware(start) else wall


class SeekingDates(QuerySet):
    """A changelist's queryset whose `datetimes` and first-and-last `aggregate` (the two
    questions the drill-down asks) seek along the date's index. Mixed in by `seeking`."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in _KINDS or order != "ASC" or tzinfo is not None:
            return super().datetimes(field_name, kind, order, tzinfo)
        found = []
        rows = self.order_by().filter(**{f"{field_name}__isnull": False})
        first = _first(rows, field_name)
        while first is not None:
            start = _start(first, kind)
            found.append(start)
            first = _first(rows.filter(**{f"{field_name}__gte": _after(start, kind)}), field_name)
        return found

    def aggregate(self, *args, **kwargs):
        first, last = kwargs.get("first"), kwargs.get("last")
        name = _date_named(first, Min)
        if args or set(kwargs) != {"first", "last"} or not name or name != _date_named(last, Max):
            return super().aggregate(*args, **kwargs)
        rows = self.order_by().filter(**{f"{name}__isnull": False})
        return {"first": _first(rows, name), "last": _first(rows, f"-{name}")}


def _date_named(aggregate, kind) -> str | None:
    """The field `aggregate` takes the MIN or MAX (`kind`) of, if it is that and of a field."""
    if type(aggregate) is not kind or aggregate.filter is not None:
        return None
    return getattr(aggregate.get_source_expressions()[0], "name", None)


def _first(rows: QuerySet, order: str):
    """The first value of the date in `order` (`-name`: the last), or None."""
    return rows.order_by(order).values_list(order.removeprefix("-"), flat=True).first()


@cache
def _seeking_class(base: type) -> type:
    return type(f"Seeking{base.__name__}", (SeekingDates, base), {})


def seeking(queryset: QuerySet) -> QuerySet:
    """`queryset` with its drill-down questions answered by seeks (`SeekingDates`)."""
    if not isinstance(queryset, SeekingDates):
        queryset = queryset.all()  # a copy, its class changed below
        queryset.__class__ = _seeking_class(type(queryset))
    return queryset


class SeekingDatesChangeList:
    """A ChangeList mixin: a list with a date drill-down answers it by seeks (`seeking`),
    unless it is searched. A search's words are matched in each row (and its joined rows),
    and a seek along the date meets the rows in the index's order, each read apart: where
    none matches, the first and the last seek each read everything that way, 60-80 ms where
    Django's two passes in table order took ~20 (the bench's 4,700 knowledge checks)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.date_hierarchy and not self.query:
            return seeking(queryset)
        return queryset


@cache
def _seeking_changelist(base: type) -> type:
    return type(f"Seeking{base.__name__}", (SeekingDatesChangeList, base), {})


class SeekingDatesAdmin:
    """A ModelAdmin mixin whose list's date drill-down seeks (`SeekingDatesChangeList`), for
    an admin with its own ChangeList or Django's."""

    def get_changelist(self, request, **kwargs):
        return _seeking_changelist(super().get_changelist(request, **kwargs))
