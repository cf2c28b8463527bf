"""Plain INSERTs of new model instances, for the few write paths that run under a global lock.

``Model.save()`` and ``bulk_create()`` build their SQL anew on every call: the compiler walks the
query, quotes every column and checks every value, which costs 0.3–1.5 ms per statement — several
times what SQLite needs to run it. On SQLite that time is spent holding the whole database's write
lock (see ``shebao.core.sqlite``), so on the intake path it decides how many intakes per second the
database takes. :func:`insert_rows` writes the same row the ORM would — the columns of the model's
concrete fields, each value passed through the field's own ``pre_save`` and ``get_db_prep_save`` —
with the statement text built once per model and row count and kept for the life of the process.

What it leaves out, on purpose: ``pre_save``/``post_save`` signals (no workflow lives in signals in
this project, and nothing listens on the models it is used for) and multi-table inheritance.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import NotSupportedError, connections, router
from django.db.models import Model


def _fields(model: type[Model], with_pk: bool) -> tuple:
    opts = model._meta
    return tuple(f for f in opts.concrete_fields if with_pk or not f.primary_key)


_SQL_CACHE: dict[tuple, str] = {}
_AUTO_KEYS = ("AutoField", "BigAutoField", "SmallAutoField")


def _sql(connection, model: type[Model], fields: tuple, rows: int, returning: bool) -> str:
    key = (connection.vendor, connection.alias, model, len(fields), rows, returning)
    sql = _SQL_CACHE.get(key)
    if sql is None:
        q = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
               f"VALUES {', '.join([row] * rows)}")
        if returning:
            sql += f" RETURNING {q(model._meta.pk.column)}"
        if len(_SQL_CACHE) > 512:  # a handful of models and row counts in practice
            _SQL_CACHE.clear()
        _SQL_CACHE[key] = sql
    return sql


def insert_rows(objs: Sequence[Model], *, using: str | None = None) -> None:
    """INSERT new instances of one model; sets their primary keys and marks them saved.

    Instances whose primary key is unset get it from the database (``RETURNING``); foreign keys
    must already point at saved rows, as with ``save()``.
    """
    if not objs:
        return
    model = type(objs[0])
    if any(type(o) is not model for o in objs):
        raise TypeError("insert_rows: all instances must be of the same model")
    if model._meta.parents:
        raise TypeError("insert_rows: multi-table inheritance is not supported")
    using = using or router.db_for_write(model, instance=objs[0])
    connection = connections[using]
    pk = model._meta.pk
    with_pk = all(o.pk is not None for o in objs)
    if not with_pk and any(o.pk is not None for o in objs):
        raise ValueError("insert_rows: either every instance has its primary key or none has")
    fields = _fields(model, with_pk)
    returning = not with_pk
    if returning and pk.get_internal_type() not in _AUTO_KEYS:
        raise ValueError(f"insert_rows: {model.__name__} needs its primary keys set (not an auto-increment key)")
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError(f"insert_rows needs INSERT … RETURNING, which {connection.vendor} lacks")
    for o in objs:
        # Related objects assigned before they were saved: take their primary keys now, as save() does.
        o._prepare_related_fields_for_save(operation_name="insert_rows")
    batch = max(1, connection.ops.bulk_batch_size(list(fields), list(objs)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            part = objs[start : start + batch]
            params = [f.get_db_prep_save(f.pre_save(o, add=True), connection=connection)
                      for o in part for f in fields]
            cursor.execute(_sql(connection, model, fields, len(part), returning), params)
            if returning:
                # Keys come from one sequence in row order; RETURNING itself promises no order.
                ids = sorted(pk.to_python(row[0]) for row in cursor.fetchall())
                if len(ids) != len(part):  # pragma: no cover - the database broke its promise
                    raise RuntimeError("insert_rows: the database returned fewer keys than rows")
                for o, value in zip(part, ids, strict=True):
                    setattr(o, pk.attname, value)
    for o in objs:
        o._state.adding = False
        o._state.db = using
