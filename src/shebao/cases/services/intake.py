"""Intake (受理): accept, accept under 容缺, or refuse (不予受理) with the 一次性告知."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction

from shebao.accounts.permissions import act_denial, intakes_everywhere
from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseCounter, CaseMaterial, IntakeSubmission
from shebao.cases.services import common
from shebao.cases.services.notify import queue_notification
from shebao.catalog.models import Item
from shebao.catalog.selectors import current_item
from shebao.core.errors import DomainError, PermissionDenied, problems_message
from shebao.core.inserts import insert_prepared, prepare_rows
from shebao.domain.identifiers import validate_credit_code, validate_id_number, validate_phone
from shebao.domain.privacy import mask_id_number, mask_name

QUERY_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Applicant:
    """Who applies: a person (name + resident ID) or a unit (name + credit code), with contacts."""

    kind: str
    name: str
    id_number: str = ""
    credit_code: str = ""
    phone: str = ""
    email: str = ""
    agent_name: str = ""
    agent_id_number: str = ""


@dataclass(frozen=True)
class MaterialEntry:
    name: str
    status: str = wf.RECEIVED


@dataclass
class _Valid:
    problems: list[str] = field(default_factory=list)
    applicant_id: str = ""
    agent_id: str = ""
    phone: str = ""


def _check_applicant(a: Applicant, today: dt.date) -> _Valid:
    out = _Valid()
    name = (a.name or "").strip()
    if a.kind not in ("person", "unit"):
        out.problems.append(f"申请人类型“{a.kind}”无效，应为 person（个人）或 unit（单位）。")
        return out
    who = "申请人姓名" if a.kind == "person" else "单位名称"
    if not name:
        out.problems.append(f"{who}不能为空。")
    elif len(name) > 100:
        out.problems.append(f"{who}过长（最多 100 个字）。")
    if a.kind == "person":
        check = validate_id_number(a.id_number, today=today)
        if not check.valid:
            out.problems.append("申请人身份证号码无效：" + check.message)
        else:
            out.applicant_id = check.details.get("upgraded") or check.normalized
    else:
        check = validate_credit_code(a.credit_code)
        if not check.valid:
            out.problems.append("统一社会信用代码无效：" + check.message)
        else:
            out.applicant_id = check.normalized
    if a.agent_id_number:
        check = validate_id_number(a.agent_id_number, today=today)
        if not check.valid:
            out.problems.append("经办人（代理人）身份证号码无效：" + check.message)
        else:
            out.agent_id = check.details.get("upgraded") or check.normalized
        if not (a.agent_name or "").strip():
            out.problems.append("填写了经办人身份证号码，请同时填写经办人姓名。")
    phone = validate_phone(a.phone)
    if not phone.valid:
        out.problems.append("联系电话无效：" + phone.message)
    else:
        out.phone = phone.normalized
    if a.email and not _valid_email(a.email.strip()):
        out.problems.append(f"电子邮箱“{a.email}”格式不正确，应形如 name@example.com。")
    return out


def _valid_email(address: str) -> bool:
    # Messages go to this address instead of the phone: "bad@" must not silently swallow them.
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _next_case_no(*, item: Item, year: int) -> str:
    """Sequential per county, department and year, without gaps: the counter row stays locked
    until the intake commits, so a rolled-back intake gives its number back.

    One ``UPDATE … RETURNING`` both locks and increments the row (the ORM would need a locking
    read and a write, and every intake of a department waits on this row).
    """
    key = [item.county_id, item.department_id, year]
    sql = (f"UPDATE {CaseCounter._meta.db_table} SET last = last + 1"
           " WHERE county_id = %s AND department_id = %s AND year = %s RETURNING last")
    with connection.cursor() as cursor:
        cursor.execute(sql, key)
        row = cursor.fetchone()
        if row is None:
            # First case of the year: a concurrent first intake makes this a no-op.
            CaseCounter.objects.get_or_create(county_id=item.county_id, department_id=item.department_id, year=year)
            cursor.execute(sql, key)
            row = cursor.fetchone()
    return f"{item.department.code}-{year}-{row[0]:06d}"


SUBMISSION_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _check_submission_key(key: str) -> str:
    key = (key or "").strip()
    if key and (len(key) > 64 or not set(key) <= SUBMISSION_KEY_CHARS):
        raise DomainError("提交标识无效：应为不超过 64 位的字母、数字、“-”或“_”。",
                          problems=["提交标识（Idempotency-Key）无效。"])
    return key


def _fingerprint(**form) -> str:
    text = json.dumps(form, ensure_ascii=False, sort_keys=True, default=lambda o: o.__dict__)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _earlier_submission(key: str, user, fingerprint: str) -> Case | None:
    """The case an earlier submission of the same form made, or ``None``.

    A key belongs to its user and to what the form said: a clerk who goes back after taking a case
    in and changes the form is told to open a new one, rather than silently shown the first case.
    """
    row = IntakeSubmission.objects.filter(key=key).select_related("case").first()
    if row is None:
        return None
    if row.case.created_by_id != user.pk:
        raise DomainError("提交标识已被其他人的受理使用，请刷新受理页面后重新提交。", status=409)
    if row.fingerprint != fingerprint:
        raise DomainError(f"这张受理表已经登记过办件 {row.case.case_no}，内容又有改动。要登记新的申请，"
                          "请打开新的受理页面重新填写。", status=409)
    row.case.is_replay = True
    return row.case


def _provisional_case_no() -> str:
    """A unique stand-in number the case row carries until its real number is handed out, in the same
    transaction (no committed case ever has one)."""
    return "~" + secrets.token_hex(12)


def _query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_CHARS) for _ in range(8))


def intake_problems(*, user, item_no: int, scenario: str | None, applicant: Applicant,
                    materials: Sequence[MaterialEntry], tolerance: bool = False, refuse: bool = False,
                    refusal_reasons: Sequence[str] = (), now: dt.datetime | None = None) -> list[str]:
    """Everything :func:`intake_case` would refuse in this form, without taking anything in: the
    intake page lists it next to its own checks, so the clerk corrects the form in one go."""
    profile = common.require_profile(user)
    try:
        *_, problems = _checked(profile=profile, item_no=item_no, scenario=scenario, applicant=applicant,
                                materials=materials, tolerance=tolerance, refuse=refuse,
                                refusal_reasons=refusal_reasons, today=common.today_of(common.now_or(now)))
    except DomainError as exc:
        return exc.problems or [exc.message]
    return problems


def _checked(*, profile, item_no, scenario, applicant, materials, tolerance, refuse, refusal_reasons, today):
    """The item, the applicant's and the materials' checks, and every problem found in them."""
    item = current_item(county_id=profile.county_id, no=item_no)
    if item is None or item.current_version is None:
        raise DomainError(f"未找到序号为 {item_no} 的服务事项。", problems=[f"事项 {item_no} 不存在或已停用。"])
    why = act_denial(profile, county_id=item.county_id, department_id=item.department_id, action="intake")
    if why:
        raise PermissionDenied(why if "股室" not in why else f"事项 {item_no} 由{item.department.short_name}受理，{why}")
    valid = _check_applicant(applicant, today)
    check = wf.check_materials(
        item.current_version.data,
        scenario=scenario,
        given=[(m.name, m.status) for m in materials],
        tolerance=tolerance,
        refuse=refuse,
    )
    problems = valid.problems + check.problems
    if refuse and not any(r and r.strip() for r in refusal_reasons):
        problems.append("不予受理必须写明理由。")
    return item, valid, check, problems


def intake_case(
    *,
    user,
    item_no: int,
    scenario: str | None,
    applicant: Applicant,
    materials: Sequence[MaterialEntry],
    tolerance: bool = False,
    refuse: bool = False,
    refusal_reasons: Sequence[str] = (),
    now: dt.datetime | None = None,
    submission_key: str = "",
) -> Case:
    """Create a case from an intake form.

    With a ``submission_key`` (the form's own, or an API client's ``Idempotency-Key``) a form is
    taken in once: submitted again — a double click, a request resent after a timeout — it returns
    the case the first submission made, with ``is_replay`` set, and writes nothing.

    * accept — every required material received (or 告知承诺 where the item allows it);
    * accept under 容缺 (``tolerance=True``, the applicant opts in) — only the catalog's tolerable
      materials may be missing; sets ``supplement_due`` and holds the result until they arrive;
    * refuse (``refuse=True`` with ``refusal_reasons``) — the case is recorded as 不予受理 and its
      notice lists everything missing (一次性告知).

    Raises ``DomainError`` (422) listing every problem, ``PermissionDenied`` (403) for a user
    who may not accept this item's applications.

    A clerk or section head takes in their own department's items; the 综合受理窗口 takes in the
    items of every department of its county, and holds the case (may read it, print its receipt)
    until it hands it over to the department (:func:`hand_over_cases`).
    """
    now = common.now_or(now)
    today = common.today_of(now)
    profile = common.require_profile(user)
    submission_key = _check_submission_key(submission_key)
    fingerprint = ""
    if submission_key:
        fingerprint = _fingerprint(item_no=item_no, scenario=scenario, applicant=applicant,
                                   materials=[(m.name, m.status) for m in materials], tolerance=tolerance,
                                   refuse=refuse, refusal_reasons=list(refusal_reasons))
        if (earlier := _earlier_submission(submission_key, user, fingerprint)) is not None:
            return earlier
    item, valid, check, problems = _checked(profile=profile, item_no=item_no, scenario=scenario, applicant=applicant,
                                            materials=materials, tolerance=tolerance, refuse=refuse,
                                            refusal_reasons=refusal_reasons, today=today)
    if problems:
        raise DomainError(problems_message("受理信息有误", problems), problems=problems)
    version = item.current_version
    reasons = [r.strip() for r in refusal_reasons if r and r.strip()]

    steps = wf.build_steps(version.data.get("procedure", {}).get("steps") or [])
    front_desk = intakes_everywhere(profile)
    accepted_under_tolerance = bool(check.tolerated)
    cal = common.get_calendar()
    # Everything that does not need the case number is prepared before the transaction: the
    # number is handed out under a per-department lock (and, on SQLite, the whole database's
    # write lock), so the less happens after it, the more intakes go through per second.
    if refuse:
        status, index = wf.NOT_ACCEPTED, wf.intake_index(steps)
    else:
        status, index = wf.IN_PROGRESS, wf.first_step_after_intake(steps)
    case = Case(
        county=item.county,
        department=item.department,
        item=item,
        item_version=version,
        case_no=_provisional_case_no(),
        query_code=_query_code(),
        scenario_code=check.scenario_code or "",
        scenario_name=check.scenario_name or "",
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id=valid.applicant_id,
        agent_name=(applicant.agent_name or "").strip(),
        agent_id=valid.agent_id,
        phone=valid.phone,
        email=(applicant.email or "").strip(),
        status=status,
        steps=[s.as_dict() for s in steps],
        step_index=index,
        current_step=steps[index].name,
        tolerance=accepted_under_tolerance,
        awaiting_supplement=accepted_under_tolerance,
        received_at=now,
        refusal_reasons=reasons if refuse else [],
        closed_at=now if refuse else None,
        created_by=user,
        handed_over_at=None if front_desk else now,
    )
    if not refuse:
        clock = wf.compute_clock(
            cal, version.data, now, tolerance_days=check.tolerance_days if accepted_under_tolerance else None
        )
        for key, value in common.clock_fields(clock).items():
            setattr(case, key, value)
        case.warning = common.warning_for(case, cal, now, status=status)
    tolerated_names = {m.name for m in check.tolerated}
    case_materials = [
        CaseMaterial(
            case=case,
            order=i,
            name=m.name,
            text=m.text[:500],
            status=m.status,
            required=m.required,
            optional_when=m.optional_when or "",
            tolerable=m.tolerable,
            tolerance_days=m.tolerance_days,
            tolerated=m.name in tolerated_names,
        )
        for i, m in enumerate(check.materials)
    ]
    missing = [m.name for m in check.materials if m.status == wf.MISSING and (m.required or refuse)]
    detail = {
        "scenario": case.scenario_code,
        "received": [m.name for m in check.materials if m.status == wf.RECEIVED],
        "promised": [m.name for m in check.materials if m.status == wf.PROMISED],
        "missing": missing,
        "tolerated": sorted(tolerated_names),
    }
    if front_desk:
        detail["front_desk"] = True
    action = "not_accepted" if refuse else ("accept_tolerance" if accepted_under_tolerance else "accept")
    label = {"not_accepted": "不予受理", "accept_tolerance": "容缺受理", "accept": "受理"}[action]
    if front_desk:
        label = "综合受理窗口" + label

    entry = common.timeline_entry(case, action=action, actor=user, now=now,
                                  reason="；".join(reasons) if refuse else "", detail=detail)
    # The rows' values (JSON, dates) are computed here, outside the write lock; the materials and the
    # timeline entry take the case's key when the statements run.
    rows = [prepare_rows([case]), prepare_rows(case_materials), prepare_rows([entry])]

    # The number is taken under its counter row's lock, held until commit: rolled back with the case,
    # never reused. On PostgreSQL it is taken last, so that the row every intake of the department
    # waits on is locked as briefly as possible; on SQLite the transaction holds the database's only
    # write lock from its start anyway, so the number is taken first and the case written with it.
    number_first = connection.vendor == "sqlite"
    try:
        case = _write_intake(case=case, item=item, version=version, rows=rows, number_first=number_first,
                             year=today.year, refuse=refuse, now=now, missing=missing, tolerated_names=tolerated_names,
                             user=user, action=action, label=label, detail=detail, submission_key=submission_key,
                             fingerprint=fingerprint)
    except IntegrityError:
        # The same form, submitted twice at once: the other submission's case won the key.
        earlier = _earlier_submission(submission_key, user, fingerprint) if submission_key else None
        if earlier is None:
            raise
        return earlier
    return case


def _write_intake(*, case, item, version, rows, number_first, year, refuse, now, missing, tolerated_names, user,
                  action, label, detail, submission_key, fingerprint) -> Case:
    with transaction.atomic():
        if number_first:
            rows[0].replace(case, "case_no", _next_case_no(item=item, year=year))
        for prepared in rows:
            insert_prepared(prepared)
        if not number_first:
            case.case_no = _next_case_no(item=item, year=year)
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {Case._meta.db_table} SET case_no = %s WHERE id = %s",
                               [case.case_no, case.pk])
        if submission_key:
            IntakeSubmission.objects.create(key=submission_key, fingerprint=fingerprint, case=case, created_at=now)
        if refuse:
            note = queue_notification(case=case, kind="not_accepted", now=now, missing=missing)
        else:
            note = queue_notification(case=case, kind="accepted", now=now, tolerated=sorted(tolerated_names))
        common.audit(
            case,
            action=f"intake.{action}",
            actor=user,
            summary=f"{label} {case.case_no}：事项 {item.no} {item.name}",
            after={
                **common.snapshot(case),
                "item_no": item.no,
                "item_version": version.pk,
                "applicant": {
                    "kind": case.applicant_kind,
                    "name": mask_name(case.applicant_name) if case.applicant_kind == "person" else case.applicant_name,
                    "id": mask_id_number(case.applicant_id),
                },
                "materials": detail,
            },
        )
    case.prime(materials=rows[1].objs, actions=rows[2].objs, notifications=[note])
    case.is_replay = False
    return case
