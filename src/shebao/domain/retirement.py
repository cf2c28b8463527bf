"""Statutory retirement age after the 2024 reform, minimum contribution years, elastic window,
and the early-retirement ages of 国发〔1978〕104号.

Sources
-------
* 全国人民代表大会常务委员会《关于实施渐进式延迟法定退休年龄的决定》(2024-09-13, in force
  2025-01-01) and its 《国务院关于渐进式延迟法定退休年龄的办法》 with attachments 1–3 (the
  per-birth-month tables). The tables are reproduced by :func:`retirement` from :data:`GROUPS`:
  with original age ``a``, ``n = (birth_year + a − 2025) × 12 + birth_month``;
  ``delay = 0 if n ≤ 0 else min(ceil(n / step), max_delay)``; retirement month = birth month +
  ``a`` years + ``delay`` months.
* 办法 第三条: from 2030-01-01 the minimum contribution for a monthly pension rises from 15 years by
  6 months a year to 20 years (:func:`min_contribution_years`).
* 办法 第四条 (弹性退休): with the minimum contribution met, retire up to 3 years before the new age
  but never below the original age; or up to 3 years later by agreement with the employer.
* 《国务院关于工人退休、退职的暂行办法》(国发〔1978〕104号) art. 1 (2)(3), as the guide's items 5 and 6
  state them: special work types men 55 / women 45; illness with complete loss of labour capacity
  men 50 / women 45. Not raised by the 2024 reform as far as confirmed (rules.md §1).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import asdict, dataclass

REFORM_BASIS = "《国务院关于渐进式延迟法定退休年龄的办法》（2024年，附件1–3）"
REFORM_START = (2025, 1)


class RetirementError(ValueError):
    """Bad input (unknown group, month 13 …); the message is in Chinese."""


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    sex: str  # "male" | "female"
    original_age: int
    step_months: int  # one month of delay per this many birth months
    max_delay_months: int
    table: str


#: The three groups of the reform, by *original* statutory age (not by job title).
GROUPS: dict[str, Group] = {
    "male": Group("male", "男职工（原法定退休年龄60周岁）", "male", 60, 4, 36, "附件1"),
    "female55": Group("female55", "原法定退休年龄55周岁的女职工（管理、技术岗位）", "female", 55, 4, 36, "附件2"),
    "female50": Group("female50", "原法定退休年龄50周岁的女职工（生产、工人岗位）", "female", 50, 2, 60, "附件3"),
}

GROUP_ALIASES = {
    "m": "male", "man": "male", "男": "male", "男职工": "male",
    "w55": "female55", "f55": "female55", "女55": "female55", "女干部": "female55",
    "w50": "female50", "f50": "female50", "女50": "female50", "女工人": "female50",
}  # fmt: skip


def get_group(code: str) -> Group:
    key = (code or "").strip()
    key = GROUP_ALIASES.get(key.lower(), GROUP_ALIASES.get(key, key.lower()))
    group = GROUPS.get(key)
    if group is None:
        raise RetirementError(
            f"人员类别“{code}”无效，应为 male（男职工）、female55（原55周岁退休的女职工）"
            "或 female50（原50周岁退休的女职工）。"
        )
    return group


_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def parse_year_month(value: str, *, what: str = "出生年月") -> tuple[int, int]:
    """``YYYY-MM`` (a trailing ``-DD`` is accepted and ignored) → (year, month), Chinese errors."""
    m = _MONTH_RE.match(value or "")
    if not m:
        raise RetirementError(f"{what}“{value}”格式不正确，应为 YYYY-MM，例如 1971-04。")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise RetirementError(f"{what}“{value}”中的月份 {month} 无效，月份应在 1 到 12 之间。")
    if not 1900 <= year <= 2100:
        raise RetirementError(f"{what}“{value}”中的年份 {year} 超出可计算范围（1900–2100）。")
    if m.group(3):
        try:
            dt.date(year, month, int(m.group(3)))
        except ValueError:
            raise RetirementError(f"{what}“{value}”不是有效日期。") from None
    return year, month


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + months
    return idx // 12, idx % 12 + 1


def ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def months_between(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Whole months from month ``a`` to month ``b``."""
    return (b[0] * 12 + b[1]) - (a[0] * 12 + a[1])


def min_contribution_years(retirement_year: int) -> float:
    """办法 第三条: 15 years until 2029; from 2030 +0.5 a year; 20 years from 2039."""
    if retirement_year <= 2029:
        return 15.0
    return min(15.0 + 0.5 * (retirement_year - 2029), 20.0)


def min_contribution_months(retirement_year: int) -> int:
    return round(min_contribution_years(retirement_year) * 12)


@dataclass(frozen=True)
class RetirementAnswer:
    birth_month: str
    group: str
    group_label: str
    original_age: int
    retirement_month: str
    age_years: int
    age_months: int
    delay_months: int
    min_contribution_years: float
    earliest_month: str
    latest_month: str
    elastic: bool
    explanation: str
    basis: str

    def as_dict(self) -> dict:
        return asdict(self)


def retirement(birth: str | tuple[int, int], group: str) -> RetirementAnswer:
    """The statutory retirement month, age and elastic window for one birth month and group."""
    by, bm = parse_year_month(birth) if isinstance(birth, str) else birth
    if not 1 <= bm <= 12:
        raise RetirementError(f"出生月份 {bm} 无效，月份应在 1 到 12 之间。")
    g = get_group(group)
    a = g.original_age
    n = (by + a - 2025) * 12 + bm
    delay = 0 if n <= 0 else min(math.ceil(n / g.step_months), g.max_delay_months)
    original = (by + a, bm)
    ry, rm = add_months(*original, delay)
    age_total = a * 12 + delay
    min_years = min_contribution_years(ry)
    elastic = (ry, rm) >= REFORM_START
    if elastic:
        earliest = max(add_months(ry, rm, -36), original)
        latest = add_months(ry, rm, 36)
    else:
        earliest = latest = (ry, rm)
    parts = [
        f"{g.label}，出生于 {ym(by, bm)}，原法定退休年龄 {a} 周岁（{ym(*original)}）。",
    ]
    if n <= 0:
        parts.append("按《办法》该出生月份不延迟，仍按原年龄退休。")
    else:
        capped = "（已达上限）" if delay == g.max_delay_months else ""
        parts.append(
            f"按{REFORM_BASIS}{g.table}：自 2025 年 1 月起每 {g.step_months} 个月延迟 1 个月，"
            f"该出生月份延迟 {delay} 个月{capped}。"
        )
    parts.append(f"改革后法定退休时间为 {ym(ry, rm)}，退休年龄 {age_total // 12} 岁 {age_total % 12} 个月。")
    parts.append(f"{ry} 年退休的最低缴费年限为 {_fmt_years(min_years)} 年。")
    if elastic:
        parts.append(
            f"弹性退休：缴费满最低年限的，最早可于 {ym(*earliest)} 退休（提前不超过 3 年且不低于原法定退休年龄），"
            f"经与单位协商一致最晚可延至 {ym(*latest)}。"
        )
    else:
        parts.append("退休时间早于 2025 年 1 月，不适用弹性退休。")
    return RetirementAnswer(
        birth_month=ym(by, bm),
        group=g.code,
        group_label=g.label,
        original_age=a,
        retirement_month=ym(ry, rm),
        age_years=age_total // 12,
        age_months=age_total % 12,
        delay_months=delay,
        min_contribution_years=min_years,
        earliest_month=ym(*earliest),
        latest_month=ym(*latest),
        elastic=elastic,
        explanation="".join(parts),
        basis=REFORM_BASIS,
    )


def _fmt_years(years: float) -> str:
    return str(int(years)) if float(years).is_integer() else f"{years:g}"


# --------------------------------------------------------------------------------------------
# Early retirement (国发〔1978〕104号, guide items 5 and 6)
# --------------------------------------------------------------------------------------------

EARLY_BASIS = "《国务院关于工人退休、退职的暂行办法》（国发〔1978〕104号）"

#: Item 5: 特殊工种 — minimum cumulative years in the work type (the guide's (1)(2)(3)).
SPECIAL_WORK_TYPES: dict[str, tuple[str, int]] = {
    "high_altitude": ("高空作业", 10),
    "heavy": ("特别繁重体力劳动", 10),
    "underground": ("井下作业", 9),
    "high_temperature": ("高温作业", 9),
    "harmful": ("其他有害身体健康工作", 8),
}

#: Ages (years) of the two early-retirement routes, by sex.
EARLY_AGES: dict[str, dict[str, int]] = {
    "special_work": {"male": 55, "female": 45},
    "illness": {"male": 50, "female": 45},
}


def early_retirement_age(route: str, group: str) -> int:
    if route not in EARLY_AGES:
        raise RetirementError(f"提前退休类型“{route}”无效，应为 special_work（特殊工种）或 illness（因病）。")
    return EARLY_AGES[route][get_group(group).sex]
