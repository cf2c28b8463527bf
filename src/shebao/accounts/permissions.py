"""Who may do what with a case: the role × step/action matrix and department scoping.

Plain rules, no queries: callers pass the staff profile (``StaffProfile`` or anything with
``role``, ``county_id`` and ``department_id``) and the case's county/department.

Matrix (step kinds come from ``shebao.cases.workflow.classify_step``):

============== ======== ======== ======== ======== ======== =========== =========
role           intake   review   decision external handle   supplement  extend
============== ======== ======== ======== ======== ======== =========== =========
clerk          yes      –        –        –        yes      yes         –
reviewer       –        yes      –        yes      yes      –           –
approver       –        –        yes      yes      –        –           yes
section_head   yes      yes      yes      yes      yes      yes         yes
director       read-only, every department of the county
admin          none: system administration only, no access to case data (personal data)
============== ======== ======== ======== ======== ======== =========== =========

The step actions (advance, return, refuse, suspend, resume, finish) follow the kind of the case's
current step. Clerk, reviewer, approver and section head act only on their own department's
cases; nobody acts across counties.
"""

from __future__ import annotations

from shebao.accounts.models import Role

DEPARTMENT_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SECTION_HEAD})
READ_EVERYWHERE_ROLES = frozenset({Role.DIRECTOR})

#: step kind → roles that may act on a step of that kind (section head: every kind).
STEP_ROLES: dict[str, frozenset[str]] = {
    "intake": frozenset({Role.CLERK, Role.SECTION_HEAD}),
    "review": frozenset({Role.REVIEWER, Role.SECTION_HEAD}),
    "decision": frozenset({Role.APPROVER, Role.SECTION_HEAD}),
    "external": frozenset({Role.REVIEWER, Role.APPROVER, Role.SECTION_HEAD}),
    "handle": frozenset({Role.CLERK, Role.REVIEWER, Role.SECTION_HEAD}),
    "end": frozenset(),
}

#: Actions not tied to the current step.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "intake": frozenset({Role.CLERK, Role.SECTION_HEAD}),
    "supplement": frozenset({Role.CLERK, Role.SECTION_HEAD}),
    "extend": frozenset({Role.APPROVER, Role.SECTION_HEAD}),
    "rating_follow_up": frozenset({Role.SECTION_HEAD}),
}

STEP_ACTIONS = frozenset({"advance", "return", "refuse", "suspend", "resume", "finish"})


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def can_read(profile, *, county_id: int, department_id: int) -> bool:
    """May ``profile`` see cases of this county and department?"""
    if profile is None or profile.county_id != county_id:
        return False
    if profile.role in READ_EVERYWHERE_ROLES:
        return True
    return profile.role in DEPARTMENT_ROLES and profile.department_id == department_id


def read_denial(profile, *, county_id: int, department_id: int) -> str | None:
    """Why ``profile`` may not see the case, in Chinese; ``None`` when it may."""
    if profile is None:
        return "您不是本中心的工作人员，不能查看办件。"
    if profile.county_id != county_id:
        return "该办件不属于您所在的县（区）社保中心。"
    if profile.role == Role.ADMIN:
        return "系统管理员负责系统维护，不能查看或办理办件（办件含个人信息）。"
    if profile.role in READ_EVERYWHERE_ROLES:
        return None
    if profile.department_id != department_id:
        return "该办件不属于您所在的股室，您不能查看或办理。"
    return None


def roles_for(action: str, step_kind: str | None = None) -> frozenset[str]:
    if action in STEP_ACTIONS:
        return STEP_ROLES.get(step_kind or "", frozenset())
    return ACTION_ROLES.get(action, frozenset())


def act_denial(profile, *, county_id: int, department_id: int, action: str, step_kind: str | None = None,
               step_name: str = "") -> str | None:
    """Why ``profile`` may not take ``action`` on the case, in Chinese; ``None`` when it may."""
    why = read_denial(profile, county_id=county_id, department_id=department_id)
    if why:
        return why
    if profile.role in READ_EVERYWHERE_ROLES:
        return "中心主任为只读权限，不能办理办件。"
    allowed = roles_for(action, step_kind)
    if profile.role in allowed:
        return None
    who = "、".join(role_label(r) for r in sorted(allowed)) or "任何人"
    if action in STEP_ACTIONS:
        return f"当前环节“{step_name}”只能由{who}办理，您的角色（{role_label(profile.role)}）无权操作。"
    return f"该操作只能由{who}执行，您的角色（{role_label(profile.role)}）无权操作。"


def may_act(profile, **kwargs) -> bool:
    return act_denial(profile, **kwargs) is None
