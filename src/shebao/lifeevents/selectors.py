"""Reads of the lifeevents context.

The bundles themselves are catalog data: they live in the current ``CatalogVersion.data``
(``life_events``), validated by the catalog schema when the county's YAML is loaded, so a county
changes its bundles by editing ``data/catalog/life_events.yaml`` — never code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from shebao.accounts.models import Role
from shebao.accounts.permissions import DEPARTMENT_ROLES, READ_EVERYWHERE_ROLES, intakes_everywhere
from shebao.cases.workflow import NOT_ACCEPTED
from shebao.catalog.models import CatalogVersion
from shebao.catalog.schema import LifeEvent
from shebao.catalog.selectors import list_channels, list_items, resolve_county
from shebao.core.errors import NotFound, PermissionDenied
from shebao.core.models import County
from shebao.lifeevents.models import Bundle, BundlePart
from shebao.lifeevents.plan import Plan, build_plan

_parsed: dict[tuple[int, str], list[LifeEvent]] = {}


def _current_version(county: County) -> CatalogVersion | None:
    return CatalogVersion.objects.filter(county=county, is_current=True).order_by("-loaded_at").first()


def list_life_events(*, county: County | str | None = None) -> list[LifeEvent]:
    """The county's bundles, in catalog order (parsed once per catalog version and process)."""
    c = resolve_county(county)
    version = _current_version(c)
    if version is None:
        return []
    key = (c.pk, version.checksum)
    if key not in _parsed:
        _parsed[key] = [LifeEvent.model_validate(d) for d in version.data.get("life_events") or []]
    return _parsed[key]


def get_life_event(*, code: str, county: County | str | None = None) -> LifeEvent:
    for event in list_life_events(county=county):
        if event.code == code:
            return event
    raise NotFound(f"没有“{str(code)[:40]}”这件事。可在“一件事”页面查看全部。")


def item_numbers(event: LifeEvent) -> list[int]:
    out: list[int] = []
    for s in event.steps:
        if s.item_no not in out:
            out.append(s.item_no)
    return out


def plan_for(
    *,
    code: str,
    answers: Mapping | None,
    county: County | str | None = None,
    today: dt.date | dt.datetime | None = None,
    strict: bool = False,
) -> Plan:
    """The merged 一次性告知单 of bundle ``code`` for ``answers`` (raises AnswerError/NotFound)."""
    from shebao.rules.selectors import get_calendar

    c = resolve_county(county)
    event = get_life_event(code=code, county=c)
    rows = list_items(county=c).filter(no__in=item_numbers(event))
    items = {i.no: i.data for i in rows}
    departments = {i.no: i.department.name for i in rows}
    channels = {
        ch.code: {"code": ch.code, "name": ch.name, "kind": ch.kind, "url": ch.url, "description": ch.description}
        for ch in list_channels(county=c)
    }
    return build_plan(
        event, answers, items=items, departments=departments, cal=get_calendar(),
        today=today or timezone.now(), channels=channels, strict=strict,
    )


# --------------------------------------------------------------------------------------------
# Applications (bundles of cases)
# --------------------------------------------------------------------------------------------


def list_bundles(*, county: County | str | None = None) -> QuerySet[Bundle]:
    return Bundle.objects.filter(county=resolve_county(county)).prefetch_related("parts").order_by("-created_at")


def get_bundle(*, number: str) -> Bundle:
    bundle = Bundle.objects.filter(number=(number or "").strip().upper()).prefetch_related("parts").first()
    if bundle is None:
        raise NotFound("未找到该一件事编号。")
    return bundle


def bundle_read_denial(profile, bundle: Bundle) -> str | None:
    """Why ``profile`` may not see the bundle, in Chinese; ``None`` when it may. As for cases: the
    director and the 综合受理窗口 see every bundle of their county, a department's staff only those
    with a part at their department, the system administrator none (a bundle names its applicant)."""
    if profile is None:
        return "只有本中心工作人员可以查看一件事。"
    if profile.role == Role.ADMIN:
        return "系统管理员负责系统维护，不能查看或办理一件事（含个人信息）。"
    if profile.role in READ_EVERYWHERE_ROLES or intakes_everywhere(profile):
        return None
    if profile.role in DEPARTMENT_ROLES and profile.department_id is not None and any(
        part.department_id == profile.department_id for part in bundle.parts.all()
    ):
        return None
    return "这件事没有您所在股室的事项，您不能查看。"


def get_bundle_for(*, user, number: str) -> Bundle:
    """A bundle for a staff member: 404 outside their county, 403 where :func:`bundle_read_denial` says."""
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    if profile is None:
        raise PermissionDenied("只有本中心工作人员可以查看一件事。")
    bundle = get_bundle(number=number)
    if bundle.county_id != profile.county_id:
        raise NotFound("未找到该一件事编号。")
    why = bundle_read_denial(profile, bundle)
    if why:
        raise PermissionDenied(why)
    return bundle


# --------------------------------------------------------------------------------------------
# A bundle's overall status and due date, derived from its cases
# --------------------------------------------------------------------------------------------

#: Overall statuses of a bundle, in words.
BUNDLE_STATUS_LABELS = {
    "pending": "待受理",
    "partly_accepted": "部分受理",
    "in_progress": "办理中",
    "finished": "已办结",
    "closed": "已结束（部分事项未办成）",
}

#: A part's state: not yet accepted, 不予受理 (may be accepted again), open, finished, failed.
PART_STATE_LABELS = {
    "pending": "待受理",
    "not_accepted": "不予受理（补齐材料后可重新受理）",
    "open": "办理中",
    "finished": "已办结",
    "failed": "未办成",
}


@dataclass(frozen=True)
class PartView:
    order: int
    item_no: int
    item_name: str
    label: str
    title: str
    department: str
    department_id: int
    location: str
    phone: str
    state: str
    case_no: str
    status_label: str
    current_step: str
    due: dt.date | None
    provisional: bool
    missing: list[str]
    supplement_due: dt.date | None
    accepted_at: dt.datetime | None
    closed_at: dt.datetime | None
    result: str
    #: The order of the part this one waits for (still waiting to be accepted, the previous part not
    #: finished yet), or ``None``.
    blocked_by: int | None = None

    @property
    def state_label(self) -> str:
        return PART_STATE_LABELS[self.state]

    @property
    def phone_display(self) -> str:
        from shebao.portal.notice import phone_display

        return phone_display(self.phone)


@dataclass(frozen=True)
class BundleOverview:
    bundle: Bundle
    number: str
    event_code: str
    event_name: str
    status: str
    parts: list[PartView]
    due: dt.date | None
    due_complete: bool  # every part accepted, so ``due`` is the bundle's real latest date
    provisional: bool
    created_at: dt.datetime

    @property
    def status_label(self) -> str:
        return BUNDLE_STATUS_LABELS[self.status]

    @property
    def waiting(self) -> list[PartView]:
        """Parts still to be accepted, in visiting order."""
        return [p for p in self.parts if p.state in ("pending", "not_accepted")]

    @property
    def ready(self) -> list[PartView]:
        """Waiting parts that may be accepted now (not waiting for the previous one to finish)."""
        return [p for p in self.waiting if p.blocked_by is None]

    @property
    def next_part(self) -> PartView | None:
        return self.ready[0] if self.ready else None

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(PART_STATE_LABELS, 0)
        for p in self.parts:
            out[p.state] += 1
        return out

    @property
    def suspended(self) -> list[PartView]:
        return [p for p in self.parts if p.status_label == "已挂起"]


def _part_view(part: BundlePart, previous: PartView | None = None) -> PartView:
    from shebao.cases import workflow as wf

    case = part.case
    if case is None:
        state = "pending"
    elif case.status == wf.NOT_ACCEPTED:
        state = "not_accepted"
    elif case.status in wf.OPEN_STATUSES:
        state = "open"
    elif case.status == wf.FINISHED:
        state = "finished"
    else:
        state = "failed"
    missing: list[str] = []
    if case is not None:
        materials = list(case.materials.all())
        if case.status == wf.NOT_ACCEPTED:
            missing = [m.name for m in materials if m.status == wf.MISSING and m.required]
        else:
            missing = [m.name for m in materials if m.tolerated and m.supplied_at is None and m.status == wf.MISSING]
    done = case is not None and case.status in wf.CLOSED_STATUSES
    status_label = case.status_label if case else "待受理"
    if part.after_previous and previous is not None and previous.state == "failed" and state in ("pending", "not_accepted"):
        # The step it rests on was not done (退休审批 refused): nothing left to take in here.
        state, status_label = "failed", f"第 {previous.order} 项未办成，无需办理"
    return PartView(
        order=part.order, item_no=part.item_no, item_name=part.item_name, label=part.label, title=part.title,
        department=part.department.short_name, department_id=part.department_id, location=part.location,
        phone=part.phone, state=state, case_no=case.case_no if case else "",
        status_label=status_label,
        current_step=case.current_step if case and not done else "",
        due=case.effective_due if case and state in ("open", "finished") else None,
        provisional=bool(case and case.due_provisional), missing=missing,
        supplement_due=case.supplement_due if case and case.awaiting_supplement else None,
        accepted_at=part.accepted_at, closed_at=case.closed_at if case else None,
        result=case.result if done and case else "",
        blocked_by=previous.order if (part.after_previous and previous is not None
                                      and state in ("pending", "not_accepted") and previous.state != "finished") else None,
    )


def overall_status(states: list[str]) -> str:
    """The bundle's status from its parts' states (see :data:`PART_STATE_LABELS`)."""
    waiting = sum(s in ("pending", "not_accepted") for s in states)
    if states and all(s == "finished" for s in states):
        return "finished"
    if not waiting and not any(s == "open" for s in states):
        return "closed"
    if waiting == len(states):
        return "pending"
    if waiting:
        return "partly_accepted"
    return "in_progress"


def bundle_overview(*, bundle: Bundle, now: dt.datetime | None = None) -> BundleOverview:
    """Status (see :func:`overall_status`) and due date (the latest of the accepted parts)."""
    parts: list[PartView] = []
    for p in bundle.parts.select_related("department", "case", "case__department").prefetch_related(
            "case__materials").order_by("order"):
        parts.append(_part_view(p, parts[-1] if parts else None))
    dues = [p.due for p in parts if p.due]
    return BundleOverview(
        bundle=bundle, number=bundle.number, event_code=bundle.event_code, event_name=bundle.event_name,
        status=overall_status([p.state for p in parts]), parts=parts, due=max(dues) if dues else None,
        due_complete=all(p.state not in ("pending", "not_accepted") for p in parts),
        provisional=any(p.provisional for p in parts if p.due), created_at=bundle.created_at,
    )


def now_applicable_after(case) -> str:
    """For a finished case that is a part of a 一件事: the sentence telling the applicant that the
    part which waited for it (待遇核定 after 退休审批) may now be applied for, and where; "" when
    no part waited for this one."""
    part = BundlePart.objects.select_related("bundle").filter(case=case).first()
    if part is None or not part.bundle.parts.filter(order=part.order + 1, after_previous=True).exists():
        return ""
    overview = bundle_overview(bundle=part.bundle)
    freed = next((p for p in overview.ready if p.order == part.order + 1), None)
    if freed is None:
        return ""
    return (f"此件是您一件事（{overview.number}）的第 {part.order} 项。第 {freed.order} 项“{freed.item_name}”"
            f"现在可以申请，请带上一件事编号和告知单所列材料到{freed.location or freed.department}办理。")


def bundles_waiting_for(*, user) -> list[BundleOverview]:
    """Bundles of the staff member's county with a part this user may take in still waiting:
    at their department (clerk, section head), at any department (综合受理窗口)."""
    from shebao.accounts.permissions import may_intake

    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return []
    everywhere = intakes_everywhere(profile)
    if not everywhere and profile.department_id is None:
        return []
    qs = Bundle.objects.filter(county_id=profile.county_id)
    if everywhere:
        qs = qs.filter(Q(parts__case__isnull=True) | Q(parts__case__status=NOT_ACCEPTED))
    else:
        qs = qs.filter(parts__department_id=profile.department_id)
    out = []
    for b in qs.distinct().order_by("-created_at")[:200]:
        ov = bundle_overview(bundle=b)
        if any(may_intake(profile, county_id=b.county_id, department_id=p.department_id) for p in ov.ready):
            out.append(ov)
    return out


def bundles_held_by(*, user) -> list[BundleOverview]:
    """Bundles with cases the 综合受理窗口 user took in and has not handed over to the departments."""
    profile = getattr(user, "staff_profile", None)
    if not intakes_everywhere(profile):
        return []
    qs = (Bundle.objects.filter(county_id=profile.county_id, parts__case__created_by=user,
                                parts__case__handed_over_at__isnull=True)
          .distinct().order_by("-created_at")[:200])
    return [bundle_overview(bundle=b) for b in qs]


def held_case_numbers(*, bundle: Bundle, user) -> list[str]:
    """The bundle's cases this 综合受理窗口 user took in and still holds (not handed over)."""
    return [p.case.case_no for p in bundle.parts.select_related("case").order_by("order")
            if p.case is not None and user is not None and p.case.front_desk_holder_id == user.pk]
