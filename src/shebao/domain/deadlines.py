"""Due dates of the catalog's time limits (法定时限 / 承诺时限) and calendar windows.

Input is a catalog item's parsed limit (``shebao.catalog.schema.Limit`` as a dict: ``kind``,
``text``, ``label``, ``days``, ``day_of_month``, ``holiday_deferral``) or schedule (``Schedule``:
``kind``, ``text``, ``day``, ``start``, ``end``, ``months``) and the moment the application was
received. Every answer says how it was computed (``explanation``, Chinese) and whether it rests
on days whose official schedule is not yet known (``provisional``).

Rules implemented, table-driven by ``kind`` (see :data:`LIMIT_RULES` and :data:`SCHEDULE_RULES`):

* ``same_day`` — 即办 / 即收即办 / 即时 / 即时受理: finished the working day the application is
  received; received on a rest day → the next working day.
* ``working_days`` — "N个工作日": 《行政许可法》第八十二条 (期限以工作日计算，不含法定节假日) and
  《民法典》第二百零一条 (开始的当日不计入): the N-th working day after the day of receipt.
* ``monthly_cutoff`` — "每月25日前（节假日顺延）": the cut-off day of the month of receipt (or of the
  next month when receipt is after it); with 节假日顺延 a cut-off on a rest day moves to the next
  working day (《民法典》第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
* ``none`` — "无": no statutory limit, no due date.
* ``on_complete`` — "材料齐全及时受理": handled as soon as the materials are complete; no fixed date.
* Schedules stated in the guide: ``quarterly_cutoff`` (item 5: 每季度的15号之前报送晋城市人社行政部门
  审批), ``yearly_window`` (item 25: 每年1月1日至4月30日期间申报), ``not_before_in_year`` (item 27:
  当年死亡人员在7月1日以后办理), ``certification_cycle`` (item 29: 每年认证一次，认证周期为12个月).
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from shebao.domain.workdays import CalendarError, WorkCalendar, provisional_note

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class DeadlineError(ValueError):
    """A limit or schedule that cannot be turned into a date; the message is in Chinese."""


@dataclass(frozen=True)
class DueDate:
    """The answer for one limit: ``due`` is ``None`` when the limit sets no date."""

    label: str
    text: str
    kind: str
    due: dt.date | None
    provisional: bool
    explanation: str
    provisional_years: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        d = asdict(self)
        d["due"] = self.due.isoformat() if self.due else None
        d["provisional_years"] = list(self.provisional_years)
        return d


@dataclass(frozen=True)
class ScheduleAnswer:
    """The answer for one calendar rule of the guide."""

    kind: str
    text: str
    date: dt.date | None  # the one date that matters: next cut-off, window end, earliest day, next due
    window_start: dt.date | None
    window_end: dt.date | None
    status: str  # open | not_yet_open | closed | due | unknown
    provisional: bool
    explanation: str
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "kind": self.kind,
            "text": self.text,
            "date": iso(self.date),
            "window_start": iso(self.window_start),
            "window_end": iso(self.window_end),
            "status": self.status,
            "provisional": self.provisional,
            "explanation": self.explanation,
            **self.extra,
        }


def local_date(moment: dt.datetime | dt.date) -> dt.date:
    """The calendar day in Beijing time of ``moment`` (naive datetimes are taken as Beijing time)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(LOCAL_TZ)
        return moment.date()
    return moment


def _month_day(year: int, month: int, day: int) -> dt.date:
    """``day`` of the month, clamped to the month's last day (e.g. 31 → 30 April)."""
    return dt.date(year, month, min(day, _cal.monthrange(year, month)[1]))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + months
    return idx // 12, idx % 12 + 1


def _prov(cal: WorkCalendar, first: dt.date, last: dt.date) -> tuple[bool, tuple[int, ...], str]:
    years = tuple(cal.provisional_years(first, last))
    return bool(years), years, provisional_note(years)


def _weekday_cn(d: dt.date) -> str:
    return "周" + "一二三四五六日"[d.weekday()]


# --------------------------------------------------------------------------------------------
# Time limits
# --------------------------------------------------------------------------------------------


def _same_day(cal: WorkCalendar, limit: Mapping, received: dt.date) -> tuple[dt.date | None, str, dt.date | None]:
    due = cal.next_working_day(received)
    if due == received:
        text = f"当场办理：受理日 {received.isoformat()}（{_weekday_cn(received)}）为工作日，当日办结。"
    else:
        info = cal.day_info(received)
        text = (
            f"当场办理：受理日 {received.isoformat()} 为{info.kind_label}，"
            f"顺延至下一个工作日 {due.isoformat()}（{_weekday_cn(due)}）办结。"
        )
    return due, text, received


def _working_days(cal: WorkCalendar, limit: Mapping, received: dt.date) -> tuple[dt.date | None, str, dt.date | None]:
    n = limit.get("days")
    if not isinstance(n, int) or n <= 0:
        raise DeadlineError("时限类型为“N个工作日”但缺少有效的工作日数（days）。")
    due = cal.add_working_days(received, n)
    text = (
        f"{n} 个工作日：受理日 {received.isoformat()} 当日不计入（《民法典》第二百零一条），"
        f"自次日起只数工作日（不含周休息日和法定节假日，《行政许可法》第八十二条），"
        f"第 {n} 个工作日为 {due.isoformat()}（{_weekday_cn(due)}）。"
    )
    if not cal.is_working_day(received):
        text += f"受理日为{cal.day_info(received).kind_label}，从其后第一个工作日起计为第 1 个工作日。"
    return due, text, received + dt.timedelta(days=1)


def _monthly_cutoff(cal: WorkCalendar, limit: Mapping, received: dt.date) -> tuple[dt.date | None, str, dt.date | None]:
    day = limit.get("day_of_month")
    if not isinstance(day, int) or not 1 <= day <= 31:
        raise DeadlineError("时限类型为“每月截止日”但缺少有效的日期（day_of_month）。")
    deferral = bool(limit.get("holiday_deferral"))

    def cutoff(year: int, month: int) -> tuple[dt.date, dt.date]:
        nominal = _month_day(year, month, day)
        return nominal, (cal.next_working_day(nominal) if deferral else nominal)

    nominal, due = cutoff(received.year, received.month)
    moved_month = False
    if received > due:
        y, m = _add_months(received.year, received.month, 1)
        nominal, due = cutoff(y, m)
        moved_month = True
    text = f"每月 {day} 日前办结："
    if moved_month:
        text += f"受理日 {received.isoformat()} 已过本月截止日，按下月 {nominal.isoformat()} 截止。"
    elif received <= nominal:
        text += f"受理日 {received.isoformat()} 在本月截止日之前，本月 {nominal.isoformat()} 截止。"
    else:  # after the 25th itself, but the 25th was a rest day and the cut-off moved past today
        text += (f"受理日 {received.isoformat()} 晚于本月 {nominal.isoformat()}，但本月截止日顺延至 "
                 f"{due.isoformat()}，仍按本月截止。")
    if deferral and due != nominal:
        text += (
            f"{nominal.isoformat()} 为{cal.day_info(nominal).kind_label}，按“节假日顺延”"
            f"（《民法典》第二百零三条）顺延至下一个工作日 {due.isoformat()}。"
        )
    elif not deferral and not cal.is_working_day(nominal):
        text += f"指南未写“节假日顺延”，截止日 {nominal.isoformat()} 虽为休息日仍按原日期计。"
    # Without 顺延 the date is fixed by the text alone and does not depend on the holiday schedule.
    return due, text, (nominal if deferral else None)


def _none(cal: WorkCalendar, limit: Mapping, received: dt.date) -> tuple[dt.date | None, str, dt.date | None]:
    return None, "无时限：指南对本事项未规定该时限，不计算到期日。", received


def _on_complete(cal: WorkCalendar, limit: Mapping, received: dt.date) -> tuple[dt.date | None, str, dt.date | None]:
    return (
        None,
        "材料齐全及时受理：材料齐全后即时受理办理，指南未规定天数，因此不计算固定到期日。",
        received,
    )


#: kind → rule. Each rule returns (due, explanation, first date whose working/rest status the
#: answer depended on — ``None`` when it does not depend on the holiday schedule at all).
LIMIT_RULES: dict[str, Callable[[WorkCalendar, Mapping, dt.date], tuple[dt.date | None, str, dt.date | None]]] = {
    "same_day": _same_day,
    "working_days": _working_days,
    "monthly_cutoff": _monthly_cutoff,
    "none": _none,
    "on_complete": _on_complete,
}


def due_date(cal: WorkCalendar, limit: Mapping | None, received: dt.datetime | dt.date) -> DueDate | None:
    """The due date of one limit for an application received at ``received``; ``None`` if no limit."""
    if limit is None:
        return None
    if hasattr(limit, "model_dump"):
        limit = limit.model_dump()
    kind = limit.get("kind")
    rule = LIMIT_RULES.get(kind)
    if rule is None:
        raise DeadlineError(f"未知的时限类型“{kind}”。")
    day = local_date(received)
    try:
        due, text, first = rule(cal, limit, day)
    except CalendarError as exc:
        raise DeadlineError(str(exc)) from None
    if due is None or first is None:
        provisional, years, note = False, (), ""
    else:
        provisional, years, note = _prov(cal, min(first, due), due)
    return DueDate(
        label=limit.get("label") or "",
        text=limit.get("text") or "",
        kind=kind,
        due=due,
        provisional=provisional,
        explanation=text + note,
        provisional_years=years,
    )


# --------------------------------------------------------------------------------------------
# Calendar windows of the guide
# --------------------------------------------------------------------------------------------


def _mmdd(value: str | None, year: int, what: str) -> dt.date:
    if not value:
        raise DeadlineError(f"日程规则缺少{what}（MM-DD）。")
    try:
        month, day = (int(x) for x in value.split("-"))
        return _month_day(year, month, day)
    except ValueError:
        raise DeadlineError(f"日程规则的{what}“{value}”格式应为 MM-DD。") from None


def _quarterly_cutoff(cal: WorkCalendar, sched: Mapping, received: dt.date, event: dt.date | None) -> ScheduleAnswer:
    """Item 5: 初审符合条件的，每季度的15号之前报送晋城市人社行政部门审批.

    Read as: the 15th of the first month of each quarter (1, 4, 7, 10月); "之前" → the last working
    day before the 15th. The next batch is the first such date on or after the day of receipt.
    """
    day = sched.get("day") or 15
    candidates = []
    for year in (received.year, received.year + 1):
        for month in (1, 4, 7, 10):
            limit = _month_day(year, month, day)
            last = cal.previous_working_day(limit, include_self=False)
            candidates.append((limit, last, year, (month - 1) // 3 + 1))
    limit, last, year, quarter = next(c for c in candidates if c[1] >= received)
    provisional, _, note = _prov(cal, received, last)
    text = (
        f"按季度报送：指南规定“每季度的{day}号之前报送晋城市人社行政部门审批”（本系统按每季度首月{day}日前理解）。"
        f"受理日 {received.isoformat()} 之后最近一批为 {year} 年第 {quarter} 季度，"
        f"须在 {limit.isoformat()} 之前报送，最后一个工作日为 {last.isoformat()}。"
        "审批、公示所需时间由市人社部门决定，不计入本县承诺时限的推算。"
    )
    return ScheduleAnswer(
        kind="quarterly_cutoff",
        text=sched.get("text", ""),
        date=last,
        window_start=None,
        window_end=last,
        status="due",
        provisional=provisional,
        explanation=text + note,
        extra={"quarter": f"{year}Q{quarter}"},
    )


def _yearly_window(cal: WorkCalendar, sched: Mapping, received: dt.date, event: dt.date | None) -> ScheduleAnswer:
    """Item 25: 机关事业单位社会保险缴费基数申报，每年1月1日至4月30日期间申报."""
    start = _mmdd(sched.get("start"), received.year, "开始日期")
    end = _mmdd(sched.get("end"), received.year, "结束日期")
    if start <= received <= end:
        status, ws, we = "open", start, end
        text = f"年度申报期 {start.isoformat()} 至 {end.isoformat()}，受理日 {received.isoformat()} 在申报期内，须在 {end.isoformat()} 前完成申报。"
    elif received < start:
        status, ws, we = "not_yet_open", start, end
        text = f"年度申报期 {start.isoformat()} 至 {end.isoformat()} 尚未开始，{start.isoformat()} 起可申报。"
    else:
        ws = _mmdd(sched.get("start"), received.year + 1, "开始日期")
        we = _mmdd(sched.get("end"), received.year + 1, "结束日期")
        status = "closed"
        text = (
            f"本年度申报期（{start.isoformat()} 至 {end.isoformat()}）已结束；"
            f"下一申报期为 {ws.isoformat()} 至 {we.isoformat()}。"
        )
    if not cal.is_working_day(we):
        text += f"指南未写节假日顺延，截止日 {we.isoformat()} 为休息日，请在此前的工作日 {cal.previous_working_day(we).isoformat()} 之前办理。"
    provisional, _, note = _prov(cal, received, we)
    return ScheduleAnswer(
        kind="yearly_window",
        text=sched.get("text", ""),
        date=we if status != "not_yet_open" else ws,
        window_start=ws,
        window_end=we,
        status=status,
        provisional=provisional,
        explanation=text + note,
    )


def _not_before_in_year(cal: WorkCalendar, sched: Mapping, received: dt.date, event: dt.date | None) -> ScheduleAnswer:
    """Item 27: 参保人员在职死亡后…(当年死亡人员在7月1日以后办理).

    For a death in year Y the application can be handled from 1 July of Y (the day itself counts:
    "以后" is read inclusively) — or right after the death when it happened later in the year.
    Without the date of the event the answer gives the rule for deaths in the year of receipt.
    """
    if event is not None and event > received:
        raise DeadlineError("死亡日期不能晚于受理日期。")
    ref = event or received
    opens = _mmdd(sched.get("start"), ref.year, "开始日期")
    earliest = max(opens, event) if event else opens
    if event is None:
        text = (
            f"当年死亡人员须在 {opens.isoformat()}（含）以后办理；以前年度死亡的人员不受此限。"
            "请提供死亡日期以确定可办理日期。"
        )
        status = "open" if received >= opens else "not_yet_open"
    elif event.year < received.year:
        earliest = event
        status = "open"
        text = f"死亡日期 {event.isoformat()} 为以前年度，不受“当年7月1日以后办理”的限制，可即时办理。"
    else:
        status = "open" if received >= earliest else "not_yet_open"
        text = (
            f"死亡日期 {event.isoformat()} 在当年，须在 {opens.isoformat()}（含）以后办理；"
            + (f"受理日 {received.isoformat()} 已可办理。" if status == "open" else f"最早可办理日期为 {earliest.isoformat()}。")
        )
    workday = cal.next_working_day(earliest)
    if workday != earliest:
        text += f"{earliest.isoformat()} 为休息日，窗口最早办理日为 {workday.isoformat()}。"
    provisional, _, note = _prov(cal, earliest, workday)
    return ScheduleAnswer(
        kind="not_before_in_year",
        text=sched.get("text", ""),
        date=earliest,
        window_start=earliest,
        window_end=None,
        status=status,
        provisional=provisional,
        explanation=text + note,
        extra={"first_working_day": workday.isoformat()},
    )


def _certification_cycle(cal: WorkCalendar, sched: Mapping, received: dt.date, event: dt.date | None) -> ScheduleAnswer:
    """Item 29: 每年认证一次，认证周期为12个月 — the next certification falls due 12 months later.

    ``event`` is the date of the last certification (defaults to the day of receipt).
    """
    months = sched.get("months") or 12
    last = event or received
    y, m = _add_months(last.year, last.month, months)
    nxt = _month_day(y, m, last.day)
    status = "due" if received >= nxt else "open"
    text = (
        f"认证周期 {months} 个月：上次认证日 {last.isoformat()}，下次应在 {nxt.isoformat()} 前完成认证。"
        + ("已到期，请尽快认证。" if status == "due" else "")
    )
    return ScheduleAnswer(
        kind="certification_cycle",
        text=sched.get("text", ""),
        date=nxt,
        window_start=last,
        window_end=nxt,
        status=status,
        provisional=False,
        explanation=text,
        extra={"months": months},
    )


SCHEDULE_RULES: dict[str, Callable[[WorkCalendar, Mapping, dt.date, dt.date | None], ScheduleAnswer]] = {
    "quarterly_cutoff": _quarterly_cutoff,
    "yearly_window": _yearly_window,
    "not_before_in_year": _not_before_in_year,
    "certification_cycle": _certification_cycle,
}


def schedule_answer(
    cal: WorkCalendar, schedule: Mapping, received: dt.datetime | dt.date, *, event: dt.date | None = None
) -> ScheduleAnswer:
    if hasattr(schedule, "model_dump"):
        schedule = schedule.model_dump()
    rule = SCHEDULE_RULES.get(schedule.get("kind"))
    if rule is None:
        raise DeadlineError(f"未知的日程规则类型“{schedule.get('kind')}”。")
    try:
        return rule(cal, schedule, local_date(received), event)
    except CalendarError as exc:
        raise DeadlineError(str(exc)) from None


def closed_window(schedules: Sequence[ScheduleAnswer]) -> ScheduleAnswer | None:
    """The yearly filing window among ``schedules`` that is closed or not yet open."""
    return next((s for s in schedules if s.kind == "yearly_window" and s.status in ("closed", "not_yet_open")), None)


@dataclass(frozen=True)
class ItemDeadlines:
    item_no: int | None
    received: dt.datetime | dt.date
    statutory: DueDate | None
    promised: DueDate | None
    schedules: list[ScheduleAnswer]

    @property
    def closed_window(self) -> ScheduleAnswer | None:
        """The yearly filing window (item 25: 每年1月1日至4月30日期间申报) the receipt date is
        outside of: then nothing can be applied for that day, and the due dates only say what
        applies within the next window."""
        return closed_window(self.schedules)

    @property
    def provisional(self) -> bool:
        parts = [self.statutory, self.promised, *self.schedules]
        return any(p is not None and p.provisional for p in parts)

    def as_dict(self) -> dict:
        return {
            "item_no": self.item_no,
            "received": self.received.isoformat(),
            "statutory": self.statutory.as_dict() if self.statutory else None,
            "promised": self.promised.as_dict() if self.promised else None,
            "schedules": [s.as_dict() for s in self.schedules],
            "provisional": self.provisional,
        }


def item_deadlines(
    cal: WorkCalendar, item: Mapping, received: dt.datetime | dt.date, *, event: dt.date | None = None
) -> ItemDeadlines:
    """All due dates of one catalog item (a dict shaped like ``shebao.catalog.schema.Item``)."""
    if hasattr(item, "model_dump"):
        item = item.model_dump()
    return ItemDeadlines(
        item_no=item.get("no"),
        received=received,
        statutory=due_date(cal, item.get("statutory_limit"), received),
        promised=due_date(cal, item.get("promised_limit"), received),
        schedules=[schedule_answer(cal, s, received, event=event) for s in item.get("schedules") or []],
    )
