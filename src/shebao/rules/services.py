"""Writers of the rules context: the only code that changes its models.

Every writer takes keyword-only arguments, runs in one transaction and appends an audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from shebao.core.audit import record_event
from shebao.core.errors import DomainError, NotFound
from shebao.domain.workdays import (
    CalendarError,
    DayInfo,
    WorkCalendar,
    check_entered_schedule,
    make_year_schedule,
)
from shebao.rules import selectors
from shebao.rules.models import BenefitParameter, HolidaySchedule


@dataclass(frozen=True)
class ScheduleLoad:
    """What loading a year changed."""

    year: int
    created: bool
    was_provisional: bool
    changed: list[DayInfo]  # dates whose working/rest status differs from the previous answer
    source: str

    def describe(self) -> str:
        head = f"{self.year} 年节假日安排已{'录入' if self.created else '更新'}（{self.source}）。"
        if not self.changed:
            return head + "与此前的计算相比没有日期发生变化。"
        days = "、".join(f"{d.date.isoformat()}（{d.kind_label}）" for d in self.changed)
        prefix = "此前为暂定（已扣除法定节假日和周休息日，未含补假、调休），" if self.was_provisional else ""
        return head + f"{prefix}以下 {len(self.changed)} 个日期的工作日/休息日性质发生变化：{days}。"


def _actor_label(actor) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    return actor.get_username() if getattr(actor, "is_authenticated", False) else ""


def validate_year_schedule(*, year, holidays, workdays, source: str = ""):
    """The checks :func:`load_year_schedule` applies, without writing anything (the admin form uses
    them so that a refused schedule is shown on the form instead of being half-saved)."""
    try:
        return check_entered_schedule(make_year_schedule(int(year), holidays, workdays, source or ""))
    except CalendarError as exc:
        raise DomainError(str(exc)) from None
    except (ValueError, TypeError):
        raise DomainError(f"年份“{year}”无效。") from None


def load_year_schedule(*, year: int, holidays: list, workdays: list, source: str, actor=None) -> ScheduleLoad:
    """Load (or replace) one year's official holidays and make-up working days.

    Returns the dates whose status changed compared with what the calendar answered before —
    for a year that was provisional, the 补假, bridging and make-up working days the guess lacked.

    Refused (``DomainError``, nothing written) besides a malformed schedule: a year whose official
    arrangement is built in (``chinesecalendar``, 2004–2026), and a schedule in which a statutory
    holiday of 《全国年节及纪念日放假办法》 art. 2 is not a rest day (see
    :func:`shebao.domain.workdays.check_entered_schedule`).
    """
    source = (source or "").strip()
    if not source:
        raise DomainError("请填写依据（国务院办公厅通知的名称与文号），没有出处的安排不能录入。")
    schedule = validate_year_schedule(year=year, holidays=holidays, workdays=workdays, source=source)
    user = actor if (actor is not None and getattr(actor, "pk", None)) else None
    with transaction.atomic():
        before_calendar = selectors.get_calendar()
        was_provisional = schedule.year not in before_calendar.known_years
        changed = before_calendar.changes_if_loaded(schedule)
        row = HolidaySchedule.objects.select_for_update().filter(year=schedule.year).first()
        before = None
        if row is not None:
            before = {"holidays": row.holidays, "workdays": row.workdays, "source": row.source}
        after = schedule.as_dict()
        created = row is None
        row = row or HolidaySchedule(year=schedule.year)
        row.holidays = after["holidays"]
        row.workdays = after["workdays"]
        row.source = source
        row.loaded_by = user
        row.loaded_by_label = _actor_label(actor) or "系统"
        row.save()
        record_event(
            action="rules.calendar.load",
            object_type="HolidaySchedule",
            object_id=schedule.year,
            actor=actor,
            summary=f"录入 {schedule.year} 年节假日安排：{len(schedule.holidays)} 个放假日、"
            f"{len(schedule.workdays)} 个调休上班日，{len(changed)} 个日期性质变化",
            before=before,
            after={**after, "changed": [d.date.isoformat() for d in changed]},
        )
    selectors.forget_calendar()
    return ScheduleLoad(schedule.year, created, was_provisional, changed, source)


def delete_year_schedule(*, year: int, actor=None) -> list[DayInfo]:
    """Remove a loaded year (it falls back to chinesecalendar, or to provisional weekends + statutory holidays)."""
    with transaction.atomic():
        row = HolidaySchedule.objects.select_for_update().filter(year=year).first()
        if row is None:
            raise NotFound(f"没有已录入的 {year} 年节假日安排。")
        cal = selectors.get_calendar()
        before = {"holidays": row.holidays, "workdays": row.workdays, "source": row.source}
        row.delete()
        remaining = {y: cal.schedule_for(y) for y in cal.loaded_years if y != year}
        after_cal = WorkCalendar(remaining)
        a, b = dt.date(year, 1, 1), dt.date(year, 12, 31)
        old = set(cal.working_days_in(a, b))
        new = set(after_cal.working_days_in(a, b))
        changed = [after_cal.day_info(d) for d in sorted(old ^ new)]
        record_event(
            action="rules.calendar.delete",
            object_type="HolidaySchedule",
            object_id=year,
            actor=actor,
            summary=f"删除 {year} 年节假日安排",
            before=before,
            after=None,
        )
    selectors.forget_calendar()
    return changed


def _decimal(value, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(f"{what}应为数字。") from None
    if not d.is_finite():
        raise DomainError(f"{what}应为有限的数字。")
    return d


def set_benefit_parameter(
    *,
    key: str,
    label: str,
    value: Decimal | float | int | str | None,
    effective_from: dt.date,
    source: str = "",
    confirmed: bool = False,
    unit: str = "",
    note: str = "",
    actor=None,
) -> BenefitParameter:
    """Create or update the parameter ``key`` in force from ``effective_from``."""
    key = (key or "").strip()
    if not key:
        raise DomainError("参数键不能为空。")
    source = (source or "").strip()
    if confirmed and not source:
        raise DomainError("标记为“出处已确认”的参数必须填写出处。")
    number = _decimal(value, f"参数“{label or key}”的数值")
    with transaction.atomic():
        row = BenefitParameter.objects.select_for_update().filter(key=key, effective_from=effective_from).first()
        before = None
        if row is not None:
            before = {
                "label": row.label, "value": None if row.value is None else str(row.value), "unit": row.unit,
                "source": row.source, "confirmed": row.confirmed, "note": row.note,
            }  # fmt: skip
        row = row or BenefitParameter(key=key, effective_from=effective_from)
        row.label = label or row.label or key
        row.value = number
        row.unit = unit
        row.source = source
        row.confirmed = confirmed
        row.note = note
        row.save()
        record_event(
            action="rules.parameter.set",
            object_type="BenefitParameter",
            object_id=f"{key}@{effective_from.isoformat()}",
            actor=actor,
            summary=f"设置参数 {row.label}（{effective_from.isoformat()} 起）= {number}",
            before=before,
            after={
                "label": row.label, "value": None if number is None else str(number), "unit": unit,
                "source": source, "confirmed": confirmed, "note": note,
            },  # fmt: skip
        )
    return row


def delete_benefit_parameter(*, key: str, effective_from: dt.date, actor=None) -> None:
    with transaction.atomic():
        row = BenefitParameter.objects.select_for_update().filter(key=key, effective_from=effective_from).first()
        if row is None:
            raise NotFound(f"没有参数 {key}（{effective_from.isoformat()} 起）。")
        before = {"label": row.label, "value": None if row.value is None else str(row.value), "source": row.source}
        row.delete()
        record_event(
            action="rules.parameter.delete",
            object_type="BenefitParameter",
            object_id=f"{key}@{effective_from.isoformat()}",
            actor=actor,
            summary=f"删除参数 {before['label']}（{effective_from.isoformat()} 起）",
            before=before,
            after=None,
        )
