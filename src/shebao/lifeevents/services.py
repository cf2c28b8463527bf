"""Writers of the lifeevents context: the only code that changes its models.

* :func:`start_bundle` — the first window: records the bundle (number ``YJS-2026-000012``), its
  parts from the answered questions, and accepts the parts this user may take in, all in one
  transaction — at the 综合受理窗口 (one-window intake) that is every part, whatever the
  department, so one application creates every linked case at once; at a department's window,
  that department's parts (the others wait for their own windows);
* :func:`accept_part` — a later window: a department's clerk (or the 综合受理窗口) accepts a part
  still waiting (or again after 不予受理);
* :func:`hand_over_bundle` — the 综合受理窗口 hands the cases it took in over to the departments;
* :func:`track_bundle` — the applicant's progress query with bundle number + last 6 characters
  of the ID number (or credit code), rate-limited per client IP.

Cases are created only through ``shebao.cases.services.intake_case`` (which checks the clerk's
role and department, the materials against the catalog, and sets the clock); a bundle never
writes a case itself.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shebao.accounts.permissions import intake_denial, intakes_everywhere
from shebao.cases import services as case_services
from shebao.cases.services import Applicant, MaterialEntry
from shebao.catalog.models import CatalogVersion
from shebao.catalog.selectors import list_items
from shebao.core.audit import record_event
from shebao.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    join_sentences,
    problems_message,
)
from shebao.domain.identifiers import validate_credit_code, validate_id_number, validate_phone
from shebao.domain.privacy import mask_id_number
from shebao.lifeevents import selectors
from shebao.lifeevents.models import Bundle, BundleCounter, BundlePart

BAD_MATCH = "一件事编号或证件号码后六位不正确，请核对后重试。"


@dataclass(frozen=True)
class PartIntake:
    """What the clerk checked for one part: the materials, whether 容缺 applies, or 不予受理."""

    order: int
    materials: Sequence[MaterialEntry]
    tolerance: bool = False
    refuse: bool = False
    refusal_reasons: Sequence[str] = ()


def _profile(user):
    profile = getattr(user, "staff_profile", None) if user is not None else None
    if profile is None:
        raise PermissionDenied("只有本中心窗口工作人员可以受理一件事。")
    return profile


def _next_number(*, county, year: int) -> str:
    counter, _ = BundleCounter.objects.select_for_update().get_or_create(county=county, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"YJS-{year}-{counter.last:06d}"


def _check_applicant(applicant: Applicant, today: dt.date) -> tuple[str, str]:
    """The normalised ID (or credit code) and phone, or a DomainError naming each problem."""
    problems = []
    if applicant.kind == "person":
        check = validate_id_number(applicant.id_number, today=today)
        ident = (check.details.get("upgraded") or check.normalized) if check.valid else ""
        if not check.valid:
            problems.append("申请人身份证号码无效：" + check.message)
    elif applicant.kind == "unit":
        check = validate_credit_code(applicant.credit_code)
        ident = check.normalized if check.valid else ""
        if not check.valid:
            problems.append("统一社会信用代码无效：" + check.message)
    else:
        problems.append(f"申请人类型“{applicant.kind}”无效，应为 person（个人）或 unit（单位）。")
        ident = ""
    if not (applicant.name or "").strip():
        problems.append("申请人姓名（单位名称）不能为空。")
    phone = validate_phone(applicant.phone)
    if not phone.valid:
        problems.append("联系电话无效：" + phone.message)
    if problems:
        raise DomainError(problems_message("申请人信息有误", problems), problems=problems)
    return ident, phone.normalized


def _part_name(order: int, label: str, item_name: str) -> str:
    return f"第 {order} 项（{label} {item_name}）"


def _intake_denial(profile, *, county_id: int, department, name: str) -> str | None:
    """Why ``profile`` may not take in a part of ``department`` (named ``name``), in Chinese."""
    why = intake_denial(profile, county_id=county_id, department_id=department.pk)
    if why is None:
        return None
    if profile.department_id is not None and profile.department_id != department.pk:
        return f"{name}由{department.short_name}受理，请由该股室窗口或综合受理窗口受理。"
    return f"{name}：{why}"


def _intake(*, user, part: BundlePart, applicant: Applicant, entry: PartIntake, now: dt.datetime):
    case = case_services.intake_case(
        user=user, item_no=part.item_no, scenario=part.scenario_code or None, applicant=applicant,
        materials=list(entry.materials), tolerance=entry.tolerance, refuse=entry.refuse,
        refusal_reasons=list(entry.refusal_reasons), now=now,
    )
    if part.case_id:
        part.earlier_cases = [*part.earlier_cases, part.case.case_no]
    part.case = case
    part.accepted_at = now
    part.save(update_fields=["case", "accepted_at", "earlier_cases"])
    return case


def start_bundle(
    *,
    user,
    code: str,
    answers: Mapping,
    applicant: Applicant,
    parts: Sequence[PartIntake],
    now: dt.datetime | None = None,
) -> Bundle:
    """Start a bundle and accept the parts named in ``parts`` (by ``order``) in one transaction.

    The bundle's parts are the steps that apply to ``answers``. The user must be allowed to take
    in every part named: the 综合受理窗口 any part (so one application accepts the whole bundle,
    creating the linked case in each department with that department's case number); a clerk or
    section head only their own department's parts. At least one part must be given.

    A part that waits for the previous one (``after_previous``: 待遇核定 needs the approved 退休审批表)
    cannot be named here: it is taken in with :func:`accept_part` once that part is finished.

    All or nothing: every named part is checked by the cases intake service; if any fails
    (missing materials, invalid 情形…) nothing at all is recorded — no bundle number, no case
    number — and the ``DomainError`` (422) names each failing part with its problems.
    """
    now = now or timezone.now()
    profile = _profile(user)
    county = profile.county
    plan = selectors.plan_for(code=code, answers=answers, county=county, today=now, strict=True)
    if not plan.steps:
        raise DomainError(f"按所填情况，“{plan.event.name}”没有需要办理的事项，无需申请。")
    ident, phone = _check_applicant(applicant, timezone.localdate(now))
    rows = {i.no: i for i in list_items(county=county).filter(no__in=[s.item_no for s in plan.steps])}
    wanted = {p.order: p for p in parts}
    if not wanted:
        raise DomainError("请至少受理一项事项。" if intakes_everywhere(profile) else "请至少受理一项本股室的事项。")
    unknown = sorted(o for o in wanted if o < 1 or o > len(plan.steps))
    if unknown:
        raise DomainError(f"“{plan.event.name}”没有第 {unknown[0]} 项。")
    for order in sorted(wanted):
        step = plan.steps[order - 1]
        why = _intake_denial(profile, county_id=county.pk, department=rows[step.item_no].department,
                             name=_part_name(order, step.label, step.item_name))
        if why:
            raise PermissionDenied(why)
    waiting = [o for o in sorted(wanted) if plan.steps[o - 1].after_previous]
    if waiting:
        names = "、".join(_part_name(o, plan.steps[o - 1].label, plan.steps[o - 1].item_name) for o in waiting)
        raise DomainError(f"{names}须在前一项办结后受理（前一项的结果是它的申请材料），现在只能受理其余事项。")
    version = CatalogVersion.objects.filter(county=county, is_current=True).first()
    with transaction.atomic():
        # The bundle counter is locked first by every bundle start, so concurrent starts take the
        # case counters of their departments one after another (no lock-order deadlock).
        bundle = Bundle.objects.create(
            county=county, number=_next_number(county=county, year=timezone.localdate(now).year),
            event_code=plan.event.code, event_name=plan.event.name, answers=plan.answers,
            catalog_checksum=version.checksum if version else "",
            applicant_kind=applicant.kind, applicant_name=applicant.name.strip(), applicant_id=ident,
            phone=phone, created_by=user, created_at=now,
        )
        part_rows = []
        for s in plan.steps:
            item = rows[s.item_no]
            part_rows.append(BundlePart.objects.create(
                bundle=bundle, order=s.order, item_no=s.item_no, item_name=s.item_name,
                scenario_code=s.scenario_code or "", scenario_name=s.scenario_label or "", title=s.title[:100],
                department=item.department, location=s.location or "", phone=s.phone or "",
                after_previous=s.after_previous,
            ))
        cases, failures = [], []
        for order, entry in sorted(wanted.items()):
            part = part_rows[order - 1]
            try:
                with transaction.atomic():  # a savepoint: the other parts are still checked
                    cases.append(_intake(user=user, part=part, applicant=applicant, entry=entry, now=now).case_no)
            except DomainError as exc:
                failures.append((_part_name(order, part.label, part.item_name), exc))
        if failures:
            _fail(failures)  # rolls the whole application back
        record_event(
            action="lifeevents.start", object_type="bundle", object_id=bundle.number, actor=user, county=county,
            summary=f"受理一件事 {bundle.number}：{bundle.event_name}，共 {len(part_rows)} 项，本窗口受理 {len(cases)} 项"
                    + ("（综合受理窗口）" if intakes_everywhere(profile) else ""),
            after={"event": bundle.event_code, "answers": bundle.answers, "cases": cases,
                   "parts": [[p.order, p.item_no, p.scenario_code] for p in part_rows],
                   "front_desk": intakes_everywhere(profile), "applicant": mask_id_number(ident)},
        )
    return bundle


def _fail(failures: list[tuple[str, DomainError]]):
    """One 422 naming every part that could not be accepted, with that part's problems."""
    problems, lines = [], []
    for name, exc in failures:
        own = exc.problems or [exc.message]
        problems += [f"{name}：{p}" for p in own]
        lines.append(f"{name}：" + join_sentences(own))
    if all(exc.status == 403 for _, exc in failures):
        raise PermissionDenied(join_sentences(lines))
    raise DomainError(
        f"有 {len(failures)} 项未能受理，整件事未受理（未生成一件事编号和办件编号），请补正后重新提交。"
        + " ".join(lines),
        problems=problems,
    )


def accept_part(*, user, number: str, order: int, intake: PartIntake, now: dt.datetime | None = None) -> Bundle:
    """Accept one more part of a bundle at its department's window or the 综合受理窗口 (or again
    after 不予受理)."""
    from shebao.cases import workflow as wf

    now = now or timezone.now()
    profile = _profile(user)
    with transaction.atomic():
        bundle = Bundle.objects.select_for_update().filter(number=(number or "").strip().upper()).first()
        if bundle is None or bundle.county_id != profile.county_id:
            raise NotFound("未找到该一件事编号。")
        part = bundle.parts.select_related("case", "department").filter(order=order).first()
        if part is None:
            raise NotFound(f"一件事 {bundle.number} 没有第 {order} 项。")
        why = _intake_denial(profile, county_id=bundle.county_id, department=part.department,
                             name=_part_name(order, part.label, part.item_name))
        if why:
            raise PermissionDenied(why)
        if part.case_id and part.case.status != wf.NOT_ACCEPTED:
            raise Conflict(f"第 {order} 项已受理（办件编号 {part.case.case_no}），不能重复受理。")
        if part.after_previous:
            previous = bundle.parts.select_related("case").filter(order=order - 1).first()
            if previous is not None and (previous.case is None or previous.case.status != wf.FINISHED):
                state = "尚未受理" if previous.case is None else f"办件 {previous.case.case_no} {previous.case.status_label}"
                raise DomainError(f"第 {order} 项“{part.title}”须在第 {previous.order} 项“{previous.title}”办结后受理"
                                  f"（第 {previous.order} 项{state}）。")
        applicant = Applicant(
            kind=bundle.applicant_kind, name=bundle.applicant_name,
            id_number=bundle.applicant_id if bundle.applicant_kind == "person" else "",
            credit_code=bundle.applicant_id if bundle.applicant_kind == "unit" else "",
            phone=bundle.phone,
        )
        case = _intake(user=user, part=part, applicant=applicant, entry=intake, now=now)
        record_event(
            action="lifeevents.accept_part", object_type="bundle", object_id=bundle.number, actor=user,
            county=bundle.county, summary=f"一件事 {bundle.number} 第 {order} 项受理：{case.case_no}",
            after={"order": order, "item_no": part.item_no, "case": case.case_no},
        )
    return bundle


def hand_over_bundle(*, user, number: str, now: dt.datetime | None = None) -> list[str]:
    """The 综合受理窗口 hands every case of the bundle it took in (and still holds) over to the
    departments; returns their case numbers. After that only the departments see those cases."""
    now = now or timezone.now()
    profile = _profile(user)
    if not intakes_everywhere(profile):
        raise PermissionDenied("只有综合受理窗口需要把受理的办件移交股室。")
    bundle = Bundle.objects.filter(number=(number or "").strip().upper(), county_id=profile.county_id).first()
    if bundle is None:
        raise NotFound("未找到该一件事编号。")
    held = selectors.held_case_numbers(bundle=bundle, user=user)
    if not held:
        raise DomainError(f"一件事 {bundle.number} 没有待您移交的办件。")
    with transaction.atomic():
        case_services.hand_over_cases(user=user, case_nos=held, now=now)
        record_event(
            action="lifeevents.handover", object_type="bundle", object_id=bundle.number, actor=user,
            county=bundle.county, summary=f"一件事 {bundle.number}：综合受理窗口移交 {len(held)} 件办件至各股室",
            after={"cases": held},
        )
    return held


# --------------------------------------------------------------------------------------------
# Public progress query
# --------------------------------------------------------------------------------------------


#: Failed bundle look-ups have a budget of their own, apart from the single-case look-ups'.
TRACK_SCOPE = "bundle"


def track_bundle(*, number: str, id_suffix: str, ip: str = "", now: dt.datetime | None = None):
    """The bundle's overview when ``id_suffix`` is the last 6 characters of the applicant's ID.

    404 for a wrong pair (counted per IP), 429 after too many failures (same limits as the
    single-case query, settings ``SHEBAO_TRACK_MAX_FAILURES`` / ``SHEBAO_TRACK_WINDOW_SECONDS``).
    """
    now = now or timezone.now()
    ip = (ip or "unknown")[:64]
    case_services.check_public_rate(ip, now, scopes=(TRACK_SCOPE,), forgotten="一件事编号")
    # NFKC: full-width letters, digits and dashes from a Chinese input method read as typed.
    no = case_services.read_number(number)
    secret = unicodedata.normalize("NFKC", id_suffix or "").strip().upper()
    bundle = Bundle.objects.filter(number=no).first() if no and len(secret) == 6 else None
    if bundle is None or not bundle.applicant_id.upper().endswith(secret):
        case_services.record_public_failure(ip, TRACK_SCOPE, now, target=no, target_exists=bundle is not None)
        raise NotFound(BAD_MATCH)
    case_services.forgive_failures(ip, no, now, scopes=(TRACK_SCOPE,))
    return selectors.bundle_overview(bundle=bundle, now=now)
