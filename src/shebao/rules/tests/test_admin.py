"""The admin pages save through the services (validated, audited, cache-busting)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.core.models import AuditEvent
from shebao.rules import selectors
from shebao.rules.models import BenefitParameter, HolidaySchedule

pytestmark = pytest.mark.django_db


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
            "holidays_text": "2027-01-01\n2027-02-08, 2027-02-09",
            "workdays_text": "2027-02-06",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    row = HolidaySchedule.objects.get(year=2027)
    assert row.holidays == ["2027-01-01", "2027-02-08", "2027-02-09"] and row.loaded_by_label == "rules-admin"
    assert AuditEvent.objects.filter(action="rules.calendar.load", actor_label="rules-admin").exists()
    assert not selectors.get_calendar().is_working_day(dt.date(2027, 2, 8))
    # edit through the change form
    resp = admin_client.post(
        f"/admin/rules/holidayschedule/{row.pk}/change/",
        {"source": "更正", "holidays_text": "2027-01-01", "workdays_text": ""},
    )
    assert resp.status_code == 302
    row.refresh_from_db()
    assert row.holidays == ["2027-01-01"] and row.source == "更正" and row.revision == 2
    assert selectors.get_calendar().is_working_day(dt.date(2027, 2, 8))


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
    form = {"year": 2027, "source": "第一版", "holidays_text": "2027-01-01, 2027-01-02, 2027-01-03", "workdays_text": ""}
    admin_client.post("/admin/rules/holidayschedule/add/", form)
    row = HolidaySchedule.objects.get(year=2027)
    first = Case.objects.get(pk=case.pk).statutory_due
    resp = admin_client.post(f"/admin/rules/holidayschedule/{row.pk}/change/",
                             {"source": "更正版", "holidays_text": "2027-01-01, 2027-01-02, 2027-01-03, 2027-01-04",
                              "workdays_text": ""}, follow=True)
    said = " ".join(str(m) for m in get_messages(resp.wsgi_request)) + resp.content.decode()
    assert f"重算 1 件在办办件的期限：{case.case_no}" in said
    assert Case.objects.get(pk=case.pk).statutory_due > first
