"""JSON API of the rules context: working days, due dates, retirement, eligibility, validators,
benefit estimates. Public (no token): these answer the questions people ask before applying.

Bad input is a 422 with a Chinese ``detail`` (``DomainError``), never a 500.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Router, Schema

from shebao.core.errors import DomainError, NotFound
from shebao.domain import benefits as B
from shebao.domain import deadlines as D
from shebao.domain import eligibility as E
from shebao.domain import identifiers as I
from shebao.domain import retirement as R
from shebao.domain.workdays import CalendarError, add_working_days_explained, provisional_note
from shebao.rules import selectors

router = Router(tags=["规则 rules"])

MAX_DAYS = 3650


def _calendar_call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (CalendarError, D.DeadlineError) as exc:
        raise DomainError(str(exc)) from None


def _parse_day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise DomainError(f"{what}“{value}”不是有效日期，格式应为 YYYY-MM-DD，例如 2026-09-28。") from None


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


class WorkdayOut(Schema):
    due: dt.date = Field(description="第 N 个工作日（YYYY-MM-DD）")
    provisional: bool = Field(description="是否用到了尚未公布放假安排的年份（已扣除法定节假日和周休息日，补假、调休未计入，暂定）")
    explanation: str
    provisional_years: list[int] = []


@router.get("/calendar/add-working-days", response=WorkdayOut, summary="起算日后第 N 个工作日")
def add_working_days(request, start: str, days: int):
    """The ``days``-th working day after ``start`` (start day not counted; ``days=0``: the same
    working day, or the next one if ``start`` is a rest day)."""
    day = _parse_day(start, "起算日期 start")
    if days < 0:
        raise DomainError("工作日数 days 不能为负数。")
    if days > MAX_DAYS:
        raise DomainError(f"工作日数 days 不能超过 {MAX_DAYS}。")
    ans = _calendar_call(add_working_days_explained, selectors.get_calendar(), day, days)
    return {
        "due": ans.due,
        "provisional": ans.provisional,
        "explanation": ans.explanation,
        "provisional_years": list(ans.provisional_years),
    }


class BetweenOut(Schema):
    start: dt.date
    end: dt.date
    working_days: int = Field(description="(start, end] 内的工作日数；end 早于 start 时为负数")
    provisional: bool
    explanation: str


@router.get("/calendar/working-days-between", response=BetweenOut, summary="两个日期之间的工作日数")
def working_days_between(request, start: str, end: str):
    a, b = _parse_day(start, "开始日期 start"), _parse_day(end, "结束日期 end")
    cal = selectors.get_calendar()
    n = _calendar_call(cal.working_days_between, a, b)
    years = cal.provisional_years(a, b)
    text = f"{a.isoformat()}（不含）至 {b.isoformat()}（含）共有 {n} 个工作日。" + provisional_note(years)
    return {"start": a, "end": b, "working_days": n, "provisional": bool(years), "explanation": text}


class DayOut(Schema):
    date: dt.date
    working_day: bool
    kind: Literal["workday", "weekend", "holiday", "makeup_workday"]
    kind_label: str
    provisional: bool
    source: str
    next_working_day: dt.date


@router.get("/calendar/day", response=DayOut, summary="某一天是否为工作日")
def calendar_day(request, date: str):
    day = _parse_day(date, "日期 date")
    cal = selectors.get_calendar()
    info = _calendar_call(cal.day_info, day)
    return {
        "date": info.date,
        "working_day": info.working_day,
        "kind": info.kind,
        "kind_label": info.kind_label,
        "provisional": info.provisional,
        "source": info.source,
        "next_working_day": _calendar_call(cal.next_working_day, day),
    }


class YearOut(Schema):
    year: int
    source: str
    loaded: bool = Field(description="由管理员录入（否则来自 chinesecalendar）")
    holidays: list[dt.date]
    workdays: list[dt.date]


class CalendarYearsOut(Schema):
    known_years: list[int]
    loaded: list[YearOut]
    note: str


@router.get("/calendar/schedules", response=CalendarYearsOut, summary="已知的年度节假日安排")
def calendar_schedules(request):
    cal = selectors.get_calendar()
    known = sorted(cal.known_years)
    loaded = []
    for y in sorted(cal.loaded_years):
        s = cal.schedule_for(y)
        loaded.append(
            {"year": y, "source": s.source, "loaded": True, "holidays": sorted(s.holidays), "workdays": sorted(s.workdays)}
        )
    last = max(known) if known else None
    note = f"{known[0]}–{last} 年的放假安排已知；{last + 1} 年起已扣除法定节假日和周休息日，补假、调休未计入，结果标记为 provisional（暂定）。" if known else ""
    return {"known_years": known, "loaded": loaded, "note": note}


# --------------------------------------------------------------------------------------------
# Deadlines of a catalog item
# --------------------------------------------------------------------------------------------


class DueOut(Schema):
    label: str = Field(description="法定时限 / 办理时限 / 承诺时限")
    text: str = Field(description="指南原文")
    kind: str
    due: dt.date | None
    provisional: bool
    explanation: str
    provisional_years: list[int] = []


class ScheduleOut(Schema):
    kind: str
    text: str
    date: dt.date | None
    window_start: dt.date | None
    window_end: dt.date | None
    status: str
    provisional: bool
    explanation: str
    extra: dict[str, Any] = {}


class DeadlinesOut(Schema):
    item_no: int
    item_name: str
    received: dt.datetime
    statutory: DueOut | None
    promised: DueOut | None
    schedules: list[ScheduleOut]
    provisional: bool
    applicable_now: bool = Field(
        True, description="受理时间是否在事项的年度申报期内（事项25：每年1月1日至4月30日）；否则当天不能申报，"
                          "statutory/promised 只说明申报期内申请时的时限")
    note: str = Field("", description="不能申报时的说明（下一申报期）")


def _item_data(no: int, county: str | None) -> tuple[dict, str]:
    from shebao.catalog import selectors as catalog_selectors

    getter = getattr(catalog_selectors, "get_item", None)
    if getter is None:
        raise DomainError("事项库尚未就绪，暂时无法计算时限。", status=503)
    item = getter(county=county, no=no)
    if item is None:
        raise NotFound(f"未找到序号为 {no} 的服务事项。")
    data = dict(item.data)
    return data, data.get("name") or getattr(item, "name", "")


def _schedule_out(s: D.ScheduleAnswer) -> dict:
    d = s.as_dict()
    base = {k: d.pop(k) for k in ("kind", "text", "date", "window_start", "window_end", "status", "provisional", "explanation")}
    return {**base, "extra": d}


@router.get("/items/{no}/deadlines", response=DeadlinesOut, summary="某事项的法定/承诺到期日")
def item_deadlines(request, no: int, received: dt.datetime | None = None, event: str | None = None, county: str | None = None):
    """Due dates for an application of item ``no`` received at ``received`` (ISO 8601, default
    now). ``event``: the date the item's calendar rule refers to (item 27: date of death; item 29:
    date of the last certification)."""
    data, name = _item_data(no, county)
    moment = received or dt.datetime.now(tz=D.LOCAL_TZ)
    event_day = _parse_day(event, "事件日期 event") if event else None
    result = _calendar_call(D.item_deadlines, selectors.get_calendar(), data, moment, event=event_day)
    window = result.closed_window
    return {
        "item_no": no,
        "item_name": name,
        "received": moment,
        "statutory": result.statutory.as_dict() if result.statutory else None,
        "promised": result.promised.as_dict() if result.promised else None,
        "schedules": [_schedule_out(s) for s in result.schedules],
        "provisional": result.provisional,
        "applicable_now": window is None,
        "note": "" if window is None else (
            f"所给受理时间不在年度申报期内，当天不能申报。{window.explanation}"
            "以下办结日期只说明申报期内申请时的时限。"),
    }


# --------------------------------------------------------------------------------------------
# Retirement and eligibility
# --------------------------------------------------------------------------------------------


class RetirementOut(Schema):
    birth_month: str
    group: str
    group_label: str
    original_age: int
    retirement_month: str = Field(description="YYYY-MM")
    age_years: int
    age_months: int
    delay_months: int
    min_contribution_years: float
    earliest_month: str
    latest_month: str
    elastic: bool
    explanation: str
    basis: str


@router.get("/rules/retirement", response=RetirementOut, summary="法定退休年龄（2024年改革后）")
def retirement(request, birth: str, group: str):
    """``birth``: YYYY-MM; ``group``: male | female55 | female50 (by the *original* retirement age)."""
    try:
        return R.retirement(birth, group).as_dict()
    except R.RetirementError as exc:
        raise DomainError(str(exc)) from None


class FactsIn(Schema):
    as_of: dt.date | None = Field(None, description="按哪一天判断，默认今天")
    birth: str | None = Field(None, description="出生年月 YYYY-MM 或出生日期 YYYY-MM-DD")
    id_number: str | None = Field(None, description="身份证号码（可代替 birth 和 sex）")
    group: str | None = Field(None, description="male | female55 | female50")
    sex: str | None = Field(None, description="male | female")
    contribution_years: float | None = Field(None, description="累计缴费年限（含视同缴费年限），可带小数")
    contribution_months: int | None = Field(None, description="累计缴费年限之外的月数")
    still_contributing: bool | None = Field(None, description="目前仍在缴费")
    enrolled: bool | None = Field(None, description="已参加该险种（默认是）")
    special_work_type: str | None = Field(None, description="high_altitude | heavy | underground | high_temperature | harmful")
    special_work_years: float | None = None
    special_work_months: int | None = None
    continuous_service_years: float | None = Field(None, description="连续工龄（年）")
    continuous_service_months: int | None = None
    labour_capacity_lost: bool | None = Field(None, description="经鉴定完全丧失劳动能力")
    receiving_other_pension: bool | None = None
    receiving_basic_resident_pension: bool | None = None
    requisition_date: dt.date | None = Field(None, description="征地日期")
    fund_paid_in: bool | None = Field(None, description="被征地保险基金已足额到位")
    died_in_service: bool | None = None
    death_date: dt.date | None = None
    involuntary_unemployment: bool | None = Field(None, description="非因本人意愿中断就业")
    registered_unemployed: bool | None = Field(None, description="已办理失业登记并有求职要求")


class ConditionOut(Schema):
    code: str
    text: str
    met: bool
    can_be_met_later: bool
    met_on: dt.date | None


class VerdictOut(Schema):
    item_no: int
    title: str
    verdict: Literal["eligible", "not_eligible", "not_yet"]
    verdict_label: str
    eligible_on: dt.date | None
    summary: str
    conditions: list[ConditionOut]
    basis: list[str]
    extra: dict[str, Any]
    note: str


@router.post("/rules/eligibility/{no}", response=VerdictOut, summary="申请条件自动判断")
def eligibility(request, no: int, facts: FactsIn):
    try:
        return E.check(no, facts.dict(exclude_none=True)).as_dict()
    except E.EligibilityError as exc:
        status = 404 if no not in E.CHECKS else 422
        raise DomainError(str(exc), status=status) from None
    except (R.RetirementError, B.BenefitError) as exc:
        raise DomainError(str(exc)) from None


class CheckableOut(Schema):
    item_no: int
    title: str
    facts: list[str]


@router.get("/rules/eligibility", response=list[CheckableOut], summary="可自动判断申请条件的事项")
def eligibility_items(request):
    return [{"item_no": no, "title": t, "facts": list(f)} for no, (t, _, f) in E.CHECKS.items()]


# --------------------------------------------------------------------------------------------
# Validators
# --------------------------------------------------------------------------------------------


class CheckOut(Schema):
    valid: bool
    message: str
    normalized: str
    kind: str
    details: dict[str, Any]


@router.get("/validate/id-number", response=CheckOut, summary="校验居民身份证号码")
def validate_id_number(request, value: str = ""):
    return I.validate_id_number(value).as_dict()


@router.get("/validate/credit-code", response=CheckOut, summary="校验统一社会信用代码")
def validate_credit_code(request, value: str = ""):
    return I.validate_credit_code(value).as_dict()


@router.get("/validate/phone", response=CheckOut, summary="校验手机或固定电话号码")
def validate_phone(request, value: str = ""):
    return I.validate_phone(value).as_dict()


# --------------------------------------------------------------------------------------------
# Benefit estimates
# --------------------------------------------------------------------------------------------


class ParamOut(Schema):
    key: str
    label: str
    value: str | None
    unit: str
    effective_from: dt.date | None
    source: str
    confirmed: bool
    tag: str = Field(description="有出处 | 估算参数")


class EstimateOut(Schema):
    title: str
    total: str | None
    unit: str
    parts: dict[str, str]
    formula: list[str]
    params: list[ParamOut]
    estimated_params: bool
    notes: list[str]
    basis: list[str]
    disclaimer: str
    is_estimate: bool


def _param(key: str, on: dt.date | None, override: Decimal | None, label: str, unit: str = "元/月") -> B.Param:
    """The stored parameter in force on ``on``, or the caller's figure (labelled 估算参数)."""
    if override is not None:
        return B.Param(key, label, Decimal(override), None, "请求中提供", False, unit)
    found = selectors.get_parameter(key, on=on)
    if found is None:
        return B.Param(key, label, None, None, "", False, unit)
    return found


def _estimate(fn, **kwargs) -> dict:
    try:
        return fn(**kwargs).as_dict()
    except B.BenefitError as exc:
        raise DomainError(str(exc)) from None


#: Larger amounts are typing mistakes, and near 1e308 they would overflow the money rounding.
MAX_AMOUNT = Decimal("10000000000")


class EnterprisePensionIn(Schema):
    contribution_years: float = Field(ge=0, le=60, description="累计缴费年限")
    account_balance: Decimal = Field(ge=0, le=MAX_AMOUNT, description="个人账户储存额（元）")
    retirement_age_years: int = Field(ge=40, le=70)
    retirement_age_months: int = Field(0, ge=0, le=11)
    indexed_wage: Decimal | None = Field(None, ge=0, le=MAX_AMOUNT, description="本人指数化月平均缴费工资")
    contribution_index: Decimal | None = Field(None, ge=0, le=5, description="平均缴费指数（0.6–3）")
    average_wage: Decimal | None = Field(None, ge=0, le=MAX_AMOUNT, description="计发基数；不填则用后台参数")
    on: dt.date | None = Field(None, description="按哪一天的参数计算，默认今天")


@router.post("/rules/estimate/enterprise-pension", response=EstimateOut, summary="企业职工养老金估算")
def estimate_enterprise_pension(request, payload: EnterprisePensionIn):
    avg = _param("shanxi_average_monthly_wage", payload.on, payload.average_wage, "上年度在岗职工月平均工资（计发基数）")
    return _estimate(
        B.enterprise_pension,
        average_wage=avg,
        contribution_years=Decimal(str(payload.contribution_years)),
        account_balance=payload.account_balance,
        retirement_age_years=payload.retirement_age_years,
        retirement_age_months=payload.retirement_age_months,
        indexed_wage=payload.indexed_wage,
        contribution_index=payload.contribution_index,
    )


class ResidentPensionIn(Schema):
    account_balance: Decimal = Field(ge=0, le=MAX_AMOUNT, description="个人账户储存额（元）")
    on: dt.date | None = None


@router.post("/rules/estimate/resident-pension", response=EstimateOut, summary="城乡居民养老金估算")
def estimate_resident_pension(request, payload: ResidentPensionIn):
    base = _param("resident_basic_pension_national_min", payload.on, None, "城乡居民基础养老金全国最低标准")
    topup = selectors.get_parameter("resident_basic_pension_local_topup", on=payload.on)
    return _estimate(B.resident_pension, national_basic=base, account_balance=payload.account_balance, local_topup=topup)


class InjuryIn(Schema):
    grade: int = Field(ge=1, le=10, description="伤残等级 1–10")
    monthly_wage: Decimal = Field(ge=0, le=MAX_AMOUNT, description="本人工资（元/月）")


@router.post("/rules/estimate/work-injury", response=EstimateOut, summary="工伤伤残待遇估算")
def estimate_work_injury(request, payload: InjuryIn):
    return _estimate(B.work_injury_disability, grade=payload.grade, monthly_wage=payload.monthly_wage)


class InjuryDeathIn(Schema):
    deceased_wage: Decimal | None = Field(None, ge=0, le=MAX_AMOUNT, description="工亡职工本人工资（元/月）")
    spouse: int = Field(0, ge=0, le=1)
    other_dependants: int = Field(0, ge=0, le=20)
    orphans_or_lone_elderly: int = Field(0, ge=0, le=20)
    on: dt.date | None = None


@router.post("/rules/estimate/work-injury-death", response=EstimateOut, summary="工亡待遇估算")
def estimate_work_injury_death(request, payload: InjuryDeathIn):
    on = payload.on
    return _estimate(
        B.work_injury_death,
        disposable_income=_param("national_urban_disposable_income", on, None, "上年度全国城镇居民人均可支配收入", "元/年"),
        area_average_wage=selectors.get_parameter("area_average_monthly_wage", on=on),
        deceased_wage=payload.deceased_wage,
        spouse=payload.spouse,
        other_dependants=payload.other_dependants,
        orphans_or_lone_elderly=payload.orphans_or_lone_elderly,
        spouse_rate=selectors.get_parameter("injury_dependant_spouse_rate", on=on),
        other_rate=selectors.get_parameter("injury_dependant_other_rate", on=on),
        extra_rate=selectors.get_parameter("injury_dependant_extra_rate", on=on),
    )


class UnemploymentIn(Schema):
    contribution_years: float = Field(0, ge=0, le=60)
    contribution_months: int = Field(0, ge=0, le=720)
    on: dt.date | None = None


@router.post("/rules/estimate/unemployment", response=EstimateOut, summary="失业保险金领取期限")
def estimate_unemployment(request, payload: UnemploymentIn):
    months = round(payload.contribution_years * 12) + payload.contribution_months
    return _estimate(
        B.unemployment,
        contribution_months=months,
        minimum_wage=selectors.get_parameter("shanxi_minimum_wage", on=payload.on),
        benefit_rate=selectors.get_parameter("unemployment_benefit_rate", on=payload.on),
    )


@router.get("/rules/parameters", response=list[ParamOut], summary="待遇计算参数（含出处）")
def parameters(request):
    return [selectors.to_param(p).describe() for p in selectors.list_parameters()]
