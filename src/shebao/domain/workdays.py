"""Official working days (工作日) of the People's Republic of China.

Rules implemented
-----------------
* 《国务院关于职工工作时间的规定》(国务院令第174号, 1995) art. 7: Saturday and Sunday are the weekly
  rest days; every other day is a working day unless the annual schedule says otherwise.
* 《全国年节及纪念日放假办法》 (as revised in 2024, in force 2025-01-01) and the State Council
  General Office's yearly notice on holiday arrangements (for 2026: the notice of 2025-11-04):
  the official holidays (节假日) and the make-up working days (调休上班日) of each year.
* 《中华人民共和国行政许可法》 art. 82: time limits counted in working days exclude statutory holidays.
* 《全国年节及纪念日放假办法》 art. 2 alone (see :mod:`shebao.domain.statutory_holidays`) for a year
  whose notice is not known: the statutory holidays are fixed by law, only the art. 6 补假 and the
  notice's bridging days and make-up working days (调休) are not.

Data sources, most authoritative first
--------------------------------------
1. Year schedules loaded by an administrator (``schedules`` argument: ``{year: {"holidays": [...],
   "workdays": [...], "source": "..."}}``). A loaded year replaces everything else for that year.
   Before one is stored, :func:`check_entered_schedule` refuses a year ``chinesecalendar`` already
   covers and a schedule in which a statutory holiday of art. 2 is not a rest day.
2. The PyPI package ``chinesecalendar`` 1.11.0 (``import chinese_calendar``), whose data covers
   2004–2026 and matches the State Council notices.
3. Any other year: the statutory holidays of art. 2 and the weekends are rest days, every other day
   is a working day, and every date of the year is *provisional* (暂定) until the year's schedule is
   loaded — the 补假 of a holiday on a weekend, bridging days and make-up working days are missing,
   so a rest day may still be added or a weekend turned into a working day.

Speed
-----
The calendar precomputes the sorted ordinals of every working day from :data:`TABLE_START` to
:data:`TABLE_END`; every question is answered by ``bisect`` over that table (O(log n)), never by a
day-by-day loop. Build cost is paid once per set of schedules (see ``shebao.rules.selectors``).

Counting conventions (see :meth:`WorkCalendar.add_working_days`): the start day is not counted
(《民法典》第二百零一条: 开始的当日不计入), so ``add_working_days(d, n)`` is the n-th working day *after*
``d`` and ``working_days_between(a, b)`` counts working days in ``(a, b]``; the two are inverses.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from shebao.domain.statutory_holidays import REGULATION as STATUTORY_RULE
from shebao.domain.statutory_holidays import statutory_holidays

try:  # pragma: no cover - the package is a hard requirement, but keep the module importable
    from chinese_calendar import constants as _cc_constants
except ImportError:  # pragma: no cover
    _cc_constants = None

PACKAGE_NAME = "chinesecalendar 1.11.0"
PACKAGE_SOURCE = "PyPI chinesecalendar 1.11.0（数据与国务院办公厅历年节假日安排通知一致）"

#: The precomputed table spans these dates; questions outside them are refused.
TABLE_START = dt.date(2000, 1, 1)
TABLE_END = dt.date(2099, 12, 31)

WEEKEND_RULE = "《国务院关于职工工作时间的规定》（国务院令第174号）第七条：周六、周日为周休息日"


class CalendarError(ValueError):
    """A question or a schedule the calendar cannot accept; the message is in Chinese."""


@dataclass(frozen=True)
class YearSchedule:
    """One year's official arrangement: holidays (放假日) and make-up working days (调休上班日)."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = ""

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
            "source": self.source,
        }


def parse_date(value: dt.date | str, *, what: str = "日期", error: type[ValueError] | None = None) -> dt.date:
    """Accept a ``date`` (a ``datetime``'s date) or an ISO ``YYYY-MM-DD`` string; anything else is
    an ``error`` (default :class:`CalendarError`) naming ``what``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise (error or CalendarError)(f"{what}“{value}”不是有效日期，格式应为 YYYY-MM-DD。") from None


def make_year_schedule(
    year: int, holidays: Iterable[dt.date | str], workdays: Iterable[dt.date | str], source: str = ""
) -> YearSchedule:
    """Validate one year's schedule and return it normalised.

    Refused, with the reason in Chinese: a date outside ``year``, a date listed both as a holiday
    and as a make-up working day, a make-up working day that is not a Saturday or Sunday (a weekday
    is a working day anyway, so listing it is almost certainly a typing error), a year outside the
    calendar's table, and an empty holiday list.
    """
    if not isinstance(year, int) or not (TABLE_START.year <= year <= TABLE_END.year):
        raise CalendarError(f"年份“{year}”超出可计算范围（{TABLE_START.year}–{TABLE_END.year}）。")
    hol = {parse_date(d, what="放假日期") for d in holidays}
    work = {parse_date(d, what="调休上班日期") for d in workdays}
    problems: list[str] = []
    for d in sorted(hol | work):
        if d.year != year:
            problems.append(f"{d.isoformat()} 不在 {year} 年内")
    both = sorted(hol & work)
    if both:
        problems.append("以下日期同时列为放假日和调休上班日：" + "、".join(d.isoformat() for d in both))
    weekday_work = sorted(d for d in work if d.weekday() < 5)
    if weekday_work:
        problems.append(
            "调休上班日应为周六或周日，以下日期本来就是工作日：" + "、".join(d.isoformat() for d in weekday_work)
        )
    if not hol:
        problems.append(f"{year} 年的放假日期为空")
    if problems:
        raise CalendarError(f"{year} 年节假日安排有误：" + "；".join(problems) + "。")
    return YearSchedule(year=year, holidays=frozenset(hol), workdays=frozenset(work), source=source.strip())


def package_schedules() -> dict[int, YearSchedule]:
    """The years covered by ``chinesecalendar``, as :class:`YearSchedule` objects."""
    if _cc_constants is None:  # pragma: no cover
        return {}
    years: dict[int, tuple[set, set]] = {}
    for d in _cc_constants.holidays:
        years.setdefault(d.year, (set(), set()))[0].add(d)
    for d in _cc_constants.workdays:
        years.setdefault(d.year, (set(), set()))[1].add(d)
    return {
        y: YearSchedule(year=y, holidays=frozenset(h), workdays=frozenset(w), source=PACKAGE_SOURCE)
        for y, (h, w) in years.items()
    }


_PACKAGE_CACHE: dict[int, YearSchedule] | None = None


def _package_schedules_cached() -> dict[int, YearSchedule]:
    global _PACKAGE_CACHE
    if _PACKAGE_CACHE is None:
        _PACKAGE_CACHE = package_schedules()
    return _PACKAGE_CACHE


def built_in_years() -> frozenset[int]:
    """Years whose official arrangement ships with ``chinesecalendar`` (2004–2026 in 1.11.0)."""
    return frozenset(_package_schedules_cached())


def missing_statutory_holidays(schedule: YearSchedule) -> dict[dt.date, str]:
    """The statutory holidays of ``schedule.year`` (art. 2, see :mod:`shebao.domain.statutory_holidays`)
    that are not rest days in ``schedule``, each with its festival's name.

    A date is a rest day in a schedule when it is listed as a holiday, or falls on a Saturday or
    Sunday and is not listed as a make-up working day. Empty for years before the tabulated text
    of art. 2 came into force (2025), whose rules the code does not know.
    """
    def rest(day: dt.date) -> bool:
        return day in schedule.holidays or (day.weekday() >= 5 and day not in schedule.workdays)

    return {day: name for day, name in statutory_holidays(schedule.year).items() if not rest(day)}


def check_entered_schedule(schedule: YearSchedule) -> YearSchedule:
    """The rules for a schedule an administrator enters (admin form, schedule file, service), on top
    of :func:`make_year_schedule`'s; returns ``schedule`` or raises :class:`CalendarError`.

    * A year whose official arrangement is built in (``chinesecalendar``) is refused: the package
      data matches the State Council notices, and a hand-entered year would replace it entirely, so
      a typing slip (one holiday instead of thirty) would silently turn 国庆 into working days.
    * Every statutory holiday of 《全国年节及纪念日放假办法》 art. 2 must be a rest day: the law fixes
      those days, the yearly notice only adds 补假, bridging days and make-up working days
      (调休), so a schedule that omits one is incomplete, not a different arrangement.

    Reading stored schedules (:class:`WorkCalendar`) does not apply these rules.
    """
    if schedule.year in built_in_years():
        raise CalendarError(
            f"{schedule.year} 年的官方放假安排已内置于系统（数据包 {PACKAGE_NAME}，与国务院办公厅当年的放假安排通知一致），"
            "不能用手工录入的安排覆盖。"
            "只有尚未内置的年份（国务院办公厅公布后）才需要录入；如认为内置数据有误，请联系信息中心核对。"
        )
    missing = missing_statutory_holidays(schedule)
    if missing:
        days = "、".join(
            f"{day.isoformat()}（{name}{'，已列为调休上班日' if day in schedule.workdays else ''}）"
            for day, name in sorted(missing.items())
        )
        raise CalendarError(
            f"{schedule.year} 年节假日安排不完整，缺少以下 {len(missing)} 个法定节假日：{days}。"
            f"依{STATUTORY_RULE}，这些日期全体公民放假，应列入放假日期（不得列为调休上班日）；"
            "请按国务院办公厅的放假安排通知核对后重新录入。"
        )
    return schedule


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    working_day: bool
    kind: str  # "workday" | "weekend" | "holiday" | "makeup_workday"
    provisional: bool
    source: str

    @property
    def kind_label(self) -> str:
        return {"workday": "工作日", "weekend": "周休息日", "holiday": "法定节假日", "makeup_workday": "调休上班日"}[
            self.kind
        ]


def provisional_note(years: Iterable[int]) -> str:
    ys = sorted(set(years))
    if not ys:
        return ""
    names = "、".join(f"{y} 年" for y in ys)
    return (
        f"{names}的放假安排尚未录入系统：已扣除法定节假日和周六、周日，补假、调休尚未计入，结果为暂定；"
        "国务院办公厅公布该年放假安排并由管理员录入后将自动重算。"
    )


def _year_ordinal_bounds(year: int) -> tuple[int, int]:
    return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()


@dataclass
class WorkCalendar:
    """Working-day arithmetic over the official calendar (see the module docstring for the rules).

    ``schedules`` are the administrator-loaded years; ``use_package=False`` ignores
    ``chinesecalendar`` (tests use it to simulate a year that is not yet known).
    """

    schedules: Mapping[int, YearSchedule | Mapping] = field(default_factory=dict)
    use_package: bool = True

    def __post_init__(self) -> None:
        loaded: dict[int, YearSchedule] = {}
        for year, sched in dict(self.schedules).items():
            if isinstance(sched, YearSchedule):
                loaded[int(year)] = sched
            else:
                loaded[int(year)] = make_year_schedule(
                    int(year), sched.get("holidays", ()), sched.get("workdays", ()), sched.get("source", "")
                )
        package = _package_schedules_cached() if self.use_package else {}
        self._loaded = loaded
        self._package_years = frozenset(package)
        self._years: dict[int, YearSchedule] = {**package, **loaded}
        # Provisional years still get the holidays that the law itself fixes (art. 2).
        self._statutory: set[int] = {
            d.toordinal()
            for y in range(TABLE_START.year, TABLE_END.year + 1)
            if y not in self._years
            for d in statutory_holidays(y)
        }
        self._build_table()

    # -- construction ---------------------------------------------------------------------------
    def _build_table(self) -> None:
        start, end = TABLE_START.toordinal(), TABLE_END.toordinal()
        holidays: set[int] = set()
        makeup: set[int] = set()
        for sched in self._years.values():
            holidays.update(d.toordinal() for d in sched.holidays)
            makeup.update(d.toordinal() for d in sched.workdays)
        holidays |= self._statutory
        # date.weekday() == (ordinal - 1) % 7, so the weekend test needs no date objects.
        self._ords: list[int] = [
            o
            for o in range(start, end + 1)
            if o in makeup or ((o - 1) % 7 < 5 and o not in holidays)
        ]
        self._holidays = holidays
        self._makeup = makeup
        self._start_ord = start
        self._end_ord = end

    # -- introspection ----------------------------------------------------------------------------
    @property
    def known_years(self) -> frozenset[int]:
        """Years whose official schedule is known (package or loaded)."""
        return frozenset(self._years)

    @property
    def loaded_years(self) -> frozenset[int]:
        return frozenset(self._loaded)

    def schedule_for(self, year: int) -> YearSchedule | None:
        return self._years.get(year)

    def source_for(self, year: int) -> str:
        sched = self._years.get(year)
        if sched is None:
            return (
                f"暂定：已扣除法定节假日（{STATUTORY_RULE}）和周休息日（{WEEKEND_RULE}）；"
                "补假、调休待该年放假安排公布后确定"
            )
        return sched.source or ("管理员录入" if year in self._loaded else PACKAGE_SOURCE)

    def is_provisional(self, day: dt.date) -> bool:
        return day.year not in self._years

    def provisional_years(self, first: dt.date, last: dt.date) -> list[int]:
        """Years without a known schedule among the dates ``first`` … ``last`` (inclusive, any order)."""
        lo, hi = (first, last) if first <= last else (last, first)
        return [y for y in range(lo.year, hi.year + 1) if y not in self._years]

    def span_for_add(self, start: dt.date, due: dt.date) -> tuple[dt.date, dt.date]:
        """The dates an ``add_working_days(start, n) == due`` answer depended on."""
        if due > start:
            return start + dt.timedelta(days=1), due
        return (due, start) if due < start else (start, start)

    def _check(self, day: dt.date, what: str = "日期") -> int:
        if not isinstance(day, dt.date):
            day = parse_date(day, what=what)
        o = day.toordinal()
        if not (self._start_ord <= o <= self._end_ord):
            raise CalendarError(
                f"{what} {day.isoformat()} 超出工作日历的计算范围（{TABLE_START.isoformat()} 至 {TABLE_END.isoformat()}）。"
            )
        return o

    # -- questions --------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        o = self._check(day)
        i = bisect_left(self._ords, o)
        return i < len(self._ords) and self._ords[i] == o

    def day_info(self, day: dt.date) -> DayInfo:
        o = self._check(day)
        working = self.is_working_day(day)
        if o in self._makeup:
            kind = "makeup_workday"
        elif o in self._holidays:
            kind = "holiday"
        elif working:
            kind = "workday"
        else:
            kind = "weekend"
        return DayInfo(day, working, kind, self.is_provisional(day), self.source_for(day.year))

    def next_working_day(self, day: dt.date, *, include_self: bool = True) -> dt.date:
        """The first working day on or after ``day`` (strictly after with ``include_self=False``)."""
        o = self._check(day)
        i = bisect_left(self._ords, o) if include_self else bisect_right(self._ords, o)
        return self._at(i)

    def previous_working_day(self, day: dt.date, *, include_self: bool = True) -> dt.date:
        """The last working day on or before ``day`` (strictly before with ``include_self=False``)."""
        o = self._check(day)
        i = (bisect_right(self._ords, o) if include_self else bisect_left(self._ords, o)) - 1
        return self._at(i)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start``; ``start`` itself is never counted.

        ``days == 0`` answers ``start`` when it is a working day, else the next working day (the
        "same working day" rule). Negative ``days`` count backwards (the ``|days|``-th working day
        before ``start``).
        """
        if not isinstance(days, int) or isinstance(days, bool):
            raise CalendarError("工作日数应为整数。")
        o = self._check(start, "起算日期")
        if days > 0:
            return self._at(bisect_right(self._ords, o) + days - 1)
        if days == 0:
            return self._at(bisect_left(self._ords, o))
        return self._at(bisect_left(self._ords, o) + days)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``.

        Inverse of :meth:`add_working_days`: ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        a = self._check(start, "起始日期")
        b = self._check(end, "截止日期")
        return bisect_right(self._ords, b) - bisect_right(self._ords, a)

    def working_days_in(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The working days in ``[start, end]`` (for display; slices the table)."""
        a = self._check(start, "起始日期")
        b = self._check(end, "截止日期")
        return [dt.date.fromordinal(o) for o in self._ords[bisect_left(self._ords, a) : bisect_right(self._ords, b)]]

    def _at(self, index: int) -> dt.date:
        if index < 0 or index >= len(self._ords):
            raise CalendarError(
                f"结果超出工作日历的计算范围（{TABLE_START.isoformat()} 至 {TABLE_END.isoformat()}）。"
            )
        return dt.date.fromordinal(self._ords[index])

    # -- schedules --------------------------------------------------------------------------------
    def changes_if_loaded(self, schedule: YearSchedule) -> list[DayInfo]:
        """Dates of ``schedule.year`` whose working/rest status would differ from today's answer.

        Used when an administrator loads a year: before it the year is usually provisional
        (weekends and art. 2 holidays only), so these are the 补假 and bridging days, the make-up
        working days, and any statutory day the loaded notice does not list.
        """
        candidate = WorkCalendar({**self._loaded, schedule.year: schedule}, use_package=self.use_package)
        a, b = _year_ordinal_bounds(schedule.year)
        old = set(self._ords[bisect_left(self._ords, a) : bisect_right(self._ords, b)])
        new = set(candidate._ords[bisect_left(candidate._ords, a) : bisect_right(candidate._ords, b)])
        return [candidate.day_info(dt.date.fromordinal(o)) for o in sorted(old ^ new)]


def naive_add_working_days(cal: WorkCalendar, start: dt.date, days: int) -> dt.date:
    """Reference implementation by walking day by day (tests and the benchmark compare against it)."""
    d = start
    counted = 0
    if days == 0:
        while not cal.is_working_day(d):
            d += dt.timedelta(days=1)
        return d
    while counted < days:
        d += dt.timedelta(days=1)
        if cal.is_working_day(d):
            counted += 1
    return d


@dataclass(frozen=True)
class WorkdayAnswer:
    due: dt.date
    provisional: bool
    explanation: str
    provisional_years: tuple[int, ...] = ()


def add_working_days_explained(cal: WorkCalendar, start: dt.date, days: int) -> WorkdayAnswer:
    """:meth:`WorkCalendar.add_working_days` with the Chinese explanation and the provisional flag."""
    if isinstance(days, int) and days < 0:
        raise CalendarError("工作日数不能为负数。")
    due = cal.add_working_days(start, days)
    first, last = cal.span_for_add(start, due)
    years = tuple(cal.provisional_years(first, last))
    if days == 0:
        text = (
            f"{start.isoformat()} 是工作日，当日即为期限。"
            if due == start
            else f"{start.isoformat()} 是休息日，顺延至下一个工作日 {due.isoformat()}。"
        )
    else:
        text = (
            f"自 {start.isoformat()} 起算，当日不计入（《民法典》第二百零一条），"
            f"向后数 {days} 个工作日（不含法定节假日和周休息日，《行政许可法》第八十二条），"
            f"第 {days} 个工作日为 {due.isoformat()}。"
        )
    if years:
        text += provisional_note(years)
    return WorkdayAnswer(due=due, provisional=bool(years), explanation=text, provisional_years=years)
