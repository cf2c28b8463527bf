"""Eligibility checks for the items whose conditions the guide states as rules.

Each check takes :class:`Facts` and answers a :class:`Verdict`: ``eligible`` (every condition met
today), ``not_yet`` (the unmet conditions can still be met — by age, by continuing or extending
contributions, by a later date — with the date when one can be computed), or ``not_eligible``
(some condition cannot be met by waiting). Each condition reads as plain Chinese, e.g.
"还差 2 年 3 个月缴费".

The checks, table-driven by item number in :data:`CHECKS`:

* 4  企业养老保险正常退休 — guide item 4 conditions 1–3; age per the 2024 reform
  (:mod:`shebao.domain.retirement`); minimum contribution by year of retirement (办法 第三条).
* 5  特殊工种提前退休 — guide item 5 (国发〔1978〕104号): men 55 / women 45; 高空、特别繁重体力劳动
  累计满10年, 井下、高温 满9年, 其他有害身体健康 满8年; 社会保险法第十六条 contribution.
* 6  因病提前退休 — guide item 6 (国发〔1978〕104号): men 50 / women 45, 连续工龄满10年, complete loss
  of labour capacity confirmed by the 劳动能力鉴定委员会; contribution 15 years.
* 18 城乡居民基本养老金 — guide item 18 (晋政发〔2014〕18号): 60 years, 15 years' contribution, no
  other basic pension.
* 19 城乡居民补充养老金 — guide item 19 (晋政发〔2020〕11号): 65 years, 15 years, already drawing
  the county's basic 城乡居民 pension.
* 20 被征地养老保险待遇 — guide item 20 (晋政办发〔2007〕116号): from the month after turning 60;
  those already 60 at requisition once the fund is fully paid in.
* 27 机关事业单位在职账户一次性结算 — guide item 27 (国发〔2015〕2号): death in service, applied
  for by the employer; deaths of the current year handled from 1 July.
* 37 失业保险待遇 — 《失业保险条例》第十四条 (conditions) and 第十七条 (period).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

from shebao.domain import retirement as R
from shebao.domain.benefits import unemployment_benefit_months
from shebao.domain.identifiers import validate_id_number
from shebao.domain.workdays import parse_date


class EligibilityError(ValueError):
    """Facts that cannot be checked (bad date, unknown work type …); the message is in Chinese."""


VERDICT_LABELS = {"eligible": "符合条件", "not_yet": "暂不符合，届时可办理", "not_eligible": "不符合条件"}


@dataclass(frozen=True)
class Condition:
    code: str
    text: str
    met: bool
    can_be_met_later: bool = False
    met_on: dt.date | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["met_on"] = self.met_on.isoformat() if self.met_on else None
        return d


@dataclass(frozen=True)
class Verdict:
    item_no: int
    title: str
    verdict: str
    conditions: list[Condition]
    eligible_on: dt.date | None
    summary: str
    basis: list[str]
    extra: dict = field(default_factory=dict)

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def as_dict(self) -> dict:
        return {
            "item_no": self.item_no,
            "title": self.title,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "eligible_on": self.eligible_on.isoformat() if self.eligible_on else None,
            "summary": self.summary,
            "conditions": [c.as_dict() for c in self.conditions],
            "basis": self.basis,
            "extra": self.extra,
            "note": "本结果依据您提供的情况自动判断，仅供参考，以经办机构审核为准。",
        }


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the applicant tells us. Unset booleans are taken at their stated default."""

    as_of: dt.date
    birth: dt.date | None = None
    birth_day_known: bool = False
    group: str | None = None  # male | female55 | female50
    sex: str | None = None  # male | female
    contribution_months: int | None = None
    still_contributing: bool = False
    enrolled: bool = True
    special_work_type: str | None = None
    special_work_months: int = 0
    continuous_service_months: int = 0
    labour_capacity_lost: bool = False
    receiving_other_pension: bool = False
    receiving_basic_resident_pension: bool = False
    requisition_date: dt.date | None = None
    fund_paid_in: bool = True
    died_in_service: bool = True
    death_date: dt.date | None = None
    involuntary_unemployment: bool = True
    registered_unemployed: bool = True

    @classmethod
    def from_dict(cls, data: Mapping, *, today: dt.date | None = None) -> Facts:
        """Build from loosely typed input (API body, CLI); every error is a Chinese sentence."""
        d = {k: v for k, v in dict(data).items() if v is not None}
        as_of = _date(d.get("as_of"), "判断日期") if d.get("as_of") else (today or dt.date.today())
        birth, day_known = None, False
        if d.get("id_number"):
            check = validate_id_number(str(d["id_number"]), today=as_of)
            if not check.valid:
                raise EligibilityError(check.message)
            birth = dt.date.fromisoformat(check.details["birth_date"])
            day_known = True
            d.setdefault("sex", check.details["sex"])
        if d.get("birth"):
            text = str(d["birth"]).strip()
            if len(text) > 7:
                birth, day_known = _date(text, "出生日期"), True
            else:
                y, m = R.parse_year_month(text)
                birth, day_known = dt.date(y, m, 1), False
        if birth and birth > as_of:
            raise EligibilityError(f"出生日期 {birth.isoformat()} 晚于判断日期 {as_of.isoformat()}。")
        group = d.get("group")
        if group:
            group = R.get_group(str(group)).code
        sex = d.get("sex")
        if sex is not None:
            sex = {"男": "male", "女": "female", "m": "male", "f": "female"}.get(str(sex).lower(), str(sex).lower())
            if sex not in ("male", "female"):
                raise EligibilityError(f"性别“{d['sex']}”无效，应为 male（男）或 female（女）。")
        if group and sex and R.GROUPS[group].sex != sex:
            raise EligibilityError("人员类别与性别不一致：male 为男职工，female55/female50 为女职工。")
        sex = sex or (R.GROUPS[group].sex if group else None)
        work_type = d.get("special_work_type")
        if work_type and work_type not in R.SPECIAL_WORK_TYPES:
            names = "、".join(f"{k}（{v[0]}）" for k, v in R.SPECIAL_WORK_TYPES.items())
            raise EligibilityError(f"特殊工种类型“{work_type}”无效，应为：{names}。")
        return cls(
            as_of=as_of,
            birth=birth,
            birth_day_known=day_known,
            group=group,
            sex=sex,
            contribution_months=_months(d, "contribution", "累计缴费年限"),
            still_contributing=bool(d.get("still_contributing", False)),
            enrolled=bool(d.get("enrolled", True)),
            special_work_type=work_type,
            special_work_months=_months(d, "special_work", "特殊工种工作年限") or 0,
            continuous_service_months=_months(d, "continuous_service", "连续工龄") or 0,
            labour_capacity_lost=bool(d.get("labour_capacity_lost", False)),
            receiving_other_pension=bool(d.get("receiving_other_pension", False)),
            receiving_basic_resident_pension=bool(d.get("receiving_basic_resident_pension", False)),
            requisition_date=_date(d["requisition_date"], "征地日期") if d.get("requisition_date") else None,
            fund_paid_in=bool(d.get("fund_paid_in", True)),
            died_in_service=bool(d.get("died_in_service", True)),
            death_date=_date(d["death_date"], "死亡日期") if d.get("death_date") else None,
            involuntary_unemployment=bool(d.get("involuntary_unemployment", True)),
            registered_unemployed=bool(d.get("registered_unemployed", True)),
        )


def _date(value, what: str) -> dt.date:
    return parse_date(value, what=what, error=EligibilityError)


def _months(d: Mapping, prefix: str, what: str) -> int | None:
    """``<prefix>_years`` (may be fractional) + ``<prefix>_months`` → whole months."""
    years, months = d.get(f"{prefix}_years"), d.get(f"{prefix}_months")
    if years is None and months is None:
        return None
    try:
        total = round(float(years or 0) * 12) + int(months or 0)
    except (TypeError, ValueError):
        raise EligibilityError(f"{what}应为数字。") from None
    if total < 0 or (years is not None and float(years) < 0) or (months is not None and int(months) < 0):
        raise EligibilityError(f"{what}不能为负数。")
    if total > 100 * 12:
        raise EligibilityError(f"{what}超过 100 年，请核对。")
    return total


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def years_months(months: int) -> str:
    y, m = divmod(abs(months), 12)
    if y and m:
        return f"{y} 年 {m} 个月"
    return f"{y} 年" if y else f"{m} 个月"


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = R.add_months(day.year, day.month, months)
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def birthday_at(facts: Facts, age: int) -> dt.date:
    """The day the person turns ``age`` (29 Feb → 28 Feb); the 1st of the birth month if day unknown."""
    b = facts.birth
    assert b is not None
    try:
        return b.replace(year=b.year + age)
    except ValueError:
        return dt.date(b.year + age, 2, 28)


def _need_birth(facts: Facts) -> None:
    if facts.birth is None:
        raise EligibilityError("请提供出生年月（birth，格式 YYYY-MM 或 YYYY-MM-DD）或身份证号码（id_number）。")


def _need_sex(facts: Facts) -> str:
    if facts.sex is None:
        raise EligibilityError("请提供性别（sex：male/female）、人员类别（group）或身份证号码。")
    return facts.sex


def _age_condition(facts: Facts, age: int, *, label: str = "", code: str = "age") -> Condition:
    _need_birth(facts)
    day = birthday_at(facts, age)
    precision = "" if facts.birth_day_known else "（未提供出生日，按出生月份的 1 日计）"
    if facts.as_of >= day:
        return Condition(code, f"{label}已年满 {age} 周岁（{day.isoformat()} 满 {age} 周岁）{precision}", True)
    return Condition(
        code, f"{label}尚未年满 {age} 周岁，将于 {day.isoformat()} 年满{precision}", False, True, day
    )


def _contribution_condition(
    facts: Facts, required_months: int, *, what: str = "累计缴费", when: dt.date | None = None, extendable: bool = True
) -> Condition:
    if facts.contribution_months is None:
        raise EligibilityError("请提供累计缴费年限（contribution_years，可带小数）和/或月数（contribution_months）。")
    have = facts.contribution_months
    need_text = years_months(required_months)
    if have >= required_months:
        return Condition("contribution", f"{what}已满 {need_text}（现有 {years_months(have)}）", True)
    short = required_months - have
    met_on = None
    how = ""
    if facts.still_contributing:
        met_on = add_months(facts.as_of, short)
        how = f"，按现在继续缴费，预计 {met_on.isoformat()} 缴满"
    elif extendable:
        how = "，可按规定延长缴费或补缴至满最低年限"
    return Condition(
        "contribution",
        f"{what}需满 {need_text}，现有 {years_months(have)}，还差 {years_months(short)}缴费{how}",
        False,
        extendable or facts.still_contributing,
        met_on,
    )


def _decide(item_no: int, title: str, conditions: list[Condition], basis: list[str], extra: dict | None = None) -> Verdict:
    unmet = [c for c in conditions if not c.met]
    if not unmet:
        verdict, on = "eligible", None
    elif all(c.can_be_met_later for c in unmet):
        verdict = "not_yet"
        on = max(c.met_on for c in unmet) if all(c.met_on for c in unmet) else None
    else:
        verdict, on = "not_eligible", None
    if verdict == "eligible":
        summary = f"{title}：符合条件，可以申请办理。"
    elif verdict == "not_yet":
        summary = f"{title}：暂不符合条件，" + (
            f"预计 {on.isoformat()} 起符合。" if on else "满足下列未满足的条件后可办理。"
        )
    else:
        summary = f"{title}：不符合条件。"
    return Verdict(item_no, title, verdict, conditions, on, summary, basis, extra or {})


def _retirement_contribution_condition(facts: Facts, age_day: dt.date) -> tuple[Condition, int]:
    """Minimum contribution for the year the person would retire (办法 第三条), iterated so that a
    later projected date uses that year's (higher) minimum."""
    year = max(age_day, facts.as_of).year
    for _ in range(6):
        need = R.min_contribution_months(year)
        cond = _contribution_condition(facts, need, what=f"{year} 年退休最低缴费年限：累计缴费（含视同缴费年限）")
        target = max(age_day, cond.met_on or age_day, facts.as_of)
        if target.year == year:
            break
        year = target.year
    return cond, need


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def check_item4(facts: Facts) -> Verdict:
    """企业养老保险正常退休资格 (guide item 4; 2024 reform ages; 办法 第三条 minimum years)."""
    _need_birth(facts)
    if not facts.group:
        raise EligibilityError("请提供人员类别 group：male、female55 或 female50。")
    ret = R.retirement((facts.birth.year, facts.birth.month), facts.group)
    y, m = (int(x) for x in ret.retirement_month.split("-"))
    age_day = dt.date(y, m, 1)
    conds = [
        Condition(
            "enrolled",
            "已参加企业职工基本养老保险" if facts.enrolled else "未参加企业职工基本养老保险，不能办理本事项",
            facts.enrolled,
        ),
    ]
    if facts.as_of >= age_day:
        conds.append(Condition("age", f"已达到法定退休年龄（{ret.retirement_month}，{ret.age_years} 岁 {ret.age_months} 个月）", True))
    else:
        conds.append(
            Condition(
                "age",
                f"尚未达到法定退休年龄：按 2024 年改革后规定，{ret.retirement_month} 退休（{ret.age_years} 岁 {ret.age_months} 个月）",
                False,
                True,
                age_day,
            )
        )
    cond, need = _retirement_contribution_condition(facts, age_day)
    conds.append(cond)
    return _decide(
        4,
        "企业养老保险正常退休",
        conds,
        ["《国务院关于工人退休、退职的暂行办法》（国发〔1978〕104号）", R.REFORM_BASIS, "《中华人民共和国社会保险法》第十六条"],
        {"retirement": ret.as_dict(), "required_contribution_months": need},
    )


def check_item5(facts: Facts) -> Verdict:
    """特殊工种提前退休 (guide item 5, 国发〔1978〕104号)."""
    _need_birth(facts)
    sex = _need_sex(facts)
    age = R.EARLY_AGES["special_work"][sex]
    conds = [_age_condition(facts, age, label="男" if sex == "male" else "女")]
    wt = facts.special_work_type
    if not wt:
        raise EligibilityError(
            "请提供特殊工种类型 special_work_type：" + "、".join(f"{k}（{v[0]}）" for k, v in R.SPECIAL_WORK_TYPES.items())
        )
    name, years = R.SPECIAL_WORK_TYPES[wt]
    need = years * 12
    have = facts.special_work_months
    if have >= need:
        conds.append(Condition("special_work", f"从事{name}累计已满 {years} 年（现有 {years_months(have)}）", True))
    else:
        conds.append(
            Condition(
                "special_work",
                f"从事{name}需累计满 {years} 年，现有 {years_months(have)}，还差 {years_months(need - have)}",
                False,
                False,
            )
        )
    cond, _ = _retirement_contribution_condition(facts, birthday_at(facts, age))
    conds.append(cond)
    return _decide(
        5,
        "特殊工种提前退休",
        conds,
        ["《国务院关于工人退休、退职的暂行办法》（国发〔1978〕104号）", "《中华人民共和国社会保险法》第十六条", "晋人社厅发〔2020〕29号"],
        {"early_retirement_age": age, "required_special_work_years": years},
    )


def check_item6(facts: Facts) -> Verdict:
    """因病提前退休 (guide item 6, 国发〔1978〕104号)."""
    _need_birth(facts)
    sex = _need_sex(facts)
    age = R.EARLY_AGES["illness"][sex]
    conds = [_age_condition(facts, age, label="男" if sex == "male" else "女")]
    have = facts.continuous_service_months
    conds.append(
        Condition("continuous_service", f"连续工龄已满 10 年（现有 {years_months(have)}）", True)
        if have >= 120
        else Condition(
            "continuous_service",
            f"连续工龄需满 10 年，现有 {years_months(have)}，还差 {years_months(120 - have)}",
            False,
            False,
        )
    )
    conds.append(
        Condition("labour_capacity", "经劳动能力鉴定委员会确认完全丧失劳动能力（鉴定一至四级）", True)
        if facts.labour_capacity_lost
        else Condition(
            "labour_capacity", "需由医院证明并经劳动能力鉴定委员会确认完全丧失劳动能力（鉴定一至四级），尚未确认", False, False
        )
    )
    cond, _ = _retirement_contribution_condition(facts, birthday_at(facts, age))
    conds.append(cond)
    return _decide(
        6,
        "因病提前退休",
        conds,
        ["《国务院关于工人退休、退职的暂行办法》（国发〔1978〕104号）", "《中华人民共和国社会保险法》第十六条"],
        {"early_retirement_age": age},
    )


def check_item18(facts: Facts) -> Verdict:
    """城乡居民基本养老保险待遇领取 (guide item 18)."""
    conds = [
        Condition("enrolled", "已参加城乡居民基本养老保险" if facts.enrolled else "未参加城乡居民基本养老保险", facts.enrolled),
        _age_condition(facts, 60),
        _contribution_condition(facts, 15 * 12, what="城乡居民养老保险累计缴费"),
        Condition(
            "no_other_pension",
            "已领取国家规定的其他基本养老保险待遇，不能再领取城乡居民养老保险待遇"
            if facts.receiving_other_pension
            else "未领取国家规定的其他基本养老保险待遇",
            not facts.receiving_other_pension,
        ),
    ]
    return _decide(
        18,
        "城乡居民基本养老保险待遇领取",
        conds,
        ["《山西省人民政府关于建立统一的城乡居民基本养老保险制度的实施意见》（晋政发〔2014〕18号）"],
    )


def check_item19(facts: Facts) -> Verdict:
    """城乡居民补充养老保险待遇领取 (guide item 19)."""
    conds = [
        Condition("enrolled", "已参加城乡居民补充养老保险" if facts.enrolled else "未参加城乡居民补充养老保险", facts.enrolled),
        _age_condition(facts, 65),
        _contribution_condition(facts, 15 * 12, what="补充养老保险累计缴费"),
        Condition("basic_pension", "已享受本县城乡居民基本养老保险待遇", True)
        if facts.receiving_basic_resident_pension
        else Condition("basic_pension", "需已享受本县城乡居民基本养老保险待遇（可先办理第18项）", False, True),
    ]
    return _decide(
        19,
        "城乡居民补充养老保险待遇领取",
        conds,
        ["《山西省城乡居民补充养老保险条例》", "《山西省人民政府关于建立城乡居民补充养老保险制度的实施意见》（晋政发〔2020〕11号）"],
    )


def check_item20(facts: Facts) -> Verdict:
    """城乡居民被征地养老保险待遇领取 (guide item 20): paid from the month after turning 60."""
    _need_birth(facts)
    sixty = birthday_at(facts, 60)
    start = add_months(sixty.replace(day=1), 1)
    conds = [
        Condition(
            "enrolled",
            "已参加被征地农民社会养老保险" if facts.enrolled else "未参加被征地农民社会养老保险",
            facts.enrolled,
        ),
    ]
    if facts.as_of >= start:
        conds.append(Condition("age", f"已年满 60 周岁，自 {start.isoformat()}（满 60 周岁的次月）起按月领取", True))
    else:
        conds.append(
            Condition("age", f"{sixty.isoformat()} 年满 60 周岁，自次月 {start.isoformat()} 起按月领取", False, True, start)
        )
    if facts.requisition_date is not None and facts.requisition_date >= sixty:
        conds.append(
            Condition("fund", "征地时已满 60 周岁，被征地保险基金已足额到位", True)
            if facts.fund_paid_in
            else Condition("fund", "征地时已满 60 周岁，需待被征地保险基金足额到位后领取", False, True)
        )
    return _decide(
        20,
        "城乡居民被征地养老保险待遇领取",
        conds,
        ["晋政办发〔2007〕116号", "晋市政办〔2008〕116号", "晋市人社发〔2014〕82号"],
        {"payment_start": start.isoformat()},
    )


def check_item27(facts: Facts) -> Verdict:
    """机关事业单位社会保险在职账户一次性结算 (guide item 27): 当年死亡人员在7月1日以后办理."""
    if facts.death_date is None:
        raise EligibilityError("请提供死亡日期（death_date，YYYY-MM-DD）。")
    if facts.death_date > facts.as_of:
        raise EligibilityError("死亡日期不能晚于判断日期。")
    conds = [
        Condition(
            "enrolled",
            "已参加机关事业单位养老保险" if facts.enrolled else "未参加机关事业单位养老保险",
            facts.enrolled,
        ),
        Condition(
            "died_in_service",
            "参保人员在职死亡，由单位经办人申请" if facts.died_in_service else "本事项只适用于在职死亡的参保人员（退休人员死亡请办理遗属待遇）",
            facts.died_in_service,
        ),
    ]
    if facts.death_date.year == facts.as_of.year:
        opens = dt.date(facts.as_of.year, 7, 1)
        conds.append(
            Condition("timing", f"当年死亡人员在 7 月 1 日以后办理：{opens.isoformat()} 起可办理", True)
            if facts.as_of >= opens
            else Condition("timing", f"当年死亡人员须在 7 月 1 日以后办理，{opens.isoformat()} 起可办理", False, True, opens)
        )
    else:
        conds.append(Condition("timing", f"死亡日期 {facts.death_date.isoformat()} 为以前年度，不受 7 月 1 日的限制", True))
    return _decide(
        27,
        "机关事业单位在职账户一次性结算",
        conds,
        ["《国务院关于机关事业单位养老保险制度改革的决定》（国发〔2015〕2号）", "晋人社厅发〔2015〕94号"],
    )


def check_item37(facts: Facts) -> Verdict:
    """失业保险待遇 (《失业保险条例》第十四条 conditions, 第十七条 period)."""
    if facts.contribution_months is None:
        raise EligibilityError("请提供失业保险累计缴费年限（contribution_years）和/或月数（contribution_months）。")
    have = facts.contribution_months
    months = unemployment_benefit_months(have)
    conds = [
        Condition("enrolled", "已按规定参加失业保险" if facts.enrolled else "未参加失业保险", facts.enrolled),
        Condition("contribution", f"单位和本人已缴纳失业保险费满 1 年（现有 {years_months(have)}）", True)
        if have >= 12
        else Condition(
            "contribution",
            f"单位和本人缴纳失业保险费需满 1 年，现有 {years_months(have)}，还差 {years_months(12 - have)}缴费",
            False,
            False,
        ),
        Condition(
            "involuntary",
            "非因本人意愿中断就业" if facts.involuntary_unemployment else "因本人意愿中断就业（如主动辞职）的不能领取失业保险金",
            facts.involuntary_unemployment,
        ),
        Condition("registered", "已办理失业登记并有求职要求", True)
        if facts.registered_unemployed
        else Condition("registered", "需办理失业登记并有求职要求（可通过民生山西APP或 si.12333.gov.cn 办理）", False, True),
    ]
    barred = [c for c in conds if not c.met and not c.can_be_met_later]
    if not months:
        period = "缴费不满 1 年，不能领取失业保险金。"
    elif barred:
        # The period only matters once the person may claim at all: saying "最长可领取 12 个月"
        # under "不符合条件" reads as a promise.
        period = (f"目前不能领取失业保险金；如今后符合领取条件，按累计缴费 {years_months(have)} 计算，"
                  f"最长可领取 {months} 个月。")
    else:
        period = f"累计缴费 {years_months(have)}，最长可领取 {months} 个月失业保险金。"
    extra = {"benefit_months": months, "benefit_period_text": period}
    return _decide(37, "失业保险金领取", conds, ["《失业保险条例》第十四条、第十七条", "《失业保险金申领发放办法》"], extra)


#: item number → (title, check, facts it reads)
CHECKS: dict[int, tuple[str, Callable[[Facts], Verdict], tuple[str, ...]]] = {
    4: ("企业养老保险正常退休", check_item4, ("birth|id_number", "group", "contribution_years", "still_contributing", "enrolled")),
    5: ("特殊工种提前退休", check_item5, ("birth|id_number", "sex|group", "special_work_type", "special_work_years", "contribution_years")),
    6: ("因病提前退休", check_item6, ("birth|id_number", "sex|group", "continuous_service_years", "labour_capacity_lost", "contribution_years")),
    18: ("城乡居民基本养老保险待遇领取", check_item18, ("birth|id_number", "contribution_years", "receiving_other_pension", "enrolled")),
    19: ("城乡居民补充养老保险待遇领取", check_item19, ("birth|id_number", "contribution_years", "receiving_basic_resident_pension")),
    20: ("城乡居民被征地养老保险待遇领取", check_item20, ("birth|id_number", "requisition_date", "fund_paid_in", "enrolled")),
    27: ("机关事业单位在职账户一次性结算", check_item27, ("death_date", "died_in_service", "enrolled")),
    37: ("失业保险金领取", check_item37, ("contribution_years", "involuntary_unemployment", "registered_unemployed")),
}


def check(item_no: int, facts: Facts | Mapping, *, today: dt.date | None = None) -> Verdict:
    entry = CHECKS.get(item_no)
    if entry is None:
        supported = "、".join(str(n) for n in CHECKS)
        raise EligibilityError(f"事项 {item_no} 没有可自动判断的申请条件；支持的事项：{supported}。")
    try:
        if not isinstance(facts, Facts):
            facts = Facts.from_dict(facts, today=today)
        return entry[1](facts)
    except R.RetirementError as exc:
        raise EligibilityError(str(exc)) from None
