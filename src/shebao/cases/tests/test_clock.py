"""Clocks: suspension and extension across 2026 国庆, warnings, 容缺 expiry/reminders, provisional dates."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import services
from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseAction, JobLease, Notification
from shebao.cases.services.common import get_calendar
from shebao.cases.tests.conftest import applicant_for, materials_of
from shebao.testing.factories import at

pytestmark = pytest.mark.django_db

#: The 2027 statutory holidays that fall on working days (《全国年节及纪念日放假办法》 art. 2): a
#: schedule without them is refused; the tests below vary only the days around New Year.
S27 = ["2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01"]
D = dt.date.fromisoformat


def _intake(user, county, item_no, now, *, missing=(), tolerance=False, kind="person"):
    return services.intake_case(
        user=user, item_no=item_no, scenario=None, applicant=services.Applicant(**applicant_for(kind)),
        materials=[services.MaterialEntry(m["name"], m["status"])
                   for m in materials_of(county, item_no, missing=missing)],
        tolerance=tolerance, now=now,
    )


def _act(user, case, action, now, **kw):
    return services.perform_action(user=user, case_no=case.case_no, action=action, version=case.version, now=now, **kw)


def test_suspension_across_national_day_moves_due_dates(staff, county):
    # item 4: 法定 30 / 承诺 20 working days. Received Mon 2026-09-21.
    case = _intake(staff("clerk", "QY"), county, 4, at(2026, 9, 21))
    # 9/22–9/24 (3; 中秋 9/25–9/27 off), 9/28–9/30 (6), 国庆 10/1–10/7 off, 10/8, 10/9,
    # 10/10 (Sat, 调休上班) (9), 10/12–10/16 (14), 10/19–10/23 (19), 10/26 (20)
    assert case.promised_due == D("2026-10-26")
    assert case.statutory_due == D("2026-11-09")
    reviewer = staff("reviewer", "QY")
    case = _act(reviewer, case, "suspend", at(2026, 9, 30, 16), reason="等待公示期结束")
    assert case.status == "suspended"
    case = _act(reviewer, case, "resume", at(2026, 10, 12, 9))
    # paused working days in (9/30, 10/12]: 10/8, 10/9, 10/10, 10/12 = 4 (the holiday week does not count)
    assert case.suspended_days == 4
    assert case.promised_due == D("2026-10-30")
    assert case.statutory_due == D("2026-11-13")
    resume = CaseAction.objects.filter(case=case, action="resume").get()
    assert resume.detail["paused_working_days"] == 4
    # a second suspension adds up; suspending and resuming the same day pauses nothing
    case = _act(reviewer, case, "suspend", at(2026, 10, 13, 9), reason="补充调查")
    case = _act(reviewer, case, "resume", at(2026, 10, 13, 17))
    assert case.suspended_days == 4 and case.promised_due == D("2026-10-30")


def test_suspension_working_days_pure():
    cal = get_calendar()
    assert wf.suspension_working_days(cal, D("2026-09-30"), D("2026-10-12")) == 4
    assert wf.suspension_working_days(cal, D("2026-10-01"), D("2026-10-07")) == 0
    assert wf.suspension_working_days(cal, D("2026-09-25"), D("2026-09-28")) == 1  # Fri → Mon


def test_extension_across_holiday_and_not_overdue(staff, county):
    case = _intake(staff("clerk", "QY"), county, 4, at(2026, 9, 21))
    approver = staff("approver", "QY")
    case = _act(approver, case, "extend", at(2026, 9, 25), reason="需外调档案", days=10)
    # 10 working days after the promised 10/26: 10/27–10/30 (4), 11/2–11/6 (9), 11/9 (10)
    assert case.extended_due == D("2026-11-09")
    assert case.effective_due == D("2026-11-09")
    # on 10/27 the promised date has passed, but the case is judged against its extension
    report = services.run_tick(now=at(2026, 10, 27))
    case.refresh_from_db()
    assert case.warning == "normal" and case.case_no not in report["warnings"]
    services.run_tick(now=at(2026, 11, 5))
    case.refresh_from_db()
    assert case.warning == "yellow"
    services.run_tick(now=at(2026, 11, 10))
    case.refresh_from_db()
    assert case.warning == "red"


def test_warning_levels_and_idempotent_tick(staff, county, settings):
    settings.SHEBAO_WARNING_DAYS = 2
    case = _intake(staff("clerk", "QY"), county, 4, at(2026, 9, 21))  # promised 2026-10-26 (Mon)
    assert case.warning == "normal"
    services.run_tick(now=at(2026, 10, 21))  # 3 working days left (22, 23, 26)
    case.refresh_from_db()
    assert case.warning == "normal"
    report = services.run_tick(now=at(2026, 10, 22))  # 2 left
    case.refresh_from_db()
    assert case.warning == "yellow" and report["warnings"] == {case.case_no: "yellow"}
    again = services.run_tick(now=at(2026, 10, 22))
    assert again["warnings"] == {} and again["terminated"] == [] and again["reminded"] == []
    services.run_tick(now=at(2026, 10, 26, 17))  # due today: still yellow
    case.refresh_from_db()
    assert case.warning == "yellow"
    services.run_tick(now=at(2026, 10, 27))  # passed
    case.refresh_from_db()
    assert case.warning == "red"
    version = case.version
    services.run_tick(now=at(2026, 10, 28))
    case.refresh_from_db()
    assert case.version == version  # warnings never make staff's page stale


def test_suspended_case_clock_is_frozen(staff, county):
    case = _intake(staff("clerk", "QY"), county, 4, at(2026, 9, 21))
    case = _act(staff("reviewer", "QY"), case, "suspend", at(2026, 10, 9), reason="报市局审批")
    services.run_tick(now=at(2026, 11, 30))  # long past the promised date, but the clock is stopped
    case.refresh_from_db()
    assert case.warning == "normal"


def test_configurable_warning_days(staff, county, settings):
    settings.SHEBAO_WARNING_DAYS = 5
    case = _intake(staff("clerk", "QY"), county, 4, at(2026, 9, 21))
    services.run_tick(now=at(2026, 10, 19))  # 5 working days before 10/26
    case.refresh_from_db()
    assert case.warning == "yellow"


def test_a_terminated_case_keeps_the_warning_of_the_day_it_ended(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36, at(2026, 9, 29), missing=("开户许可证复印件",),
                   tolerance=True, kind="unit")
    assert case.warning == "normal" and case.effective_due <= D("2026-10-10")
    # No tick ran since the due date passed; the one that ends the case judges it as of that day.
    assert services.run_tick(now=at(2026, 10, 10, 9))["terminated"] == [case.case_no]
    case.refresh_from_db()
    assert case.status == "terminated" and case.warning == "red"


def test_tolerance_expires_with_notice(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36, at(2026, 9, 29), missing=("开户许可证复印件",),
                   tolerance=True, kind="unit")
    assert case.supplement_due == D("2026-10-09")  # 9/30, 10/8, 10/9
    assert services.run_tick(now=at(2026, 9, 30))["reminded"] == []
    # one working day before the due date (10/8; 10/1–10/7 are holidays): the reminder, once
    assert services.run_tick(now=at(2026, 10, 8, 9))["reminded"] == [case.case_no]
    assert services.run_tick(now=at(2026, 10, 8, 15))["reminded"] == []
    assert Notification.objects.filter(case=case, kind="tolerance_reminder").count() == 1
    # The due date is the last day to supply, and every message says so without "前" to puzzle over.
    accepted = Notification.objects.get(case=case, kind="accepted")
    reminder = Notification.objects.get(case=case, kind="tolerance_reminder")
    assert "请最迟于 2026-10-09 补交" in accepted.body and "请最迟于 2026-10-09 补交" in reminder.body
    assert services.run_tick(now=at(2026, 10, 9, 17))["terminated"] == []  # the last day still counts
    report = services.run_tick(now=at(2026, 10, 10, 9))  # 调休上班日, after the due date
    assert report["terminated"] == [case.case_no]
    case.refresh_from_db()
    assert case.status == "terminated" and case.closed_at is not None
    assert "开户许可证复印件" in case.result and "到 2026-10-09 仍未补齐" in case.result
    note = Notification.objects.get(case=case, kind="terminated")
    assert "终止" in note.body
    assert CaseAction.objects.filter(case=case, action="terminate").count() == 1
    again = services.run_tick(now=at(2026, 10, 12))
    assert again["terminated"] == [] and Notification.objects.filter(case=case, kind="terminated").count() == 1
    r = services.perform_action
    with pytest.raises(Exception) as exc:
        r(user=staff("clerk", "SY"), case_no=case.case_no, action="supplement", version=case.version)
    assert "终止" in str(exc.value)


def test_tolerance_supplied_in_time_continues(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36, at(2026, 9, 29), missing=("开户许可证复印件",),
                   tolerance=True, kind="unit")
    case = _act(staff("clerk", "SY"), case, "supplement", at(2026, 10, 9, 11))
    assert case.awaiting_supplement is False
    report = services.run_tick(now=at(2026, 10, 12))
    assert report["terminated"] == [] and report["reminded"] == []
    case.refresh_from_db()
    assert case.status == "in_progress"


def test_supplement_after_the_deadline_is_refused(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36, at(2026, 9, 29), missing=("开户许可证复印件",),
                   tolerance=True, kind="unit")
    with pytest.raises(Exception) as exc:
        _act(staff("clerk", "SY"), case, "supplement", at(2026, 10, 10, 9))
    assert "已过" in str(exc.value)


def test_tick_terminates_suspended_tolerance_case(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36, at(2026, 9, 29), missing=("法人身份证复印件",),
                   tolerance=True, kind="unit")
    case = _act(staff("reviewer", "SY"), case, "suspend", at(2026, 9, 30), reason="等待容缺材料")
    assert services.run_tick(now=at(2026, 10, 12))["terminated"] == [case.case_no]
    assert case.suspensions.get().ended_at is not None


def test_lease_only_one_holder(db):
    now = at(2026, 10, 12, 9)
    assert services.acquire_lease(name="cases.tick", holder="a", now=now) is True
    assert services.acquire_lease(name="cases.tick", holder="b", now=now) is False
    assert services.acquire_lease(name="cases.tick", holder="a", now=now) is True  # renew
    assert services.run_tick_with_lease("b", now=now) is None
    later = now + dt.timedelta(seconds=301)
    assert services.acquire_lease(name="cases.tick", holder="b", now=later) is True
    services.release_lease(name="cases.tick", holder="b")
    report = services.run_tick_with_lease("c")
    assert isinstance(report, dict) and "terminated" in report
    assert JobLease.objects.get(name="cases.tick").holder == "c"


def test_tick_command(staff, county, capsys):
    from django.core.management import call_command

    _intake(staff("clerk", "SY"), county, 36, at(2026, 9, 29), missing=("开户许可证复印件",),
            tolerance=True, kind="unit")
    call_command("cases", "tick", "--now", "2026-10-12T09:00:00+08:00")
    out = capsys.readouterr().out
    assert "容缺逾期终止 1 件" in out
    call_command("cases", "tick", "--now", "2026-10-12T09:00:00+08:00", "--lease", "--json")
    assert '"terminated": []' in capsys.readouterr().out


def test_recompute_provisional_cases_after_loading_2027(staff, county):
    from shebao.rules.services import load_year_schedule

    # item 4 received 2026-12-21: 20 working days run into January 2027 (no notice yet → provisional)
    case = _intake(staff("clerk", "QY"), county, 4, at(2026, 12, 21))
    other = _intake(staff("clerk", "SY"), county, 36, at(2026, 12, 21), kind="unit")  # 即办: not provisional
    assert case.provisional is True and other.provisional is False
    before = (case.promised_due, case.statutory_due)
    load_year_schedule(year=2027, holidays=["2027-01-01", "2027-01-04", "2027-01-05", *S27], workdays=["2027-01-09"],
                       source="测试用 2027 年安排")
    changed = services.recompute_provisional_cases(actor="测试")
    assert changed == [case.case_no]
    case.refresh_from_db()
    assert case.provisional is False
    assert (case.promised_due, case.statutory_due) != before
    assert CaseAction.objects.filter(case=case, action="recompute").exists()
    assert services.recompute_provisional_cases() == []


def test_a_corrected_schedule_moves_the_cases_counted_on_its_first_version(staff, county):
    from shebao.rules.services import delete_year_schedule, load_year_schedule

    case = _intake(staff("clerk", "QY"), county, 4, at(2026, 12, 21))
    load_year_schedule(year=2027, holidays=["2027-01-01", "2027-01-02", "2027-01-03", *S27], workdays=[], source="第一版")
    assert services.recompute_provisional_cases(years=[2027]) == [case.case_no]
    case.refresh_from_db()
    first = case.statutory_due
    assert case.provisional is False
    # The notice is corrected: 1/4 is a holiday too. The case is no longer provisional, but its
    # dates were counted on the first version and must move.
    load_year_schedule(year=2027, holidays=["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04", *S27], workdays=[],
                       source="更正版")
    assert services.recompute_provisional_cases(years=[2027]) == [case.case_no]
    case.refresh_from_db()
    assert case.statutory_due > first
    # Deleting the year makes it provisional again.
    delete_year_schedule(year=2027)
    assert services.recompute_provisional_cases(years=[2027]) == [case.case_no]
    case.refresh_from_db()
    assert case.provisional is True
    # A case whose counted days never reach 2027 is left alone.
    early = _intake(staff("clerk", "QY"), county, 4, at(2026, 9, 21))
    assert early.case_no not in services.recompute_provisional_cases(years=[2027])


def test_statutory_none_and_on_complete_have_no_due(staff, county):
    case = _intake(staff("clerk", "QY"), county, 6, at(2026, 9, 21))  # 材料齐全及时受理
    assert case.statutory_due is None and case.promised_due is None and case.warning == "normal"
    with pytest.raises(Exception) as exc:
        _act(staff("approver", "QY"), case, "extend", at(2026, 9, 22), reason="x", days=3)
    assert "无需延期" in str(exc.value) or "权" in str(exc.value)


def test_all_items_can_be_taken_in(staff, county):
    """Every one of the 40 items: the checklist is accepted and the clock computes."""
    from shebao.catalog.selectors import list_items

    for item in list_items(county=county):
        groups = item.data["material_groups"]
        scenario = groups[0].get("scenario_code") if groups else None
        case = services.intake_case(
            user=staff("section_head", item.department.code), item_no=item.no, scenario=scenario,
            applicant=services.Applicant(**applicant_for("person")),
            materials=[services.MaterialEntry(m["name"], "received")
                       for m in (groups[0]["materials"] if groups else [])],
            now=at(2026, 9, 21),
        )
        assert case.status == "in_progress", item.no
        assert Case.objects.filter(item=item).count() == 1
