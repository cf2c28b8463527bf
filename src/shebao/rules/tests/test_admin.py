"""The admin pages save through the services (validated, audited, cache-busting)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.core.models import AuditEvent
from shebao.rules import selectors
from shebao.rules.models import BenefitParameter, HolidaySchedule

pytestmark = pytest.mark.django_db

# The statutory holidays of 2027 (《全国年节及纪念日放假办法》 art. 2) that fall Monday–Friday; the
# others (2/6–2/7, 5/1–5/2, 10/2–10/3) are weekends, rest days unless listed as make-up days.
STATUTORY_2027 = "2027-01-01\n2027-02-05\n2027-02-08\n2027-04-05\n2027-06-09\n2027-09-15\n2027-10-01"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("rules-admin", password="s3cret-pass-123")
    client.force_login(user)
    return client


def test_admin_adds_a_year_schedule(admin_client):
    selectors.forget_calendar()
    resp = admin_client.post(
        "/admin/rules/holidayschedule/add/",
        {
            "year": 2027,
            "source": "国办发明电〔2026〕测试号",
            "holidays_text": STATUTORY_2027 + "\n2027-02-09, 2027-02-10",
            "workdays_text": "2027-02-20",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    row = HolidaySchedule.objects.get(year=2027)
    assert row.holidays[:3] == ["2027-01-01", "2027-02-05", "2027-02-08"] and len(row.holidays) == 9
    assert row.loaded_by_label == "rules-admin"
    assert AuditEvent.objects.filter(action="rules.calendar.load", actor_label="rules-admin").exists()
    assert not selectors.get_calendar().is_working_day(dt.date(2027, 2, 9))
    # edit through the change form
    resp = admin_client.post(
        f"/admin/rules/holidayschedule/{row.pk}/change/",
        {"source": "更正", "holidays_text": STATUTORY_2027, "workdays_text": ""},
    )
    assert resp.status_code == 302
    row.refresh_from_db()
    assert len(row.holidays) == 7 and row.source == "更正" and row.revision == 2
    assert selectors.get_calendar().is_working_day(dt.date(2027, 2, 9))
    # a correction that drops statutory days is refused on the change form too
    resp = admin_client.post(
        f"/admin/rules/holidayschedule/{row.pk}/change/",
        {"source": "再更正", "holidays_text": "2027-01-01", "workdays_text": ""},
    )
    assert resp.status_code == 200 and "缺少以下 6 个法定节假日" in resp.content.decode()
    row.refresh_from_db()
    assert row.source == "更正" and row.revision == 2
    assert not selectors.get_calendar().is_working_day(dt.date(2027, 10, 1))


def test_admin_refuses_a_bad_schedule(admin_client):
    resp = admin_client.post(
        "/admin/rules/holidayschedule/add/",
        {"year": 2027, "source": "x", "holidays_text": "2027-01-01", "workdays_text": "2027-01-05"},
    )
    assert resp.status_code == 200
    assert "周六或周日" in resp.content.decode()
    assert not HolidaySchedule.objects.exists()


def test_admin_edits_a_parameter(admin_client):
    row = BenefitParameter.objects.get(key="shanxi_average_monthly_wage", effective_from=dt.date(2026, 1, 1))
    resp = admin_client.post(
        f"/admin/rules/benefitparameter/{row.pk}/change/",
        {"label": row.label, "value": "7123.5", "unit": "元/月", "source": "", "note": ""},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    row.refresh_from_db()
    assert row.value == Decimal("7123.5") and not row.confirmed
    assert AuditEvent.objects.filter(action="rules.parameter.set", actor_label="rules-admin").exists()
    resp = admin_client.post(
        f"/admin/rules/benefitparameter/{row.pk}/change/",
        {"label": row.label, "value": "7123.5", "unit": "元/月", "source": "", "confirmed": "on", "note": ""},
    )
    assert resp.status_code == 200 and "必须填写出处" in resp.content.decode()


def test_admin_says_which_open_cases_a_correction_moved(admin_client, staff, county):
    from django.contrib.messages import get_messages

    from shebao.cases.models import Case
    from shebao.cases.services import Applicant, MaterialEntry, intake_case
    from shebao.cases.tests.conftest import applicant_for, materials_of
    from shebao.testing.factories import at

    case = intake_case(user=staff("clerk", "QY"), item_no=4, scenario=None, applicant=Applicant(**applicant_for("person")),
                       materials=[MaterialEntry(m["name"], m["status"]) for m in materials_of(county, 4)],
                       now=at(2026, 12, 21))
    form = {"year": 2027, "source": "第一版", "holidays_text": STATUTORY_2027 + "\n2027-01-02, 2027-01-03",
            "workdays_text": ""}
    admin_client.post("/admin/rules/holidayschedule/add/", form)
    row = HolidaySchedule.objects.get(year=2027)
    first = Case.objects.get(pk=case.pk).statutory_due
    resp = admin_client.post(f"/admin/rules/holidayschedule/{row.pk}/change/",
                             {"source": "更正版", "holidays_text": STATUTORY_2027 + "\n2027-01-02, 2027-01-03, 2027-01-04",
                              "workdays_text": ""}, follow=True)
    said = " ".join(str(m) for m in get_messages(resp.wsgi_request)) + resp.content.decode()
    assert f"重算 1 件在办办件的期限：{case.case_no}" in said
    assert Case.objects.get(pk=case.pk).statutory_due > first


def _provisional_case(staff, county):
    from shebao.cases.services import Applicant, MaterialEntry, intake_case
    from shebao.cases.tests.conftest import applicant_for, materials_of
    from shebao.testing.factories import at

    # item 4 received 2026-12-21: its 20 working days run into January 2027, still provisional
    return intake_case(user=staff("clerk", "QY"), item_no=4, scenario=None, applicant=Applicant(**applicant_for("person")),
                       materials=[MaterialEntry(m["name"], m["status"]) for m in materials_of(county, 4)],
                       now=at(2026, 12, 21))


@pytest.mark.parametrize(
    ("year", "holidays", "workdays", "said"),
    [
        # QA: 2026 with 元旦 only would have turned 国庆 into working days
        (2026, "2026-01-01", "", ["2026 年的官方放假安排已内置于系统", "不能用手工录入的安排覆盖"]),
        # QA: 2027 with 元旦 only
        (2027, "2027-01-01, 2027-01-02, 2027-01-03", "",
         ["缺少以下 6 个法定节假日", "2027-02-05（春节）", "2027-02-08（春节）", "2027-04-05（清明节）",
          "2027-06-09（端午节）", "2027-09-15（中秋节）", "2027-10-01（国庆节）", "第二条"]),
        # a statutory day on a weekend turned into a make-up working day
        (2027, STATUTORY_2027, "2027-10-02", ["缺少以下 1 个法定节假日", "2027-10-02（国庆节，已列为调休上班日）"]),
    ],
)
def test_admin_refuses_a_schedule_that_drops_official_holidays(admin_client, staff, county, year, holidays, workdays,
                                                                said):
    from shebao.cases.models import Case, CaseAction

    case = _provisional_case(staff, county)
    due = (case.statutory_due, case.promised_due)
    events = AuditEvent.objects.count()
    selectors.forget_calendar()
    resp = admin_client.post(
        "/admin/rules/holidayschedule/add/",
        {"year": year, "source": "国办发明电〔2026〕测试号", "holidays_text": holidays, "workdays_text": workdays},
    )
    assert resp.status_code == 200
    page = resp.content.decode()
    for text in said:
        assert text in page
    assert not HolidaySchedule.objects.exists()
    assert AuditEvent.objects.count() == events
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.statutory_due, fresh.promised_due) == due and fresh.provisional
    assert not CaseAction.objects.filter(case=case, action="recompute").exists()
    cal = selectors.get_calendar()
    assert not cal.is_working_day(dt.date(year, 10, 1))
    assert cal.add_working_days(dt.date(2026, 9, 28), 20) == dt.date(2026, 10, 30)


def test_admin_accepts_a_complete_2027_schedule_and_recomputes(admin_client, staff, county):
    from django.contrib.messages import get_messages

    from shebao.cases.models import Case, CaseAction

    case = _provisional_case(staff, county)
    first = case.statutory_due
    resp = admin_client.post(
        "/admin/rules/holidayschedule/add/",
        {"year": 2027, "source": "国办发明电〔2026〕测试号",
         "holidays_text": STATUTORY_2027 + "\n2027-01-02, 2027-01-03, 2027-01-04", "workdays_text": ""},
        follow=True,
    )
    said = " ".join(str(m) for m in get_messages(resp.wsgi_request)) + resp.content.decode()
    assert "2027 年节假日安排已录入" in said and f"重算 1 件在办办件的期限：{case.case_no}" in said
    assert HolidaySchedule.objects.filter(year=2027).exists()
    fresh = Case.objects.get(pk=case.pk)
    assert not fresh.provisional and fresh.statutory_due > first
    assert CaseAction.objects.filter(case=case, action="recompute").exists()
