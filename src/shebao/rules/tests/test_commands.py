"""``shebao rules …`` and ``shebao calendar …``."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shebao.rules import selectors
from shebao.rules.models import HolidaySchedule

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[4] / "data" / "calendar" / "schedule-2027.example.yaml"


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.forget_calendar()
    yield
    selectors.forget_calendar()


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_rules_retirement():
    out = run("rules", "retirement", "1971-04", "female55")
    assert out.startswith("退休时间 2026-08，退休年龄 55 岁 4 个月")
    with pytest.raises(CommandError, match="月份 13 无效"):
        run("rules", "retirement", "1971-13", "male")
    with pytest.raises(CommandError, match="人员类别"):
        run("rules", "retirement", "1971-04", "female")


def test_rules_eligibility_and_validate():
    out = run("rules", "eligibility", "37", "contribution_years=6", "registered_unemployed=false")
    assert "暂不符合" in out and "[✗] 需办理失业登记" in out
    assert "有效" in run("rules", "validate", "id", "11010519491231002X")
    with pytest.raises(CommandError):
        run("rules", "validate", "credit", "91350100M000100Y44")
    assert "national_urban_disposable_income" in run("rules", "params")


def test_calendar_add():
    out = run("calendar", "add", "2026-09-28", "20")
    assert out.splitlines()[0] == "2026-10-30"
    assert run("calendar", "add", "2026-12-20", "20").splitlines()[0] == "2027-01-18（暂定）"
    with pytest.raises(CommandError, match="不是有效日期"):
        run("calendar", "add", "2026-02-30", "1")
    assert run("calendar", "between", "2026-09-28", "2026-10-30").splitlines()[0] == "20"
    assert "调休上班日" in run("calendar", "day", "2026-10-10")


def test_example_file_is_refused_unless_allowed():
    assert EXAMPLE.exists()
    with pytest.raises(CommandError, match="示例文件"):
        run("calendar", "load", str(EXAMPLE))
    assert not HolidaySchedule.objects.exists()
    out = run("calendar", "load", str(EXAMPLE), "--allow-example")
    assert "2027 年节假日安排已录入" in out and "此前为暂定" in out
    assert not selectors.get_calendar().is_working_day(dt.date(2027, 2, 8))


def test_calendar_load_recomputes_cases(tmp_path, monkeypatch):
    path = tmp_path / "schedule-2027.yaml"
    path.write_text(
        "year: 2027\nsource: 国办发明电〔2026〕测试号\nholidays:\n  - {from: 2027-01-01, to: 2027-01-04}\n"
        "  - {from: 2027-02-05, to: 2027-02-09, name: 春节}\n  - 2027-04-05\n  - 2027-05-01\n  - 2027-05-02\n"
        "  - 2027-06-09\n  - 2027-09-15\n  - {from: 2027-10-01, to: 2027-10-03}\nworkdays: [2027-02-20]\n",
        encoding="utf-8",
    )
    calls = []

    def fake_recompute(*, actor=None, years=()):
        calls.append((actor, list(years)))
        return ["QY-2026-000001：2027-01-18 → 2027-01-19"]

    import shebao.cases.services as cases_services

    monkeypatch.setattr(cases_services, "recompute_provisional_cases", fake_recompute, raising=False)
    out = run("calendar", "load", str(path))
    assert calls == [(None, [2027])]
    # 1/1 and the other art. 2 days were already rest days; 1/4 and 2/9 are new, 2/20 is a make-up day.
    assert "2027-01-04（法定节假日）" in out and "2027-02-09（法定节假日）" in out
    assert "2027-02-20（调休上班日）" in out and "2027-01-01" not in out and "2027-02-05" not in out
    assert "期限已变化：QY-2026-000001" in out
    loaded = HolidaySchedule.objects.get(year=2027).holidays
    assert loaded[:5] == ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04", "2027-02-05"] and len(loaded) == 17


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year: 2027\nholidays: [2027-01-01]\n", "缺少 source"),
        ("year: 2027\nsource: x\nholidays: [2027-13-01]\n", "不是有效日期"),
        ("year: 2027\nsource: x\nholidays: [{from: 2027-01-03, to: 2027-01-01}]\n", "to 早于 from"),
        ("year: 2027\nsource: x\nholidays: [2027-01-01]\nworkdays: [2027-01-05]\n", "周六或周日"),
        ("year: 2027\nsource: x\nholiday: [2027-01-01]\n", "未知字段"),
        ("- just a list\n", "应为映射"),
    ],
)
def test_calendar_load_bad_files(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("calendar", "load", str(path))


COMPLETE_2028 = (
    "  - {year: 2028, source: x, holidays: [2028-01-01, 2028-01-25, 2028-01-26, 2028-01-27, 2028-01-28, "
    "2028-04-04, 2028-05-01, 2028-05-02, 2028-05-28, 2028-10-01, 2028-10-02, 2028-10-03]}\n"
)


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        # QA: 2026 is built in (chinesecalendar)
        ("year: 2026\nsource: x\nholidays: [2026-01-01]\n", ["2026 年的官方放假安排已内置于系统"]),
        # QA: 2027 with 元旦 only
        ("year: 2027\nsource: x\nholidays: [2027-01-01]\n",
         ["缺少以下 6 个法定节假日", "2027-02-05（春节）", "2027-02-08（春节）", "2027-04-05（清明节）",
          "2027-06-09（端午节）", "2027-09-15（中秋节）", "2027-10-01（国庆节）"]),
        # a good 2028 before a bad 2029: the whole file is refused, 2028 is not loaded either
        ("schedules:\n" + COMPLETE_2028 + "  - {year: 2029, source: x, holidays: [2029-01-01]}\n",
         ["schedules 第 2 项", "2029-02-12（春节）"]),
        ("schedules:\n" + COMPLETE_2028 + COMPLETE_2028, ["重复出现年份 2028"]),
    ],
)
def test_calendar_load_refuses_files_dropping_official_holidays(tmp_path, monkeypatch, text, messages):
    from shebao.core.models import AuditEvent

    calls = []
    import shebao.cases.services as cases_services

    monkeypatch.setattr(cases_services, "recompute_provisional_cases", lambda **kw: calls.append(kw) or [],
                        raising=False)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as exc:
        run("calendar", "load", str(path))
    for message in messages:
        assert message in str(exc.value)
    assert not HolidaySchedule.objects.exists() and AuditEvent.objects.count() == events and calls == []


def test_calendar_load_accepts_a_file_with_a_complete_year(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text("schedules:\n" + COMPLETE_2028, encoding="utf-8")
    assert "2028 年节假日安排已录入" in run("calendar", "load", str(path))
    assert not selectors.get_calendar().is_provisional(dt.date(2028, 10, 3))
