"""JSON API of the cases context (bearer token for staff; ``/track`` and ``/ratings`` are public)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Header, Query, Router, Schema

try:
    from ninja import Status
except ImportError:  # pragma: no cover - django-ninja before 1.5 took a (status, body) tuple

    def Status(code, body):  # noqa: N802
        return code, body

from shebao.accounts.auth import TokenAuth
from shebao.cases import pdfs, selectors, services
from shebao.core.api import DictIn, DictOut
from shebao.domain.privacy import mask_id_number, mask_name, mask_phone
from shebao.ops.throttle import client_ip

router = Router(tags=["办件 cases"])
STAFF = [TokenAuth()]


# -- schemas --------------------------------------------------------------------------------------
class ApplicantIn(DictIn):
    kind: str = Field(description="person（个人）| unit（单位）")
    name: str = Field(description="姓名或单位名称")
    id_number: str = Field("", description="个人：居民身份证号码")
    credit_code: str = Field("", description="单位：统一社会信用代码")
    phone: str = Field("", description="联系电话")
    email: str = Field("", description="电子邮箱（有则以邮件通知，否则短信）")
    agent_name: str = Field("", description="经办人/代理人姓名")
    agent_id_number: str = Field("", description="经办人/代理人身份证号码")


class MaterialIn(DictIn):
    name: str
    status: str = Field("received", description="received | missing | promised（告知承诺）")


class CaseIn(DictIn):
    item_no: int
    scenario: str | None = Field(None, description="情形编码（事项区分情形时必填）")
    applicant: ApplicantIn
    materials: list[MaterialIn] = Field(default_factory=list, description="未列出的材料按“缺”处理")
    tolerance: bool = Field(False, description="申请人同意容缺受理")
    refuse: bool = Field(False, description="不予受理（须写明 refusal_reasons）")
    refusal_reasons: list[str] = Field(default_factory=list)


class ActionIn(DictIn):
    action: str = Field(description="advance | return | refuse | suspend | resume | supplement | extend | finish")
    version: int = Field(description="办件的当前版本号（乐观锁）")
    reason: str = Field("", description="理由（退回、不予办理、挂起、延期必填）")
    result: str = Field("", description="办理结果（办结必填；为空时取 reason）")
    days: int | None = Field(None, description="延期的工作日数")
    target_step: int | None = Field(None, description="退回到的环节序号（默认上一环节）")
    materials: list[str] | None = Field(None, description="补交的容缺材料；不填为全部待补材料，空列表不允许")


class StepOut(DictOut):
    index: int
    name: str
    kind: str
    state: str = Field(description="done（已完成）| current（当前环节）| stopped（办件在此环节结束，如不予办理）| pending（未开始）")


class ApplicantOut(DictOut):
    kind: str
    name: str
    id_number: str
    phone: str
    email: str
    agent_name: str
    masked: bool


class CaseMaterialOut(DictOut):
    name: str
    status: str
    required: bool
    optional_when: str
    tolerable: bool
    tolerated: bool
    supplied_at: dt.datetime | None


class TimelineOut(DictOut):
    action: str
    actor: str
    at: dt.datetime
    step_before: str
    step_after: str
    status_after: str
    reason: str


class NotificationOut(DictOut):
    kind: str
    channel: str
    recipient: str
    subject: str
    status: str
    created_at: dt.datetime


class RatingOut(DictOut):
    id: int
    case_no: str
    level: str
    level_label: str
    comment: str
    is_bad: bool
    created_at: dt.datetime
    follow_up: str
    follow_up_at: dt.datetime | None


class CaseOut(DictOut):
    case_no: str
    status: str
    status_label: str
    item_no: int
    item_name: str
    department: str
    department_name: str
    scenario: str
    scenario_name: str
    current_step: str
    current_step_kind: str
    step_index: int
    steps: list[StepOut]
    applicant: ApplicantOut
    materials: list[CaseMaterialOut]
    received_at: dt.datetime
    statutory_due: dt.date | None
    promised_due: dt.date | None
    extended_due: dt.date | None
    effective_due: dt.date | None
    supplement_due: dt.date | None
    provisional: bool
    due_provisional: bool = Field(False, description="所示办结日期（effective_due）是否暂定：其所跨年度的放假安排尚未公布")
    warning: str
    warning_label: str
    tolerance: bool
    awaiting_supplement: bool
    suspended_at: dt.datetime | None
    suspended_days: int
    extension_days: int
    closed_at: dt.datetime | None
    result: str
    refusal_reasons: list[str]
    query_code: str
    version: int
    allowed_actions: list[str]
    timeline: list[TimelineOut]
    notifications: list[NotificationOut]
    rating: RatingOut | None


class CaseBrief(Schema):
    case_no: str
    item_no: int
    item_name: str
    department: str
    applicant: str = Field(description="申请人（已脱敏）")
    status: str
    status_label: str
    current_step: str
    received_at: dt.datetime
    effective_due: dt.date | None
    provisional: bool
    due_provisional: bool = Field(False, description="所示办结日期（effective_due）是否暂定：其所跨年度的放假安排尚未公布")
    warning: str
    awaiting_supplement: bool
    version: int


class TrackOut(Schema):
    case_no: str
    item_no: int
    item_name: str
    department: str
    applicant: str
    status: str
    status_label: str
    current_step: str
    steps: list[dict]
    received_at: dt.datetime
    promised_due: dt.date | None
    provisional: bool
    due_provisional: bool = Field(False, description="所示办结日期（effective_due）是否暂定：其所跨年度的放假安排尚未公布")
    suspended: bool
    missing: list[str]
    supplement_due: dt.date | None
    closed_at: dt.datetime | None
    result: str
    can_rate: bool
    rated: bool
    refusal_reasons: list[str] = Field(default_factory=list, description="不予受理的理由（仅不予受理的办件）")


class RatingIn(Schema):
    case_no: str
    id_suffix: str = Field(description="申请人证件号码后六位，或回执上的查询码")
    level: str = Field(description="非常满意 | 满意 | 基本满意 | 不满意 | 非常不满意（或其英文代码）")
    comment: str = ""


class FollowUpIn(Schema):
    text: str


class ErrorOut(Schema):
    detail: str
    problems: list[str] = Field(default_factory=list)


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# -- shaping --------------------------------------------------------------------------------------
def _rating_out(r) -> dict:
    return {
        "id": r.pk, "case_no": r.case.case_no, "level": r.level, "level_label": r.get_level_display(),
        "comment": r.comment, "is_bad": r.is_bad, "created_at": r.created_at, "follow_up": r.follow_up,
        "follow_up_at": r.follow_up_at,
    }


def case_out(case, user) -> dict:
    full = selectors.can_see_personal_data(user=user, case=case)
    steps = [{**s.as_dict(), "state": case.step_state(s.index)} for s in case.workflow_steps()]
    rating = case.rating if hasattr(case, "rating") else None
    return {
        "case_no": case.case_no,
        "status": case.status,
        "status_label": case.status_label,
        "item_no": case.item.no,
        "item_name": case.item_name,
        "department": case.department.code,
        "department_name": case.department.short_name,
        "scenario": case.scenario_code,
        "scenario_name": case.scenario_name,
        "current_step": case.current_step,
        "current_step_kind": case.step_kind,
        "step_index": case.step_index,
        "steps": steps,
        "applicant": {
            "kind": case.applicant_kind,
            "name": case.applicant_name if full else case.masked_applicant_name,
            "id_number": case.applicant_id if full else mask_id_number(case.applicant_id),
            "phone": case.phone if full else mask_phone(case.phone),
            "email": case.email if full else ("***" if case.email else ""),
            "agent_name": case.agent_name if full else mask_name(case.agent_name),
            "masked": not full,
        },
        "materials": [
            {"name": m.name, "status": m.status, "required": m.required, "optional_when": m.optional_when,
             "tolerable": m.tolerable, "tolerated": m.tolerated, "supplied_at": m.supplied_at}
            for m in selectors.case_materials(case=case)
        ],
        "received_at": case.received_at,
        "statutory_due": case.statutory_due,
        "promised_due": case.promised_due,
        "extended_due": case.extended_due,
        "effective_due": case.effective_due,
        "supplement_due": case.supplement_due,
        "provisional": case.provisional,
        "due_provisional": case.due_provisional,
        "warning": case.warning,
        "warning_label": case.warning_label,
        "tolerance": case.tolerance,
        "awaiting_supplement": case.awaiting_supplement,
        "suspended_at": case.suspended_at,
        "suspended_days": case.suspended_days,
        "extension_days": case.extension_days,
        "closed_at": case.closed_at,
        "result": case.result,
        "refusal_reasons": case.refusal_reasons,
        "query_code": case.query_code,
        "version": case.version,
        "allowed_actions": selectors.allowed_actions(user=user, case=case),
        "timeline": [
            {"action": a.action, "actor": a.actor_label, "at": a.created_at, "step_before": a.step_before,
             "step_after": a.step_after, "status_after": a.status_after, "reason": a.reason}
            for a in selectors.case_timeline(case=case)
        ],
        "notifications": [
            {"kind": n.kind, "channel": n.channel, "recipient": n.masked_recipient, "subject": n.subject,
             "status": n.status, "created_at": n.created_at}
            for n in selectors.case_notifications(case=case)
        ],
        "rating": _rating_out(rating) if rating is not None else None,
    }


# -- staff endpoints --------------------------------------------------------------------------------
@router.post("/cases", auth=STAFF, response={200: CaseOut, 201: CaseOut, **ERRORS}, summary="受理（含容缺受理、不予受理）")
def create_case(
    request,
    payload: CaseIn,
    idempotency_key: str = Header(
        "", alias="Idempotency-Key",
        description="可选：同一受理只登记一次。重发带相同标识的请求（如超时后重试）返回第一次登记的办件（200），不再新建",
    ),
):
    a = payload.applicant
    case = services.intake_case(
        user=request.auth,
        item_no=payload.item_no,
        scenario=payload.scenario,
        applicant=services.Applicant(
            kind=a.kind, name=a.name, id_number=a.id_number, credit_code=a.credit_code, phone=a.phone,
            email=a.email, agent_name=a.agent_name, agent_id_number=a.agent_id_number,
        ),
        materials=[services.MaterialEntry(m.name, m.status) for m in payload.materials],
        tolerance=payload.tolerance,
        refuse=payload.refuse,
        refusal_reasons=payload.refusal_reasons,
        submission_key=idempotency_key,
    )
    return Status(200 if case.is_replay else 201, CaseOut.model_validate(case_out(case, request.auth)))


@router.get("/cases", auth=STAFF, response={200: list[CaseBrief], **ERRORS}, summary="办件列表（按紧急程度排序）")
def list_cases(
    request,
    status: str | None = Query(None, description="in_progress | suspended | finished | refused | not_accepted | terminated | open | closed"),
    department: str | None = Query(None, description="股室编码，如 QY"),
    warning: str | None = Query(None, description="normal | yellow | red"),
    item_no: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000_000, description="跳过的条数（不超过 10 亿）"),
):
    qs = selectors.list_cases(user=request.auth, status=status, department=department, warning=warning,
                              item_no=item_no)
    return [
        {"case_no": c.case_no, "item_no": c.item.no, "item_name": c.item_name, "department": c.department.code,
         "applicant": c.masked_applicant_name, "status": c.status, "status_label": c.status_label,
         "current_step": c.current_step, "received_at": c.received_at, "effective_due": c.effective_due,
         "provisional": c.provisional, "due_provisional": c.due_provisional, "warning": c.warning, "awaiting_supplement": c.awaiting_supplement,
         "version": c.version}
        for c in qs[offset : offset + limit]
    ]


@router.get("/cases/{case_no}", auth=STAFF, response={200: CaseOut, **ERRORS}, summary="办件详情")
def get_case(request, case_no: str):
    return CaseOut.model_validate(case_out(selectors.get_case(user=request.auth, case_no=case_no), request.auth))


@router.post("/cases/{case_no}/actions", auth=STAFF, response={200: CaseOut, **ERRORS}, summary="办理操作")
def act(request, case_no: str, payload: ActionIn):
    case = services.perform_action(
        user=request.auth, case_no=case_no, action=payload.action, version=payload.version,
        reason=payload.reason, result=payload.result, days=payload.days, target_step=payload.target_step,
        materials=payload.materials,
    )
    return CaseOut.model_validate(case_out(case, request.auth))


class HandoverOut(Schema):
    case_no: str
    department: str
    handed_over_at: dt.datetime


@router.post("/cases/{case_no}/handover", auth=STAFF, response={200: HandoverOut, **ERRORS},
             summary="综合受理窗口移交办件至所属股室")
def hand_over(request, case_no: str):
    (case,) = services.hand_over_cases(user=request.auth, case_nos=[case_no])
    return {"case_no": case.case_no, "department": case.department.code, "handed_over_at": case.handed_over_at}


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get("/cases/{case_no}/receipt.pdf", auth=STAFF, response={200: None, **ERRORS}, summary="受理回执 PDF")
def receipt(request, case_no: str):
    case = selectors.get_case(user=request.auth, case_no=case_no)
    return _pdf(pdfs.receipt_pdf(case, base_url=request.build_absolute_uri("/")), f"receipt-{case.case_no}.pdf")


@router.get("/cases/{case_no}/notice.pdf", auth=STAFF, response={200: None, **ERRORS},
            summary="不予受理通知书、容缺补正告知书（一次性告知）或不予办理决定书 PDF")
def notice(request, case_no: str):
    case = selectors.get_case(user=request.auth, case_no=case_no)
    return _pdf(pdfs.written_notice_pdf(case), f"notice-{case.case_no}.pdf")


@router.get("/ratings/bad", auth=STAFF, response={200: list[RatingOut], **ERRORS}, summary="差评列表（股长、主任）")
def bad_ratings(request, pending: bool = False):
    return [_rating_out(r) for r in selectors.list_bad_ratings(user=request.auth, pending_only=pending)]


@router.post("/ratings/{rating_id}/follow-up", auth=STAFF, response={200: RatingOut, **ERRORS},
             summary="登记差评整改回访（股长）")
def follow_up(request, rating_id: int, payload: FollowUpIn):
    return _rating_out(services.record_rating_follow_up(user=request.auth, rating_id=rating_id, text=payload.text))


# -- public endpoints -------------------------------------------------------------------------------
@router.get("/track", response={200: TrackOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
            summary="办件进度查询（公开）")
def track(request, case_no: str, id_suffix: str = Query(..., description="证件号码后六位或查询码")):
    result = services.track_case(case_no=case_no, id_suffix=id_suffix, ip=client_ip(request))
    return result.__dict__


@router.post("/ratings", response={201: RatingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
             summary="好差评（公开，办结后）")
def rate(request, payload: RatingIn):
    rating = services.rate_case(case_no=payload.case_no, id_suffix=payload.id_suffix, level=payload.level,
                                comment=payload.comment, ip=client_ip(request))
    return Status(201, _rating_out(rating))
