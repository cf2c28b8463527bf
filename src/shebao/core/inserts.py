"""Plain INSERTs of new model instances, for the few write paths that run under a global lock.

``Model.save()`` and ``bulk_create()`` build their SQL anew on every call: the compiler walks the
query, quotes every column and checks every value, which costs 0.3–1.5 ms per statement — several
times what SQLite needs to run it. On SQLite that time is spent holding the whole database's write
lock (see ``shebao.core.sqlite``), so on the intake path it decides how many intakes per second the
database takes. :func:`insert_rows` writes the same row the ORM would — the columns of the model's
concrete fields, each value passed through the field's own ``pre_save`` and ``get_db_prep_save`` —
with the statement text built once per model and row count and kept for the life of the process.

The work is split in two so that the costly half can run before the lock is taken:
:func:`prepare_rows` turns the instances into statement parameters (JSON encoding, date and time
adaptation), and :func:`insert_prepared` runs the statements. A foreign key to an instance that is
not saved yet (a case's materials, prepared before the case has its key) is filled in when the
statements run.

What it leaves out, on purpose: ``pre_save``/``post_save`` signals (no workflow lives in signals in
this project, and nothing listens on the models it is used for) and multi-table inheritance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import NotSupportedError, connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import ForeignKey, Model, OneToOneField
from django.db.models import fields as model_fields

_SQL_CACHE: dict[tuple, str] = {}
_PLAN_CACHE: dict[tuple, tuple] = {}
_AUTO_KEYS = ("AutoField", "BigAutoField", "SmallAutoField")

# Field classes (exactly these, not subclasses) whose database value *is* the Python value for the
# listed types, on every backend: their get_db_prep_save only checks the type and returns the value.
_TEXT = (model_fields.CharField, model_fields.TextField, model_fields.EmailField, model_fields.SlugField,
         model_fields.URLField)
_INTEGERS = (model_fields.IntegerField, model_fields.PositiveIntegerField, model_fields.SmallIntegerField,
             model_fields.PositiveSmallIntegerField, model_fields.BigIntegerField,
             model_fields.PositiveBigIntegerField, model_fields.AutoField, model_fields.BigAutoField,
             model_fields.SmallAutoField)


def _fields(model: type[Model], with_pk: bool) -> tuple:
    opts = model._meta
    return tuple(f for f in opts.concrete_fields if with_pk or not f.primary_key)


def _passes_ints(connection) -> bool:
    """Whether the backend hands integers to its driver unchanged (SQLite does; psycopg 3 wraps them)."""
    ops = type(connection.ops)
    return (ops.adapt_integerfield_value is BaseDatabaseOperations.adapt_integerfield_value
            and ops.validate_autopk_value is BaseDatabaseOperations.validate_autopk_value)


def _pass_through_types(f, ints: bool) -> tuple[type, ...]:
    """The value types a field writes as they are, so ``get_db_prep_save`` may be skipped for them."""
    if type(f).pre_save is not model_fields.Field.pre_save:
        return ()
    if f.is_relation:
        if type(f) not in (ForeignKey, OneToOneField):
            return ()
        f = f.target_field  # a foreign key writes its target's value
    kind = type(f)
    if kind in _TEXT:
        return (str, type(None))
    if kind is model_fields.BooleanField:
        return (bool, type(None))
    if kind in _INTEGERS and ints:
        return (int, type(None))  # exact types: a bool is an int but is not passed as one
    return ()


def _plan(connection, model: type[Model], with_pk: bool) -> tuple:
    """Per column: (field, attname, types written unchanged); and the model's foreign keys."""
    key = (connection.vendor, connection.alias, model, with_pk)
    plan = _PLAN_CACHE.get(key)
    if plan is None:
        ints = _passes_ints(connection)
        columns = tuple((f, f.attname, _pass_through_types(f, ints)) for f in _fields(model, with_pk))
        relations = tuple(i for i, (f, _, _) in enumerate(columns) if f.is_relation and f.concrete)
        plan = _PLAN_CACHE[key] = (columns, relations)
    return plan


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


@dataclass
class PreparedRows:
    """Parameters of the INSERTs of some new instances, ready to run (see :func:`prepare_rows`)."""

    objs: Sequence[Model]
    using: str
    fields: tuple
    returning: bool
    params: list = field(default_factory=list)
    #: (index into params, instance, foreign key field, related instance) still without a key
    pending: list = field(default_factory=list)

    def replace(self, obj: Model, name: str, value) -> None:
        """Give one prepared column of ``obj`` another value before the INSERT runs (on the instance
        too): for a value known only once the write lock is held, such as a case's number."""
        f = obj._meta.get_field(name)
        column = self.fields.index(f)
        row = next(i for i, o in enumerate(self.objs) if o is obj)
        setattr(obj, f.attname, value)
        self.params[row * len(self.fields) + column] = f.get_db_prep_save(value, connection=connections[self.using])


def prepare_rows(objs: Sequence[Model], *, using: str | None = None) -> PreparedRows:
    """Compute the column values of new instances of one model, without touching the database.

    What the instances hold now is what gets written: change nothing on them before
    :func:`insert_prepared`. Foreign keys may point at instances saved only later, before the
    insert runs (``save()`` would refuse them at this point).
    """
    if not objs:
        return PreparedRows(objs=(), using=using or "default", fields=(), returning=False)
    model = type(objs[0])
    if any(type(o) is not model for o in objs):
        raise TypeError("insert_rows: all instances must be of the same model")
    if model._meta.parents:
        raise TypeError("insert_rows: multi-table inheritance is not supported")
    if model._meta.private_fields:
        raise TypeError("insert_rows: generic relations are not supported")
    using = using or router.db_for_write(model, instance=objs[0])
    connection = connections[using]
    with_pk = all(o.pk is not None for o in objs)
    if not with_pk and any(o.pk is not None for o in objs):
        raise ValueError("insert_rows: either every instance has its primary key or none has")
    returning = not with_pk
    if returning and model._meta.pk.get_internal_type() not in _AUTO_KEYS:
        raise ValueError(f"insert_rows: {model.__name__} needs its primary keys set (not an auto-increment key)")
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError(f"insert_rows needs INSERT … RETURNING, which {connection.vendor} lacks")
    columns, relations = _plan(connection, model, with_pk)
    prepared = PreparedRows(objs=objs, using=using, fields=tuple(c[0] for c in columns), returning=returning)
    params, pending = prepared.params, prepared.pending
    for o in objs:
        base = len(params)
        unsaved = _bind_relations(o, columns, relations)
        values = o.__dict__
        for f, attname, plain in columns:
            value = values.get(attname) if plain else None
            if plain and type(value) in plain:
                params.append(value)
            else:
                params.append(f.get_db_prep_save(f.pre_save(o, add=True), connection=connection))
        for i, rel in unsaved:
            pending.append((base + i, o, columns[i][0], rel))
    return prepared


def _bind_relations(o: Model, columns: tuple, relations: tuple) -> list[tuple[int, Model]]:
    """Take the keys of related instances assigned to ``o``, as ``save()`` does; return the ones
    that have none yet (column index, related instance)."""
    unsaved = []
    for i in relations:
        f = columns[i][0]
        if not f.is_cached(o):
            continue
        rel = f.get_cached_value(o)
        if rel is None:
            continue
        if rel.pk is None:
            unsaved.append((i, rel))
        elif getattr(o, f.attname) in f.empty_values:
            # Straight into __dict__: the attribute's descriptor would drop the cached instance.
            o.__dict__[f.attname] = getattr(rel, f.target_field.attname)
        elif getattr(rel, f.target_field.attname) != getattr(o, f.attname):
            f.delete_cached_value(o)  # the key was changed after the assignment: the key wins
    return unsaved


def insert_prepared(prepared: PreparedRows) -> None:
    """Run the INSERTs of :func:`prepare_rows`; sets the primary keys and marks the instances saved."""
    objs = prepared.objs
    if not objs:
        return
    connection = connections[prepared.using]
    params = prepared.params
    for index, o, f, rel in prepared.pending:
        value = getattr(rel, f.target_field.attname)
        if value is None:
            raise ValueError(f"insert_rows() prohibited to prevent data loss due to unsaved related object '{f.name}'.")
        o.__dict__[f.attname] = value  # keeps the cached instance (see _bind_relations)
        params[index] = f.get_db_prep_save(value, connection=connection)
    model, fields, returning = type(objs[0]), prepared.fields, prepared.returning
    width = len(fields)
    batch = max(1, connection.ops.bulk_batch_size(list(fields), list(objs)))
    pk = model._meta.pk
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            part = objs[start : start + batch]
            cursor.execute(_sql(connection, model, fields, len(part), returning),
                           params[start * width : (start + len(part)) * width])
            if returning:
                # Keys come from one sequence in row order; RETURNING itself promises no order.
                ids = sorted(pk.to_python(row[0]) for row in cursor.fetchall())
                if len(ids) != len(part):  # pragma: no cover - the database broke its promise
                    raise RuntimeError("insert_rows: the database returned fewer keys than rows")
                for o, value in zip(part, ids, strict=True):
                    setattr(o, pk.attname, value)
    for o in objs:
        o._state.adding = False
        o._state.db = prepared.using


def insert_rows(objs: Sequence[Model], *, using: str | None = None) -> None:
    """INSERT new instances of one model; sets their primary keys and marks them saved.

    Instances whose primary key is unset get it from the database (``RETURNING``); foreign keys
    must point at saved rows by now, as with ``save()``.
    """
    insert_prepared(prepare_rows(objs, using=using))
