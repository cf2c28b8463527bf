"""Writers of the reports context: the only code that changes its models.

* :func:`sync_workday_index` keeps the working-day index in step with the official calendar;
* :func:`generate_demo_cases` writes labelled demo cases into a separate database
  (``shebao demo generate --cases N --database demo``); see :mod:`shebao.reports.demo`.
"""

from __future__ import annotations

import datetime as dt

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from shebao.domain.workdays import TABLE_END, TABLE_START
from shebao.reports.calendar import calendar_for, calendar_stamp
from shebao.reports.models import WorkdayIndex, WorkdayIndexState

__all__ = ["generate_demo_cases", "sync_workday_index"]

_BATCH = 5000


def _index_rows(cal) -> list[tuple[dt.date, int, bool]]:
    """(day, working days from the start of the table up to and including day, working?)."""
    working = {d.toordinal() for d in cal.working_days_in(TABLE_START, TABLE_END)}
    rows, n = [], 0
    for o in range(TABLE_START.toordinal(), TABLE_END.toordinal() + 1):
        is_working = o in working
        n += is_working
        rows.append((dt.date.fromordinal(o), n, is_working))
    return rows


def _insert_rows(using: str, rows) -> None:
    # ~36,500 rows: a plain executemany is ten times faster than building model instances.
    conn = connections[using]
    table = conn.ops.quote_name(WorkdayIndex._meta.db_table)
    sql = f"INSERT INTO {table} (day, n, working) VALUES (%s, %s, %s)"
    with conn.cursor() as cursor:
        for i in range(0, len(rows), _BATCH):
            cursor.executemany(sql, [(conn.ops.adapt_datefield_value(d), n, w) for d, n, w in rows[i : i + _BATCH]])


def sync_workday_index(*, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> bool:
    """Rebuild the working-day index of ``using`` if the calendar changed; ``True`` when rebuilt.

    Cheap when nothing changed (two small queries). The rebuild runs under a row lock on the
    state row, so two workers never rebuild at once; the loser sees the new stamp and returns.
    """
    stamp = calendar_stamp(using)
    state = WorkdayIndexState.objects.using(using).filter(key="main").first()
    if state is not None and state.stamp == stamp and not force:
        return False
    if state is None:
        try:
            with transaction.atomic(using=using):
                WorkdayIndexState.objects.using(using).create(key="main", stamp="", built_at=timezone.now())
        except IntegrityError:
            pass  # another worker created it first
    cal = calendar_for(using)
    with transaction.atomic(using=using):
        state = WorkdayIndexState.objects.using(using).select_for_update().get(key="main")
        if state.stamp == stamp and not force:
            return False
        WorkdayIndex.objects.using(using).all().delete()
        rows = _index_rows(cal)
        _insert_rows(using, rows)
        WorkdayIndexState.objects.using(using).filter(pk=state.pk).update(
            stamp=stamp, rows=len(rows), built_at=timezone.now()
        )
    return True


def generate_demo_cases(*, count: int, database: str = "demo", **options) -> int:
    """Write ``count`` labelled demo cases into ``database``; see :func:`shebao.reports.demo.generate`."""
    from shebao.reports.demo import generate

    return generate(count=count, database=database, **options)
