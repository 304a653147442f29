"""Reads the teaching pages make on every request, with their SQL written by the ORM once per
database connection instead of once per request.

Why: building a queryset and compiling it cost ~0.3-0.5 ms a read, ten times what SQLite takes
to run the menus' SQL; a question editor makes half a dozen such reads (the module and lesson
menus, the tags in use, the misconceptions and categories, the question's tags). The SQL is the
ORM's own, from the same queryset code as before; it runs through the connection's cursor (query
logging and counting see it) and its values go through the same converters (a SQLite 0/1 to a
boolean, JSON text to a list).

A value that changes between requests (a user's or a question's key) is compiled as a stand-in
number and put in its place on each run: `Read` checks the stand-in shows up as a parameter,
never inlined in the SQL, so the query cannot silently keep a stale value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import ForeignKey, Model, QuerySet

# Stand-ins for the keys a read takes, compiled in their place: negative, so never a real key.
STAND_INS = (-7_340_033, -7_340_034, -7_340_035)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (position in params, which argument)
    converters: tuple[tuple[int, tuple, Any], ...]  # (column, converter functions, expression)


class Read:
    """A values_list read of fixed shape: `build(*keys)` returns the queryset for those keys
    (ints); `rows(*keys)` runs it and returns its rows as tuples, as `list(queryset)` would."""

    def __init__(self, build: Callable[..., QuerySet], keys: int = 0) -> None:
        self._build = build
        self._keys = keys
        self._by_connection: WeakKeyDictionary = WeakKeyDictionary()

    def queryset(self, *keys: int) -> QuerySet:
        """The read as the ORM would run it (tests compare the two)."""
        return self._build(*keys)

    def _compile(self, connection) -> _Compiled:
        stand_ins = STAND_INS[: self._keys]
        compiler = self._build(*stand_ins).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = tuple(
            (position, stand_ins.index(value))
            for position, value in enumerate(params)
            if type(value) is int and value in stand_ins
        )
        found = {which for _, which in slots}
        if found != set(range(self._keys)) or any(str(s) in sql for s in stand_ins):
            raise ValueError("a key of the read is not a parameter of its SQL")
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = tuple(
            (column, tuple(functions), expression)
            for column, (functions, expression) in compiler.get_converters(fields).items()
        )
        return _Compiled(sql, tuple(params), slots, converters)

    def rows(self, *keys: int, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        if len(keys) != self._keys:
            raise TypeError(f"this read takes {self._keys} keys, not {len(keys)}")
        connection = connections[using]
        compiled = self._by_connection.get(connection)
        if compiled is None:
            compiled = self._by_connection[connection] = self._compile(connection)
        params = list(compiled.params)
        for position, which in compiled.slots:
            params[position] = keys[which]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in rows]
        out = []
        for row in rows:
            values = list(row)
            for column, functions, expression in compiled.converters:
                value = values[column]
                for function in functions:
                    value = function(value, expression, connection)
                values[column] = value
            out.append(tuple(values))
        return out


M = TypeVar("M", bound=Model)


class ByKey(Generic[M]):
    """One row of `model` by its key, with the row a foreign key `related` points at (as
    `model.objects.select_related(related).get(pk=key)` reads them), through a `Read`: the
    instances are made as the ORM makes them (`Model.from_db`), the related one cached on the
    first (None when the key is empty)."""

    def __init__(self, model: type[M], related: str) -> None:
        self.model = model
        self.field = cast(ForeignKey, model._meta.get_field(related))
        self.related_model: type[Model] = self.field.related_model  # type: ignore[assignment]
        self.own = [f.attname for f in model._meta.concrete_fields]
        self.theirs = [f.attname for f in self.related_model._meta.concrete_fields]
        self.their_key_at = self.theirs.index(self.related_model._meta.pk.attname)
        lookups = [*self.own, *(f"{related}__{name}" for name in self.theirs)]
        self.read = Read(
            lambda key: model._default_manager.filter(pk=key).values_list(*lookups), keys=1
        )

    def get(self, key: int, using: str = DEFAULT_DB_ALIAS) -> M | None:
        rows = self.read.rows(key, using=using)
        if not rows:
            return None
        row, n = rows[0], len(self.own)
        obj = self.model.from_db(using, self.own, row[:n])
        theirs = row[n:]
        related = None
        if theirs[self.their_key_at] is not None:
            related = self.related_model.from_db(using, self.theirs, theirs)
        self.field.set_cached_value(obj, related)
        return obj
