"""Reads of the cases context, always scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case as CaseWhen
from django.db.models import F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from shebao.accounts.models import Role
from shebao.accounts.permissions import (
    DEPARTMENT_ROLES,
    INTAKE_EVERYWHERE_ROLES,
    READ_EVERYWHERE_ROLES,
    act_denial,
    read_denial,
)
from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseAction, CaseMaterial, Notification, Rating
from shebao.cases.services.actions import load_case
from shebao.cases.services.common import require_profile
from shebao.core.errors import DomainError, PermissionDenied

__all__ = [
    "allowed_actions",
    "can_see_personal_data",
    "case_timeline",
    "get_case",
    "intake_checklist",
    "list_bad_ratings",
    "list_cases",
    "case_notifications",
    "queue_for",
]


def _urgency():
    return CaseWhen(
        When(warning=wf.RED, then=Value(0)),
        When(warning=wf.YELLOW, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def list_cases(
    *,
    user,
    status: str | None = None,
    department: str | None = None,
    warning: str | None = None,
    item_no: int | None = None,
    open_only: bool = False,
) -> QuerySet[Case]:
    """Cases the user may see, most urgent first (red, yellow, normal; then by due date).

    Department staff see their own department only (asking for another department is 403); the
    director sees every department of the county; the 综合受理窗口 sees only the cases it took in
    itself and has not yet handed over (``department`` narrows those — never a department's
    queue); the administrator sees none (403).
    """
    profile = require_profile(user)
    if profile.role not in DEPARTMENT_ROLES | READ_EVERYWHERE_ROLES | INTAKE_EVERYWHERE_ROLES:
        raise PermissionDenied("系统管理员负责系统维护，不能查看办件（办件含个人信息）。")
    qs = Case.objects.select_related("department", "item", "item_version").filter(county_id=profile.county_id)
    if profile.role in INTAKE_EVERYWHERE_ROLES:
        qs = qs.filter(created_by_id=profile.user_id, handed_over_at__isnull=True)
        if department:
            qs = qs.filter(department__code=department.upper())
    elif profile.role in DEPARTMENT_ROLES:
        if department and department.upper() != profile.department.code:
            raise PermissionDenied(f"您只能查看本股室（{profile.department.short_name}）的办件。")
        qs = qs.filter(department_id=profile.department_id)
    elif department:
        qs = qs.filter(department__code=department.upper())
    if status:
        allowed = set(wf.STATUS_LABELS) | {"open", "closed"}
        if status not in allowed:
            raise DomainError(f"状态“{status}”无效，可选：{'、'.join(sorted(allowed))}。")
        if status == "open":
            qs = qs.filter(status__in=wf.OPEN_STATUSES)
        elif status == "closed":
            qs = qs.filter(status__in=wf.CLOSED_STATUSES)
        else:
            qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=wf.OPEN_STATUSES)
    if warning:
        if warning not in wf.WARNING_LABELS:
            raise DomainError(f"预警级别“{warning}”无效，可选：normal、yellow、red。")
        qs = qs.filter(warning=warning)
    if item_no:
        qs = qs.filter(item__no=item_no)
    # Judged against the extension, else the promised, else the statutory date; cases with no
    # due date at all go last on every database (SQLite and PostgreSQL disagree by default).
    due = Coalesce("extended_due", "promised_due", "statutory_due")
    return qs.annotate(urgency=_urgency(), due=due).order_by(
        "urgency", F("due").asc(nulls_last=True), "received_at", "id"
    )


def intake_checklist(*, user, item_no: int, scenario: str | None = None) -> dict:
    """What the intake form shows for an item (and 情形): scenarios, steps, materials with flags.

    Raises 403 when the user may not take in this item (another department's item, or a role
    that does no intake; the 综合受理窗口 takes in every department's items), 404 for an unknown
    item.
    """
    from shebao.catalog.selectors import get_item

    profile = require_profile(user)
    item = get_item(county=profile.county, no=item_no)
    why = act_denial(profile, county_id=item.county_id, department_id=item.department_id, action="intake")
    if why:
        raise PermissionDenied(why)
    data = item.current_version.data if item.current_version else item.data
    groups = data.get("material_groups") or []
    check = wf.check_materials(data, scenario=scenario, given=[], tolerance=False, refuse=True)
    return {
        "item_no": item.no,
        "item_name": item.name,
        "department": item.department.code,
        "scenarios": [
            {"code": g.get("scenario_code"), "name": g.get("scenario")} for g in groups if g.get("scenario_code")
        ],
        "scenario": check.scenario_code,
        "scenario_problems": check.problems,
        "steps": [s.as_dict() for s in wf.build_steps(data.get("procedure", {}).get("steps") or [])],
        "statutory_limit": data.get("statutory_limit"),
        "promised_limit": data.get("promised_limit"),
        "materials": [
            {"name": m.name, "text": m.text, "required": m.required, "optional_when": m.optional_when,
             "tolerable": m.tolerable, "tolerance_days": m.tolerance_days}
            for m in check.materials
        ],
        "promise_allowed": any(
            mat.get("promise") for g in groups if g.get("scenario_code") == check.scenario_code
            for mat in g.get("materials") or []
        ),
    }


def queue_for(*, user) -> QuerySet[Case]:
    """The workbench queue: open cases of the user's department by urgency (综合受理窗口: the
    open cases it took in and has not handed over yet)."""
    return list_cases(user=user, open_only=True)


def get_case(*, user, case_no: str) -> Case:
    """One case, 404 if unknown, 403 if the user may not see it."""
    case = load_case(case_no=case_no)
    why = read_denial(require_profile(user), county_id=case.county_id, department_id=case.department_id,
                      holder_id=case.front_desk_holder_id)
    if why:
        raise PermissionDenied(why)
    return case


def can_see_personal_data(*, user, case: Case) -> bool:
    """Full name/ID/phone only for the staff of the case's department, and for the 综合受理窗口
    clerk who took it in until it is handed over (others see them masked)."""
    profile = require_profile(user)
    if profile.county_id != case.county_id:
        return False
    if profile.role in INTAKE_EVERYWHERE_ROLES:
        return case.front_desk_holder_id is not None and case.front_desk_holder_id == profile.user_id
    return profile.role in DEPARTMENT_ROLES and profile.department_id == case.department_id


def allowed_actions(*, user, case: Case) -> list[str]:
    """The actions the user may take on the case now (for the workbench's buttons)."""
    profile = require_profile(user)
    state = case.workflow_state()
    step = state.step
    out = []
    for action in wf.ACTIONS:
        if act_denial(profile, county_id=case.county_id, department_id=case.department_id, action=action,
                      step_kind=step.kind, step_name=step.name):
            continue
        try:
            wf.plan(state, action)
        except wf.WorkflowError:
            continue
        out.append(action)
    return out


def case_materials(*, case: Case) -> Iterable[CaseMaterial]:
    fresh = case.fresh("materials")
    return fresh if fresh is not None else case.materials.all()


def case_timeline(*, case: Case) -> Iterable[CaseAction]:
    fresh = case.fresh("actions")
    return fresh if fresh is not None else case.actions.select_related("actor").order_by("id")


def case_notifications(*, case: Case) -> Iterable[Notification]:
    fresh = case.fresh("notifications")
    return fresh if fresh is not None else case.notifications.order_by("id")


def list_bad_ratings(*, user, pending_only: bool = False) -> QuerySet[Rating]:
    """差评 for follow-up: a section head sees their department's, the director every department's."""
    profile = require_profile(user)
    if profile.role not in (Role.SECTION_HEAD, Role.DIRECTOR):
        raise PermissionDenied("差评列表仅供股长和中心主任查看。")
    qs = Rating.objects.select_related("case", "case__department", "follow_up_by").filter(
        is_bad=True, case__county_id=profile.county_id
    )
    if profile.role == Role.SECTION_HEAD:
        qs = qs.filter(case__department_id=profile.department_id)
    if pending_only:
        qs = qs.filter(follow_up="")
    return qs.order_by("-created_at")
