"""Statutory holidays (法定节假日) fixed by law, independent of the yearly arrangement notice.

Rule implemented
----------------
《全国年节及纪念日放假办法》（国务院令，2024年11月10日修订，2025年1月1日起施行）第二条，全体公民放假的节日：

* 新年，放假 1 天（1月1日）；
* 春节，放假 4 天（农历除夕、正月初一至初三）；
* 清明节，放假 1 天（农历清明当日）；
* 劳动节，放假 2 天（5月1日、2日）；
* 端午节，放假 1 天（农历端午当日）；
* 中秋节，放假 1 天（农历中秋当日）；
* 国庆节，放假 3 天（10月1日至3日）。

What is *not* here: art. 6 compensates a holiday falling on Saturday or Sunday with a weekday off
(补假), and the State Council General Office's yearly notice adds bridging days and make-up working
days (调休). Which days those are is only known from the notice, so a year computed from this module
alone remains provisional (see :mod:`shebao.domain.workdays`).

Only the 2025 text is tabulated: earlier years are covered by ``chinesecalendar`` (2004–2026) and
the calendar does not reach back before 2000, so the older versions of art. 2 would never be used
except for 2000–2003, for which :func:`statutory_holidays` answers nothing rather than guess.

Data sources: 农历 dates from the PyPI package ``borax`` 4.1.3 (MIT; lunar years 1900–2100); the 清明
solar term from ``chinese_calendar.get_solar_terms``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from borax.calendars.lunardate import LunarDate
from chinese_calendar import get_solar_terms

REGULATION = "《全国年节及纪念日放假办法》（2024年11月10日修订，2025年1月1日起施行）第二条"

SOLAR = "公历"
LUNAR = "农历"
TERM = "节气"

#: Art. 2 as in force from 2025-01-01: (节日, calendar, anchor, offset of the first day from the
#: anchor, number of days). 除夕 is written as "the day before 正月初一" because the 12th lunar
#: month has 29 or 30 days, so a fixed 腊月三十 would be wrong in short years.
ART_2_FROM_2025: tuple[tuple[str, str, tuple[int, int] | str, int, int], ...] = (
    ("新年", SOLAR, (1, 1), 0, 1),
    ("春节", LUNAR, (1, 1), -1, 4),
    ("清明节", TERM, "清明", 0, 1),
    ("劳动节", SOLAR, (5, 1), 0, 2),
    ("端午节", LUNAR, (5, 5), 0, 1),
    ("中秋节", LUNAR, (8, 15), 0, 1),
    ("国庆节", SOLAR, (10, 1), 0, 3),
)

#: (in force from, table) — newest last; a year uses the newest version in force on its 1 January.
VERSIONS: tuple[tuple[dt.date, tuple], ...] = ((dt.date(2025, 1, 1), ART_2_FROM_2025),)


def _solar_term(year: int, name: str) -> dt.date:
    # 清明 always falls on 4–6 April; a window keeps the term search short.
    window = {"清明": ((4, 1), (4, 10))}[name]
    (m1, d1), (m2, d2) = window
    for day, term in get_solar_terms(dt.date(year, m1, d1), dt.date(year, m2, d2)):
        if term == name:
            return day
    raise ValueError(f"{year} 年未找到节气“{name}”")  # pragma: no cover - the window always holds it


def _anchor(year: int, calendar: str, anchor) -> dt.date:
    if calendar == SOLAR:
        return dt.date(year, *anchor)
    if calendar == LUNAR:
        # The festivals of art. 2 are in the ordinary (non-leap) lunar month of the lunar year that
        # begins in this Gregorian year, so they all land inside it (除夕 included, via the offset).
        return LunarDate(year, *anchor).to_solar_date()
    return _solar_term(year, anchor)


@lru_cache(maxsize=256)
def _compute(year: int) -> tuple[tuple[dt.date, str], ...]:
    table = None
    for since, rules in VERSIONS:
        if dt.date(year, 1, 1) >= since:
            table = rules
    if table is None:
        return ()
    days: list[tuple[dt.date, str]] = []
    for name, calendar, anchor, offset, length in table:
        first = _anchor(year, calendar, anchor) + dt.timedelta(days=offset)
        days.extend((first + dt.timedelta(days=k), name) for k in range(length))
    return tuple(sorted(days))


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The dates of ``year`` that art. 2 makes holidays, each with its festival's name.

    Two festivals can share a date (中秋 falls on 10月3日 in 2028); the date is then named after
    both, so that a reader sees why that year has one statutory day fewer than the table lists.
    Empty for years before the tabulated text came into force (2025). ``ValueError`` outside the
    lunar calendar's range (1900–2099).
    """
    named: dict[dt.date, str] = {}
    for day, name in _compute(int(year)):
        named[day] = f"{named[day]}、{name}" if day in named else name
    return named
