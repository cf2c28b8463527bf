"""Citizen pages: progress query /track/ (rate-limited by the service) and 好差评 after 办结."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shebao.cases import services
from shebao.cases.models import PublicAttempt, Rating

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def finish(staff, case, dept="SY"):
    case = services.perform_action(user=staff("reviewer", dept), case_no=case.case_no, action="advance",
                                   version=case.version)
    return services.perform_action(user=staff("approver", dept), case_no=case.case_no, action="finish",
                                   version=case.version, result="准予参保")


def test_track_form_and_prefill_from_the_receipt_qr(client):
    r = client.get("/track/")
    assert r.status_code == 200 and 'id="track-form"' in html(r) and "办件进度查询" in html(r)
    r = client.get("/track/", {"case_no": "sy-2026-000001"})
    assert 'value="SY-2026-000001"' in html(r)


def test_track_shows_status_step_due_and_missing(client, make_case):
    case = make_case(36, missing=("社会保险登记表",), tolerance=True)
    r = client.post("/track/", {"case_no": case.case_no.lower(), "id_suffix": case.applicant_id[-6:].lower()})
    assert r.status_code == 200
    page = html(r)
    assert case.case_no in page and "办理中" in page
    assert re.search(r'id="track-step">审核', page)
    assert case.effective_due.isoformat() in page or "无固定办结时限" in page
    assert 'id="track-missing"' in page and "社会保险登记表" in page and case.supplement_due.isoformat() in page
    assert case.applicant_id not in page and 'id="rating-form"' not in page
    # the query code from the receipt works too
    r = client.post("/track/", {"case_no": case.case_no, "id_suffix": case.query_code})
    assert r.status_code == 200 and case.case_no in html(r)


def test_track_refused_case_shows_the_one_time_notice(client, make_case):
    case = make_case(36, missing=("用工备案表", "营业执照复印件"), refuse=True)
    page = html(client.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]}))
    assert "不予受理" in page and "一次性告知" in page and "用工备案表" in page and "营业执照复印件" in page


def test_track_wrong_suffix_and_rate_limit(client, make_case, settings):
    settings.SHEBAO_TRACK_MAX_FAILURES = 3
    case = make_case(36)
    r = client.post("/track/", {"case_no": case.case_no, "id_suffix": "000000"})
    assert r.status_code == 404 and "不正确" in html(r)
    assert f'value="{case.case_no}"' in html(r)  # the number typed is kept
    r = client.post("/track/", {"case_no": "", "id_suffix": ""})
    assert r.status_code == 400 and "请填写办件编号" in html(r)
    client.post("/track/", {"case_no": case.case_no, "id_suffix": "111111"})
    client.post("/track/", {"case_no": case.case_no, "id_suffix": "222222"})
    r = client.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]})
    assert r.status_code == 429 and "查询失败次数过多" in html(r)
    assert PublicAttempt.objects.count() == 3


def test_rating_after_finish(client, staff, make_case):
    case = make_case(36)
    r = client.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]})
    assert 'id="rating-form"' not in html(r)
    case = finish(staff, case)
    r = client.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]})
    page = html(r)
    assert "已办结" in page and "准予参保" in page and 'id="rating-form"' in page
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert f"> {label}</label>" in page
    # no level chosen: the service's message, the comment kept
    r = client.post("/track/rate/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:],
                                     "comment": "办事很快"})
    assert r.status_code == 422 and "请选择评价等级" in html(r) and "办事很快</textarea>" in html(r)
    r = client.post("/track/rate/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:],
                                     "level": "very_dissatisfied", "comment": "等了很久"})
    assert r.status_code == 200 and 'id="rating-thanks"' in html(r) and "非常不满意" in html(r)
    rating = Rating.objects.get(case=case)
    assert rating.is_bad and rating.comment == "等了很久"
    # once only
    r = client.post("/track/rate/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:],
                                     "level": "satisfied"})
    assert r.status_code == 409 and "已经评价过" in html(r)
    assert Rating.objects.get(case=case).level == "very_dissatisfied"
    r = client.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]})
    assert 'id="rating-form"' not in html(r) and "您已对本办件作出评价" in html(r)


def test_rating_before_finish_and_with_a_wrong_suffix(client, make_case):
    case = make_case(36)
    r = client.post("/track/rate/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:],
                                     "level": "satisfied"})
    assert r.status_code == 422 and "办结后才能评价" in html(r)
    r = client.post("/track/rate/", {"case_no": case.case_no, "id_suffix": "000000", "level": "satisfied"})
    assert r.status_code == 404 and "不正确" in html(r)
    assert not Rating.objects.exists()
    assert client.get("/track/rate/").status_code == 405


def test_track_and_rating_forms_enforce_csrf(make_case):
    case = make_case(36)
    c = Client(enforce_csrf_checks=True)
    r = c.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]})
    assert r.status_code == 403
    r = c.post("/track/rate/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:], "level": "satisfied"})
    assert r.status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(c.get("/track/"))).group(1)
    r = c.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:],
                           "csrfmiddlewaretoken": token})
    assert r.status_code == 200 and case.case_no in html(r)


def test_track_page_carries_no_suffix_in_links(client, make_case):
    """The suffix is POSTed; the page never puts it in a URL (logs, history, referrers)."""
    case = make_case(36)
    page = html(client.post("/track/", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]}))
    assert not re.search(r'href="[^"]*' + re.escape(case.applicant_id[-6:]), page)
