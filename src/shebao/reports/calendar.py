"""The official working-day calendar as seen from one database alias.

The default database uses ``shebao.rules.selectors.get_calendar()`` (cached per process); another
alias (the demo or benchmark database) is built from that database's own loaded schedules.
"""

from __future__ import annotations

import hashlib

from django.db import DEFAULT_DB_ALIAS

from shebao.domain.workdays import TABLE_END, TABLE_START, WorkCalendar, make_year_schedule


def _schedules(using: str):
    from shebao.rules.models import HolidaySchedule

    return HolidaySchedule.objects.using(using).order_by("year")


def calendar_stamp(using: str = DEFAULT_DB_ALIAS) -> str:
    """A fingerprint of the loaded schedules of ``using`` and of the calendar table's span."""
    rows = list(_schedules(using).values_list("year", "id", "revision", "loaded_at"))
    raw = repr((rows, TABLE_START.isoformat(), TABLE_END.isoformat(), "v1"))
    return hashlib.sha256(raw.encode()).hexdigest()


def calendar_for(using: str = DEFAULT_DB_ALIAS) -> WorkCalendar:
    if using == DEFAULT_DB_ALIAS:
        from shebao.rules.selectors import get_calendar

        return get_calendar()
    schedules = {s.year: make_year_schedule(s.year, s.holidays, s.workdays, s.source) for s in _schedules(using)}
    return WorkCalendar(schedules)
