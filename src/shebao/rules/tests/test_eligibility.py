"""Eligibility checks for items 4, 5, 6, 18, 19, 20, 27 and 37 (table-driven)."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.domain import eligibility as E

D = dt.date
TODAY = D(2026, 11, 28)

CASES = [
    # (item, facts, verdict, eligible_on, fragment that must appear in some condition)
    (4, {"birth": "1965-01", "group": "male", "contribution_years": 20}, "eligible", None, "已达到法定退休年龄（2025-02"),
    (4, {"birth": "1971-04", "group": "female55", "contribution_years": 12, "contribution_months": 9},
     "not_yet", None, "还差 2 年 3 个月缴费"),
    (4, {"birth": "1971-04", "group": "female55", "contribution_years": 12, "contribution_months": 9,
         "still_contributing": True}, "not_yet", D(2029, 2, 28), "预计 2029-02-28 缴满"),
    (4, {"birth": "1974-10", "group": "female55", "contribution_years": 20}, "not_yet", D(2031, 1, 1), "2031-01 退休"),
    (4, {"birth": "1974-10", "group": "female55", "contribution_years": 15}, "not_yet", None, "需满 16 年"),
    (4, {"birth": "1965-01", "group": "male", "contribution_years": 20, "enrolled": False}, "not_eligible", None, "未参加"),
    (5, {"birth": "1971-03", "group": "male", "special_work_type": "underground", "special_work_years": 9,
         "contribution_years": 25}, "eligible", None, "井下作业累计已满 9 年"),
    (5, {"birth": "1971-03", "group": "male", "special_work_type": "heavy", "special_work_years": 9,
         "contribution_years": 25}, "not_eligible", None, "还差 1 年"),
    (5, {"birth": "1983-05-10", "sex": "female", "special_work_type": "harmful", "special_work_years": 8,
         "contribution_years": 20}, "not_yet", D(2028, 5, 10), "将于 2028-05-10 年满"),
    (6, {"birth": "1975-06", "group": "male", "continuous_service_years": 12, "labour_capacity_lost": True,
         "contribution_years": 16}, "eligible", None, "完全丧失劳动能力"),
    (6, {"birth": "1975-06", "group": "male", "continuous_service_years": 9, "labour_capacity_lost": True,
         "contribution_years": 16}, "not_eligible", None, "连续工龄需满 10 年"),
    (6, {"birth": "1975-06", "group": "male", "continuous_service_years": 12, "labour_capacity_lost": False,
         "contribution_years": 16}, "not_eligible", None, "尚未确认"),
    (18, {"id_number": "11010519491231002X", "contribution_years": 15}, "eligible", None, "已年满 60 周岁"),
    (18, {"birth": "1967-03-15", "contribution_years": 15}, "not_yet", D(2027, 3, 15), "将于 2027-03-15 年满"),
    (18, {"birth": "1960-03-15", "contribution_years": 15, "receiving_other_pension": True}, "not_eligible", None,
     "不能再领取"),
    (18, {"birth": "1960-03-15", "contribution_years": 13}, "not_yet", None, "还差 2 年缴费"),
    (19, {"birth": "1960-01-02", "contribution_years": 15, "receiving_basic_resident_pension": True}, "eligible", None,
     "年满 65"),
    (19, {"birth": "1962-01-02", "contribution_years": 15, "receiving_basic_resident_pension": True}, "not_yet",
     D(2027, 1, 2), "将于 2027-01-02 年满"),
    (19, {"birth": "1960-01-02", "contribution_years": 15}, "not_yet", None, "可先办理第18项"),
    (20, {"birth": "1966-08-15"}, "eligible", None, "2026-09-01"),
    (20, {"birth": "1967-02-15"}, "not_yet", D(2027, 3, 1), "自次月 2027-03-01 起"),
    (20, {"birth": "1950-02-15", "requisition_date": "2026-05-01", "fund_paid_in": False}, "not_yet", None, "足额到位"),
    (27, {"death_date": "2026-03-01", "as_of": "2026-03-10"}, "not_yet", D(2026, 7, 1), "7 月 1 日以后"),
    (27, {"death_date": "2026-03-01"}, "eligible", None, "2026-07-01 起可办理"),
    (27, {"death_date": "2025-12-01", "as_of": "2026-02-01"}, "eligible", None, "以前年度"),
    (27, {"death_date": "2026-03-01", "died_in_service": False}, "not_eligible", None, "在职死亡"),
    (37, {"contribution_years": 6}, "eligible", None, "满 1 年"),
    (37, {"contribution_months": 8}, "not_eligible", None, "还差 4 个月缴费"),
    (37, {"contribution_years": 3, "involuntary_unemployment": False}, "not_eligible", None, "本人意愿"),
    (37, {"contribution_years": 3, "registered_unemployed": False}, "not_yet", None, "失业登记"),
]  # fmt: skip


@pytest.mark.parametrize(("item", "facts", "verdict", "eligible_on", "fragment"), CASES)
def test_eligibility_table(item, facts, verdict, eligible_on, fragment):
    result = E.check(item, facts, today=TODAY)
    texts = " / ".join(c.text for c in result.conditions)
    assert result.verdict == verdict, texts
    assert result.eligible_on == eligible_on, texts
    assert fragment in texts
    data = result.as_dict()
    assert data["verdict_label"] and data["summary"]
    assert all(isinstance(c["met"], bool) for c in data["conditions"])


@pytest.mark.parametrize(
    ("months", "period"), [(0, 0), (11, 0), (12, 12), (59, 12), (60, 18), (119, 18), (120, 24), (400, 24)]
)
def test_unemployment_benefit_period(months, period):
    result = E.check(37, {"contribution_months": months}, today=TODAY)
    assert result.extra["benefit_months"] == period


@pytest.mark.parametrize(
    ("item", "facts", "message"),
    [
        (4, {"group": "male", "contribution_years": 15}, "出生年月"),
        (4, {"birth": "1971-13", "group": "male", "contribution_years": 15}, "月份 13 无效"),
        (4, {"birth": "1971-04", "group": "boss", "contribution_years": 15}, "人员类别"),
        (4, {"birth": "1971-04", "group": "male"}, "累计缴费年限"),
        (4, {"birth": "1971-04", "group": "male", "contribution_years": -1}, "不能为负数"),
        (4, {"birth": "1971-04", "group": "male", "sex": "female", "contribution_years": 15}, "不一致"),
        (5, {"birth": "1971-04", "group": "male", "special_work_type": "mining", "contribution_years": 15}, "特殊工种类型"),
        (18, {"id_number": "110105194912310021", "contribution_years": 15}, "校验码错误"),
        (18, {"birth": "2030-01-01", "contribution_years": 15}, "晚于判断日期"),
        (27, {}, "死亡日期"),
        (9, {}, "没有可自动判断"),
    ],
)
def test_bad_facts_in_chinese(item, facts, message):
    with pytest.raises(E.EligibilityError, match=message):
        E.check(item, facts, today=TODAY)


def test_id_number_gives_birth_and_sex():
    result = E.check(6, {"id_number": "11010519491231002X", "continuous_service_years": 30,
                         "labour_capacity_lost": True, "contribution_years": 30}, today=TODAY)  # fmt: skip
    assert result.verdict == "eligible"
    assert "女已年满 45 周岁（1994-12-31" in result.conditions[0].text


def test_min_contribution_rises_with_the_retirement_year():
    # retiring in 2031 (1974-10, female55) needs 16 years (办法 第三条)
    result = E.check(4, {"birth": "1974-10", "group": "female55", "contribution_years": 15.5}, today=TODAY)
    assert "还差 6 个月缴费" in result.conditions[-1].text
    assert result.extra["required_contribution_months"] == 192
