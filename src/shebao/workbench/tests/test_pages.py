"""Workbench pages through django.test.Client: every page, every denial, forms that lose nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from shebao.cases import services
from shebao.cases.models import Case, CaseMaterial, Rating
from shebao.testing.factories import FAMILIES, checklist, credit_code, person_id

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def case_nos_in(response) -> list[str]:
    return re.findall(r'class="wb-caseno" href="/workbench/cases/([A-Z]+-\d{4}-\d{6})/"', html(response))


def intake_post(item_no: int, *, scenario=None, kind=None, name=None, id_number=None, statuses=None,
                outcome="accept", consent=False, reasons="", phone="13900000000", **extra) -> dict:
    """The intake form as a browser would post it (every checklist material, by index)."""
    dept, fam_kind, fam_scenario = FAMILIES.get(item_no, (None, "person", None))
    kind = kind or fam_kind
    scenario = fam_scenario if scenario is None else scenario
    data = {
        "item": str(item_no), "scenario": scenario or "", "kind": kind,
        "name": name if name is not None else ("阳城县示例煤业有限公司" if kind == "unit" else "张三丰"),
        "id_number": id_number if id_number is not None else (credit_code() if kind == "unit" else person_id()),
        "phone": phone, "outcome": outcome, "reasons": reasons, **extra,
    }
    if consent:
        data["tolerance_consent"] = "1"
    statuses = statuses or {}
    for i, m in enumerate(checklist(item_no, scenario)):
        data[f"m{i}_name"] = m["name"]
        default = "missing" if m.get("optional_when") else "received"
        data[f"m{i}"] = statuses.get(m["name"], default)
    return data


# -- anonymous, non-staff and admin -------------------------------------------------------------------
def test_anonymous_is_sent_to_login(make_case):
    case = make_case(1)
    anon = Client()
    for url in ["/workbench/", "/workbench/intake/", f"/workbench/cases/{case.case_no}/",
                f"/workbench/cases/{case.case_no}/receipt.pdf", f"/workbench/cases/{case.case_no}/notice.pdf",
                "/workbench/complaints/"]:
        r = anon.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next="), url
    r = anon.post(f"/workbench/cases/{case.case_no}/", {"action": "advance", "version": case.version})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    r = anon.post("/workbench/complaints/1/follow-up/", {"text": "x"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert Case.objects.get(pk=case.pk).version == case.version


def test_login_page_leads_to_the_queue(staff):
    staff("clerk", "QY")
    r = Client().post("/accounts/login/", {"username": "clerk_qy", "password": "pw-for-tests-1"})
    assert r.status_code == 302 and r["Location"] == "/workbench/"


def test_user_without_staff_profile_is_refused(db, make_case):
    from django.contrib.auth import get_user_model

    case = make_case(1)
    user = get_user_model().objects.create_user("visitor", password="pw-for-tests-1")
    c = Client()
    c.force_login(user)
    for url in ["/workbench/", "/workbench/intake/", f"/workbench/cases/{case.case_no}/", "/workbench/complaints/"]:
        r = c.get(url)
        assert r.status_code == 403 and "不是本中心的工作人员" in html(r), url


def test_admin_sees_no_case_data(login, make_case):
    case = make_case(1)
    admin = login("admin")
    r = admin.get("/workbench/")
    assert r.status_code == 403 and "系统管理员" in html(r)
    r = admin.get(f"/workbench/cases/{case.case_no}/")
    assert r.status_code == 403 and case.applicant_id not in html(r)
    assert admin.get(f"/workbench/cases/{case.case_no}/receipt.pdf").status_code == 403
    assert admin.get("/workbench/intake/").status_code == 403
    assert admin.get("/workbench/complaints/").status_code == 403


# -- queue ----------------------------------------------------------------------------------------------
def test_queue_orders_by_urgency_then_due_date_and_masks_applicants(login, make_case):
    a = make_case(1, seq=101)
    b = make_case(1, seq=102)
    c = make_case(1, seq=103)
    other = make_case(36)  # 失业保险股
    Case.objects.filter(pk=a.pk).update(warning="normal")
    Case.objects.filter(pk=b.pk).update(warning="red")
    Case.objects.filter(pk=c.pk).update(warning="yellow")
    r = login("reviewer", "QY").get("/workbench/")
    assert r.status_code == 200
    assert case_nos_in(r) == [b.case_no, c.case_no, a.case_no]
    assert other.case_no not in html(r)
    page = html(r)
    assert "张三丰" not in page and a.applicant_id not in page
    assert a.masked_applicant_id in page
    assert re.search(r'<span class="wb-count-n">1</span> 红牌超期', page)
    assert re.search(r'<span class="wb-count-n">1</span> 黄牌预警', page)


def test_queue_due_date_order_within_a_warning_level(login, make_case):
    early = make_case(1, seq=104)
    late = make_case(1, seq=105)
    Case.objects.filter(pk__in=[early.pk, late.pk]).update(warning="normal")
    Case.objects.filter(pk=early.pk).update(promised_due=dt.date(2026, 1, 5))
    Case.objects.filter(pk=late.pk).update(promised_due=dt.date(2026, 3, 5))
    Case.objects.filter(pk=late.pk).update(received_at=early.received_at - dt.timedelta(days=1))
    r = login("clerk", "QY").get("/workbench/")
    assert case_nos_in(r) == [early.case_no, late.case_no]
    # an extension moves the date the case is judged against
    Case.objects.filter(pk=early.pk).update(extended_due=dt.date(2026, 4, 1))
    assert case_nos_in(login("clerk", "QY").get("/workbench/")) == [late.case_no, early.case_no]


def test_queue_filters(login, make_case, staff):
    from shebao.catalog.selectors import get_item

    x = make_case(1, seq=111)
    y = make_case(1, seq=112)
    Case.objects.filter(pk=x.pk).update(warning="normal")
    Case.objects.filter(pk=y.pk).update(warning="yellow", received_at=x.received_at - dt.timedelta(days=40))
    finished = make_case(1, seq=113)
    finished = services.perform_action(user=staff("section_head", "QY"), case_no=finished.case_no,
                                       action="refuse", version=finished.version, reason="不符合条件")
    client = login("clerk", "QY")
    assert set(case_nos_in(client.get("/workbench/"))) == {x.case_no, y.case_no}
    assert case_nos_in(client.get("/workbench/", {"warning": "yellow"})) == [y.case_no]
    assert case_nos_in(client.get("/workbench/", {"status": "refused"})) == [finished.case_no]
    assert set(case_nos_in(client.get("/workbench/", {"status": "all"}))) == {x.case_no, y.case_no, finished.case_no}
    assert case_nos_in(client.get("/workbench/", {"q": x.case_no[-3:]})) == [x.case_no]
    day = y.received_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() - dt.timedelta(days=40)
    r = client.get("/workbench/", {"received_from": day.isoformat(), "received_to": day.isoformat()})
    assert case_nos_in(r) == [y.case_no]
    assert case_nos_in(client.get("/workbench/", {"item": "1"})) != []
    assert case_nos_in(client.get("/workbench/", {"item": "2"})) == []
    # only the department's items are offered
    r = client.get("/workbench/")
    assert f"{get_item(no=1).name}</option>" in html(r) and get_item(no=36).name not in html(r)
    # invalid filters are explained, not a crash
    r = client.get("/workbench/", {"received_from": "2026-13-01"})
    assert r.status_code == 400 and "日期格式应为 YYYY-MM-DD" in html(r)
    r = client.get("/workbench/", {"received_from": "2026-03-01", "received_to": "2026-02-01"})
    assert r.status_code == 400 and "结束日期不能早于开始日期" in html(r)
    r = client.get("/workbench/", {"item": "36"})
    assert r.status_code == 400 and "选项无效" in html(r)
    r = client.get("/workbench/", {"received_from": "2026-03-01", "received_to": "2026-02-01"}, HTTP_HX_REQUEST="true")
    assert 'id="filter-errors"' in html(r) and "结束日期不能早于开始日期" in html(r)
    # htmx asks for the results only
    r = client.get("/workbench/", {"warning": "yellow"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and html(r).lstrip().startswith('<section id="queue-results"')
    assert "<html" not in html(r)


def test_director_sees_every_department_read_only(login, make_case):
    a = make_case(1)
    b = make_case(36)
    director = login("director")
    r = director.get("/workbench/")
    assert set(case_nos_in(r)) == {a.case_no, b.case_no}
    assert case_nos_in(director.get("/workbench/", {"department": "SY"})) == [b.case_no]
    r = director.get(f"/workbench/cases/{b.case_no}/")
    assert r.status_code == 200
    assert "个人信息已脱敏显示" in html(r) and b.applicant_id not in html(r)
    assert 'id="case-actions"' not in html(r)
    r = director.post(f"/workbench/cases/{b.case_no}/", {"action": "advance", "version": b.version})
    assert r.status_code == 403 and "只读" in html(r)
    assert director.get("/workbench/intake/").status_code == 403


# -- intake ---------------------------------------------------------------------------------------------
def test_intake_page_offers_only_the_department_items(login):
    from shebao.catalog.selectors import get_item

    r = login("clerk", "JG").get("/workbench/intake/")
    assert r.status_code == 200
    assert get_item(no=24).name in html(r) and get_item(no=1).name not in html(r)
    assert "请先选择办理事项" in html(r)


@pytest.mark.parametrize("role", ["reviewer", "approver"])
def test_intake_refused_to_reviewer_and_approver(login, role):
    c = login(role, "QY")
    assert c.get("/workbench/intake/").status_code == 403
    r = c.post("/workbench/intake/", intake_post(1))
    assert r.status_code == 403 and "无权受理" in html(r)
    assert not Case.objects.exists()


def test_intake_checklist_reload_by_htmx_keeps_the_choices(login):
    c = login("clerk", "JG")
    data = intake_post(24, scenario="", name="李四")
    data.pop("scenario")
    data["_reload"] = "1"
    r = c.post("/workbench/intake/", data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and html(r).lstrip().startswith('<div id="checklist">')
    assert "请选择情形" in html(r) and 'name="m0"' not in html(r)
    data["scenario"] = "registration"
    r = c.post("/workbench/intake/", data, HTTP_HX_REQUEST="true")
    names = [m["name"] for m in checklist(24, "registration")]
    for n in names:
        assert n in html(r)
    # switching the scenario keeps the status of a material of the same name
    data = intake_post(34, scenario="medical_expenses")
    data["_reload"] = "1"
    data["m1"] = "missing"  # 医疗发票原件
    data["scenario"] = "disability_benefits"
    r = login("clerk", "GS").post("/workbench/intake/", data, HTTP_HX_REQUEST="true")
    first = checklist(34, "disability_benefits")[0]["name"]
    assert first == checklist(34, "medical_expenses")[0]["name"]
    assert re.search(r'name="m0"[^>]*>\s*<option value="received" selected', html(r))
    # without JavaScript the same reload renders the whole page
    r = c.post("/workbench/intake/", {**intake_post(24), "_reload": "1"})
    assert r.status_code == 200 and "<html" in html(r)
    assert not Case.objects.exists()


@pytest.mark.parametrize("item_no", sorted(FAMILIES))
def test_intake_accepts_each_family(login, item_no):
    dept = FAMILIES[item_no][0]
    r = login("clerk", dept).post("/workbench/intake/", intake_post(item_no))
    assert r.status_code == 302, html(r)[:3000]
    case = Case.objects.get()
    assert r["Location"] == f"/workbench/cases/{case.case_no}/"
    assert case.status == "in_progress" and case.item.no == item_no and case.department.code == dept
    page = login("clerk", dept).get(r["Location"])
    assert "已受理，办件编号" in html(page) and case.applicant_id in html(page)
    assert 'id="print-receipt"' in html(page)


def test_intake_errors_are_shown_next_to_fields_and_nothing_is_lost(login):
    c = login("clerk", "SY")
    data = intake_post(36, name="阳城县某某有限公司", id_number="91140522MA0K12345X", phone="12",
                       agent_name="", agent_id_number="140522199001011234",
                       statuses={"用工备案表": "missing"}, reasons="")
    data["email"] = "x@@"
    r = c.post("/workbench/intake/", data)
    assert r.status_code == 422
    page = html(r)
    assert "受理信息有误" in page
    assert re.search(r'id="id-error">统一社会信用代码无效', page)
    assert re.search(r'id="phone-error">联系电话无效', page)
    assert re.search(r'id="agent-id-error">经办人（代理人）身份证号码无效', page)
    assert re.search(r'id="m0-error">缺少材料《用工备案表》', page)
    # what the clerk typed is still there
    assert 'value="阳城县某某有限公司"' in page and 'value="91140522MA0K12345X"' in page
    assert 'value="140522199001011234"' in page and 'value="x@@"' in page
    assert re.search(r'name="m0"[^>]*>\s*<option value="received">已收</option>\s*<option value="missing" selected', page)
    assert re.search(r'id="kind-unit" name="kind" value="unit" checked', page)
    assert not Case.objects.exists()


def test_intake_tolerance_needs_consent_and_only_tolerable_materials(login):
    c = login("clerk", "SY")
    # 36: 社会保险登记表 and 法人身份证复印件 are tolerable, 用工备案表 is not
    data = intake_post(36, statuses={"社会保险登记表": "missing"}, outcome="tolerance")
    r = c.post("/workbench/intake/", data)
    assert r.status_code == 400 and "须经申请人同意" in html(r)
    assert 'id="tolerance"' in html(r) and "社会保险登记表（3 个工作日内）" in html(r)
    data = intake_post(36, statuses={"社会保险登记表": "missing", "用工备案表": "missing"}, outcome="tolerance",
                       consent=True)
    r = c.post("/workbench/intake/", data)
    assert r.status_code == 422 and "《用工备案表》不在容缺受理清单内" in html(r)
    assert 'id="tolerance_consent" name="tolerance_consent" value="1" checked' in html(r)
    data = intake_post(36, statuses={"社会保险登记表": "missing"}, outcome="tolerance", consent=True)
    r = c.post("/workbench/intake/", data)
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.tolerance and case.awaiting_supplement and case.supplement_due
    page = html(c.get(r["Location"]))
    assert "已容缺受理" in page and 'id="print-notice"' in page and "补正告知书" in page


def test_intake_without_tolerable_materials_offers_no_tolerance(login):
    r = login("clerk", "QY").post("/workbench/intake/", {**intake_post(1), "_reload": "1"})
    assert 'id="tolerance"' not in html(r) and 'value="tolerance"' not in html(r)
    r = login("clerk", "QY").post("/workbench/intake/", intake_post(1, outcome="tolerance", consent=True))
    assert r.status_code == 400 and "没有可容缺的材料" in html(r)


def test_intake_refusal_needs_reasons_and_gives_the_notice(login):
    c = login("clerk", "SY")
    data = intake_post(36, statuses={"用工备案表": "missing"}, outcome="refuse")
    r = c.post("/workbench/intake/", data)
    assert r.status_code == 422 and re.search(r'id="reasons-error">不予受理必须写明理由', html(r))
    data["reasons"] = "缺少用工备案表\n请补齐后重新申请"
    r = c.post("/workbench/intake/", data)
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.status == "not_accepted" and case.refusal_reasons == ["缺少用工备案表", "请补齐后重新申请"]
    page = html(c.get(r["Location"]))
    assert "已登记不予受理" in page and "不予受理通知书" in page and 'id="print-receipt"' not in page


def test_intake_of_another_department_item_is_refused(login):
    r = login("clerk", "QY").post("/workbench/intake/", intake_post(36))
    assert r.status_code == 400 and "事项 36 不由您受理" in html(r)
    assert not Case.objects.exists()


def test_intake_form_enforces_csrf(staff):
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff("clerk", "QY"))
    r = c.post("/workbench/intake/", intake_post(1))
    assert r.status_code == 403
    assert not Case.objects.exists()
    # with the token from the page it goes through
    page = c.get("/workbench/intake/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(page)).group(1)
    r = c.post("/workbench/intake/", {**intake_post(1), "csrfmiddlewaretoken": token})
    assert r.status_code == 302 and Case.objects.count() == 1


# -- case page ------------------------------------------------------------------------------------------
def test_case_page_shows_full_data_to_the_department(login, make_case):
    case = make_case(18)
    r = login("reviewer", "CJ").get(f"/workbench/cases/{case.case_no}/")
    assert r.status_code == 200
    page = html(r)
    assert "张三丰" in page and case.applicant_id in page and "13900000000" in page
    assert case.query_code in page
    for m in case.materials.all():
        assert m.name in page
    assert "受理" in page and 'id="timeline"' in page
    assert 'id="act-advance"' in page and f'name="version" value="{case.version}"' in page
    assert 'aria-current="step"' in page


@pytest.mark.parametrize("role", ["clerk", "reviewer", "approver", "section_head"])
def test_case_page_of_another_department_is_403(login, make_case, role):
    case = make_case(18)  # 城乡居民保险股
    c = login(role, "QY")
    for url in [f"/workbench/cases/{case.case_no}/", f"/workbench/cases/{case.case_no}/receipt.pdf",
                f"/workbench/cases/{case.case_no}/notice.pdf"]:
        r = c.get(url)
        assert r.status_code == 403 and "不属于您所在的股室" in html(r), url
        assert case.applicant_id not in html(r)
    r = c.post(f"/workbench/cases/{case.case_no}/", {"action": "advance", "version": case.version})
    assert r.status_code == 403
    assert Case.objects.get(pk=case.pk).version == case.version


def test_unknown_case_is_404(login):
    r = login("clerk", "QY").get("/workbench/cases/QY-2026-999999/")
    assert r.status_code == 404 and "未找到办件" in html(r)


def test_wrong_role_sees_no_buttons_and_cannot_post(login, make_case):
    case = make_case(1)  # now at 审核 (reviewer)
    r = login("approver", "QY").get(f"/workbench/cases/{case.case_no}/")
    assert 'id="act-advance"' not in html(r) and 'id="no-actions"' in html(r)
    r = login("approver", "QY").post(f"/workbench/cases/{case.case_no}/",
                                     {"action": "advance", "version": case.version})
    assert r.status_code == 403 and "只能由" in html(r)
    assert Case.objects.get(pk=case.pk).current_step == "审核"


def test_walk_through_the_case_page(login, make_case):
    case = make_case(1)  # 申报 受理 | 审核 审批 征收
    no = case.case_no
    url = f"/workbench/cases/{no}/"

    def post(role, **data):
        return login(role, "QY").post(url, data)

    r = post("reviewer", action="advance", version=case.version, reason="材料齐全")
    assert r.status_code == 302 and r["Location"] == url
    case.refresh_from_db()
    assert case.current_step == "审批"
    # the approver returns it to 审核 with a reason; a missing reason is explained and the form kept
    r = post("approver", action="return", version=case.version, target_step="2", reason="")
    assert r.status_code == 422 and "必须写明理由" in html(r)
    r = post("approver", action="return", version=case.version, target_step="2", reason="工资申报表有误")
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.current_step == "审核"
    r = post("reviewer", action="advance", version=case.version)
    case.refresh_from_db()
    # extension by the approver, then suspend and resume
    r = post("approver", action="extend", version=case.version, days="abc", reason="外调")
    assert r.status_code == 400 and "工作日数应为整数" in html(r) and "外调" in html(r)
    r = post("approver", action="extend", version=case.version, days="5", reason="需外调核实")
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.extension_days == 5 and case.extended_due
    page = html(login("approver", "QY").get(url))
    assert "延期后办结日期" in page and "需外调核实" in page
    r = post("approver", action="suspend", version=case.version, reason="等待补充工资数据")
    case.refresh_from_db()
    assert case.status == "suspended"
    assert 'id="act-resume"' in html(login("approver", "QY").get(url))
    r = post("approver", action="resume", version=case.version)
    case.refresh_from_db()
    assert case.status == "in_progress"
    r = post("approver", action="advance", version=case.version)
    case.refresh_from_db()
    assert case.current_step == "征收"
    # finish needs the result
    r = post("clerk", action="finish", version=case.version, result="")
    assert r.status_code == 422 and "办理结果" in html(r)
    r = post("clerk", action="finish", version=case.version, result="已登记参保")
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "finished" and case.result == "已登记参保"
    page = html(login("clerk", "QY").get(url))
    assert 'id="case-actions"' not in page and "已登记参保" in page
    for label in ("提交下一环节", "退回", "延期", "挂起", "恢复办理", "办结"):
        assert label in page


def test_stale_version_shows_message_and_keeps_the_text(login, make_case):
    case = make_case(1)
    url = f"/workbench/cases/{case.case_no}/"
    old = case.version
    assert login("reviewer", "QY").post(url, {"action": "advance", "version": old}).status_code == 302
    # the section head's page still had the old version
    r = login("section_head", "QY").post(url, {"action": "suspend", "version": old, "reason": "报市局审批，等待"})
    assert r.status_code == 409
    page = html(r)
    assert "该办件已被他人更新，请刷新后重试" in page
    assert "报市局审批，等待</textarea>" in page
    assert f'name="version" value="{old + 1}"' in page
    assert Case.objects.get(pk=case.pk).status == "in_progress"


def test_stale_form_whose_action_is_gone_still_shows_the_text(login, make_case):
    case = make_case(1)
    url = f"/workbench/cases/{case.case_no}/"
    old = case.version
    login("reviewer", "QY").post(url, {"action": "suspend", "version": old, "reason": "等待单位补充说明"})
    r = login("section_head", "QY").post(url, {"action": "advance", "version": old, "reason": "审核通过，转审批"})
    assert r.status_code == 409
    page = html(r)
    assert "该办件已被他人更新" in page
    assert 'id="lost-text"' in page and "审核通过，转审批</textarea>" in page
    assert 'id="act-resume"' in page


def test_supplement_through_the_page(login, make_case):
    case = make_case(36, missing=("社会保险登记表", "法人身份证复印件"), tolerance=True)
    url = f"/workbench/cases/{case.case_no}/"
    page = html(login("clerk", "SY").get(url))
    assert 'id="act-supplement"' in page and "社会保险登记表" in page
    assert "容缺后补" in page and 'id="awaiting-supplement"' in page
    assert 'id="act-supplement"' not in html(login("reviewer", "SY").get(url))
    r = login("clerk", "SY").post(url, {"action": "supplement", "version": case.version,
                                        "materials": ["社会保险登记表"]})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.awaiting_supplement
    r = login("clerk", "SY").post(url, {"action": "supplement", "version": case.version,
                                        "materials": ["营业执照复印件"]})
    assert r.status_code == 400 and "不是本件待补的容缺材料" in html(r)
    r = login("clerk", "SY").post(url, {"action": "supplement", "version": case.version,
                                        "materials": ["法人身份证复印件"]})
    case.refresh_from_db()
    assert not case.awaiting_supplement
    assert CaseMaterial.objects.filter(case=case, tolerated=True, supplied_at__isnull=True).count() == 0
    page = html(login("clerk", "SY").get(url))
    assert "已补交" in page and 'id="awaiting-supplement"' not in page


def test_provisional_and_warning_are_marked(login, make_case):
    import datetime as dt

    case = make_case(1)
    assert case.received_at.year == 2026
    Case.objects.filter(pk=case.pk).update(provisional=True, warning="red", promised_due=dt.date(2027, 1, 15))
    c = login("clerk", "QY")
    page = html(c.get(f"/workbench/cases/{case.case_no}/"))
    assert 'id="provisional"' in page and '<span class="tag prov">暂定</span> 办结期限' in page
    assert 'class="wb-case-head wb-warn-red"' in page and "红牌超期" in page
    assert 'title="节假日安排公布后重算">暂定' in html(c.get("/workbench/"))


def test_a_due_date_in_a_known_year_is_not_marked_provisional(login, make_case):
    """Only the statutory date reaches into 2027: the promised date shown is final (2026 is known)."""
    import datetime as dt

    case = make_case(1, seq=135)
    Case.objects.filter(pk=case.pk).update(provisional=True, promised_due=dt.date(2026, 12, 18),
                                           statutory_due=dt.date(2027, 1, 18))
    case.refresh_from_db()
    assert case.provisional and not case.due_provisional
    c = login("clerk", "QY")
    page = html(c.get(f"/workbench/cases/{case.case_no}/"))
    assert '<span class="tag prov">暂定</span>' not in page and "承诺办结日期已确定" in page
    assert 'title="节假日安排公布后重算">暂定' not in html(c.get("/workbench/"))


def test_several_form_errors_read_as_one_sentence(login, make_case):
    case = make_case(1, seq=134)
    r = login("clerk", "QY").post(f"/workbench/cases/{case.case_no}/",
                                  {"action": "extend", "version": "x", "days": "三"})
    assert r.status_code == 400
    text = html(r)
    assert "办件版本号无效，请刷新后重试；延长的工作日数应为整数。" in text and "。；" not in text


def test_pdfs(login, make_case):
    ok = make_case(36, missing=("社会保险登记表",), tolerance=True)
    c = login("clerk", "SY")
    r = c.get(f"/workbench/cases/{ok.case_no}/receipt.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    r = c.get(f"/workbench/cases/{ok.case_no}/notice.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    refused = make_case(36, missing=("用工备案表",), refuse=True, seq=130)
    assert c.get(f"/workbench/cases/{refused.case_no}/notice.pdf").status_code == 200
    r = c.get(f"/workbench/cases/{refused.case_no}/receipt.pdf")
    assert r.status_code == 422 and "没有受理回执" in html(r)
    plain = make_case(36, seq=131)
    r = c.get(f"/workbench/cases/{plain.case_no}/notice.pdf")
    assert r.status_code == 422 and "没有需要一次性告知" in html(r)


def test_a_refused_case_prints_its_decision_with_reasons_basis_and_remedies(login, make_case, staff, tmp_path):
    import shutil
    import subprocess

    case = make_case(36, seq=132)
    case = services.perform_action(user=staff("section_head", "SY"), case_no=case.case_no, action="refuse",
                                   version=case.version, reason="该单位已在外县参保，不能重复登记")
    c = login("clerk", "SY")
    page = html(c.get(f"/workbench/cases/{case.case_no}/"))
    assert "打印不予办理决定书（PDF）" in page
    # The step it was refused at was reached: it reads as where the case ended, not "未开始".
    steps = page[page.index('class="wb-steps"'):]
    steps = steps[: steps.index("</ol>")]
    assert 'class="wb-step-stopped"' in steps and "（在此环节结束）" in steps
    assert case.step_state(case.step_index) == "stopped"
    r = c.get(f"/workbench/cases/{case.case_no}/notice.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "decision.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    compact = text.replace(" ", "").replace("\n", "")
    for needle in ("不予办理决定书", case.case_no, "决定不予办理", "该单位已在外县参保，不能重复登记",
                   "办理依据", "《社会保险费征缴暂行条例》", "六十日内依法申请行政复议", "六个月内依法向人民法院提起行政诉讼"):
        assert needle in compact, needle
    assert case.applicant_id not in compact  # masked, as on every printed paper
    # An open case has no decision to print.
    from shebao.cases import pdfs
    from shebao.core.errors import DomainError

    with pytest.raises(DomainError, match="只有不予办理"):
        pdfs.decision_pdf(make_case(36, seq=133))


# -- 差评 ----------------------------------------------------------------------------------------------
def _finished(staff, make_case, item_no=36, seq=140):
    case = make_case(item_no, seq=seq)
    dept = FAMILIES[item_no][0]
    case = services.perform_action(user=staff("reviewer", dept), case_no=case.case_no, action="advance",
                                   version=case.version)
    return services.perform_action(user=staff("approver", dept), case_no=case.case_no, action="finish",
                                   version=case.version, result="准予参保")


def test_complaints_list_and_follow_up(login, staff, make_case):
    sy = _finished(staff, make_case, 36)
    bad = services.rate_case(case_no=sy.case_no, id_suffix=sy.applicant_id[-6:], level="非常不满意",
                             comment="窗口排队太久")
    good_case = _finished(staff, make_case, 36, seq=141)
    services.rate_case(case_no=good_case.case_no, id_suffix=good_case.applicant_id[-6:], level="满意")
    qy = make_case(1, seq=142)
    qy = services.perform_action(user=staff("section_head", "QY"), case_no=qy.case_no, action="advance",
                                 version=qy.version)
    qy = services.perform_action(user=staff("section_head", "QY"), case_no=qy.case_no, action="advance",
                                 version=qy.version)
    qy = services.perform_action(user=staff("section_head", "QY"), case_no=qy.case_no, action="finish",
                                 version=qy.version, result="已登记")
    services.rate_case(case_no=qy.case_no, id_suffix=qy.applicant_id[-6:], level="不满意", comment="态度差")

    head = login("section_head", "SY")
    r = head.get("/workbench/complaints/")
    assert r.status_code == 200
    page = html(r)
    assert sy.case_no in page and "窗口排队太久" in page
    assert good_case.case_no not in page and qy.case_no not in page
    assert f'action="/workbench/complaints/{bad.pk}/follow-up/"' in page
    # empty text: explained, nothing recorded
    r = head.post(f"/workbench/complaints/{bad.pk}/follow-up/", {"text": "  "})
    assert r.status_code == 400 and "请填写整改回访情况" in html(r)
    r = head.post(f"/workbench/complaints/{bad.pk}/follow-up/", {"text": "已电话回访，增开窗口"})
    assert r.status_code == 302
    assert Rating.objects.get(pk=bad.pk).follow_up == "已电话回访，增开窗口"
    page = html(head.get("/workbench/complaints/"))
    assert "已电话回访，增开窗口" in page and "已回访" in page
    assert sy.case_no not in html(head.get("/workbench/complaints/", {"pending": "1"}))
    # the other department's head may not record it
    other = Rating.objects.get(case=qy)
    r = head.post(f"/workbench/complaints/{other.pk}/follow-up/", {"text": "越权"})
    assert r.status_code == 403 and Rating.objects.get(pk=other.pk).follow_up == ""
    # the director sees every department, read-only
    r = login("director").get("/workbench/complaints/")
    assert sy.case_no in html(r) and qy.case_no in html(r) and "登记回访</button>" not in html(r)
    r = login("director").post(f"/workbench/complaints/{other.pk}/follow-up/", {"text": "x"})
    assert r.status_code == 403
    assert login("director").get(f"/workbench/complaints/{other.pk}/follow-up/").status_code == 405


@pytest.mark.parametrize("role", ["clerk", "reviewer", "approver"])
def test_complaints_refused_to_other_roles(login, staff, make_case, role):
    case = _finished(staff, make_case, 36)
    bad = services.rate_case(case_no=case.case_no, id_suffix=case.applicant_id[-6:], level="不满意")
    r = login(role, "SY").get("/workbench/complaints/")
    assert r.status_code == 403 and "仅供股长和中心主任" in html(r)
    r = login(role, "SY").post(f"/workbench/complaints/{bad.pk}/follow-up/", {"text": "x"})
    assert r.status_code == 403 and Rating.objects.get(pk=bad.pk).follow_up == ""


def test_unknown_rating_is_404(login):
    r = login("section_head", "SY").post("/workbench/complaints/999999/follow-up/", {"text": "x"})
    assert r.status_code == 404 and "未找到评价" in html(r)


# -- 综合受理窗口 (front desk) ----------------------------------------------------------------------------
def test_front_desk_takes_in_for_every_department_and_hands_over(login, staff):
    from shebao.catalog.selectors import get_item

    desk = login("front_desk")
    r = desk.get("/workbench/intake/")
    assert r.status_code == 200
    page = html(r)
    assert '<optgroup label="企业保险股">' in page and get_item(no=36).name in page and get_item(no=1).name in page
    r = desk.post("/workbench/intake/", intake_post(36))
    assert r.status_code == 302
    sy = Case.objects.get()
    r = desk.post("/workbench/intake/", intake_post(1))
    qy = Case.objects.exclude(pk=sy.pk).get()
    assert sy.department.code == "SY" and qy.department.code == "QY"
    # its queue: exactly what it holds, with a handover form; the case page shows the data and no actions
    r = desk.get("/workbench/")
    assert set(case_nos_in(r)) == {sy.case_no, qy.case_no} and 'id="handover-form"' in html(r)
    assert "待移交办件" in html(r)
    page = html(desk.get(f"/workbench/cases/{sy.case_no}/"))
    assert sy.applicant_id in page and 'id="handover-form"' in page and 'id="case-actions"' not in page
    r = desk.post(f"/workbench/cases/{sy.case_no}/", {"action": "advance", "version": sy.version})
    assert r.status_code == 403 and "综合受理窗口只负责受理" in html(r)
    # the department already sees it in its queue
    assert sy.case_no in case_nos_in(login("reviewer", "SY").get("/workbench/"))
    # nothing chosen: explained
    r = desk.post("/workbench/handover/", {}, follow=True)
    assert "请选择要移交的办件" in html(r)
    r = desk.post("/workbench/handover/", {"case_no": [sy.case_no]}, follow=True)
    assert f"已移交股室：{sy.case_no}（失业保险股）" in html(r)
    assert case_nos_in(r) == [qy.case_no]
    r = desk.get(f"/workbench/cases/{sy.case_no}/")
    assert r.status_code == 403 and "综合受理窗口只能查看本人受理" in html(r)
    page = html(login("reviewer", "SY").get(f"/workbench/cases/{sy.case_no}/"))
    assert "移交股室" in page
    r = desk.post("/workbench/handover/", {"case_no": [sy.case_no]}, follow=True)
    assert "不能重复移交" in html(r)
    # the department acting first takes it over
    qy.refresh_from_db()
    login("reviewer", "QY").post(f"/workbench/cases/{qy.case_no}/", {"action": "advance", "version": qy.version})
    assert case_nos_in(desk.get("/workbench/")) == []
    assert "都已移交股室" in html(desk.get("/workbench/"))


def test_handover_is_only_for_the_front_desk(login, make_case):
    case = make_case(1)
    r = login("clerk", "QY").post("/workbench/handover/", {"case_no": [case.case_no]})
    assert r.status_code == 403 and "只有综合受理窗口" in html(r)
    assert Client().post("/workbench/handover/", {"case_no": [case.case_no]}).status_code == 302


def test_supplement_with_no_material_ticked_is_refused_and_marks_nothing(login):
    c = login("clerk", "SY")
    r = c.post("/workbench/intake/", intake_post(36, statuses={"社会保险登记表": "missing"}, outcome="tolerance",
                                                  consent=True))
    assert r.status_code == 302
    case = Case.objects.get()
    r = c.post(f"/workbench/cases/{case.case_no}/", {"action": "supplement", "version": case.version})
    assert r.status_code == 422 and "请勾选（列出）本次补交的容缺材料" in html(r)
    case.refresh_from_db()
    assert case.awaiting_supplement
    assert case.materials.get(name="社会保险登记表").supplied_at is None
    r = c.post(f"/workbench/cases/{case.case_no}/", {"action": "supplement", "version": case.version,
                                                    "materials": ["社会保险登记表"]})
    assert r.status_code == 302
    case.refresh_from_db()
    assert not case.awaiting_supplement


def test_a_form_submitted_twice_is_taken_in_once(login):
    c = login("clerk", "QY")
    page = html(c.get("/workbench/intake/?item=4"))
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    data = {**intake_post(4), "submission_key": key}
    first = c.post("/workbench/intake/", data)
    second = c.post("/workbench/intake/", data)  # the double click
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert "没有重复登记" in html(c.get(second["Location"]))
    # Back in the browser, the same form changed for another applicant: not silently the first case.
    r = c.post("/workbench/intake/", {**data, "name": "李四"})
    assert r.status_code == 409 and "请打开新的受理页面" in html(r)
    assert Case.objects.count() == 1
    # A new page carries a new key.
    other = re.search(r'name="submission_key" value="([^"]+)"', html(c.get("/workbench/intake/?item=4"))).group(1)
    assert other != key
    assert c.post("/workbench/intake/", {**data, "submission_key": other}).status_code == 302
    assert Case.objects.count() == 2


def test_the_intake_page_lists_every_problem_in_one_round(login):
    c = login("clerk", "SY")
    data = intake_post(36, statuses={"社会保险登记表": "missing"}, outcome="tolerance", consent=False,
                       agent_name="王五", agent_id_number="140522199001011234")
    r = c.post("/workbench/intake/", data)
    page = html(r)
    assert r.status_code == 400
    assert "须经申请人同意" in page and "经办人（代理人）身份证号码无效" in page
    assert not Case.objects.exists()
