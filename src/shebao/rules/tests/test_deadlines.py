"""Due dates of the catalog's limit kinds and of the guide's calendar windows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from shebao.domain import deadlines as DL
from shebao.domain.workdays import WorkCalendar, make_year_schedule

D = dt.date
CAL = WorkCalendar()
BJ = DL.LOCAL_TZ

SAME_DAY = {"label": "承诺时限", "text": "即办", "kind": "same_day"}
WD20 = {"label": "法定时限", "text": "20 个工作日", "kind": "working_days", "days": 20}
WD10 = {"label": "法定时限", "text": "10个工作日", "kind": "working_days", "days": 10}
MONTHLY = {"label": "承诺时限", "text": "每月25日前（节假日顺延）", "kind": "monthly_cutoff", "day_of_month": 25, "holiday_deferral": True}
MONTHLY_NO_DEFER = {**MONTHLY, "text": "每月 25 日前", "holiday_deferral": False}
NONE = {"label": "法定时限", "text": "无", "kind": "none"}
ON_COMPLETE = {"label": "办理时限", "text": "材料齐全及时受理", "kind": "on_complete"}


@pytest.mark.parametrize(
    ("limit", "received", "due", "fragment"),
    [
        (SAME_DAY, D(2026, 9, 28), D(2026, 9, 28), "当日办结"),
        (SAME_DAY, D(2026, 10, 3), D(2026, 10, 8), "法定节假日"),  # 国庆 → next working day
        (SAME_DAY, D(2026, 11, 28), D(2026, 11, 30), "周休息日"),  # Saturday
        (SAME_DAY, D(2026, 10, 10), D(2026, 10, 10), "当日办结"),  # Saturday make-up day
        (WD20, D(2026, 9, 28), D(2026, 10, 30), "当日不计入"),
        (WD20, D(2026, 10, 3), D(2026, 11, 3), "从其后第一个工作日起计为第 1 个工作日"),
        (WD10, D(2026, 2, 10), D(2026, 3, 2), "10 个工作日"),  # across 春节 and two make-up Saturdays
        (MONTHLY, D(2026, 4, 20), D(2026, 4, 27), "顺延至下一个工作日 2026-04-27"),  # 25th is a Saturday
        (MONTHLY, D(2026, 4, 26), D(2026, 4, 27), "晚于本月 2026-04-25，但本月截止日顺延至 2026-04-27"),
        (MONTHLY, D(2026, 9, 26), D(2026, 9, 28), "晚于本月 2026-09-25，但本月截止日顺延至 2026-09-28"),  # 中秋
        (MONTHLY, D(2026, 4, 28), D(2026, 5, 25), "下月"),
        (MONTHLY, D(2026, 3, 25), D(2026, 3, 25), "本月"),
        (MONTHLY_NO_DEFER, D(2026, 4, 20), D(2026, 4, 25), "未写“节假日顺延”"),
        (MONTHLY_NO_DEFER, D(2026, 4, 26), D(2026, 5, 25), "下月"),
        (NONE, D(2026, 9, 28), None, "无时限"),
        (ON_COMPLETE, D(2026, 9, 28), None, "材料齐全"),
    ],
)
def test_limit_kinds(limit, received, due, fragment):
    ans = DL.due_date(CAL, limit, received)
    assert ans.due == due
    assert fragment in ans.explanation
    assert not ans.provisional
    assert ans.text == limit["text"] and ans.kind == limit["kind"]


def test_receipt_moment_is_taken_in_beijing_time():
    # 2026-09-30 17:30 UTC is 2026-10-01 01:30 in Beijing: a holiday.
    moment = dt.datetime(2026, 9, 30, 17, 30, tzinfo=dt.UTC)
    assert DL.due_date(CAL, SAME_DAY, moment).due == D(2026, 10, 8)
    assert DL.due_date(CAL, SAME_DAY, dt.datetime(2026, 9, 30, 9, 0, tzinfo=BJ)).due == D(2026, 9, 30)


def test_beyond_known_calendar_is_provisional_until_loaded():
    ans = DL.due_date(CAL, WD20, D(2026, 12, 20))
    assert ans.provisional and ans.provisional_years == (2027,)
    assert "暂定" in ans.explanation
    loaded = WorkCalendar({2027: make_year_schedule(2027, ["2027-01-01", "2027-01-04"], [], "测试")})
    again = DL.due_date(loaded, WD20, D(2026, 12, 20))
    assert not again.provisional
    # 1/1 is a rest day either way (art. 2); the loaded 1/4 is one more → one day later
    assert (ans.due, again.due) == (D(2027, 1, 18), D(2027, 1, 19))


def test_monthly_cutoff_without_deferral_is_never_provisional():
    assert not DL.due_date(CAL, MONTHLY_NO_DEFER, D(2027, 3, 1)).provisional
    assert DL.due_date(CAL, MONTHLY, D(2027, 3, 1)).provisional


def test_monthly_cutoff_clamps_to_month_end():
    limit = {**MONTHLY, "day_of_month": 31}
    assert DL.due_date(CAL, limit, D(2026, 6, 2)).due == D(2026, 6, 30)


def test_unknown_kind_and_missing_days_are_refused():
    with pytest.raises(DL.DeadlineError, match="未知的时限类型"):
        DL.due_date(CAL, {"kind": "weekly"}, D(2026, 1, 5))
    with pytest.raises(DL.DeadlineError, match="工作日数"):
        DL.due_date(CAL, {"kind": "working_days"}, D(2026, 1, 5))
    assert DL.due_date(CAL, None, D(2026, 1, 5)) is None


# ---------------------------------------------------------------------------------------------
# Calendar windows (items 5, 25, 27, 29)

QUARTERLY = {"kind": "quarterly_cutoff", "text": "每季度的 15 号之前报送晋城市人社行政部门审批", "day": 15}
YEARLY = {"kind": "yearly_window", "text": "每年1月1日至4月30日期间申报", "start": "01-01", "end": "04-30"}
JULY = {"kind": "not_before_in_year", "text": "当年死亡人员在7月1日以后办理", "start": "07-01"}
CYCLE = {"kind": "certification_cycle", "text": "每年认证一次, 认证周期为12个月", "months": 12}


@pytest.mark.parametrize(
    ("received", "date", "quarter"),
    [
        (D(2026, 3, 20), D(2026, 4, 14), "2026Q2"),
        (D(2026, 4, 14), D(2026, 4, 14), "2026Q2"),
        (D(2026, 4, 15), D(2026, 7, 14), "2026Q3"),
        (D(2026, 10, 1), D(2026, 10, 14), "2026Q4"),
        (D(2026, 1, 10), D(2026, 1, 14), "2026Q1"),
        (D(2026, 11, 2), D(2027, 1, 14), "2027Q1"),  # provisional year
    ],
)
def test_quarterly_cutoff(received, date, quarter):
    ans = DL.schedule_answer(CAL, QUARTERLY, received)
    assert ans.date == date and ans.extra["quarter"] == quarter
    assert CAL.is_working_day(ans.date)
    assert ans.provisional == (date.year == 2027)


def test_quarterly_cutoff_moves_before_a_rest_day():
    # 2027-01-14 would be a Thursday; if an administrator declares it a holiday, the batch goes a day earlier.
    cal = WorkCalendar({2027: make_year_schedule(2027, ["2027-01-14"], [], "测试")})
    assert DL.schedule_answer(cal, QUARTERLY, D(2026, 11, 2)).date == D(2027, 1, 13)


@pytest.mark.parametrize(
    ("received", "status", "start", "end"),
    [
        (D(2026, 3, 1), "open", D(2026, 1, 1), D(2026, 4, 30)),
        (D(2026, 4, 30), "open", D(2026, 1, 1), D(2026, 4, 30)),
        (D(2026, 5, 1), "closed", D(2027, 1, 1), D(2027, 4, 30)),
    ],
)
def test_yearly_window(received, status, start, end):
    ans = DL.schedule_answer(CAL, YEARLY, received)
    assert (ans.status, ans.window_start, ans.window_end) == (status, start, end)


@pytest.mark.parametrize(
    ("received", "death", "status", "earliest"),
    [
        (D(2026, 3, 10), D(2026, 2, 1), "not_yet_open", D(2026, 7, 1)),
        (D(2026, 7, 1), D(2026, 2, 1), "open", D(2026, 7, 1)),
        (D(2026, 9, 10), D(2026, 8, 20), "open", D(2026, 8, 20)),
        (D(2026, 3, 10), D(2025, 11, 5), "open", D(2025, 11, 5)),  # previous year: no restriction
    ],
)
def test_not_before_july(received, death, status, earliest):
    ans = DL.schedule_answer(CAL, JULY, received, event=death)
    assert (ans.status, ans.date) == (status, earliest)


def test_not_before_july_refuses_death_after_receipt():
    with pytest.raises(DL.DeadlineError, match="死亡日期"):
        DL.schedule_answer(CAL, JULY, D(2026, 3, 1), event=D(2026, 3, 2))


def test_certification_cycle():
    ans = DL.schedule_answer(CAL, CYCLE, D(2026, 3, 20))
    assert ans.date == D(2027, 3, 20) and ans.status == "open"
    ans = DL.schedule_answer(CAL, CYCLE, D(2026, 3, 20), event=D(2025, 2, 28))
    assert ans.date == D(2026, 2, 28) and ans.status == "due"
    assert DL.schedule_answer(CAL, CYCLE, D(2024, 2, 29)).date == D(2025, 2, 28)


def test_every_catalog_item_gets_its_deadlines():
    """Every limit and schedule in the county catalog is one the rules understand."""
    path = Path(__file__).resolve().parents[4] / "data" / "catalog" / "yangcheng.yaml"
    if not path.exists():
        pytest.skip("catalog YAML not assembled yet")
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    assert len(items) == 40
    kinds = set()
    for item in items:
        for received in (dt.datetime(2026, 9, 30, 16, 0, tzinfo=BJ), D(2026, 12, 28)):
            result = DL.item_deadlines(CAL, item, received, event=D(2026, 2, 1) if item["no"] == 27 else None)
            for part in (result.statutory, result.promised):
                if part is not None:
                    kinds.add(part.kind)
                    assert part.explanation
                    if part.kind in ("same_day", "working_days", "monthly_cutoff"):
                        assert part.due is not None
            kinds.update(s.kind for s in result.schedules)
            assert result.as_dict()["item_no"] == item["no"]
    assert {"same_day", "working_days", "monthly_cutoff", "none", "on_complete"} <= kinds
    assert {"quarterly_cutoff", "yearly_window", "not_before_in_year", "certification_cycle"} <= kinds
