"""The periodic deadline job (``shebao cases tick``) and provisional-date recomputation.

Every step is idempotent: running the tick twice in a row changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shebao.cases import workflow as wf
from shebao.cases.models import Case, PublicAttempt
from shebao.cases.services import common
from shebao.cases.services.leases import acquire_lease, release_lease
from shebao.cases.services.notify import deliver_pending, queue_notification
from shebao.core.errors import Conflict

log = logging.getLogger(__name__)

TICK_LEASE = "cases.tick"


def _open_cases():
    return Case.objects.select_related("county", "item_version").filter(status__in=wf.OPEN_STATUSES)


def _expire_tolerance(case: Case, now: dt.datetime) -> bool:
    with transaction.atomic():
        before = common.snapshot(case)
        step_before, status_before = case.current_step, case.status
        pending = list(case.materials.filter(tolerated=True, supplied_at__isnull=True).values_list("name", flat=True))
        # Judged as of the day it ends, as a refusal is: a warning level left by an earlier tick
        # (or by none, if no tick ran since a due date passed) is not what the case ended at.
        warning = common.warning_for(case, common.get_calendar(), now)
        try:
            common.save_case(case, expected_version=case.version, fields={
                "status": wf.TERMINATED,
                "warning": warning,
                "closed_at": now,
                "awaiting_supplement": False,
                "suspended_at": None,
                "result": f"容缺材料到 {case.supplement_due.isoformat()} 仍未补齐，办件终止：" + "、".join(pending),
            })
        except Conflict:
            return False  # a person acted at the same moment; the next tick looks again
        if status_before == wf.SUSPENDED:
            case.suspensions.filter(ended_at__isnull=True).update(ended_at=now)
        common.add_timeline(case, action="terminate", now=now, reason=case.result, step_before=step_before,
                            status_before=status_before, detail={"pending": pending})
        common.audit(case, action="tick.terminate", summary=f"容缺逾期终止 {case.case_no}",
                     before=before, after=common.snapshot(case))
        queue_notification(case=case, kind="terminated", now=now)
    return True


def _remind(case: Case, now: dt.datetime) -> bool:
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, reminder_sent_at__isnull=True, awaiting_supplement=True).update(
            reminder_sent_at=now
        )
        if not updated:
            return False
        case.reminder_sent_at = now
        pending = list(case.materials.filter(tolerated=True, supplied_at__isnull=True).values_list("name", flat=True))
        common.add_timeline(case, action="remind", now=now, step_before=case.current_step,
                            status_before=case.status, detail={"pending": pending})
        common.audit(case, action="tick.remind", summary=f"容缺补正提醒 {case.case_no}",
                     after={"pending": pending, "supplement_due": case.supplement_due})
        queue_notification(case=case, kind="tolerance_reminder", now=now, pending=pending)
    return True


def _rewarn(case: Case, level: str, now: dt.datetime) -> bool:
    """Warning levels are derived data: changed without bumping the case version."""
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, warning=case.warning, status__in=wf.OPEN_STATUSES).update(
            warning=level
        )
        if not updated:
            return False
        common.audit(case, action="tick.warning", summary=f"预警 {case.case_no}：{wf.WARNING_LABELS[level]}",
                     before={"warning": case.warning}, after={"warning": level, "due": case.effective_due})
        case.warning = level
    return True


def run_tick(*, now: dt.datetime | None = None) -> dict:
    """容缺 expiry, 容缺 reminders, warning levels, notification retries, rate-limit cleanup."""
    now = common.now_or(now)
    today = common.today_of(now)
    cal = common.get_calendar()
    report = {"terminated": [], "reminded": [], "warnings": {}, "notifications_sent": 0, "at": now.isoformat()}
    for case in _open_cases().filter(awaiting_supplement=True, supplement_due__lt=today):
        if _expire_tolerance(case, now):
            report["terminated"].append(case.case_no)
    for case in _open_cases().filter(awaiting_supplement=True, reminder_sent_at__isnull=True,
                                     supplement_due__gte=today):
        if wf.reminder_day(cal, case.supplement_due) <= today and _remind(case, now):
            report["reminded"].append(case.case_no)
    for case in _open_cases():
        level = common.warning_for(case, cal, now)
        if level != case.warning and _rewarn(case, level, now):
            report["warnings"][case.case_no] = level
    report["notifications_sent"] = deliver_pending()
    PublicAttempt.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    return report


def recompute_provisional_cases(*, actor=None, years: Iterable[int] = ()) -> list[str]:
    """Recompute the due dates of open cases whose dates were provisional, and of those whose
    counted days run through one of ``years``; the numbers that changed.

    Called after a year's schedule is loaded, corrected or deleted (``shebao calendar load``, the
    admin): the suspended working days are recounted and the statutory, promised, extended and 容缺
    dates recomputed on the new calendar. ``years`` matters for a correction: the cases counted on
    the first version of a loaded year are no longer provisional, yet their dates move too.
    """
    cal = common.get_calendar()
    now = timezone.now()
    changed: list[str] = []
    touched = Q(provisional=True)
    for year in sorted(set(years)):
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        reaches = (Q(statutory_due__gte=first) | Q(promised_due__gte=first) | Q(extended_due__gte=first)
                   | Q(supplement_due__gte=first))
        touched |= Q(received_at__lt=_start_of_day_after(last)) & reaches
    for case in _open_cases().filter(touched).prefetch_related("materials", "suspensions"):
        paused = 0
        for s in case.suspensions.all():
            if s.ended_at is not None:
                paused += wf.suspension_working_days(cal, common.today_of(s.started_at), common.today_of(s.ended_at))
        clock = common.compute_case_clock(case, cal, suspended_days=paused)
        fields = {**common.clock_fields(clock), "suspended_days": paused}
        fields["warning"] = common.warning_for(case, cal, now, due=clock.effective_due)
        keys = ("statutory_due", "promised_due", "extended_due", "supplement_due", "provisional", "warning")
        if all(getattr(case, k) == fields[k] for k in keys) and case.suspended_days == paused:
            continue
        with transaction.atomic():
            before = common.snapshot(case)
            try:
                common.save_case(case, expected_version=case.version, fields=fields)
            except Conflict:
                log.warning("recompute of %s skipped: changed concurrently", case.case_no)
                continue
            common.add_timeline(case, action="recompute", actor=actor, now=now, step_before=case.current_step,
                                status_before=case.status, detail={"before": {k: before[k] for k in keys},
                                                                   **clock.as_dict()})
            common.audit(case, action="recompute", actor=actor,
                         summary=f"节假日安排更新，重算 {case.case_no} 的办理期限", before=before,
                         after=common.snapshot(case))
        changed.append(case.case_no)
    return changed


def _start_of_day_after(day: dt.date) -> dt.datetime:
    """Midnight (local time) after ``day``: received before it means received on or before ``day``."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone())


def run_tick_with_lease(holder: str, *, now: dt.datetime | None = None) -> dict | None:
    """Run the tick if this holder gets the lease; ``None`` when another worker holds it.

    ``shebao serve`` calls this every few minutes from each worker; only one of them runs it.
    """
    if not acquire_lease(name=TICK_LEASE, holder=holder, now=now):
        return None
    try:
        return run_tick(now=now)
    finally:
        release_lease(name=TICK_LEASE, holder=holder)
