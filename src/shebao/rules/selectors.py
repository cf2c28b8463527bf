"""Reads of the rules context.

``get_calendar()`` is the one way the rest of the project gets a :class:`WorkCalendar`. Building one
costs a few milliseconds, so each process keeps the last one and reuses it while the loaded
schedules are unchanged. "Unchanged" is decided by a version stamp read from the database on every
call — one tiny query over ``HolidaySchedule`` (year, id, revision, loaded_at) — so a schedule
loaded by another worker process or machine is seen on that process's next call, never later.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection
from django.db.models import QuerySet

from shebao.domain.benefits import Param
from shebao.domain.deadlines import ItemDeadlines
from shebao.domain.deadlines import item_deadlines as domain_item_deadlines
from shebao.domain.workdays import WorkCalendar, WorkdayAnswer, add_working_days_explained, make_year_schedule
from shebao.rules.models import BenefitParameter, HolidaySchedule

_lock = threading.Lock()
_cached: tuple[tuple, WorkCalendar] | None = None


def calendar_stamp() -> tuple:
    """A cheap fingerprint of every loaded schedule; changes whenever one is saved or deleted."""
    # Hand-written: it runs on every deadline computation, and building the ORM query costs
    # several times running it. ``loaded_at`` is compared as the database hands it back.
    sql = f"SELECT year, id, revision, loaded_at FROM {HolidaySchedule._meta.db_table} ORDER BY year"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(tuple(row) for row in cursor.fetchall())


def _build() -> WorkCalendar:
    schedules = {
        s.year: make_year_schedule(s.year, s.holidays, s.workdays, s.source)
        for s in HolidaySchedule.objects.order_by("year")
    }
    return WorkCalendar(schedules)


def get_calendar() -> WorkCalendar:
    """The current official calendar (chinesecalendar + loaded schedules)."""
    global _cached
    stamp = calendar_stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _cached
        if cached is not None and cached[0] == stamp:
            return cached[1]
        # Pair the calendar with the stamp read *before* building: if a schedule is saved while
        # we build, the stored stamp is already stale and the next call rebuilds (never the reverse).
        calendar = _build()
        _cached = (stamp, calendar)
        return calendar


def forget_calendar() -> None:
    """Drop this process's cached calendar (other processes notice through the stamp)."""
    global _cached
    with _lock:
        _cached = None


def list_schedules() -> QuerySet[HolidaySchedule]:
    return HolidaySchedule.objects.order_by("year")


def list_parameters() -> QuerySet[BenefitParameter]:
    return BenefitParameter.objects.order_by("key", "-effective_from")


def get_parameter(key: str, *, on: dt.date | None = None) -> Param | None:
    """The parameter ``key`` in force on ``on`` (default today) as a domain :class:`Param`."""
    on = on or dt.date.today()
    row = BenefitParameter.objects.filter(key=key, effective_from__lte=on).order_by("-effective_from").first()
    if row is None:
        return None
    return to_param(row)


def to_param(row: BenefitParameter) -> Param:
    return Param(
        key=row.key,
        label=row.label,
        value=row.value,
        effective_from=row.effective_from,
        source=row.source,
        confirmed=row.confirmed and bool(row.source.strip()),
        unit=row.unit,
    )


def add_working_days(start: dt.date, days: int) -> WorkdayAnswer:
    """``days`` working days after ``start`` on the current calendar, with ``provisional`` and the
    Chinese explanation (raises ``CalendarError`` — a ``ValueError`` — for bad input)."""
    return add_working_days_explained(get_calendar(), start, days)


def item_deadlines(item_data: dict, received: dt.datetime | dt.date, *, event: dt.date | None = None) -> ItemDeadlines:
    """Statutory/promised due dates and calendar windows of one catalog item (``Item.data``).

    For the cases context: store ``result.statutory.due`` / ``result.promised.due`` and
    ``result.provisional``; recompute the provisional ones after a schedule is loaded.
    """
    return domain_item_deadlines(get_calendar(), item_data, received, event=event)
