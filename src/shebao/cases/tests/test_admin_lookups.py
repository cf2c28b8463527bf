"""The case list of the Django admin filters only by its own filters: the system administrator
cannot find (or rebuild) an applicant's name, ID number or phone through query-string lookups."""

from __future__ import annotations

import pytest

from shebao.cases.tests.conftest import intake_by_service

pytestmark = pytest.mark.django_db

LIST = "/admin/cases/case/"


@pytest.fixture
def cases(staff, county):
    return intake_by_service(staff("clerk", "CJ"), county, 18), intake_by_service(staff("clerk", "SY"), county, 36)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff("admin"))
    return client


def _personal_lookups(person, unit) -> list[dict]:
    return [
        {"applicant_name": person.applicant_name},
        {"applicant_name__contains": person.applicant_name[-1]},
        {"applicant_name__startswith": person.applicant_name[:1]},
        {"applicant_name__iexact": person.applicant_name},
        {"applicant_id": person.applicant_id},
        {"applicant_id__exact": person.applicant_id},
        {"applicant_id__startswith": person.applicant_id[:14]},
        {"applicant_id__endswith": person.applicant_id[-6:]},
        {"applicant_id__regex": "^" + person.applicant_id[:10]},
        {"phone": person.phone},
        {"phone__startswith": person.phone[:4]},
        {"agent_name": unit.agent_name},
        {"agent_id__startswith": unit.agent_id[:6]},
        {"query_code": person.query_code},
        {"email__contains": "@"},
        {"case_no__startswith": person.case_no[:-1]},
        # Through the case's relations: timeline, messages (recipient), 一件事 part.
        {"actions__actor_label__contains": "clerk"},
        {"notifications__recipient": person.phone},
        {"notifications__recipient__startswith": person.phone[:4]},
        {"bundle_part__bundle__applicant_name": person.applicant_name},
        {"created_by__username__startswith": "clerk"},
        {"county__cases__applicant_id__startswith": person.applicant_id[:6]},
    ]


def test_personal_lookups_do_not_filter_the_case_list(admin_client, cases):
    person, unit = cases
    assert person.applicant_name != unit.applicant_name
    for params in _personal_lookups(person, unit):
        r = admin_client.get(LIST, params)
        # Django refuses a disallowed lookup (DisallowedModelAdminLookup → 400 Bad Request): no
        # list at all, so nothing narrowed to the matching case either.
        assert r.status_code == 400, params
        html = r.content.decode()
        assert person.case_no not in html and unit.case_no not in html, params


def test_the_page_s_own_filters_and_search_still_work(admin_client, cases):
    person, unit = cases
    r = admin_client.get(LIST)
    assert r.status_code == 200 and person.case_no in r.content.decode() and unit.case_no in r.content.decode()
    for params in ({"department__id__exact": person.department_id}, {"status__exact": "in_progress"},
                   {"warning__exact": "normal"}, {"county__id__exact": person.county_id},
                   {"q": person.case_no}, {"o": "1"}, {"p": "1"}):
        r = admin_client.get(LIST, params)
        assert r.status_code == 200, params
        assert person.case_no in r.content.decode(), params
    r = admin_client.get(LIST, {"department__id__exact": person.department_id})
    assert unit.case_no not in r.content.decode()
    # The search box searches the case number only, not the name, ID number or phone.
    for q in (person.applicant_name, person.applicant_id, person.applicant_id[:14], person.phone):
        r = admin_client.get(LIST, {"q": q})
        assert r.status_code == 200 and person.case_no not in r.content.decode(), q


def test_personal_fields_are_neither_searched_nor_filtered():
    from django.contrib import admin

    from shebao.cases.models import Case

    personal = {"applicant_name", "applicant_id", "agent_name", "agent_id", "phone", "email", "query_code"}
    model_admin = admin.site._registry[Case]
    searched = {f.lstrip("=^@").split("__")[0] for f in model_admin.search_fields}
    filtered = {f if isinstance(f, str) else f[0] for f in model_admin.list_filter}
    assert not searched & personal and not filtered & personal
