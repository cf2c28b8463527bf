"""JSON API of 一件事一次办: the bundles, their merged 一次性告知单, applications and tracking.

Public: the bundle list and definitions, the merged notice for given answers, and the progress
query (bundle number + last 6 characters of the ID). Staff (Bearer token): start a bundle at
the first window (the 综合受理窗口 accepts every part in that one application), accept further
parts at the other departments' windows, read a bundle, hand the cases over (综合受理窗口).
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from shebao.accounts.auth import TokenAuth
from shebao.cases.services import Applicant, MaterialEntry
from shebao.catalog.selectors import list_items, resolve_county
from shebao.lifeevents import selectors, services
from shebao.lifeevents.plan import Plan
from shebao.ops.throttle import client_ip

router = Router(tags=["一件事 life events"])
STAFF = [TokenAuth()]


class ErrorOut(Schema):
    detail: str
    problems: list[str] = []


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# -- definitions --------------------------------------------------------------------------------
class OptionOut(Schema):
    code: str
    label: str
    help: str = ""


class QuestionOut(Schema):
    code: str
    text: str
    help: str
    options: list[OptionOut]
    when: dict[str, list[str]] = Field(description="只在前面的回答符合这些条件时才问；空表示总是问")


class StepOut(Schema):
    item_no: int
    item_name: str
    scenario_code: str | None
    title: str
    note: str
    who: str
    department: str
    when: dict[str, list[str]] = Field(description="这些回答成立时才需要办理这一步；空表示总要办理")


class LifeEventBrief(Schema):
    code: str
    name: str
    short_name: str
    summary: str
    keywords: list[str]
    items: list[int]


class LifeEventOut(LifeEventBrief):
    questions: list[QuestionOut]
    steps: list[StepOut] = Field(description="全部可能的步骤，按办理先后顺序")
    same_materials: list[dict] = Field(description="不同事项写法不同、但是同一种材料")
    notes: list[str]


def _brief(event) -> dict:
    return {"code": event.code, "name": event.name, "short_name": event.short_name, "summary": event.summary,
            "keywords": event.keywords, "items": selectors.item_numbers(event)}


@router.get("/life-events", response=list[LifeEventBrief], summary="一件事列表")
def life_events(request, county: str | None = None):
    return [_brief(e) for e in selectors.list_life_events(county=county)]


# -- tracking (declared before /life-events/{code} so that "track" is not taken for a code) --------
class TrackPartOut(Schema):
    order: int
    item_no: int
    item_name: str
    title: str
    department: str
    location: str
    phone: str
    state: str = Field(description="pending 待受理 | not_accepted 不予受理 | open 办理中 | finished 已办结 | failed 未办成")
    state_label: str
    case_no: str = Field(description="本事项的办件编号（受理后）")
    status_label: str
    current_step: str
    promised_due: dt.date | None
    provisional: bool
    missing: list[str] = Field(description="不予受理时缺少的材料，或容缺受理后待补交的材料")
    supplement_due: dt.date | None
    result: str
    blocked_by: int | None = Field(None, description="须在该顺序号的事项办结后才能受理（尚在等待时）")


class BundleOut(Schema):
    number: str = Field(description="一件事编号，如 YJS-2026-000012")
    event_code: str
    event_name: str
    status: str = Field(description="pending 待受理 | partly_accepted 部分受理 | in_progress 办理中 | finished 已办结 | "
                                    "closed 已结束（部分事项未办成）")
    status_label: str
    due: dt.date | None = Field(description="已受理各事项中最晚的承诺办结日期")
    due_complete: bool = Field(description="是否所有事项均已受理（即 due 为整件事的办结日期）")
    provisional: bool
    created_at: dt.datetime
    next_part: int | None = Field(description="下一个现在就能受理的事项的顺序号（须等前一项办结的不算）")
    applicant: str = Field(description="申请人（已脱敏）")
    parts: list[TrackPartOut]


def _overview_out(ov) -> dict:
    return {
        "number": ov.number, "event_code": ov.event_code, "event_name": ov.event_name, "status": ov.status,
        "status_label": ov.status_label, "due": ov.due, "due_complete": ov.due_complete,
        "provisional": ov.provisional, "created_at": ov.created_at,
        "next_part": ov.next_part.order if ov.next_part else None,
        "applicant": ov.bundle.masked_applicant_name,
        "parts": [
            {"order": p.order, "item_no": p.item_no, "item_name": p.item_name, "title": p.title,
             "department": p.department, "location": p.location, "phone": p.phone_display, "state": p.state,
             "state_label": p.state_label, "case_no": p.case_no, "status_label": p.status_label,
             "current_step": p.current_step, "promised_due": p.due, "provisional": p.provisional,
             "missing": p.missing, "supplement_due": p.supplement_due, "result": p.result,
             "blocked_by": p.blocked_by}
            for p in ov.parts
        ],
    }


@router.get("/life-events/track", response={200: BundleOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
            summary="一件事进度查询（一件事编号 + 证件号码后六位）")
def track(request, number: str = Query(..., description="一件事编号，如 YJS-2026-000012"),
          id_suffix: str = Query(..., description="申请人身份证号码（或统一社会信用代码）后六位")):
    return _overview_out(services.track_bundle(number=number, id_suffix=id_suffix, ip=client_ip(request)))


# -- staff: applications --------------------------------------------------------------------------
class ApplicantIn(Schema):
    kind: str = Field(description="person（个人）| unit（单位）")
    name: str
    id_number: str = Field("", description="个人：居民身份证号码")
    credit_code: str = Field("", description="单位：统一社会信用代码")
    phone: str


class MaterialIn(Schema):
    name: str
    status: str = Field("received", description="received | missing | promised（告知承诺）")


class PartIn(Schema):
    order: int = Field(description="一件事中的顺序号（见告知单 steps[].order）")
    materials: list[MaterialIn] = Field(default_factory=list, description="未列出的材料按“缺”处理")
    tolerance: bool = Field(False, description="申请人同意容缺受理")


class StartIn(Schema):
    answers: dict[str, str] = Field(description="对一件事问题的回答：{问题编码: 选项编码}")
    applicant: ApplicantIn
    parts: list[PartIn] = Field(description="本窗口现在受理的事项：股室窗口只能受理本股室的事项；综合受理窗口可一次受理全部事项"
                                            "（在各股室同时生成办件）。任何一项不符合要求时整件事都不受理（422，逐项列出问题）")


class AcceptIn(Schema):
    materials: list[MaterialIn] = Field(default_factory=list)
    tolerance: bool = False
    refuse: bool = Field(False, description="不予受理（须写明 refusal_reasons）；补齐材料后可再次受理")
    refusal_reasons: list[str] = Field(default_factory=list)


def _parts(parts: list[PartIn]) -> list[services.PartIntake]:
    return [services.PartIntake(order=p.order, materials=[MaterialEntry(m.name, m.status) for m in p.materials],
                                tolerance=p.tolerance) for p in parts]


@router.get("/life-events/applications/{number}", auth=STAFF, response={200: BundleOut, **ERRORS},
            summary="一件事申请详情（工作人员）")
def application(request, number: str):
    bundle = selectors.get_bundle_for(user=request.auth, number=number)
    return _overview_out(selectors.bundle_overview(bundle=bundle))


@router.post("/life-events/applications/{number}/parts/{order}", auth=STAFF, response={200: BundleOut, **ERRORS},
             summary="受理一件事中的一个事项（该事项所属股室窗口或综合受理窗口）")
def accept(request, number: str, order: int, payload: AcceptIn):
    bundle = services.accept_part(
        user=request.auth, number=number, order=order,
        intake=services.PartIntake(order=order, materials=[MaterialEntry(m.name, m.status) for m in payload.materials],
                                   tolerance=payload.tolerance, refuse=payload.refuse,
                                   refusal_reasons=payload.refusal_reasons),
    )
    return _overview_out(selectors.bundle_overview(bundle=bundle))


class HandoverOut(Schema):
    number: str
    cases: list[str] = Field(description="本次移交至各股室的办件编号")


@router.post("/life-events/applications/{number}/handover", auth=STAFF, response={200: HandoverOut, **ERRORS},
             summary="综合受理窗口把一件事的办件移交各股室")
def hand_over(request, number: str):
    cases = services.hand_over_bundle(user=request.auth, number=number)
    return {"number": number.strip().upper(), "cases": cases}


# -- one event --------------------------------------------------------------------------------------
@router.get("/life-events/{code}", response={200: LifeEventOut, 404: ErrorOut}, summary="一件事的问题和步骤")
def life_event(request, code: str, county: str | None = None):
    c = resolve_county(county)
    event = selectors.get_life_event(code=code, county=c)
    rows = {i.no: i for i in list_items(county=c).filter(no__in=selectors.item_numbers(event))}
    return {
        **_brief(event),
        "questions": [{"code": q.code, "text": q.text, "help": q.help, "when": q.when,
                       "options": [{"code": o.code, "label": o.label, "help": o.help} for o in q.options]}
                      for q in event.questions],
        "steps": [{"item_no": s.item_no, "item_name": rows[s.item_no].name if s.item_no in rows else "",
                   "scenario_code": s.scenario_code, "title": s.title, "note": s.note, "who": s.who,
                   "department": rows[s.item_no].department.name if s.item_no in rows else "", "when": s.when}
                  for s in event.steps],
        "same_materials": [s.model_dump() for s in event.same_materials],
        "notes": event.notes,
    }


class AnswersIn(Schema):
    answers: dict[str, str] = Field(description="{问题编码: 选项编码}，如 {\"unit\": \"enterprise\", \"route\": \"normal\"}")


class SourceOut(Schema):
    item_no: int
    scenario_code: str | None
    label: str = Field(description="如 事项34（工亡待遇）")
    name: str = Field(description="该事项中的材料名称")
    text: str = Field(description="指南原文")
    forms: str
    copies: str | None = Field(description="指南写明的份数（原文），未写明为 null")
    seal: str | None
    signature: str | None
    promise: bool
    condition: str | None = Field(description="视情况提供的条件（回答未涉及时）")
    tolerance: str = Field(description="容缺说明，空表示不可容缺")


class MergedMaterialOut(Schema):
    no: int
    name: str
    items: list[str]
    copies_total: int | None = Field(description="各事项均写明份数且单位相同时的合计，否则为 null（不推算）")
    copies_unit: str | None
    copies_text: str
    sources: list[SourceOut]


class PlanStepOut(Schema):
    order: int
    item_no: int
    item_name: str
    scenario_code: str | None
    scenario: str | None
    title: str
    note: str
    who: str
    department: str
    location: str | None
    phone: str
    online: bool
    promised_due: dt.date | None
    promised_text: str
    after_previous: bool = Field(False, description="须在前一步办结后才能申请；其承诺日期从前一步的承诺办结日起算")
    counted_from: dt.date | None = Field(None, description="after_previous 时承诺日期的起算日（前一步的承诺办结日）")


class StopOut(Schema):
    no: int
    location: str
    department: str
    phones: list[str]
    steps: list[int] = Field(description="在此窗口办理的步骤顺序号")


class NoticeOut(Schema):
    event_code: str
    event_name: str
    answers: dict[str, str]
    answer_summary: list[list[str]]
    steps: list[PlanStepOut]
    materials: list[MergedMaterialOut]
    not_needed: list[dict]
    steps_without_materials: list[dict]
    stops: list[StopOut]
    latest_due: dt.date | None
    latest_due_text: str
    provisional: bool
    today: dt.date
    notes: list[str]


def plan_out(plan: Plan) -> dict:
    return {
        "event_code": plan.event.code, "event_name": plan.event.name, "answers": plan.answers,
        "answer_summary": [[q, a] for q, a in plan.answer_summary],
        "steps": [
            {"order": s.order, "item_no": s.item_no, "item_name": s.item_name, "scenario_code": s.scenario_code,
             "scenario": s.scenario_label, "title": s.title, "note": s.note, "who": s.who,
             "department": s.department, "location": s.location, "phone": s.phone_display, "online": s.online,
             "promised_due": s.promised.due if s.promised else None, "promised_text": s.notice.promised_sentence,
             "after_previous": s.after_previous, "counted_from": s.counted_from}
            for s in plan.steps
        ],
        "materials": [
            {"no": m.no, "name": m.name, "items": [s.step.label for s in m.sources],
             "copies_total": m.copies_total[0] if m.copies_total else None,
             "copies_unit": m.copies_total[1] if m.copies_total else None, "copies_text": m.copies_text,
             "sources": [
                 {"item_no": s.step.item_no, "scenario_code": s.step.scenario_code, "label": s.step.label,
                  "name": s.line.name, "text": s.line.text, "forms": s.line.forms_text, "copies": s.line.copies,
                  "seal": s.line.seal, "signature": s.line.signature, "promise": s.line.promise,
                  "condition": s.line.condition, "tolerance": s.line.tolerance_text}
                 for s in m.sources
             ]}
            for m in plan.materials
        ],
        "not_needed": [{"item_no": n.step.item_no, "label": n.step.label, "material": n.material,
                        "condition": n.condition} for n in plan.not_needed],
        "steps_without_materials": [{"item_no": s.item_no, "label": s.label, "note": s.notice.materials_note or ""}
                                    for s in plan.steps_without_materials],
        "stops": [{"no": st.no, "location": st.location, "department": st.department, "phones": st.phones,
                   "steps": [s.order for s in st.steps]} for st in plan.stops],
        "latest_due": plan.latest_due, "latest_due_text": plan.latest_due_sentence,
        "provisional": plan.provisional, "today": plan.today, "notes": plan.event.notes,
    }


@router.post("/life-events/{code}/notice", response={200: NoticeOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="按回答生成合并的一次性告知单")
def notice(request, code: str, payload: AnswersIn, county: str | None = None):
    return plan_out(selectors.plan_for(code=code, answers=payload.answers, county=county, strict=True))


@router.post("/life-events/{code}/applications", auth=STAFF, response={201: BundleOut, **ERRORS},
             summary="窗口受理一件事（生成一件事编号，并受理本股室的事项；综合受理窗口一次受理全部事项）")
def start(request, code: str, payload: StartIn):
    a = payload.applicant
    bundle = services.start_bundle(
        user=request.auth, code=code, answers=payload.answers,
        applicant=Applicant(kind=a.kind, name=a.name, id_number=a.id_number, credit_code=a.credit_code,
                            phone=a.phone),
        parts=_parts(payload.parts),
    )
    return 201, _overview_out(selectors.bundle_overview(bundle=bundle))
