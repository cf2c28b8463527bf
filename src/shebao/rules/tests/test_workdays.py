"""The working-day calendar: official 2026 data, overrides, provisional years, invariants."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shebao.domain.workdays import (
    TABLE_END,
    CalendarError,
    WorkCalendar,
    add_working_days_explained,
    make_year_schedule,
    naive_add_working_days,
)

D = dt.date
CAL = WorkCalendar()

# State Council notice of 2025-11-04 (rules.md §3): holidays and make-up working days of 2026.
HOLIDAYS_2026 = [
    ("元旦", D(2026, 1, 1), D(2026, 1, 3)),
    ("春节", D(2026, 2, 15), D(2026, 2, 23)),
    ("清明节", D(2026, 4, 4), D(2026, 4, 6)),
    ("劳动节", D(2026, 5, 1), D(2026, 5, 5)),
    ("端午节", D(2026, 6, 19), D(2026, 6, 21)),
    ("中秋节", D(2026, 9, 25), D(2026, 9, 27)),
    ("国庆节", D(2026, 10, 1), D(2026, 10, 7)),
]
MAKEUP_2026 = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]


def _days(a: dt.date, b: dt.date):
    return [a + dt.timedelta(days=k) for k in range((b - a).days + 1)]


@pytest.mark.parametrize(("name", "first", "last"), HOLIDAYS_2026)
def test_2026_holidays_are_rest_days(name, first, last):
    for day in _days(first, last):
        info = CAL.day_info(day)
        assert not info.working_day, f"{name} {day}"
        assert not info.provisional
    # the working days around each holiday are really working days (unless a weekend)
    before, after = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    for day in (before, after):
        assert CAL.is_working_day(day) == (day.weekday() < 5 or day in MAKEUP_2026)


@pytest.mark.parametrize("day", MAKEUP_2026)
def test_2026_makeup_days_are_working_days(day):
    assert day.weekday() >= 5
    info = CAL.day_info(day)
    assert info.working_day and info.kind == "makeup_workday"


def test_2026_has_exactly_the_notice_days():
    holidays = {d for _, a, b in HOLIDAYS_2026 for d in _days(a, b)}
    sched = CAL.schedule_for(2026)
    assert set(sched.holidays) == holidays
    assert set(sched.workdays) == set(MAKEUP_2026)


def test_matches_chinesecalendar_on_every_day_2004_2026():
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_package_raises_outside_its_range_and_we_go_provisional():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))
    assert CAL.is_provisional(D(2027, 1, 1))
    assert not CAL.is_working_day(D(2027, 1, 1))  # Friday, but 新年 is fixed by law
    assert not CAL.is_working_day(D(2027, 1, 2))  # Saturday
    assert CAL.is_working_day(D(2027, 1, 4))  # Monday
    assert CAL.day_info(D(2027, 1, 1)).source.startswith("暂定")


# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 9, 28), 20, D(2026, 10, 30)),  # 中秋 is before, 国庆 7 days + 10/10 make-up inside
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),  # Saturday make-up day counts
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday make-up day before 春节
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # 春节 2/15–2/23
        (D(2026, 4, 3), 1, D(2026, 4, 7)),  # 清明 4/4–4/6
        (D(2026, 5, 8), 1, D(2026, 5, 9)),  # Saturday 5/9 make-up
        (D(2026, 4, 30), 3, D(2026, 5, 8)),  # 劳动节 5/1–5/5
        (D(2026, 6, 18), 1, D(2026, 6, 22)),  # 端午
        (D(2026, 10, 3), 0, D(2026, 10, 8)),  # same-day rule on a holiday
        (D(2026, 10, 8), 0, D(2026, 10, 8)),
        (D(2025, 12, 31), 1, D(2026, 1, 4)),  # 元旦 1/1–1/3, Sunday 1/4 make-up
    ],
)
def test_add_working_days_table(start, days, due):
    assert CAL.add_working_days(start, days) == due
    assert naive_add_working_days(CAL, start, days) == due
    if days:
        assert CAL.working_days_between(start, due) == days


def test_provisional_flag_and_explanation():
    ans = add_working_days_explained(CAL, D(2026, 12, 20), 20)
    assert ans.provisional and ans.provisional_years == (2027,)
    assert "暂定" in ans.explanation and "2027 年" in ans.explanation
    ans = add_working_days_explained(CAL, D(2026, 12, 1), 5)
    assert not ans.provisional


def test_loaded_schedule_overrides_and_removes_provisional():
    sched = make_year_schedule(2027, [D(2027, 1, 1), "2027-02-08"], ["2027-02-06"], "测试通知")
    cal = WorkCalendar({2027: sched})
    assert not cal.is_provisional(D(2027, 3, 1))
    assert not cal.is_working_day(D(2027, 1, 1))
    assert cal.is_working_day(D(2027, 2, 6))  # Saturday make-up
    assert cal.day_info(D(2027, 2, 8)).kind == "holiday"
    assert cal.source_for(2027) == "测试通知"
    # The loaded year replaces the provisional one entirely, statutory days it omits included.
    assert cal.is_working_day(D(2027, 2, 5)) and cal.is_working_day(D(2027, 10, 1))
    changes = CAL.changes_if_loaded(sched)
    # 1/1 and 2/8 were already rest days (art. 2); the unlisted art. 2 weekdays become working days.
    assert [c.date for c in changes] == [
        D(2027, 2, 5), D(2027, 2, 6), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15), D(2027, 10, 1)
    ]  # fmt: skip


def test_loaded_schedule_replaces_package_year():
    # Reading: a stored 2026 replaces chinesecalendar's 2026 entirely (entering one is refused by
    # check_entered_schedule, see test_statutory_holidays; rows stored before that still apply).
    cal = WorkCalendar({2026: {"holidays": ["2026-01-01"], "workdays": [], "source": "更正"}})
    assert cal.is_working_day(D(2026, 10, 1))
    assert not cal.is_working_day(D(2026, 1, 1))
    assert cal.loaded_years == {2026}


@pytest.mark.parametrize(
    ("holidays", "workdays", "message"),
    [
        (["2028-01-01"], [], "不在 2027 年内"),
        (["2027-01-01"], ["2027-01-01"], "同时列为"),
        (["2027-01-01"], ["2027-01-04"], "周六或周日"),
        ([], [], "放假日期为空"),
        (["2027-02-30"], [], "不是有效日期"),
    ],
)
def test_bad_schedules_are_refused_in_chinese(holidays, workdays, message):
    with pytest.raises(CalendarError, match=message):
        make_year_schedule(2027, holidays, workdays, "x")


def test_out_of_range_is_a_calendar_error():
    with pytest.raises(CalendarError, match="超出"):
        CAL.add_working_days(D(1999, 1, 1), 1)
    with pytest.raises(CalendarError, match="超出"):
        CAL.add_working_days(TABLE_END - dt.timedelta(days=3), 30)


def test_previous_and_next_working_day():
    assert CAL.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert CAL.previous_working_day(D(2026, 10, 7)) == D(2026, 9, 30)
    assert CAL.previous_working_day(D(2026, 4, 15), include_self=False) == D(2026, 4, 14)
    assert CAL.next_working_day(D(2026, 10, 8), include_self=False) == D(2026, 10, 9)


def test_negative_days_count_backwards():
    assert CAL.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert CAL.working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1


# ------------------------------------------------------------------------------------------------
# Properties

dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31))
counts = st.integers(min_value=0, max_value=600)


@settings(max_examples=300, deadline=None)
@given(start=dates, n=counts)
def test_adding_then_counting_returns_n(start, n):
    due = CAL.add_working_days(start, n)
    if n == 0:
        assert due >= start and CAL.working_days_between(start, due) in (0, 1)
    else:
        assert CAL.working_days_between(start, due) == n


@settings(max_examples=300, deadline=None)
@given(start=dates, n=counts)
def test_results_are_working_days(start, n):
    due = CAL.add_working_days(start, n)
    assert CAL.is_working_day(due)
    assert due > start or (n == 0 and due == start)


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=599))
def test_monotonic_in_days(start, n):
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)
    # the same-day rule (n = 0) never lands after the first working day
    assert CAL.add_working_days(start, 0) <= CAL.add_working_days(start, 1)


@settings(max_examples=300, deadline=None)
@given(a=dates, b=dates, n=st.integers(min_value=1, max_value=300))
def test_monotonic_in_start(a, b, n):
    lo, hi = min(a, b), max(a, b)
    assert CAL.add_working_days(lo, n) <= CAL.add_working_days(hi, n)


@settings(max_examples=150, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=120))
def test_matches_naive_day_loop(start, n):
    assert CAL.add_working_days(start, n) == naive_add_working_days(CAL, start, n)


@settings(max_examples=200, deadline=None)
@given(a=dates, b=dates)
def test_between_is_antisymmetric_and_counts_days(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    if a <= b and (b - a).days < 90:
        expected = sum(1 for d in _days(a + dt.timedelta(days=1), b) if CAL.is_working_day(d)) if a < b else 0
        assert CAL.working_days_between(a, b) == expected


@st.composite
def year_schedules(draw):
    """A random but valid 2027 schedule: some weekday holidays, some weekend make-up days."""
    days = [D(2027, 1, 1) + dt.timedelta(days=k) for k in range(365)]
    weekdays = [d for d in days if d.weekday() < 5]
    weekends = [d for d in days if d.weekday() >= 5]
    hol = draw(st.lists(st.sampled_from(weekdays), min_size=1, max_size=30, unique=True))
    work = draw(st.lists(st.sampled_from(weekends), max_size=8, unique=True))
    return make_year_schedule(2027, hol, work, "随机")


@settings(max_examples=60, deadline=None)
@given(sched=year_schedules(), start=st.dates(min_value=D(2026, 10, 1), max_value=D(2027, 12, 31)),
       n=st.integers(min_value=1, max_value=200))  # fmt: skip
def test_invariants_hold_with_a_loaded_year(sched, start, n):
    cal = WorkCalendar({2027: sched})
    due = cal.add_working_days(start, n)
    assert cal.is_working_day(due)
    assert cal.working_days_between(start, due) == n
    assert due == naive_add_working_days(cal, start, n)
    for d in sched.holidays:
        assert not cal.is_working_day(d)
    for d in sched.workdays:
        assert cal.is_working_day(d)
