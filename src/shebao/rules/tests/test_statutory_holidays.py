"""Statutory holidays of art. 2 (《全国年节及纪念日放假办法》, 2025 text) and their use in provisional years."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shebao.domain.statutory_holidays import statutory_holidays
from shebao.domain.workdays import WorkCalendar, add_working_days_explained, make_year_schedule

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
