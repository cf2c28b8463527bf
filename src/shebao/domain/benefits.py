"""Benefit estimates (估算). Every answer is an estimate, never a decision (待遇以经办机构核定为准).

Every yearly figure (average wage, minimum basic pension, disposable income …) is a dated
:class:`Param` handed in by the caller (the rules app reads them from ``BenefitParameter``), with its
source; a parameter without a confirmed source is labelled 估算参数 in the answer. The fixed tables
of the statutes are below, each citing its source.

Formulas
--------
* Enterprise pension, 《国务院关于完善企业职工基本养老保险制度的决定》(国发〔2005〕38号) 第六条:
  基础养老金 = (上年度在岗职工月平均工资 + 本人指数化月平均缴费工资) ÷ 2 × 缴费年限 × 1%;
  个人账户养老金 = 个人账户储存额 ÷ 计发月数 (:data:`PAYOUT_MONTHS`, 国发〔2005〕38号附件).
  过渡性养老金 is province-specific (Shanxi coefficient unconfirmed) and is not included.
* 城乡居民养老保险, 《国务院关于建立统一的城乡居民基本养老保险制度的意见》(国发〔2014〕8号) 第七条:
  月养老金 = 基础养老金 (national minimum + local top-up) + 个人账户储存额 ÷ 139.
* Work injury, 《工伤保险条例》(2010修订) 第三十五至三十七条 (one-time disability subsidy in months of
  own wage, :data:`INJURY_LUMP_SUM_MONTHS`; monthly allowance grades 1–6, :data:`INJURY_ALLOWANCE_RATE`)
  and 第三十九条 (工亡: 丧葬补助金 6 months of the area's average monthly wage; 一次性工亡补助金 20 ×
  previous year's national urban per-capita disposable income; dependants' pensions).
* Unemployment, 《失业保险条例》第十七条: contribution 1–<5 years → up to 12 months; 5–<10 → up
  to 18; ≥10 → up to 24 (:data:`UNEMPLOYMENT_PERIODS`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

DISCLAIMER = "以上为估算，仅供参考，不是待遇核定决定；实际待遇以社会保险经办机构核定为准。"
ESTIMATED_LABEL = "估算参数"


class BenefitError(ValueError):
    """Bad input or a missing parameter; the message is in Chinese."""


@dataclass(frozen=True)
class Param:
    """One dated parameter: ``confirmed`` is False when its source has not been verified."""

    key: str
    label: str
    value: Decimal | None
    effective_from: dt.date | None = None
    source: str = ""
    confirmed: bool = False
    unit: str = ""

    @property
    def estimated(self) -> bool:
        return not (self.confirmed and self.source)

    @property
    def shown(self) -> str:
        """The value as a reader writes it: "56502 元/年", "40%" (a 比例 as a percentage), "未录入"."""
        if self.value is None:
            return "未录入"
        value = Decimal(self.value)
        if self.unit == "比例":
            return f"{_plain(value * 100)}%"
        return f"{_plain(value)} {self.unit}".strip()

    def required(self) -> Decimal:
        if self.value is None:
            raise BenefitError(f"缺少参数“{self.label}”（{self.key}）：管理员尚未录入该参数的数值，请在请求中提供或联系管理员。")
        return Decimal(self.value)

    def describe(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "shown": self.shown,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "source": self.source,
            "confirmed": self.confirmed and bool(self.source),
            "tag": ESTIMATED_LABEL if self.estimated else "有出处",
        }


def _plain(value: Decimal) -> str:
    """Without the database's trailing zeros (56502.0000 → 56502, 0.1250 → 0.125), never in exponent form."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def user_param(key: str, label: str, value, unit: str = "元") -> Param:
    """A figure the applicant typed in (their own wage, balance…): labelled as user-provided."""
    return Param(key, label, _dec(value, label), None, "申请人提供", True, unit)


def _dec(value, what: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except Exception:
        raise BenefitError(f"{what}应为数字。") from None
    if not d.is_finite():
        raise BenefitError(f"{what}应为有限的数字。")
    if d < 0:
        raise BenefitError(f"{what}不能为负数。")
    return d


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    q = Decimal(value).normalize()
    return f"{q:f}" if q == q.to_integral() or abs(q.as_tuple().exponent) <= 4 else f"{money(q):f}"


@dataclass(frozen=True)
class Estimate:
    title: str
    total: Decimal | None
    unit: str
    parts: dict[str, Decimal]
    formula: list[str]
    params: list[Param]
    notes: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)

    @property
    def uses_estimated_params(self) -> bool:
        return any(p.estimated for p in self.params)

    def as_dict(self) -> dict:
        notes = list(self.notes)
        if self.uses_estimated_params:
            labels = "、".join(p.label for p in self.params if p.estimated)
            notes.append(f"其中“{labels}”为{ESTIMATED_LABEL}（出处未经确认），结果仅作粗略参考。")
        return {
            "title": self.title,
            "total": None if self.total is None else str(money(self.total)),
            "unit": self.unit,
            "parts": {k: str(money(v)) for k, v in self.parts.items()},
            "formula": self.formula,
            "params": [p.describe() for p in self.params],
            "estimated_params": self.uses_estimated_params,
            "notes": notes,
            "basis": self.basis,
            "disclaimer": DISCLAIMER,
            "is_estimate": True,
        }


# --------------------------------------------------------------------------------------------
# Enterprise pension
# --------------------------------------------------------------------------------------------

#: 计发月数 by whole years of age at retirement (国发〔2005〕38号 附件《个人账户养老金计发月数表》).
PAYOUT_MONTHS: dict[int, int] = {
    40: 233, 41: 230, 42: 226, 43: 223, 44: 220, 45: 216, 46: 212, 47: 207, 48: 204, 49: 199,
    50: 195, 51: 190, 52: 185, 53: 180, 54: 175, 55: 170, 56: 164, 57: 158, 58: 152, 59: 145,
    60: 139, 61: 132, 62: 125, 63: 117, 64: 109, 65: 101, 66: 93, 67: 84, 68: 75, 69: 65, 70: 56,
}  # fmt: skip
#: The rows rules.md confirms (50–65); the others are from the same attachment but unverified here.
PAYOUT_MONTHS_CONFIRMED = range(50, 66)

PENSION_BASIS = "《国务院关于完善企业职工基本养老保险制度的决定》（国发〔2005〕38号）"


def payout_months(age_years: int, age_months: int = 0) -> tuple[int, str]:
    """计发月数 for an age; fractional ages are rounded down to whole years (no official finer table)."""
    if age_years not in PAYOUT_MONTHS:
        raise BenefitError(f"退休年龄 {age_years} 岁超出计发月数表范围（40–70 岁）。")
    note = ""
    if age_months:
        note = f"退休年龄 {age_years} 岁 {age_months} 个月：未找到官方的按月细分计发月数表，按 {age_years} 周岁取 {PAYOUT_MONTHS[age_years]} 个月（估算）。"
    if age_years not in PAYOUT_MONTHS_CONFIRMED:
        note += f"{age_years} 岁的计发月数未经核对，仅供参考。"
    return PAYOUT_MONTHS[age_years], note


def enterprise_pension(
    *,
    average_wage: Param,
    contribution_years: Decimal | float | int,
    account_balance: Decimal | float | int,
    retirement_age_years: int,
    retirement_age_months: int = 0,
    indexed_wage: Decimal | float | int | None = None,
    contribution_index: Decimal | float | int | None = None,
) -> Estimate:
    """Monthly basic pension + personal-account pension (国发〔2005〕38号). Transitional pension excluded."""
    years = _dec(contribution_years, "缴费年限")
    balance = _dec(account_balance, "个人账户储存额")
    avg = average_wage.required()
    params = [average_wage]
    formula: list[str] = []
    if indexed_wage is not None:
        indexed = _dec(indexed_wage, "本人指数化月平均缴费工资")
        params.append(user_param("indexed_wage", "本人指数化月平均缴费工资", indexed))
    elif contribution_index is not None:
        idx = _dec(contribution_index, "平均缴费指数")
        indexed = avg * idx
        formula.append(f"本人指数化月平均缴费工资 = {_fmt(avg)} × 平均缴费指数 {_fmt(idx)} = {money(indexed)} 元")
    else:
        raise BenefitError("请提供本人指数化月平均缴费工资（indexed_wage）或平均缴费指数（contribution_index）。")
    months, note = payout_months(retirement_age_years, retirement_age_months)
    basic = (avg + indexed) / 2 * years / 100
    personal = balance / months
    formula.append(
        f"基础养老金 = ({_fmt(avg)} + {money(indexed)}) ÷ 2 × {_fmt(years)} × 1% = {money(basic)} 元/月"
    )
    formula.append(f"个人账户养老金 = {money(balance)} ÷ {months}（{retirement_age_years} 岁计发月数） = {money(personal)} 元/月")
    formula.append(f"合计 = {money(basic)} + {money(personal)} = {money(basic + personal)} 元/月")
    notes = ["未计入过渡性养老金（视同缴费年限部分）：山西省过渡性系数未经确认。"]
    if note:
        notes.append(note)
    return Estimate(
        title="企业职工基本养老金估算",
        total=basic + personal,
        unit="元/月",
        parts={"basic": basic, "personal_account": personal},
        formula=formula,
        params=params,
        notes=notes,
        basis=[PENSION_BASIS + "第六条"],
    )


# --------------------------------------------------------------------------------------------
# 城乡居民 pension
# --------------------------------------------------------------------------------------------

RESIDENT_BASIS = "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）第七条"
RESIDENT_ACCOUNT_DIVISOR = 139


def resident_pension(
    *, national_basic: Param, account_balance: Decimal | float | int, local_topup: Param | None = None
) -> Estimate:
    """城乡居民养老金 = 基础养老金 (national minimum + local top-up) + 个人账户储存额 ÷ 139."""
    balance = _dec(account_balance, "个人账户储存额")
    base = national_basic.required()
    params = [national_basic]
    topup = Decimal(0)
    notes: list[str] = []
    if local_topup is not None and local_topup.value is not None:
        topup = local_topup.required()
        params.append(local_topup)
    else:
        notes.append("未计入山西省、阳城县提高的基础养老金（地方标准未经确认），实际可能更高。")
    personal = balance / RESIDENT_ACCOUNT_DIVISOR
    basic = base + topup
    formula = [
        f"基础养老金 = {_fmt(base)}（国家最低标准）" + (f" + {_fmt(topup)}（地方加发）" if topup else "") + f" = {money(basic)} 元/月",
        f"个人账户养老金 = {money(balance)} ÷ {RESIDENT_ACCOUNT_DIVISOR} = {money(personal)} 元/月",
        f"合计 = {money(basic)} + {money(personal)} = {money(basic + personal)} 元/月",
    ]
    return Estimate(
        title="城乡居民基本养老金估算",
        total=basic + personal,
        unit="元/月",
        parts={"basic": basic, "personal_account": personal},
        formula=formula,
        params=params,
        notes=notes,
        basis=[RESIDENT_BASIS],
    )


# --------------------------------------------------------------------------------------------
# Work injury
# --------------------------------------------------------------------------------------------

INJURY_BASIS = "《工伤保险条例》（2010年修订）"
#: 一次性伤残补助金, months of own wage, grades 1–10 (第三十五、三十六、三十七条).
INJURY_LUMP_SUM_MONTHS = {1: 27, 2: 25, 3: 23, 4: 21, 5: 18, 6: 16, 7: 13, 8: 11, 9: 9, 10: 7}
#: 伤残津贴 as a share of own wage, grades 1–6 (第三十五、三十六条).
INJURY_ALLOWANCE_RATE = {
    1: Decimal("0.90"), 2: Decimal("0.85"), 3: Decimal("0.80"), 4: Decimal("0.75"), 5: Decimal("0.70"), 6: Decimal("0.60"),
}  # fmt: skip
INJURY_ARTICLES = {1: "第三十五条", 2: "第三十五条", 3: "第三十五条", 4: "第三十五条", 5: "第三十六条", 6: "第三十六条"}


def work_injury_disability(*, grade: int, monthly_wage: Decimal | float | int) -> Estimate:
    """一次性伤残补助金 and 伤残津贴 by disability grade, from the worker's own monthly wage."""
    if not isinstance(grade, int) or grade not in INJURY_LUMP_SUM_MONTHS:
        raise BenefitError(f"伤残等级“{grade}”无效，应为 1 到 10 级。")
    wage = _dec(monthly_wage, "本人工资")
    months = INJURY_LUMP_SUM_MONTHS[grade]
    lump = wage * months
    parts = {"lump_sum": lump}
    formula = [f"一次性伤残补助金 = 本人工资 {money(wage)} × {months} 个月 = {money(lump)} 元"]
    notes = ["本人工资指工伤职工因工作遭受事故伤害或患职业病前 12 个月平均月缴费工资，高于或低于统筹地区平均工资 300%/60% 的按上下限计（第六十四条）。"]
    article = INJURY_ARTICLES.get(grade, "第三十七条")
    if grade in INJURY_ALLOWANCE_RATE:
        rate = INJURY_ALLOWANCE_RATE[grade]
        allowance = wage * rate
        parts["monthly_allowance"] = allowance
        formula.append(f"伤残津贴 = {money(wage)} × {rate * 100:.0f}% = {money(allowance)} 元/月")
        if grade <= 4:
            notes.append("一至四级：保留劳动关系、退出工作岗位，按月支付伤残津贴；伤残津贴低于当地最低工资标准的由工伤保险基金补足差额。")
        else:
            notes.append("五至六级：保留劳动关系，由用人单位安排适当工作；难以安排工作的，由用人单位按月发给伤残津贴。")
    else:
        notes.append("七至十级：无伤残津贴；劳动合同期满终止或本人提出解除的，另有一次性工伤医疗补助金和伤残就业补助金（标准由省规定，未计入）。")
    return Estimate(
        title=f"工伤{grade}级伤残待遇估算",
        total=lump,
        unit="元（一次性）",
        parts=parts,
        formula=formula,
        params=[user_param("monthly_wage", "本人工资", wage)],
        notes=notes,
        basis=[INJURY_BASIS + article],
    )


def work_injury_death(
    *,
    disposable_income: Param,
    area_average_wage: Param | None = None,
    deceased_wage: Decimal | float | int | None = None,
    spouse: int = 0,
    other_dependants: int = 0,
    orphans_or_lone_elderly: int = 0,
    spouse_rate: Param | None = None,
    other_rate: Param | None = None,
    extra_rate: Param | None = None,
) -> Estimate:
    """工亡: 一次性工亡补助金, 丧葬补助金 and 供养亲属抚恤金 (《工伤保险条例》第三十九条)."""
    income = disposable_income.required()
    lump = income * 20
    params = [disposable_income]
    parts = {"death_lump_sum": lump}
    formula = [f"一次性工亡补助金 = 20 × 上年度全国城镇居民人均可支配收入 {_fmt(income)} = {money(lump)} 元"]
    notes: list[str] = []
    total = lump
    if area_average_wage is not None and area_average_wage.value is not None:
        avg = area_average_wage.required()
        funeral = avg * 6
        params.append(area_average_wage)
        parts["funeral"] = funeral
        total += funeral
        formula.append(f"丧葬补助金 = 6 × 统筹地区上年度职工月平均工资 {_fmt(avg)} = {money(funeral)} 元")
    else:
        notes.append("未计入丧葬补助金：统筹地区上年度职工月平均工资参数未录入。")
    if spouse or other_dependants or orphans_or_lone_elderly:
        if deceased_wage is None:
            raise BenefitError("计算供养亲属抚恤金需要提供工亡职工本人工资（deceased_wage）。")
        if spouse not in (0, 1):
            raise BenefitError("配偶人数应为 0 或 1。")
        if other_dependants < 0 or orphans_or_lone_elderly < 0:
            raise BenefitError("供养亲属人数不能为负数。")
        if orphans_or_lone_elderly > spouse + other_dependants:
            raise BenefitError("孤寡老人或孤儿人数不能多于供养亲属总人数。")
        wage = _dec(deceased_wage, "工亡职工本人工资")
        sr = (spouse_rate or Param("spouse_rate", "配偶抚恤金比例", Decimal("0.40"))).required()
        orate = (other_rate or Param("other_rate", "其他亲属抚恤金比例", Decimal("0.30"))).required()
        xr = (extra_rate or Param("extra_rate", "孤寡老人或孤儿加发比例", Decimal("0.10"))).required()
        params += [p for p in (spouse_rate, other_rate, extra_rate) if p is not None]
        raw = wage * (sr * spouse + orate * other_dependants + xr * orphans_or_lone_elderly)
        monthly = min(raw, wage)
        parts["dependants_monthly"] = monthly
        formula.append(
            f"供养亲属抚恤金 = {money(wage)} × ({_fmt(sr)}×{spouse} + {_fmt(orate)}×{other_dependants} + {_fmt(xr)}×{orphans_or_lone_elderly})"
            f" = {money(raw)} 元/月" + (f"，超过本人工资，按 {money(wage)} 元/月" if raw > wage else "")
        )
    formula.append(f"一次性合计 = {money(total)} 元")
    return Estimate(
        title="工亡待遇估算",
        total=total,
        unit="元（一次性）",
        parts=parts,
        formula=formula,
        params=params,
        notes=notes,
        basis=[INJURY_BASIS + "第三十九条"],
    )


# --------------------------------------------------------------------------------------------
# Unemployment
# --------------------------------------------------------------------------------------------

UNEMPLOYMENT_BASIS = "《失业保险条例》第十七条"
#: (minimum contribution months, maximum benefit months), highest first.
UNEMPLOYMENT_PERIODS: tuple[tuple[int, int], ...] = ((120, 24), (60, 18), (12, 12))


def unemployment_benefit_months(contribution_months: int) -> int:
    """Longest benefit period for a cumulative contribution (0 under one year: no entitlement)."""
    if contribution_months < 0:
        raise BenefitError("缴费月数不能为负数。")
    return next((m for need, m in UNEMPLOYMENT_PERIODS if contribution_months >= need), 0)


def unemployment(
    *, contribution_months: int, minimum_wage: Param | None = None, benefit_rate: Param | None = None
) -> Estimate:
    months = unemployment_benefit_months(contribution_months)
    y, m = divmod(contribution_months, 12)
    formula = [
        f"累计缴费 {y} 年 {m} 个月："
        + ("不满 1 年，不能领取失业保险金" if not months else f"最长领取期限 {months} 个月")
        + "（满1年不足5年最长12个月；满5年不足10年最长18个月；10年以上最长24个月）"
    ]
    params: list[Param] = []
    parts: dict[str, Decimal] = {"months": Decimal(months)}
    total: Decimal | None = None
    notes = ["失业保险金标准由省人民政府确定，不低于城市居民最低生活保障标准、低于当地最低工资标准（第十八条）。"]
    if months and minimum_wage is not None and benefit_rate is not None and None not in (minimum_wage.value, benefit_rate.value):
        mw, rate = minimum_wage.required(), benefit_rate.required()
        monthly = mw * rate
        params += [minimum_wage, benefit_rate]
        parts["monthly"] = monthly
        total = monthly * months
        formula.append(f"失业保险金 = 最低工资 {_fmt(mw)} × {_fmt(rate * 100)}% = {money(monthly)} 元/月")
        formula.append(f"最多合计 = {money(monthly)} × {months} = {money(total)} 元")
    else:
        notes.append("未估算月发放金额：山西省失业保险金标准（最低工资标准的比例）参数未录入。")
    return Estimate(
        title="失业保险金领取期限",
        total=total,
        unit="元",
        parts=parts,
        formula=formula,
        params=params,
        notes=notes,
        basis=[UNEMPLOYMENT_BASIS],
    )
