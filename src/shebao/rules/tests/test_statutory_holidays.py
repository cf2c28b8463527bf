"""Statutory holidays of art. 2 (《全国年节及纪念日放假办法》, 2025 text) and their use in provisional years."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shebao.domain.statutory_holidays import statutory_holidays
from shebao.domain.workdays import (
    CalendarError,
    WorkCalendar,
    add_working_days_explained,
    built_in_years,
    check_entered_schedule,
    make_year_schedule,
    missing_statutory_holidays,
)

D = dt.date
CAL = WorkCalendar()

# 2027: 除夕 is 腊月廿九 (the 12th lunar month of 2026 is short), so 春节 is Friday 2/5 – Monday 2/8.
STATUTORY_2027 = {
    D(2027, 1, 1): "新年",
    D(2027, 2, 5): "春节",
    D(2027, 2, 6): "春节",
    D(2027, 2, 7): "春节",
    D(2027, 2, 8): "春节",
    D(2027, 4, 5): "清明节",
    D(2027, 5, 1): "劳动节",
    D(2027, 5, 2): "劳动节",
    D(2027, 6, 9): "端午节",
    D(2027, 9, 15): "中秋节",
    D(2027, 10, 1): "国庆节",
    D(2027, 10, 2): "国庆节",
    D(2027, 10, 3): "国庆节",
}


def test_2027_statutory_days():
    assert statutory_holidays(2027) == STATUTORY_2027


def test_chunjie_first_day_2027_and_short_twelfth_month():
    from borax.calendars.lunardate import LunarDate

    assert LunarDate(2027, 1, 1).to_solar_date() == D(2027, 2, 6)
    assert LunarDate.from_solar_date(2027, 2, 5) == LunarDate(2026, 12, 29)


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_days_are_package_holidays(year):
    days = statutory_holidays(year)
    assert len(days) == 13
    for day, name in days.items():
        assert chinese_calendar.is_holiday(day) and not chinese_calendar.is_workday(day), (name, day)


def test_overlapping_festivals_share_one_date():
    # 2028: 中秋 is 10月3日, inside 国庆.
    days = statutory_holidays(2028)
    assert len(days) == 12 and "中秋节" in days[D(2028, 10, 3)] and "国庆节" in days[D(2028, 10, 3)]


def test_years_before_the_2025_text_get_nothing():
    assert statutory_holidays(2003) == {}


@pytest.mark.parametrize("day", sorted(STATUTORY_2027))
def test_provisional_year_rests_on_statutory_days(day):
    info = CAL.day_info(day)
    assert not info.working_day and info.provisional
    assert info.kind == "holiday"  # also on a weekend: the day is a festival, 补假 or not
    assert "法定节假日" in info.source and "补假" in info.source


@pytest.mark.parametrize("day", [D(2027, 1, 4), D(2027, 2, 9), D(2027, 10, 4), D(2027, 12, 31)])
def test_other_weekdays_of_a_provisional_year_are_provisional_working_days(day):
    # 2/9 and 10/4 may well become 补假 once the notice is out; until then they are working days.
    info = CAL.day_info(day)
    assert info.working_day and info.kind == "workday" and info.provisional


def test_weekends_of_a_provisional_year_rest():
    info = CAL.day_info(D(2027, 1, 9))
    assert not info.working_day and info.kind == "weekend" and info.provisional


def test_deadline_across_new_year_2027_skips_1_january():
    ans = add_working_days_explained(CAL, D(2026, 12, 30), 2)
    assert ans.due == D(2027, 1, 4) and ans.provisional
    assert "已扣除法定节假日" in ans.explanation and "补假、调休尚未计入" in ans.explanation


def test_far_years_get_statutory_days_too():
    assert not CAL.is_working_day(D(2099, 10, 1)) and CAL.is_provisional(D(2099, 10, 1))
    assert statutory_holidays(2050)[D(2050, 4, 4)] == "清明节"
    assert not CAL.is_working_day(D(2050, 4, 4))  # a Monday


def test_loaded_2027_wins_and_changes_are_exactly_the_differences():
    # A plausible notice: the art. 2 days, 补假 2/9 and 10/4, make-up Saturday 2/20.
    holidays = [*STATUTORY_2027, D(2027, 2, 9), D(2027, 10, 4)]
    sched = make_year_schedule(2027, holidays, [D(2027, 2, 20)], "测试通知")
    changes = CAL.changes_if_loaded(sched)
    assert [c.date for c in changes] == [D(2027, 2, 9), D(2027, 2, 20), D(2027, 10, 4)]
    cal = WorkCalendar({2027: sched})
    assert not cal.is_provisional(D(2027, 2, 9))
    assert not cal.is_working_day(D(2027, 2, 9)) and cal.is_working_day(D(2027, 2, 20))
    assert cal.source_for(2027) == "测试通知"
    # changes_if_loaded lists every date whose status differs, and nothing else
    days = [D(2027, 1, 1) + dt.timedelta(days=k) for k in range(365)]
    assert [d for d in days if CAL.is_working_day(d) != cal.is_working_day(d)] == [c.date for c in changes]


def test_known_years_are_untouched():
    # 2026 comes from chinesecalendar; 2026-04-05 (清明, Sunday) etc. are as the package says.
    for day, _ in statutory_holidays(2026).items():
        assert not CAL.day_info(day).provisional
    assert CAL.is_working_day(D(2026, 1, 4))  # Sunday make-up day of the notice, not art. 2


# -- entering a schedule: the statutory days of art. 2 must be rest days, built-in years are not replaced --


def test_built_in_years_are_the_package_years():
    assert built_in_years() == frozenset(range(2004, 2027))


@pytest.mark.parametrize("year", [2004, 2020, 2025, 2026])
def test_a_built_in_year_cannot_be_entered(year):
    # even a complete, correct copy: the package's data is the official one and stays in force
    official = WorkCalendar().schedule_for(year)
    sched = make_year_schedule(year, official.holidays, official.workdays, "手工录入")
    with pytest.raises(CalendarError, match=f"{year} 年的官方放假安排已内置于系统.*不能用手工录入的安排覆盖"):
        check_entered_schedule(sched)


def test_2027_with_only_new_year_names_every_missing_statutory_weekday():
    sched = make_year_schedule(2027, [D(2027, 1, 1)], [], "x")
    assert missing_statutory_holidays(sched) == {
        D(2027, 2, 5): "春节", D(2027, 2, 8): "春节", D(2027, 4, 5): "清明节",
        D(2027, 6, 9): "端午节", D(2027, 9, 15): "中秋节", D(2027, 10, 1): "国庆节",
    }  # fmt: skip
    with pytest.raises(CalendarError) as exc:
        check_entered_schedule(sched)
    msg = str(exc.value)
    assert "缺少以下 6 个法定节假日" in msg and "《全国年节及纪念日放假办法》" in msg and "第二条" in msg
    for day in ("2027-02-05（春节）", "2027-02-08（春节）", "2027-04-05（清明节）", "2027-06-09（端午节）",
                "2027-09-15（中秋节）", "2027-10-01（国庆节）"):
        assert day in msg


def test_a_statutory_weekend_day_may_go_unlisted_but_not_be_a_makeup_day():
    weekdays = [d for d in STATUTORY_2027 if d.weekday() < 5]
    assert check_entered_schedule(make_year_schedule(2027, weekdays, [], "x")).year == 2027
    sched = make_year_schedule(2027, weekdays, [D(2027, 2, 6), D(2027, 2, 20)], "x")
    assert missing_statutory_holidays(sched) == {D(2027, 2, 6): "春节"}
    with pytest.raises(CalendarError, match="2027-02-06（春节，已列为调休上班日）"):
        check_entered_schedule(sched)


def test_shared_date_is_named_after_both_festivals():
    # 2028: 中秋 is 10月3日, inside 国庆
    weekdays = [d for d in statutory_holidays(2028) if d.weekday() < 5 and d != D(2028, 10, 3)]
    with pytest.raises(CalendarError, match="2028-10-03（中秋节、国庆节）"):
        check_entered_schedule(make_year_schedule(2028, weekdays, [], "x"))


@pytest.mark.parametrize("year", [2027, 2028, 2031, 2040, 2099])
def test_a_schedule_built_from_art_2_is_accepted(year):
    sched = make_year_schedule(year, statutory_holidays(year), [], "x")
    assert check_entered_schedule(sched) is sched and missing_statutory_holidays(sched) == {}


def test_years_before_the_2025_text_are_not_checked_against_it():
    # 2000–2003 are not built in and the older texts of art. 2 are not tabulated: only the shape is checked
    assert statutory_holidays(2003) == {}
    sched = make_year_schedule(2003, [D(2003, 1, 1)], [], "x")
    assert check_entered_schedule(sched) is sched
