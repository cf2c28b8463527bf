"""Benefit estimates: formulas with numbers filled in, parameters labelled, never a decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.domain import benefits as B

AVG = B.Param("shanxi_average_monthly_wage", "计发基数", Decimal("7000"), dt.date(2026, 1, 1), "", False, "元/月")
MIN163 = B.Param("resident_basic_pension_national_min", "全国最低标准", Decimal("163"), dt.date(2026, 1, 1), "国发", True)
INCOME = B.Param("national_urban_disposable_income", "城镇居民人均可支配收入", Decimal("56502"), dt.date(2026, 1, 1), "统计公报", True)


@pytest.mark.parametrize(
    ("age", "months"),
    [(50, 195), (51, 190), (52, 185), (53, 180), (54, 175), (55, 170), (56, 164), (57, 158), (58, 152),
     (59, 145), (60, 139), (61, 132), (62, 125), (63, 117), (64, 109), (65, 101)],
)  # fmt: skip
def test_payout_months_table(age, months):
    assert B.payout_months(age) == (months, "")


def test_fractional_age_rounds_down_and_says_so():
    months, note = B.payout_months(60, 8)
    assert months == 139 and "按 60 周岁" in note


def test_enterprise_pension_formula():
    est = B.enterprise_pension(
        average_wage=AVG, contribution_years=30, account_balance=139000, retirement_age_years=60, contribution_index=1
    )
    # basic = (7000 + 7000) / 2 × 30 × 1% = 2100; personal = 139000 / 139 = 1000
    assert est.parts["basic"] == Decimal("2100")
    assert est.parts["personal_account"] == Decimal("1000")
    out = est.as_dict()
    assert out["total"] == "3100.00"
    assert "基础养老金 = (7000 + 7000.00) ÷ 2 × 30 × 1% = 2100.00 元/月" in out["formula"]
    assert out["estimated_params"] and any("估算参数" in n for n in out["notes"])
    assert "不是待遇核定决定" in out["disclaimer"] and out["is_estimate"]


def test_enterprise_pension_needs_a_wage_figure():
    with pytest.raises(B.BenefitError, match="指数化"):
        B.enterprise_pension(average_wage=AVG, contribution_years=30, account_balance=0, retirement_age_years=60)
    empty = B.Param("shanxi_average_monthly_wage", "计发基数", None)
    with pytest.raises(B.BenefitError, match="缺少参数"):
        B.enterprise_pension(average_wage=empty, contribution_years=30, account_balance=0, retirement_age_years=60,
                             indexed_wage=5000)  # fmt: skip


def test_resident_pension():
    est = B.resident_pension(national_basic=MIN163, account_balance=13900)
    out = est.as_dict()
    assert out["total"] == "263.00"  # 163 + 13900 / 139
    assert not out["estimated_params"]
    assert any("地方标准未经确认" in n for n in out["notes"])


@pytest.mark.parametrize(
    ("grade", "months", "rate"),
    [(1, 27, "0.90"), (2, 25, "0.85"), (3, 23, "0.80"), (4, 21, "0.75"), (5, 18, "0.70"), (6, 16, "0.60"),
     (7, 13, None), (8, 11, None), (9, 9, None), (10, 7, None)],
)  # fmt: skip
def test_work_injury_by_grade(grade, months, rate):
    est = B.work_injury_disability(grade=grade, monthly_wage=5000)
    assert est.parts["lump_sum"] == Decimal(5000 * months)
    if rate:
        assert est.parts["monthly_allowance"] == Decimal(5000) * Decimal(rate)
    else:
        assert "monthly_allowance" not in est.parts


def test_work_injury_bad_grade():
    with pytest.raises(B.BenefitError, match="伤残等级"):
        B.work_injury_disability(grade=11, monthly_wage=5000)


def test_work_death_lump_sum_2026():
    est = B.work_injury_death(disposable_income=INCOME)
    assert est.parts["death_lump_sum"] == Decimal("1130040")
    out = est.as_dict()
    assert "20 × 上年度全国城镇居民人均可支配收入 56502 = 1130040.00 元" in out["formula"][0]
    assert any("丧葬补助金" in n for n in out["notes"])


def test_work_death_dependants_capped_at_wage():
    est = B.work_injury_death(disposable_income=INCOME, deceased_wage=6000, spouse=1, other_dependants=3,
                              orphans_or_lone_elderly=1)  # fmt: skip
    # 0.4 + 0.3×3 + 0.1 = 1.4 × 6000 = 8400 > 6000 → 6000
    assert est.parts["dependants_monthly"] == Decimal(6000)
    assert "超过本人工资" in est.formula[1]


def test_unemployment_duration_and_amount():
    est = B.unemployment(contribution_months=72)
    assert est.parts["months"] == 18 and est.total is None
    mw = B.Param("shanxi_minimum_wage", "最低工资", Decimal("2000"))
    rate = B.Param("unemployment_benefit_rate", "比例", Decimal("0.9"))
    est = B.unemployment(contribution_months=72, minimum_wage=mw, benefit_rate=rate)
    assert est.total == Decimal("32400.0")
    assert est.as_dict()["estimated_params"]
