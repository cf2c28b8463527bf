"""Reads of the workbench: the queue on top of ``shebao.cases.selectors`` and what a page shows.

Scoping (department, role) is always the cases selectors' job; this module only narrows and orders
what they return and shapes it for the templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from shebao.accounts.permissions import DEPARTMENT_ROLES, may_intake
from shebao.cases import selectors as case_selectors
from shebao.cases import workflow as wf
from shebao.cases.models import Case
from shebao.catalog.models import Department, Item

#: Status filter of the queue: value → label ("" = every status).
STATUS_FILTERS = (
    ("open", "未办结（办理中、已挂起）"),
    (wf.IN_PROGRESS, wf.STATUS_LABELS[wf.IN_PROGRESS]),
    (wf.SUSPENDED, wf.STATUS_LABELS[wf.SUSPENDED]),
    ("closed", "已结束（全部）"),
    (wf.FINISHED, wf.STATUS_LABELS[wf.FINISHED]),
    (wf.REFUSED, wf.STATUS_LABELS[wf.REFUSED]),
    (wf.NOT_ACCEPTED, wf.STATUS_LABELS[wf.NOT_ACCEPTED]),
    (wf.TERMINATED, wf.STATUS_LABELS[wf.TERMINATED]),
    ("all", "全部"),
)

#: Timeline action codes written by the cases services → what the page calls them.
TIMELINE_LABELS = wf.TIMELINE_LABELS


def queue(
    *,
    user,
    status: str = "open",
    warning: str = "",
    item_no: int | None = None,
    department: str = "",
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[Case]:
    """The cases the user may see, narrowed by the queue's filters, most urgent first.

    Urgency: red, yellow, normal; then the date the case is judged against (extension, else
    promised, else statutory; cases without any due date last on every database), then receipt.
    """
    qs = case_selectors.list_cases(
        user=user,
        status=None if status in ("", "all") else status,
        warning=warning or None,
        item_no=item_no,
        department=department or None,
    )
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    q = (q or "").strip()
    if q:
        qs = qs.filter(case_no__icontains=q)
    return qs


def warning_counts(*, user) -> dict[str, int]:
    """Open cases of the user's queue per warning level (the header of the queue)."""
    qs = case_selectors.list_cases(user=user, open_only=True)
    row = qs.aggregate(
        red=Count("id", filter=Q(warning=wf.RED)),
        yellow=Count("id", filter=Q(warning=wf.YELLOW)),
        total=Count("id"),
    )
    return {k: row[k] or 0 for k in ("red", "yellow", "total")}


def items_for(profile) -> QuerySet[Item]:
    """The items a queue can be filtered by: the department's, or every item for the director."""
    qs = Item.objects.filter(county_id=profile.county_id, is_active=True).order_by("no")
    if profile.role in DEPARTMENT_ROLES:
        qs = qs.filter(department_id=profile.department_id)
    return qs


def departments_for(profile) -> QuerySet[Department]:
    """Departments the queue can be filtered by (only the director sees more than one)."""
    if profile.role in DEPARTMENT_ROLES:
        return Department.objects.none()
    return Department.objects.filter(county_id=profile.county_id).order_by("id")


def intake_items(profile) -> list[Item]:
    """Items whose applications this user may take in (``accounts.permissions.may_intake``): the
    department's for clerk and section head, every department's for the 综合受理窗口."""
    qs = (Item.objects.filter(county_id=profile.county_id, is_active=True, current_version__isnull=False)
          .select_related("department").order_by("department_id", "no"))
    return [i for i in qs if may_intake(profile, county_id=i.county_id, department_id=i.department_id)]


@dataclass(frozen=True)
class StepView:
    index: int
    name: str
    kind_label: str
    state: str  # done | current | pending


def step_views(case: Case) -> list[StepView]:
    return [StepView(s.index, s.name, s.kind_label, case.step_state(s.index)) for s in case.workflow_steps()]


def return_targets(case: Case) -> list[StepView]:
    """Steps a ``return`` may go back to (the workflow's lower bound up to the step before)."""
    state = case.workflow_state()
    return [v for v in step_views(case) if state.min_return_index <= v.index < case.step_index]


def pending_supplements(case: Case) -> list:
    return [m for m in case.materials.all() if m.tolerated and m.supplied_at is None]
