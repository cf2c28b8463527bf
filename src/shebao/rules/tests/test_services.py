"""Loading year schedules, the cached calendar across processes, parameters, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.core.audit import verify_chain
from shebao.core.errors import DomainError, NotFound
from shebao.core.models import AuditEvent
from shebao.rules import selectors, services
from shebao.rules.models import BenefitParameter, HolidaySchedule

pytestmark = pytest.mark.django_db
D = dt.date

# A plausible (invented) notice: the art. 2 days that fall on weekdays, 补假 2/9–2/10, make-up 2/20.
HOLIDAYS_2027 = [
    "2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10",
    "2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01",
]  # fmt: skip
WORKDAYS_2027 = ["2027-02-20"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.forget_calendar()
    yield
    selectors.forget_calendar()


def test_load_year_reports_changes_and_audits():
    cal = selectors.get_calendar()
    assert cal.is_provisional(D(2027, 2, 8))
    result = services.load_year_schedule(
        year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source="国办发明电〔2026〕测试号", actor="管理员甲"
    )
    assert result.created and result.was_provisional
    # The statutory days were already rest days; only the notice's own arrangement changes anything.
    assert [d.date for d in result.changed] == [D(2027, 2, 9), D(2027, 2, 10), D(2027, 2, 20)]
    assert "此前为暂定" in result.describe()
    cal = selectors.get_calendar()
    assert not cal.is_provisional(D(2027, 2, 9))
    assert not cal.is_working_day(D(2027, 2, 9)) and cal.is_working_day(D(2027, 2, 20))
    event = AuditEvent.objects.filter(action="rules.calendar.load").latest("id")
    assert event.object_id == "2027" and event.actor_label == "管理员甲"
    assert event.after["changed"][0] == "2027-02-09"
    assert verify_chain().ok


def test_reloading_a_year_reports_only_the_difference():
    services.load_year_schedule(year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source="第一次")
    again = services.load_year_schedule(year=2027, holidays=[*HOLIDAYS_2027, "2027-02-11"], workdays=[], source="更正")
    assert not again.created and not again.was_provisional
    assert [d.date for d in again.changed] == [D(2027, 2, 11), D(2027, 2, 20)]
    row = HolidaySchedule.objects.get(year=2027)
    assert row.source == "更正" and row.revision == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2027, "holidays": HOLIDAYS_2027, "workdays": [], "source": ""}, "依据"),
        ({"year": 2027, "holidays": ["2028-01-01"], "workdays": [], "source": "x"}, "不在 2027 年内"),
        ({"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-01-05"], "source": "x"}, "周六或周日"),
        ({"year": 1800, "holidays": ["1800-01-01"], "workdays": [], "source": "x"}, "超出"),
    ],
)
def test_bad_schedule_is_a_domain_error(kwargs, message):
    with pytest.raises(DomainError, match=message):
        services.load_year_schedule(**kwargs)
    assert not HolidaySchedule.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "messages"),
    [
        # QA: 2026 (built in from chinesecalendar) with 元旦 only
        ({"year": 2026, "holidays": ["2026-01-01"], "workdays": []}, ["2026 年的官方放假安排已内置于系统"]),
        # a complete copy of a built-in year is refused too: the package's data stays in force
        ({"year": 2026, "holidays": ["2026-01-01", "2026-10-01"], "workdays": []}, ["不能用手工录入的安排覆盖"]),
        # QA: 2027 with 元旦 only
        ({"year": 2027, "holidays": ["2027-01-01"], "workdays": []},
         ["缺少以下 6 个法定节假日", "2027-02-05（春节）", "2027-02-08（春节）", "2027-04-05（清明节）",
          "2027-06-09（端午节）", "2027-09-15（中秋节）", "2027-10-01（国庆节）"]),
        ({"year": 2027, "holidays": [d for d in HOLIDAYS_2027 if d != "2027-09-15"], "workdays": WORKDAYS_2027},
         ["缺少以下 1 个法定节假日：2027-09-15（中秋节）"]),
    ],
)
def test_a_schedule_dropping_official_holidays_is_refused_and_changes_nothing(kwargs, messages):
    events = AuditEvent.objects.count()
    before = selectors.get_calendar()
    with pytest.raises(DomainError) as exc:
        services.load_year_schedule(**kwargs, source="国办发明电〔2026〕测试号", actor="管理员甲")
    for text in messages:
        assert text in exc.value.message
    with pytest.raises(DomainError):
        services.validate_year_schedule(**kwargs)
    assert not HolidaySchedule.objects.exists()
    assert AuditEvent.objects.count() == events
    cal = selectors.get_calendar()
    assert cal is before
    assert not cal.is_working_day(D(2026, 10, 1)) and not cal.is_working_day(D(2027, 10, 1))
    assert cal.add_working_days(D(2026, 9, 28), 20) == D(2026, 10, 30)


def test_a_replacement_dropping_official_holidays_keeps_the_loaded_one():
    services.load_year_schedule(year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source="第一次")
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="2027-10-01（国庆节）"):
        services.load_year_schedule(year=2027, holidays=["2027-01-01"], workdays=[], source="更正")
    row = HolidaySchedule.objects.get(year=2027)
    assert row.source == "第一次" and row.revision == 1 and AuditEvent.objects.count() == events


def test_a_schedule_built_from_the_statutory_rules_is_accepted():
    from shebao.domain.statutory_holidays import statutory_holidays

    result = services.load_year_schedule(year=2027, holidays=list(statutory_holidays(2027)), workdays=[], source="x")
    assert result.created and result.changed == []  # exactly the provisional answer, now official
    assert not selectors.get_calendar().is_provisional(D(2027, 10, 1))


def test_calendar_cache_sees_changes_made_by_another_process():
    first = selectors.get_calendar()
    assert selectors.get_calendar() is first  # unchanged → reused, no rebuild
    # Another worker saves a schedule: this process's cache is not told, only the database changes.
    HolidaySchedule.objects.create(year=2027, holidays=["2027-01-01"], workdays=[], source="另一进程")
    second = selectors.get_calendar()
    assert second is not first and not second.is_working_day(D(2027, 1, 1))
    # ... and edits it again (same row, new revision)
    row = HolidaySchedule.objects.get(year=2027)
    row.holidays = ["2027-01-01", "2027-01-04"]
    row.save()
    third = selectors.get_calendar()
    assert third is not second and not third.is_working_day(D(2027, 1, 4))
    # ... and deletes it
    HolidaySchedule.objects.all().delete()
    assert selectors.get_calendar().is_provisional(D(2027, 1, 4))


def test_delete_year_schedule():
    services.load_year_schedule(year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source="x")
    changed = services.delete_year_schedule(year=2027, actor="管理员")
    assert D(2027, 2, 9) in [d.date for d in changed] and D(2027, 2, 8) not in [d.date for d in changed]
    assert selectors.get_calendar().is_provisional(D(2027, 2, 9))
    with pytest.raises(NotFound):
        services.delete_year_schedule(year=2027)


def test_default_parameters_were_seeded():
    p = selectors.get_parameter("resident_basic_pension_national_min", on=D(2026, 6, 1))
    assert p.value == Decimal("163") and not p.estimated
    assert selectors.get_parameter("resident_basic_pension_national_min", on=D(2025, 6, 1)).value == Decimal("143")
    assert selectors.get_parameter("national_urban_disposable_income", on=D(2026, 6, 1)).value == Decimal("56502")
    spouse = selectors.get_parameter("injury_dependant_spouse_rate")
    assert spouse.value == Decimal("0.40") and spouse.estimated and spouse.source == ""
    assert selectors.get_parameter("shanxi_average_monthly_wage").value is None


def test_set_benefit_parameter_audited_and_validated():
    row = services.set_benefit_parameter(
        key="shanxi_average_monthly_wage", label="计发基数", value="7000", effective_from=D(2027, 1, 1),
        source="晋人社厅发〔2027〕测试号", confirmed=True, unit="元/月", actor="管理员",
    )  # fmt: skip
    assert row.value == Decimal("7000")
    assert selectors.get_parameter("shanxi_average_monthly_wage", on=D(2027, 3, 1)).value == Decimal("7000")
    assert selectors.get_parameter("shanxi_average_monthly_wage", on=D(2026, 3, 1)).value is None
    assert AuditEvent.objects.filter(action="rules.parameter.set", object_id="shanxi_average_monthly_wage@2027-01-01").exists()
    with pytest.raises(DomainError, match="必须填写出处"):
        services.set_benefit_parameter(key="x", label="x", value=1, effective_from=D(2027, 1, 1), confirmed=True)
    with pytest.raises(DomainError, match="应为数字"):
        services.set_benefit_parameter(key="x", label="x", value="abc", effective_from=D(2027, 1, 1))
    services.delete_benefit_parameter(key="shanxi_average_monthly_wage", effective_from=D(2027, 1, 1), actor="管理员")
    assert not BenefitParameter.objects.filter(key="shanxi_average_monthly_wage", effective_from=D(2027, 1, 1)).exists()


def test_selector_shortcuts_for_other_contexts():
    ans = selectors.add_working_days(D(2026, 12, 20), 20)
    assert ans.provisional and ans.due == D(2027, 1, 18)
    item = {
        "no": 4,
        "statutory_limit": {"label": "法定时限", "text": "30 个工作日", "kind": "working_days", "days": 30},
        "promised_limit": {"label": "承诺时限", "text": "20 个工作日", "kind": "working_days", "days": 20},
        "schedules": [],
    }
    before = selectors.item_deadlines(item, D(2026, 12, 20))
    assert before.provisional
    services.load_year_schedule(year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, source="x")
    after = selectors.item_deadlines(item, D(2026, 12, 20))
    assert not after.provisional and after.promised.due == D(2027, 1, 18)
