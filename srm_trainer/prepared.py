"""Queries that every request runs, compiled to SQL once per database connection.

Turning a QuerySet into SQL (Django's query compiler) cost more CPU than SQLite spent running
the few small queries each signed-in page makes: the session, the user with their role, the
review badge's count. A `PreparedQuery` builds its QuerySet once with stand-in values, keeps
the SQL, where each stand-in went among its parameters, and the compiler's converters (so
values come back exactly as the ORM gives them), and afterwards only swaps the real values in.
The query runs through the connection's cursor like any other: it is counted, logged and
wrapped as usual, and it reads the database on every call (nothing is cached but the SQL text).

Only for fixed-shape queries (no optional filters), whose arguments are whole numbers, text or
aware datetimes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet

# Stand-ins no real argument equals: found among the compiled parameters by value.
# (Whole numbers: enough for a list of ids, e.g. an attempt's questions, `pk__in=[...]`.)
MAX_INTS = 100
_INT_STANDINS = tuple(-731_902_117 - i for i in range(MAX_INTS))
_TEXT_STANDINS = tuple(f"\x00standin-{i}" for i in range(MAX_INTS))  # e.g. slugs, `slug__in`
_TIME_STANDINS = tuple(datetime(1901, 2, 3, 4, 5, 6, 7 + i, tzinfo=UTC) for i in range(3))

M = TypeVar("M", bound=Model)


def concrete_attnames(model: type[Model]) -> list[str]:
    """The columns a whole row of `model` is selected as, for `instance`."""
    return [field.attname for field in model._meta.concrete_fields]


def instance(model: type[M], values: Sequence[Any], attnames: Sequence[str] | None = None) -> M:
    """A model instance from a row selected as `concrete_attnames(model)`, as the ORM makes it;
    or as `attnames` (in the model's field order), the rest deferred as `only()` leaves them."""
    columns = concrete_attnames(model) if attnames is None else list(attnames)
    return model.from_db(router.db_for_read(model), columns, values)


def _db_value(value: Any, connection) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class PreparedQuery:
    """`build(*args)` returns a `values_list` QuerySet; `rows(*args)` runs it, compiled once.

    `kinds` names each argument's type ("int", "text" or "time"), to pick its stand-in."""

    def __init__(self, model: type[Model], kinds: Sequence[str], build: Callable[..., QuerySet]):
        self.model = model
        self.kinds = tuple(kinds)
        self.build = build

    def _standins(self) -> list[Any]:
        pools = {
            "int": iter(_INT_STANDINS),
            "text": iter(_TEXT_STANDINS),
            "time": iter(_TIME_STANDINS),
        }
        return [next(pools[kind]) for kind in self.kinds]

    def _compile(self, alias: str, connection):
        standins = self._standins()
        compiler = self.build(*standins).using(alias).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = []
        for standin in standins:
            db_standin = _db_value(standin, connection)
            found = [i for i, param in enumerate(params) if param == db_standin]
            if not found:
                raise ValueError(f"{standin!r} is not among the compiled parameters of {sql}")
            positions.append(found)
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return sql, params, positions, compiler, compiler.get_converters(fields)

    def rows(self, *args: Any) -> list[list[Any]]:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        kept = connection.__dict__.setdefault("_prepared_queries", {})
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = self._compile(alias, connection)
        sql, params, positions, compiler, converters = compiled
        params = list(params)
        for value, places in zip(args, positions, strict=True):
            db_value = _db_value(value, connection)
            for place in places:
                params[place] = db_value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return list(compiler.apply_converters(rows, converters))
        return [list(row) for row in rows]


class PreparedPerCount:
    """A query over a list of values (`field__in=values`), whose SQL differs with the list's
    length (`IN (?, ?, ?)`): one PreparedQuery per length, made on first use. `leading` names
    the kinds of the fixed arguments before the list; the list's values are all `kind`. The
    caller keeps the length at most MAX_INTS (the stand-ins run out past it)."""

    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet],
        *,
        kind: str = "int",
        leading: Sequence[str] = (),
    ):
        self.model = model
        self.build = build
        self.kind = kind
        self.leading = tuple(leading)
        self._by_count: dict[int, PreparedQuery] = {}

    def __call__(self, count: int) -> PreparedQuery:
        query = self._by_count.get(count)
        if query is None:
            kinds = [*self.leading, *[self.kind] * count]
            query = self._by_count[count] = PreparedQuery(self.model, kinds, self.build)
        return query
