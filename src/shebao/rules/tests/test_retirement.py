"""Retirement age after the 2024 reform: every vector of rules.md §1, plus the rule itself."""

from __future__ import annotations

import pytest

from shebao.domain import retirement as R

# rules.md §1 test vectors: (birth, group, retirement month, age years, age months)
VECTORS = [
    ("1965-01", "male", "2025-02", 60, 1),
    ("1965-12", "male", "2026-03", 60, 3),
    ("1964-02", "male", "2024-02", 60, 0),
    ("1967-05", "male", "2028-01", 60, 8),
    ("1976-09", "male", "2039-09", 63, 0),
    ("1995-12", "male", "2058-12", 63, 0),
    ("1971-04", "female55", "2026-08", 55, 4),
    ("1974-10", "female55", "2031-01", 56, 3),
    ("1963-04", "female55", "2018-04", 55, 0),
    ("1975-01", "female50", "2025-02", 50, 1),
    ("1984-11", "female50", "2039-11", 55, 0),
    ("1995-12", "female50", "2050-12", 55, 0),
]


@pytest.mark.parametrize(("birth", "group", "month", "years", "months"), VECTORS)
def test_reform_table_vectors(birth, group, month, years, months):
    ans = R.retirement(birth, group)
    assert (ans.retirement_month, ans.age_years, ans.age_months) == (month, years, months)
    assert ans.delay_months == (years - ans.original_age) * 12 + months


@pytest.mark.parametrize(
    ("year", "minimum"),
    [(2025, 15), (2029, 15), (2030, 15.5), (2031, 16), (2035, 18), (2038, 19.5), (2039, 20), (2050, 20)],
)
def test_min_contribution_years(year, minimum):
    assert R.min_contribution_years(year) == minimum


def test_first_and_last_delayed_cohorts():
    # men: delay starts with births in 1965-01 and reaches 36 months for births from 1976-09
    assert R.retirement("1964-12", "male").delay_months == 0
    assert R.retirement("1976-08", "male").delay_months == 35
    assert R.retirement("1976-09", "male").delay_months == 36
    # women originally 50: +1 month per 2 birth months, capped at 60
    assert R.retirement("1975-02", "female50").delay_months == 1
    assert R.retirement("1975-03", "female50").delay_months == 2
    assert R.retirement("1984-12", "female50").delay_months == 60


def test_every_birth_month_follows_the_rule():
    for group, g in R.GROUPS.items():
        prev = None
        for year in range(1960, 2000):
            for month in range(1, 13):
                ans = R.retirement((year, month), group)
                assert 0 <= ans.delay_months <= g.max_delay_months
                if prev is not None:  # the retirement month never goes backwards
                    assert ans.retirement_month >= prev
                prev = ans.retirement_month


def test_elastic_window():
    ans = R.retirement("1971-04", "female55")  # 2026-08; original 2026-04
    assert (ans.earliest_month, ans.latest_month) == ("2026-04", "2029-08")
    ans = R.retirement("1995-12", "male")  # 2058-12; 36 months earlier is the original 2055-12
    assert (ans.earliest_month, ans.latest_month) == ("2055-12", "2061-12")
    ans = R.retirement("1963-04", "female55")  # before the reform: no elastic window
    assert not ans.elastic and ans.earliest_month == ans.latest_month == "2018-04"


@pytest.mark.parametrize(
    ("birth", "group", "message"),
    [
        ("1971-13", "male", "月份 13 无效"),
        ("1971-00", "male", "月份 0 无效"),
        ("71-04", "male", "格式不正确"),
        ("", "male", "格式不正确"),
        ("1971-04", "female", "人员类别"),
        ("1971-04", "boss", "人员类别"),
    ],
)
def test_bad_input_in_chinese(birth, group, message):
    with pytest.raises(R.RetirementError, match=message):
        R.retirement(birth, group)


def test_group_aliases():
    assert R.get_group("男").code == "male"
    assert R.get_group("W55").code == "female55"
    assert R.get_group("女工人").code == "female50"


def test_early_ages():
    assert R.early_retirement_age("special_work", "male") == 55
    assert R.early_retirement_age("special_work", "female50") == 45
    assert R.early_retirement_age("illness", "male") == 50
    assert R.early_retirement_age("illness", "female55") == 45
