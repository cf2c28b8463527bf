"""Database expressions for the statistics: local (Beijing) date and hour of a timestamp.

Django's ``TruncDate``/``ExtractHour`` with a time zone are Python functions on SQLite (called once
per row), which is slow over a million cases. Beijing time has had a fixed UTC+8 offset since
1991, so on SQLite the local date is the built-in ``date(col, '+480 minutes')``; on PostgreSQL it
is ``(col AT TIME ZONE 'Asia/Shanghai')::date``. Any other database, or a time zone with daylight
saving, falls back to Django's own functions.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.db.models import DateField, Func, IntegerField, OuterRef, Subquery

from shebao.reports.models import WorkdayIndex


@lru_cache(maxsize=4)
def _fixed_offset_minutes(tzname: str) -> int | None:
    """The zone's UTC offset in minutes if it has been constant since 1992, else ``None``."""
    tz = zoneinfo.ZoneInfo(tzname)
    offsets = {
        dt.datetime(year, month, 15, 12, tzinfo=tz).utcoffset()
        for year in range(1992, 2100, 3)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return None
    return int(offsets.pop().total_seconds() // 60)


def tzname() -> str:
    return settings.TIME_ZONE


class LocalDate(Func):
    """The calendar day, in ``settings.TIME_ZONE``, of a datetime column."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):  # generic fallback
        sql, params = compiler.compile(self.source_expressions[0])
        return connection.ops.datetime_cast_date_sql(sql, tuple(params), tzname())

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = _fixed_offset_minutes(tzname())
        if offset is None:
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{offset:+d} minutes')", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", (*params, tzname())


class LocalHour(Func):
    """The hour (0–23), in ``settings.TIME_ZONE``, of a datetime column."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return connection.ops.datetime_extract_sql("hour", sql, tuple(params), tzname())

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = _fixed_offset_minutes(tzname())
        if offset is None:
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime('%%H', {sql}, '{offset:+d} minutes') AS INTEGER)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"EXTRACT(HOUR FROM ({sql}) AT TIME ZONE %s)::integer", (*params, tzname())


def workday_number(day_ref: str) -> Subquery:
    """``n`` of the working-day index for the day named by ``day_ref`` (an annotation of the outer query)."""
    return Subquery(WorkdayIndex.objects.filter(day=OuterRef(day_ref)).values("n")[:1], output_field=IntegerField())
