"""Who may do what with a case: the role × step/action matrix and department scoping.

Plain rules, no queries: callers pass the staff profile (``StaffProfile`` or anything with
``role``, ``county_id`` and ``department_id``) and the case's county/department.

Matrix (step kinds come from ``shebao.cases.workflow.classify_step``):

============== ======== ======== ======== ======== ======== =========== =========
role           intake   review   decision external handle   supplement  extend
============== ======== ======== ======== ======== ======== =========== =========
clerk          yes      –        –        –        yes      yes         –
front_desk     yes, every department of the county; nothing else
reviewer       –        yes      –        yes      yes      –           –
approver       –        –        yes      yes      –        –           yes
section_head   yes      yes      yes      yes      yes      yes         yes
director       read-only, every department of the county
admin          none: system administration only, no access to case data (personal data)
============== ======== ======== ======== ======== ======== =========== =========

The step actions (advance, return, refuse, suspend, resume, finish) follow the kind of the case's
current step. Clerk, reviewer, approver and section head act only on their own department's
cases; nobody acts across counties.

综合受理窗口 (``front_desk``, 一窗受理 for 一件事一次办) belongs to no department: it takes in
(受理) applications for the items of every department of its county and does nothing else. It
reads only the cases it took in itself, until it hands them over (移交) to the department —
callers pass that case's ``holder_id`` (``Case.front_desk_holder_id``: the user who took it in
and still holds it, ``None`` once handed over). It never lists a department's queue.
"""

from __future__ import annotations

from shebao.accounts.models import Role

DEPARTMENT_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SECTION_HEAD})
READ_EVERYWHERE_ROLES = frozenset({Role.DIRECTOR})
#: Take in (受理) for every department of the county, and nothing else.
INTAKE_EVERYWHERE_ROLES = frozenset({Role.FRONT_DESK})

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
    "intake": frozenset({Role.CLERK, Role.SECTION_HEAD, Role.FRONT_DESK}),
    "supplement": frozenset({Role.CLERK, Role.SECTION_HEAD}),
    "extend": frozenset({Role.APPROVER, Role.SECTION_HEAD}),
    "rating_follow_up": frozenset({Role.SECTION_HEAD}),
}

STEP_ACTIONS = frozenset({"advance", "return", "refuse", "suspend", "resume", "finish"})

#: Roles that may take in (受理) applications at all (of their department, or of every one).
INTAKE_ROLES = ACTION_ROLES["intake"]

FRONT_DESK_READ = "综合受理窗口只能查看本人受理、尚未移交股室的办件；该办件请由所属股室查看和办理。"
FRONT_DESK_ACT = "综合受理窗口只负责受理，审核、审批、办结等由所属股室办理；您的角色（综合受理窗口）无权执行该操作。"


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def _holds(profile, holder_id: int | None) -> bool:
    """Is ``profile`` the front-desk clerk who took the case in and has not handed it over yet?"""
    user_id = getattr(profile, "user_id", None)
    return holder_id is not None and user_id is not None and user_id == holder_id


def can_read(profile, *, county_id: int, department_id: int, holder_id: int | None = None) -> bool:
    """May ``profile`` see cases of this county and department (``holder_id``: see the module doc)?"""
    return read_denial(profile, county_id=county_id, department_id=department_id, holder_id=holder_id) is None


def assignment_problem(*, role: str, county_id: int | None, department_id: int | None,
                       department_county_id: int | None = None) -> str | None:
    """What is wrong with giving a staff member ``role`` at ``department``, in Chinese; ``None``
    when nothing is. The window, review and approval staff and the section head act on their
    department's cases, so they need one (of their own county); the 综合受理窗口 takes in for
    every department and belongs to none."""
    if role not in Role.values:
        return f"未知角色：{role}"
    if role in DEPARTMENT_ROLES and department_id is None:
        return "窗口受理员、审核员、审批员和股长必须属于一个股室。"
    if role in INTAKE_EVERYWHERE_ROLES and department_id is not None:
        return "综合受理窗口为各股室受理，不属于任何股室。"
    if department_id is not None and department_county_id is not None and department_county_id != county_id:
        return "所选股室不属于该工作人员所在的县（区）社保中心。"
    return None


def read_denial(profile, *, county_id: int, department_id: int, holder_id: int | None = None) -> str | None:
    """Why ``profile`` may not see the case, in Chinese; ``None`` when it may.

    ``holder_id`` is the front-desk clerk still holding the case (``Case.front_desk_holder_id``).
    """
    if profile is None:
        return "您不是本中心的工作人员，不能查看办件。"
    if profile.county_id != county_id:
        return "该办件不属于您所在的县（区）社保中心。"
    if profile.role == Role.ADMIN:
        return "系统管理员负责系统维护，不能查看或办理办件（办件含个人信息）。"
    if profile.role in READ_EVERYWHERE_ROLES:
        return None
    if profile.role in INTAKE_EVERYWHERE_ROLES:
        return None if _holds(profile, holder_id) else FRONT_DESK_READ
    if profile.role not in DEPARTMENT_ROLES:
        return "您的角色不能查看办件。"
    if profile.department_id != department_id:
        return "该办件不属于您所在的股室，您不能查看或办理。"
    return None


def roles_for(action: str, step_kind: str | None = None) -> frozenset[str]:
    if action in STEP_ACTIONS:
        return STEP_ROLES.get(step_kind or "", frozenset())
    return ACTION_ROLES.get(action, frozenset())


def act_denial(profile, *, county_id: int, department_id: int, action: str, step_kind: str | None = None,
               step_name: str = "", holder_id: int | None = None) -> str | None:
    """Why ``profile`` may not take ``action`` on the case, in Chinese; ``None`` when it may.

    For ``action="intake"`` the department is the item's: the application being taken in.
    """
    if (action == "intake" and profile is not None and profile.role in INTAKE_EVERYWHERE_ROLES
            and profile.county_id == county_id):
        return None
    why = read_denial(profile, county_id=county_id, department_id=department_id, holder_id=holder_id)
    if why:
        return why
    if profile.role in READ_EVERYWHERE_ROLES:
        return "中心主任为只读权限，不能办理办件。"
    if profile.role in INTAKE_EVERYWHERE_ROLES:
        return FRONT_DESK_ACT
    allowed = roles_for(action, step_kind)
    if profile.role in allowed:
        return None
    who = "、".join(role_label(r) for r in sorted(allowed)) or "任何人"
    if action in STEP_ACTIONS:
        return f"当前环节“{step_name}”只能由{who}办理，您的角色（{role_label(profile.role)}）无权操作。"
    return f"该操作只能由{who}执行，您的角色（{role_label(profile.role)}）无权操作。"


def may_act(profile, **kwargs) -> bool:
    return act_denial(profile, **kwargs) is None


def intake_denial(profile, *, county_id: int, department_id: int) -> str | None:
    """Why ``profile`` may not take in applications for an item of this county and department."""
    return act_denial(profile, county_id=county_id, department_id=department_id, action="intake")


def may_intake(profile, *, county_id: int, department_id: int) -> bool:
    """May ``profile`` take in (受理) an item of this county and department? (clerk and section head:
    their own department's; 综合受理窗口: every department of its county)."""
    return intake_denial(profile, county_id=county_id, department_id=department_id) is None


def intakes_everywhere(profile) -> bool:
    """Does ``profile`` take in for every department of its county (综合受理窗口)?"""
    return profile is not None and profile.role in INTAKE_EVERYWHERE_ROLES
