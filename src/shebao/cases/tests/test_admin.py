"""The Django admin for cases: read-only oversight with masked personal data."""

from __future__ import annotations

import pytest

from shebao.cases import services
from shebao.cases.models import Case, CaseAction
from shebao.cases.tests.conftest import intake_by_service

pytestmark = pytest.mark.django_db

LIST = "/admin/cases/case/"


@pytest.fixture
def cases(staff, county):
    person = intake_by_service(staff("clerk", "CJ"), county, 18)
    unit = intake_by_service(staff("clerk", "SY"), county, 36)
    head = staff("section_head", "SY")
    unit = services.perform_action(user=head, case_no=unit.case_no, action="suspend", version=unit.version,
                                   reason="等待市局审批")
    return person, unit


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff("admin"))
    return client


def test_changelist_masks_personal_data_and_filters(admin_client, cases, settings):
    from shebao.catalog.services import load_catalog_file

    # A second county: the county filter is shown only when there is something to choose.
    load_catalog_file(path=str(settings.PROJECT_DIR / "tests" / "fixtures" / "second_county.yaml"))
    person, unit = cases
    r = admin_client.get(LIST)
    assert r.status_code == 200
    html = r.content.decode()
    assert person.case_no in html and unit.case_no in html
    assert person.masked_applicant_name in html and person.masked_applicant_id in html
    assert person.applicant_name not in html and person.applicant_id not in html and person.phone not in html
    # No bulk actions (not even delete), no add button.
    assert 'name="action"' not in html and "/admin/cases/case/add/" not in html
    # Filters by county, department, status and warning.
    for param in ("county__id__exact", "department__id__exact", "status__exact", "warning__exact"):
        assert param in html, param
    r = admin_client.get(LIST, {"department__id__exact": person.department_id})
    assert person.case_no in r.content.decode() and unit.case_no not in r.content.decode()
    r = admin_client.get(LIST, {"status__exact": "suspended"})
    assert unit.case_no in r.content.decode() and person.case_no not in r.content.decode()
    r = admin_client.get(LIST, {"warning__exact": "red"})
    assert r.status_code == 200 and person.case_no not in r.content.decode()
    r = admin_client.get(LIST, {"county__id__exact": person.county_id})
    assert person.case_no in r.content.decode()
    # Search by case number only — never by name or ID number.
    assert person.case_no in admin_client.get(LIST, {"q": person.case_no}).content.decode()
    r = admin_client.get(LIST, {"q": person.applicant_id})
    assert person.case_no not in r.content.decode()


def test_case_page_is_read_only_with_the_timeline(admin_client, cases):
    _person, unit = cases
    url = f"{LIST}{unit.pk}/change/"
    r = admin_client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert unit.case_no in html and "办理记录（时间线）" in html
    assert "等待市局审批" in html  # the suspension in the timeline
    assert unit.masked_applicant_id in html and unit.applicant_id not in html
    assert unit.phone not in html and unit.query_code not in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html


def test_admin_refuses_every_change(admin_client, cases):
    person, _unit = cases
    before = Case.objects.get(pk=person.pk)
    timeline = CaseAction.objects.filter(case=person).count()
    assert admin_client.get(f"{LIST}add/").status_code == 403
    assert admin_client.post(f"{LIST}add/", {"case_no": "QY-2026-999999"}).status_code == 403
    r = admin_client.post(f"{LIST}{person.pk}/change/", {"status": "finished", "applicant_name": "改名"})
    assert r.status_code == 403
    assert admin_client.get(f"{LIST}{person.pk}/delete/").status_code == 403
    assert admin_client.post(f"{LIST}{person.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(LIST, {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"})
    after = Case.objects.get(pk=person.pk)
    assert (after.status, after.applicant_name, after.version) == (before.status, before.applicant_name,
                                                                   before.version)
    assert CaseAction.objects.filter(case=person).count() == timeline
    assert Case.objects.count() == 2
    # The timeline rows have no admin pages of their own.
    assert admin_client.get("/admin/cases/caseaction/").status_code == 404


@pytest.mark.parametrize("role,dept", [("director", None), ("section_head", "SY"), ("front_desk", None)])
def test_only_the_administrator_gets_in(client, staff, cases, role, dept):
    client.force_login(staff(role, dept))
    r = client.get(LIST)
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
