"""Actions on an accepted case: advance, return, refuse, suspend/resume, supplement, extend, finish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from shebao.accounts.permissions import act_denial, read_denial
from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseMaterial, Extension, Suspension
from shebao.cases.services import common
from shebao.cases.services.notify import queue_notification
from shebao.core.errors import Conflict, DomainError, NotFound, PermissionDenied

MAX_EXTENSION_DAYS = 60


def load_case(*, case_no: str, for_update: bool = False) -> Case:
    qs = Case.objects.select_related("county", "department", "item", "item_version")
    if for_update:
        qs = qs.select_for_update()
    case = qs.filter(case_no=(case_no or "").strip().upper()).first()
    if case is None:
        raise NotFound(f"未找到办件 {case_no}。")
    return case


def check_read(*, user, case: Case):
    profile = common.require_profile(user)
    why = read_denial(profile, county_id=case.county_id, department_id=case.department_id,
                      holder_id=case.front_desk_holder_id)
    if why:
        raise PermissionDenied(why)
    return profile


def perform_action(
    *,
    user,
    case_no: str,
    action: str,
    version: int,
    reason: str = "",
    result: str = "",
    days: int | None = None,
    target_step: int | None = None,
    materials: Sequence[str] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Apply one action to a case and return it updated.

    Errors: 404 unknown case; 403 another department's case or a role that may not act on the
    current step; 409 ``version`` is not the case's current version (someone acted first);
    422 unknown action, missing reason/result, or an invalid transition.
    """
    now = common.now_or(now)
    case = load_case(case_no=case_no)
    profile = check_read(user=user, case=case)
    if action not in wf.ACTIONS:
        raise DomainError(f"未知的操作“{action}”，可选：{'、'.join(wf.ACTIONS)}。")
    step = case.workflow_steps()[case.step_index]
    why = act_denial(profile, county_id=case.county_id, department_id=case.department_id, action=action,
                     step_kind=step.kind, step_name=step.name, holder_id=case.front_desk_holder_id)
    if why:
        raise PermissionDenied(why)
    if version != case.version:
        raise Conflict(common.STALE_MESSAGE)
    reason = (reason or "").strip()
    result = (result or reason if action == "finish" else result or "").strip()
    if action in wf.NEEDS_REASON and not reason:
        raise DomainError(f"“{wf.ACTION_LABELS[action]}”必须写明理由。")
    if action == "finish" and not result:
        raise DomainError("办结必须填写办理结果。")
    try:
        transition = wf.plan(case.workflow_state(), action, target_index=target_step)
    except wf.WorkflowError as exc:
        raise DomainError(str(exc)) from None

    with transaction.atomic():
        before = common.snapshot(case)
        step_before, status_before = case.current_step, case.status
        handler = _HANDLERS[action]
        fields, detail, note = handler(case, transition, now=now, reason=reason, result=result, days=days,
                                       materials=materials, actor=user)
        fields.setdefault("status", transition.status)
        fields.setdefault("step_index", transition.step_index)
        fields.setdefault("current_step", case.workflow_steps()[transition.step_index].name)
        if transition.closes:
            fields.setdefault("closed_at", now)
        if case.handed_over_at is None:
            # Taken in at the 综合受理窗口 and not marked as handed over: the department has it now.
            fields["handed_over_at"] = now
        common.save_case(case, expected_version=version, fields=fields)
        common.add_timeline(case, action=action, actor=user, now=now, reason=result if action == "finish" else reason,
                            step_before=step_before, status_before=status_before, detail=detail)
        common.audit(case, action=f"action.{action}", actor=user,
                     summary=f"{wf.ACTION_LABELS[action]} {case.case_no}（{step_before} → {case.current_step}）",
                     before=before, after={**common.snapshot(case), "reason": reason or result, **detail})
        if note:
            queue_notification(case=case, kind=note, now=now)
    return case


# -- one handler per action: (case, transition, **ctx) -> (fields, timeline detail, notification kind)
def _advance(case, t, **ctx):
    return {}, {}, None


def _return(case, t, **ctx):
    return {}, {"returned_to": t.step_index}, None


def _refuse(case, t, *, reason, now, **ctx):
    cal = common.get_calendar()
    return ({"refusal_reasons": [reason], "result": reason,
             "warning": common.warning_for(case, cal, now, status=wf.FINISHED)}, {}, "result")


def _suspend(case, t, *, reason, now, **ctx):
    Suspension.objects.create(case=case, reason=reason, started_at=now)
    return {"suspended_at": now}, {}, None


def _resume(case, t, *, now, **ctx):
    cal = common.get_calendar()
    open_ = case.suspensions.filter(ended_at__isnull=True).order_by("-id").first()
    started = open_.started_at if open_ else (case.suspended_at or now)
    paused = wf.suspension_working_days(cal, common.today_of(started), common.today_of(now))
    if open_ is not None:
        Suspension.objects.filter(pk=open_.pk).update(ended_at=now, working_days=paused)
    total = case.suspended_days + paused
    clock = common.compute_case_clock(case, cal, suspended_days=total)
    fields = {**common.clock_fields(clock), "suspended_days": total, "suspended_at": None}
    fields["warning"] = common.warning_for(case, cal, now, status=wf.IN_PROGRESS, due=clock.effective_due)
    before = {"statutory_due": case.statutory_due, "promised_due": case.promised_due}
    return fields, {"paused_working_days": paused, "due_before": before, **clock.as_dict()}, None


def _supplement(case, t, *, materials, now, **ctx):
    if case.supplement_due and common.today_of(now) > case.supplement_due:
        raise DomainError(
            f"容缺补正期限（{case.supplement_due.isoformat()}）已过，不能再补交；办件将由定时任务终止，"
            "请申请人携带齐全材料重新申请。"
        )
    pending = list(case.materials.filter(tolerated=True, supplied_at__isnull=True).order_by("order"))
    # Omitted (None): every pending material arrived. An empty list says nothing arrived: refused,
    # so that a form submitted with no box ticked never marks the whole list as supplied.
    if materials is not None and not [m for m in materials if m and m.strip()]:
        raise DomainError("请勾选（列出）本次补交的容缺材料；待补：" + "、".join(wf.titled(m.name) for m in pending) + "。")
    names = [m.strip() for m in materials if m and m.strip()] if materials is not None else [m.name for m in pending]
    by_name = {m.name: m for m in pending}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise DomainError(
            "以下材料不是本件待补的容缺材料：" + "、".join(wf.titled(n) for n in unknown)
            + "；待补：" + "、".join(wf.titled(m.name) for m in pending) + "。"
        )
    CaseMaterial.objects.filter(pk__in=[by_name[n].pk for n in names]).update(
        status=wf.RECEIVED, supplied_at=now
    )
    remaining = [m.name for m in pending if m.name not in names]
    return {"awaiting_supplement": bool(remaining)}, {"supplied": names, "remaining": remaining}, None


def _extend(case, t, *, days, reason, now, actor, **ctx):
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DomainError(f"延期须填写延长的工作日数（1–{MAX_EXTENSION_DAYS}）。")
    cal = common.get_calendar()
    total = case.extension_days + days
    clock = common.compute_case_clock(case, cal, extension_days=total)
    limit = clock.statutory_due
    if limit is not None and clock.extended_due is not None and clock.extended_due > limit:
        raise DomainError(_past_the_statutory_limit(case, cal, days=days, new_due=clock.extended_due, limit=limit))
    Extension.objects.create(case=case, days=days, reason=reason, due_before=case.effective_due,
                             due_after=clock.extended_due, actor=actor, created_at=now)
    fields = {**common.clock_fields(clock), "extension_days": total}
    fields["warning"] = common.warning_for(case, cal, now, due=clock.effective_due)
    return fields, {"days": days, "due_before": case.effective_due, "due_after": clock.extended_due}, None


def _past_the_statutory_limit(case, cal, *, days: int, new_due: dt.date, limit: dt.date) -> str:
    """Why an extension is refused: 延期 moves the center's promise, never the law's limit
    (法定时限不因延期顺延), so the promise may move up to the statutory date and no further."""
    room = 0
    for n in range(days - 1, 0, -1):
        due = common.compute_case_clock(case, cal, extension_days=case.extension_days + n).extended_due
        if due is not None and due <= limit:
            room = n
            break
    head = (f"延期 {days} 个工作日后的办结日期 {_day(new_due)} 晚于法定办结期限 {_day(limit)}；"
            "延期只能推迟承诺时限，法定时限不因延期顺延。")
    if room:
        return head + f"最多还可延长 {room} 个工作日。"
    return head + "已没有可延长的时间，请在法定期限内办结，或依法中止办理。"


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _finish(case, t, *, result, now, **ctx):
    cal = common.get_calendar()
    return {"result": result, "warning": common.warning_for(case, cal, now, status=wf.FINISHED)}, {}, "result"


_HANDLERS = {
    "advance": _advance,
    "return": _return,
    "refuse": _refuse,
    "suspend": _suspend,
    "resume": _resume,
    "supplement": _supplement,
    "extend": _extend,
    "finish": _finish,
}
