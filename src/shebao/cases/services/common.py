"""Helpers shared by the case services: calendar, clock, optimistic save, timeline, audit."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from shebao.accounts.selectors import profile_of
from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseAction
from shebao.core.audit import record_event
from shebao.core.errors import Conflict, PermissionDenied
from shebao.core.inserts import insert_rows
from shebao.domain.deadlines import local_date
from shebao.domain.workdays import WorkCalendar

STALE_MESSAGE = "该办件已被他人更新，请刷新后重试。"


@lru_cache(maxsize=1)
def _fallback_calendar() -> WorkCalendar:
    return WorkCalendar()


def get_calendar() -> WorkCalendar:
    """The official calendar with the administrator-loaded years.

    Thin adapter over ``shebao.rules.selectors.get_calendar`` (the rules context owns the loaded
    year schedules); until that exists, the ``chinesecalendar`` data alone.
    """
    try:
        from shebao.rules.selectors import get_calendar as rules_calendar
    except ImportError:  # pragma: no cover - the rules context provides it
        return _fallback_calendar()
    return rules_calendar()


def now_or(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("需要带时区的时间（timezone-aware datetime）。")
    return now


def today_of(now: dt.datetime) -> dt.date:
    return local_date(now)


def warning_days() -> int:
    return int(getattr(settings, "SHEBAO_WARNING_DAYS", 2))


def require_profile(user):
    profile = profile_of(user)
    if profile is None:
        raise PermissionDenied("您不是本中心的工作人员，不能办理办件。")
    return profile


def tolerance_days_of(case: Case) -> int | None:
    days = [m.tolerance_days for m in case.materials.all() if m.tolerated and m.tolerance_days]
    return max(days) if days else None


def compute_case_clock(case: Case, cal: WorkCalendar, *, suspended_days: int | None = None,
                       extension_days: int | None = None) -> wf.Clock:
    return wf.compute_clock(
        cal,
        case.item_version.data,
        case.received_at,
        suspended_days=case.suspended_days if suspended_days is None else suspended_days,
        extension_days=case.extension_days if extension_days is None else extension_days,
        tolerance_days=tolerance_days_of(case) if case.tolerance else None,
    )


def clock_fields(clock: wf.Clock) -> dict:
    return {
        "statutory_due": clock.statutory_due,
        "promised_due": clock.promised_due,
        "extended_due": clock.extended_due,
        "supplement_due": clock.supplement_due,
        "provisional": clock.provisional,
        "clock_notes": clock.notes,
    }


def warning_for(case: Case, cal: WorkCalendar, now: dt.datetime, *, status: str | None = None,
                suspended_at: dt.datetime | None = None, due: dt.date | None = None) -> str:
    """The warning level of a case; a suspended case is judged as of the day it was suspended."""
    status = status or case.status
    if status in wf.CLOSED_STATUSES and status != wf.FINISHED:
        return case.warning
    ref = today_of(now)
    if status == wf.SUSPENDED:
        ref = today_of(suspended_at or case.suspended_at or now)
    return wf.warning_level(cal, ref, due if due is not None else case.effective_due, warning_days=warning_days())


def snapshot(case: Case) -> dict:
    """The case's state for audit before/after (no personal data)."""
    return {
        "status": case.status,
        "step_index": case.step_index,
        "current_step": case.current_step,
        "statutory_due": case.statutory_due,
        "promised_due": case.promised_due,
        "extended_due": case.extended_due,
        "supplement_due": case.supplement_due,
        "provisional": case.provisional,
        "warning": case.warning,
        "awaiting_supplement": case.awaiting_supplement,
        "suspended_days": case.suspended_days,
        "extension_days": case.extension_days,
        "version": case.version,
    }


def save_case(case: Case, *, expected_version: int, fields: dict, bump: bool = True) -> None:
    """``UPDATE … WHERE id = … AND version = expected``; the loser of a race gets 409."""
    values = dict(fields)
    values["updated_at"] = timezone.now()
    if bump:
        values["version"] = expected_version + 1
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(**values)
    if updated != 1:
        raise Conflict(STALE_MESSAGE)
    for key, value in values.items():
        setattr(case, key, value)


def staff_label(user) -> str:
    """How the timeline names a member of staff: their name as the center knows it, with the login
    name that the audit log records (``王芳（clerk）``), or the login name alone."""
    profile = profile_of(user)
    username = user.get_username()
    name = (profile.display_name or "").strip() if profile is not None else ""
    return f"{name}（{username}）" if name and name != username else username


def add_timeline(case: Case, *, action: str, actor=None, now: dt.datetime, reason: str = "",
                 step_before: str = "", status_before: str = "", detail: dict | None = None) -> CaseAction:
    entry = timeline_entry(case, action=action, actor=actor, now=now, reason=reason, step_before=step_before,
                           status_before=status_before, detail=detail)
    insert_rows([entry])
    return entry


def timeline_entry(case: Case, *, action: str, actor=None, now: dt.datetime, reason: str = "",
                   step_before: str = "", status_before: str = "", detail: dict | None = None) -> CaseAction:
    """The timeline entry for the case as it is now, not yet saved (see :func:`add_timeline`)."""
    label = staff_label(actor) if actor is not None and getattr(actor, "is_authenticated", False) else "系统"
    return CaseAction(
        case=case,
        action=action,
        step_before=step_before,
        step_after=case.current_step,
        status_before=status_before,
        status_after=case.status,
        reason=reason,
        detail=detail or {},
        actor=actor if label != "系统" else None,
        actor_label=label,
        created_at=now,
    )


def audit(case: Case, *, action: str, actor=None, summary: str, before=None, after=None) -> None:
    record_event(
        action=f"cases.{action}",
        object_type="case",
        object_id=case.case_no,
        actor=actor,
        county=case.county,
        summary=summary,
        before=before,
        after=after,
    )
