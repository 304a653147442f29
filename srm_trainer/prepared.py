"""Queries that every request runs, compiled to SQL once per database connection.

Turning a QuerySet into SQL (Django's query compiler) cost more CPU than SQLite spent running
the few small queries each signed-in page makes: the session, the user with their role, the
review badge's count. A `PreparedQuery` builds its QuerySet once with stand-in values, keeps
the SQL, where each stand-in went among its parameters, and the compiler's converters (so
values come back exactly as the ORM gives them), and afterwards only swaps the real values in.
The query runs through the connection's cursor like any other: it is counted, logged and
wrapped as usual, and it reads the database on every call (nothing is cached but the SQL text).

Only for fixed-shape queries (no optional filters), whose arguments are whole numbers, text or
aware datetimes. A `PreparedUpdate` does the same for an UPDATE of some of a model's fields,
its values prepared for the database as the ORM's `update()` prepares them; a `PreparedInsert`
for the INSERT of a new row, its values prepared as the ORM's `save()` prepares them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Field, Model, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery, UpdateQuery

# Stand-ins no real argument equals: found among the compiled parameters by value.
# (Whole numbers: enough for a list of ids, e.g. an attempt's questions, `pk__in=[...]`.)
MAX_INTS = 100
_INT_STANDINS = tuple(-731_902_117 - i for i in range(MAX_INTS))
_TEXT_STANDINS = tuple(f"\x00standin-{i}" for i in range(MAX_INTS))  # e.g. slugs, `slug__in`
_TIME_STANDINS = tuple(datetime(1901, 2, 3, 4, 5, 6, 7 + i, tzinfo=UTC) for i in range(3))
# Whole numbers a positive integer field is compared with: Django decides a negative one
# matches no row (EmptyResultSet, the field's range), so these are the top of the smallest
# positive range (a PositiveSmallIntegerField's, up to 32767).
_COUNT_STANDINS = tuple(32_767 - i for i in range(MAX_INTS))

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


def _positions(standins: Sequence[Any], params: list[Any], connection, sql: str) -> list[list[int]]:
    """Where each stand-in went among the compiled parameters."""
    positions = []
    for standin in standins:
        db_standin = _db_value(standin, connection)
        found = [i for i, param in enumerate(params) if param == db_standin]
        if not found:
            raise ValueError(f"{standin!r} is not among the compiled parameters of {sql}")
        positions.append(found)
    return positions


def _compiled_on(prepared, alias: str):
    """The connection for `alias`, and `prepared`'s SQL compiled for it: once per connection
    (kept on it, so a new connection, or another database, compiles afresh)."""
    connection = connections[alias]
    kept = connection.__dict__.setdefault("_prepared_queries", {})
    compiled = kept.get(prepared)
    if compiled is None:
        compiled = kept[prepared] = prepared._compile(alias, connection)
    return connection, compiled


def _filled(params: list[Any], positions: list[list[int]], values: Sequence[Any]) -> list[Any]:
    """The compiled parameters with each stand-in's places holding its value (prepared for the
    database already)."""
    params = list(params)
    for value, places in zip(values, positions, strict=True):
        for place in places:
            params[place] = value
    return params


def _standins(kinds: Sequence[str]) -> list[Any]:
    pools = {
        "int": iter(_INT_STANDINS),
        "count": iter(_COUNT_STANDINS),
        "text": iter(_TEXT_STANDINS),
        "time": iter(_TIME_STANDINS),
    }
    return [next(pools[kind]) for kind in kinds]


class PreparedQuery:
    """`build(*args)` returns a `values_list` QuerySet; `rows(*args)` runs it, compiled once.

    `kinds` names each argument's type ("int", "count" for a positive integer field's value,
    "text" or "time"), to pick its stand-in."""

    def __init__(self, model: type[Model], kinds: Sequence[str], build: Callable[..., QuerySet]):
        self.model = model
        self.kinds = tuple(kinds)
        self.build = build

    def _compile(self, alias: str, connection):
        standins = _standins(self.kinds)
        compiler = self.build(*standins).using(alias).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = _positions(standins, params, connection, sql)
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return sql, params, positions, compiler, compiler.get_converters(fields)

    def rows(self, *args: Any) -> list[list[Any]]:
        connection, compiled = _compiled_on(self, router.db_for_read(self.model))
        sql, params, positions, compiler, converters = compiled
        params = _filled(params, positions, [_db_value(value, connection) for value in args])
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


class PreparedUpdate:
    """`build(*args).update(**values)` for the model's `fields`, compiled to SQL once per
    connection: `update(values, *args)` sets `values` (one per field, in order) on the rows
    `build(*args)` selects (a single-table filter) and returns how many it changed, as the ORM's
    update does; `update_each(rows)` runs it for many (values, args) at once (the cursor's
    executemany: one query). Each value is prepared as the ORM prepares it
    (`field.get_db_prep_save`), so what is stored is what `update()` stores. `kinds` names the
    arguments' types, as for `PreparedQuery`."""

    def __init__(
        self,
        model: type[Model],
        fields: Sequence[str],
        kinds: Sequence[str],
        build: Callable[..., QuerySet],
    ):
        self.model = model
        self.fields: list[Field] = []
        for name in fields:
            field = model._meta.get_field(name)
            if not isinstance(field, Field) or hasattr(field, "get_placeholder"):
                # (a relation's reverse side; or a field whose SQL depends on each value)
                raise ValueError(f"{field} cannot be set by a PreparedUpdate")
            self.fields.append(field)
        self.kinds = tuple(kinds)
        self.build = build

    def _compile(self, alias: str, connection):
        # The values compile as plain parameters (stand-ins among the arguments' own), found by
        # value like the arguments, and swapped for each value prepared by its field.
        standins = _standins([*self.kinds, *["int"] * len(self.fields)])
        query = self.build(*standins[: len(self.kinds)]).using(alias).query.chain(UpdateQuery)
        assert isinstance(query, UpdateQuery)
        values = standins[len(self.kinds) :]
        query.add_update_values(
            {
                field.name: RawSQL("%s", (value,))
                for field, value in zip(self.fields, values, strict=True)
            }
        )
        sql, params = query.get_compiler(using=alias).as_sql()
        params = list(params)
        positions = _positions(standins, params, connection, sql)
        return sql, params, positions

    def _params(self, compiled, connection, values: Sequence[Any], args: Sequence[Any]):
        _, params, positions = compiled
        prepared = [_db_value(value, connection) for value in args]
        prepared += [
            field.get_db_prep_save(value, connection)
            for field, value in zip(self.fields, values, strict=True)
        ]
        return _filled(params, positions, prepared)

    def _compiled(self):
        return _compiled_on(self, router.db_for_write(self.model))

    def update(self, values: Sequence[Any], *args: Any) -> int:
        connection, compiled = self._compiled()
        with connection.cursor() as cursor:
            cursor.execute(compiled[0], self._params(compiled, connection, values, args))
            return cursor.rowcount

    def update_each(self, rows: Iterable[tuple[Sequence[Any], Sequence[Any]]]) -> None:
        connection, compiled = self._compiled()
        params = [self._params(compiled, connection, values, args) for values, args in rows]
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(compiled[0], params)


class PreparedInsert:
    """`obj.save()` of a new row of `model` (as `Model.objects.create` saves it), its INSERT
    compiled to SQL once per connection: `insert(obj)` stores every column the ORM's save
    stores, each value as it prepares it (`field.pre_save(obj, add=True)`, so auto_now and the
    like, then `get_db_prep_save`; defaults are the instance's own, from `Model.__init__`), and
    sets the new primary key on `obj`, which is then saved (`_state`) as after `save()`.

    With `ignore_conflicts` a row a unique constraint refuses is skipped, as
    `bulk_create(ignore_conflicts=True)` skips it: `insert` returns False and leaves `obj`
    unsaved, where `save()` raises IntegrityError, which needs a savepoint to carry on in the
    same transaction. Unlike `save()` it sends no pre_save or post_save signal: only for models
    nothing listens to (tests/quizzes/test_prepared_insert.py checks that nothing does)."""

    def __init__(self, model: type[Model], *, ignore_conflicts: bool = False):
        meta = model._meta
        if meta.parents or meta.proxy or meta.auto_field is None:
            raise ValueError(f"{model.__name__} cannot be inserted by a PreparedInsert")
        self.fields: list[Field] = []
        for field in meta.local_concrete_fields:
            if field.generated or field is meta.auto_field:
                continue  # as save() leaves them out of a new row's INSERT
            by_database = field.has_db_default()  # type: ignore[attr-defined]  # (Django 5.0)
            if by_database or hasattr(field, "get_placeholder"):
                # (a value the database fills in; or a field whose SQL depends on each value)
                raise ValueError(f"{field} cannot be set by a PreparedInsert")
            self.fields.append(field)
        self.model = model
        self.pk = meta.auto_field
        self.ignore_conflicts = ignore_conflicts

    def _compile(self, alias: str, connection):
        # As save() compiles it, each value a stand-in parameter (taken as it is: `raw`),
        # found by value and swapped for each value prepared by its field.
        standins = _standins(["int"] * len(self.fields))
        query = InsertQuery(
            self.model, on_conflict=OnConflict.IGNORE if self.ignore_conflicts else None
        )
        row = self.model()
        for field, standin in zip(self.fields, standins, strict=True):
            setattr(row, field.attname, RawSQL("%s", (standin,)))
        query.insert_values(self.fields, [row], raw=True)
        compiler = query.get_compiler(using=alias)
        if connection.features.can_return_columns_from_insert:
            compiler.returning_fields = [self.pk]  # else `last_insert_id`, as save() reads it
        [(sql, params)] = compiler.as_sql()
        params = list(params)
        positions = _positions(standins, params, connection, sql)
        converters = compiler.get_converters([self.pk.get_col(self.model._meta.db_table)])
        return sql, params, positions, compiler, converters

    def insert(self, obj: Model) -> bool:
        """INSERT `obj` as a new row; True when it was, False when a conflict skipped it."""
        alias = router.db_for_write(self.model, instance=obj)
        connection, compiled = _compiled_on(self, alias)
        sql, params, positions, compiler, converters = compiled
        values = [
            field.get_db_prep_save(field.pre_save(obj, True), connection) for field in self.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, _filled(params, positions, values))
            if connection.features.can_return_columns_from_insert:
                row = connection.ops.fetch_returned_insert_columns(
                    cursor, compiler.returning_params
                )
            elif cursor.rowcount > 0:
                table, column = self.model._meta.db_table, self.pk.column
                row = (connection.ops.last_insert_id(cursor, table, column),)
            else:
                row = None
        if row is None:
            if not self.ignore_conflicts:
                raise RuntimeError(f"no row inserted by {sql}")
            return False
        if converters:
            [row] = compiler.apply_converters([row], converters)
        setattr(obj, self.pk.attname, row[0])
        obj._state.adding = False
        obj._state.db = alias
        return True
