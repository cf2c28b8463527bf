"""Intake per item family: accept, 容缺, refuse, and the 422 that names each problem."""

from __future__ import annotations

import re

import pytest

from shebao.cases import services
from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseAction, Notification
from shebao.cases.tests.conftest import FAMILIES, intake_payload, materials_of
from shebao.core.errors import DomainError, PermissionDenied
from shebao.core.models import AuditEvent
from shebao.testing.factories import at, credit_code, person_id

pytestmark = pytest.mark.django_db


def _intake(user, county, item_no, now=None, **overrides):
    p = intake_payload(county, item_no, **overrides)
    return services.intake_case(
        user=user,
        item_no=p["item_no"],
        scenario=p["scenario"],
        applicant=services.Applicant(**p["applicant"]),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in p["materials"]],
        tolerance=p.get("tolerance", False),
        refuse=p.get("refuse", False),
        refusal_reasons=p.get("refusal_reasons", ()),
        now=now,
    )


@pytest.mark.parametrize("item_no", sorted(FAMILIES))
def test_intake_each_family_via_api(api, county, item_no):
    dept = FAMILIES[item_no][0]
    r = api("clerk", dept).post("/api/v1/cases", intake_payload(county, item_no), content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert re.fullmatch(rf"{dept}-20\d\d-\d{{6}}", body["case_no"])
    assert body["status"] == "in_progress"
    assert body["department"] == dept
    # intake consumed the leading 受理/申报 steps; the case waits on the next one
    assert body["steps"][body["step_index"]]["state"] == "current"
    assert all(s["state"] == "done" for s in body["steps"][: body["step_index"]])
    assert body["current_step"] not in ("受理", "申报")
    for key in ("statutory_due", "promised_due", "supplement_due", "provisional", "version", "query_code"):
        assert key in body
    assert body["supplement_due"] is None
    assert body["applicant"]["masked"] is False  # the department's own clerk sees the full data
    case = Case.objects.get(case_no=body["case_no"])
    assert case.item_version_id == case.item.current_version_id
    assert case.actions.get().action == "accept"
    assert AuditEvent.objects.filter(object_type="case", object_id=case.case_no, action="cases.intake.accept").exists()
    assert Notification.objects.filter(case=case, kind="accepted").count() == 1


def test_item_36_due_dates_and_first_step(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36, now=at(2026, 9, 29))
    assert case.current_step == "审核"
    assert case.statutory_due is None  # 法定时限：无
    assert case.promised_due.isoformat() == "2026-09-29"  # 即办：the same working day
    assert case.warning == wf.YELLOW  # due today


def test_working_day_limit_crosses_national_day(staff, county):
    # item 4: 法定 30, 承诺 20 working days; received Mon 2026-09-28 → 国庆 10/1–10/7, 10/10 (Sat) works
    from shebao.cases.tests.conftest import applicant_for

    case = services.intake_case(
        user=staff("clerk", "QY"), item_no=4, scenario=None,
        applicant=services.Applicant(**applicant_for("person")),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in materials_of(county, 4)],
        now=at(2026, 9, 28),
    )
    # (9/28, …]: 9/29, 9/30, 10/8, 10/9, 10/10, 10/12 … the 20th working day is 2026-10-30
    assert case.promised_due.isoformat() == "2026-10-30"
    assert case.statutory_due.isoformat() == "2026-11-13"
    assert case.provisional is False


def test_due_date_beyond_known_calendar_is_provisional(staff, county):
    from shebao.cases.tests.conftest import applicant_for

    case = services.intake_case(
        user=staff("clerk", "QY"), item_no=4, scenario=None,
        applicant=services.Applicant(**applicant_for("person")),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in materials_of(county, 4)],
        now=at(2026, 12, 21),
    )
    assert case.statutory_due.year == 2027
    assert case.provisional is True


def test_tolerance_item_36(api, county):
    missing = ("社会保险登记表", "开户许可证复印件")
    payload = intake_payload(county, 36, materials=materials_of(county, 36, missing=missing), tolerance=True)
    r = api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert body["tolerance"] is True and body["awaiting_supplement"] is True
    assert body["supplement_due"] is not None
    tolerated = {m["name"] for m in body["materials"] if m["tolerated"]}
    assert tolerated == set(missing)
    case = Case.objects.get(case_no=body["case_no"])
    assert case.actions.get().action == "accept_tolerance"


def test_tolerance_supplement_due_is_three_working_days(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36, now=at(2026, 9, 29),
                   materials=materials_of(county, 36, missing=("法人身份证复印件",)), tolerance=True)
    # 9/29 (Tue) + 3 working days: 9/30, 10/8, 10/9 (国庆 10/1–10/7)
    assert case.supplement_due.isoformat() == "2026-10-09"


def test_missing_tolerable_material_without_opt_in_is_422(api, county):
    payload = intake_payload(county, 36, materials=materials_of(county, 36, missing=("社会保险登记表",)))
    r = api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422
    assert "容缺" in r.json()["detail"] and "社会保险登记表" in r.json()["detail"]


def test_missing_non_tolerable_material_under_tolerance_is_422(api, county):
    payload = intake_payload(county, 36, materials=materials_of(county, 36, missing=("营业执照复印件", "社会保险登记表")),
                             tolerance=True)
    r = api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert any("营业执照复印件" in p and "不在容缺受理清单内" in p for p in problems)
    assert not any("社会保险登记表" in p for p in problems)


def test_422_names_every_problem(api, county):
    payload = intake_payload(county, 34, scenario="no_such_scenario")
    payload["applicant"]["id_number"] = "140522198001011230"  # wrong check digit
    payload["applicant"]["phone"] = "1380000"
    r = api("clerk", "GS").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert any("身份证号码无效" in p and "校验码" in p for p in problems)
    assert any("未知的情形" in p and "no_such_scenario" in p for p in problems)
    assert any("联系电话无效" in p for p in problems)
    assert Case.objects.count() == 0


def test_invalid_credit_code_unknown_material_and_missing_scenario(api, county):
    payload = intake_payload(county, 1)
    payload["applicant"]["credit_code"] = "91140522MA0K12345X"
    payload["materials"].append({"name": "不存在的材料", "status": "received"})
    r = api("clerk", "QY").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert any("统一社会信用代码无效" in p for p in problems)
    assert any("不存在的材料" in p and "不在本情形的材料清单中" in p for p in problems)

    payload = intake_payload(county, 40, scenario=None)
    r = api("clerk", "SBK").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422 and any("请选择情形" in p for p in r.json()["problems"])


def test_missing_required_material_is_422_and_refusal_gives_notice(api, county):
    missing = materials_of(county, 40, "adult")[0]["name"]
    payload = intake_payload(county, 40, materials=materials_of(county, 40, "adult", missing=(missing,)))
    r = api("clerk", "SBK").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422 and missing in r.json()["detail"]

    payload["refuse"] = True
    r = api("clerk", "SBK").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422 and "理由" in r.json()["detail"]

    payload["refusal_reasons"] = ["申请材料不齐全"]
    r = api("clerk", "SBK").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert body["status"] == "not_accepted" and body["refusal_reasons"] == ["申请材料不齐全"]
    assert body["allowed_actions"] == []
    note = Notification.objects.get(case__case_no=body["case_no"], kind="not_accepted")
    assert missing in note.body
    pdf = api("clerk", "SBK").get(f"/api/v1/cases/{body['case_no']}/notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_conditional_materials_may_be_missing(staff, county):
    from shebao.catalog.selectors import get_item

    data = get_item(county=county, no=7).data
    optional = [m["name"] for m in data["material_groups"][0]["materials"] if m.get("optional_when")]
    assert optional
    from shebao.cases.tests.conftest import applicant_for

    case = services.intake_case(
        user=staff("clerk", "QY"), item_no=7, scenario=None, applicant=services.Applicant(**applicant_for("person")),
        materials=[services.MaterialEntry(m["name"], m["status"])
                   for m in materials_of(county, 7, missing=tuple(optional))],
    )
    assert case.status == "in_progress"


def test_promised_status_only_where_item_has_promise_document(staff, county):
    from shebao.cases.tests.conftest import applicant_for

    first = materials_of(county, 4)[0]["name"]  # item 4 has no 承诺书
    with pytest.raises(DomainError) as exc:
        services.intake_case(
            user=staff("clerk", "QY"), item_no=4, scenario=None, applicant=services.Applicant(**applicant_for("person")),
            materials=[services.MaterialEntry(m["name"], m["status"]) for m in materials_of(county, 4, promised=(first,))],
        )
    assert any("告知承诺" in p for p in exc.value.problems)
    # item 36's 缴费申报承诺书 is a declaration the item asks for, not the 证明事项告知承诺书: no promise
    with pytest.raises(DomainError) as exc:
        _intake(staff("clerk", "SY"), county, 36, materials=materials_of(county, 36, promised=("用工备案表",)))
    assert any("未实行告知承诺制" in p for p in exc.value.problems)
    # item 9 (证明事项告知承诺制) carries the 证明事项承诺书: a certificate may be promised instead
    case = _intake(staff("clerk", "QY"), county, 9, materials=materials_of(county, 9, promised=("行政事业火化收费票据",)))
    assert case.materials.get(name="行政事业火化收费票据").status == "promised"


def test_case_numbers_sequential_per_department_and_year(staff, county):
    a = _intake(staff("clerk", "SY"), county, 36, now=at(2026, 3, 2))
    b = _intake(staff("clerk", "SY"), county, 36, now=at(2026, 3, 2))
    c = _intake(staff("clerk", "QY"), county, 1, now=at(2026, 3, 2))
    d = _intake(staff("clerk", "SY"), county, 36, now=at(2027, 1, 4))
    assert (a.case_no, b.case_no, c.case_no, d.case_no) == (
        "SY-2026-000001", "SY-2026-000002", "QY-2026-000001", "SY-2027-000001")


def test_numbers_never_reused_after_refusal(staff, county):
    a = _intake(staff("clerk", "SY"), county, 36, refuse=True, refusal_reasons=["不符合条件"],
                materials=materials_of(county, 36, missing=("营业执照复印件",)))
    b = _intake(staff("clerk", "SY"), county, 36)
    assert a.case_no.endswith("000001") and b.case_no.endswith("000002")


def test_intake_authorisation(staff, county):
    for role, dept in (("reviewer", "SY"), ("approver", "SY"), ("clerk", "QY"), ("director", None), ("admin", None)):
        with pytest.raises(PermissionDenied):
            _intake(staff(role, dept), county, 36)
    assert _intake(staff("section_head", "SY"), county, 36).status == "in_progress"
    assert Case.objects.count() == 1


def test_intake_timeline_and_audit_mask_personal_data(staff, county):
    case = _intake(staff("clerk", "CJ"), county, 18)
    event = AuditEvent.objects.get(object_id=case.case_no, action="cases.intake.accept")
    text = str(event.after)
    assert case.applicant_id not in text and "张三丰" not in text
    assert "*" in event.after["applicant"]["id"]
    assert CaseAction.objects.filter(case=case).count() == 1


def test_legacy_15_digit_id_is_upgraded(staff, county):
    case = _intake(staff("clerk", "CJ"), county, 18,
                   applicant={"kind": "person", "name": "李四", "id_number": "140522800101123", "phone": "13900000000"})
    assert len(case.applicant_id) == 18 and case.applicant_id.startswith("14052219800101123")


def test_unit_applicant_needs_credit_code(api, county):
    payload = intake_payload(county, 36)
    payload["applicant"] = {"kind": "unit", "name": "某公司", "credit_code": "", "phone": "0356-4228486"}
    r = api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422 and "统一社会信用代码" in r.json()["detail"]
    payload["applicant"]["credit_code"] = credit_code("MA0K9999")
    assert api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json").status_code == 201


@pytest.mark.parametrize("email", ["bad@", "@example.com", "a b@example.com", "name@example"])
def test_a_malformed_email_is_refused_not_used_instead_of_the_phone(api, county, email):
    payload = intake_payload(county, 36)
    payload["applicant"]["email"] = email
    r = api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422 and "电子邮箱" in r.json()["detail"] and "格式不正确" in r.json()["detail"]
    assert not Case.objects.exists()
    payload["applicant"]["email"] = "hr@example.com"
    assert api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json").status_code == 201


def test_person_id_helper_is_valid():
    from shebao.domain.identifiers import validate_id_number

    assert validate_id_number(person_id(7)).valid


def test_idempotency_key_takes_an_api_intake_in_once(api, county):
    clerk = api("clerk", "SY")
    payload = intake_payload(county, 36)
    first = clerk.post("/api/v1/cases", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="req-0001")
    again = clerk.post("/api/v1/cases", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="req-0001")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["case_no"] == first.json()["case_no"] and Case.objects.count() == 1
    assert Notification.objects.count() == 1
    changed = {**payload, "applicant": {**payload["applicant"], "name": "另一家公司"}}
    r = clerk.post("/api/v1/cases", changed, content_type="application/json", HTTP_IDEMPOTENCY_KEY="req-0001")
    assert r.status_code == 409 and first.json()["case_no"] in r.json()["detail"]
    r = api("section_head", "SY").post("/api/v1/cases", payload, content_type="application/json",
                                       HTTP_IDEMPOTENCY_KEY="req-0001")
    assert r.status_code == 409 and "其他人" in r.json()["detail"]
    r = clerk.post("/api/v1/cases", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="含中文")
    assert r.status_code == 422 and "提交标识无效" in r.json()["detail"]
    assert clerk.post("/api/v1/cases", payload, content_type="application/json").status_code == 201
    assert Case.objects.count() == 2


def test_the_same_key_submitted_at_once_loses_to_the_first_and_gets_its_case(staff, county, monkeypatch):
    from shebao.cases.services import intake as intake_module

    user = staff("clerk", "SY")
    kwargs = dict(user=user, item_no=36, scenario=None, applicant=services.Applicant(**intake_payload(county, 36)["applicant"]),
                  materials=[services.MaterialEntry(m["name"], m["status"]) for m in materials_of(county, 36)],
                  submission_key="twin")
    first = services.intake_case(**kwargs)
    # The second submission looked before the first had committed: it saw no earlier case.
    real = intake_module._earlier_submission
    calls = []

    def blind_then_real(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(intake_module, "_earlier_submission", blind_then_real)
    second = services.intake_case(**kwargs)
    assert second.pk == first.pk and second.is_replay and len(calls) == 2
    assert Case.objects.count() == 1 and Notification.objects.count() == 1


def test_a_replacement_material_stands_in_for_the_one_it_replaces(staff, county):
    from shebao.cases.tests.conftest import applicant_for

    def take_in(missing):
        return services.intake_case(
            user=staff("clerk", "GS"), item_no=34, scenario="death_benefits",
            applicant=services.Applicant(**applicant_for("person")),
            materials=[services.MaterialEntry(m["name"], m["status"])
                       for m in materials_of(county, 34, "death_benefits", missing=missing)],
        )

    # not cremated: no 火化证, the 死亡医学证明、户口注销证明、土葬证明 instead
    case = take_in(("火化证", "死亡医学证明"))
    assert case.status == "in_progress"
    assert case.materials.get(name="火化证").required is False
    # neither: the 火化证 is missing
    with pytest.raises(DomainError) as exc:
        take_in(("火化证", "死亡医学证明", "死亡医学证明、户口注销证明、土葬证明"))
    assert any("火化证" in p for p in exc.value.problems)


def test_the_summary_of_several_problems_reads_as_one_sentence(api, county):
    payload = intake_payload(county, 36)
    payload["applicant"] = {**payload["applicant"], "credit_code": "123", "phone": "12"}
    detail = api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json").json()["detail"]
    assert detail.startswith("受理信息有误，共 2 处：") and detail.endswith("。")
    assert "。；" not in detail and "；" in detail


def test_a_material_named_with_its_own_title_marks_is_not_marked_twice():
    from shebao.cases.workflow import titled

    assert titled("社会保险登记表") == "《社会保险登记表》"
    assert titled("《退休审批表》或《信息确认表》") == "《退休审批表》或《信息确认表》"


def test_the_missing_approval_form_of_item_4_is_named_once(api, county):
    payload = intake_payload(county, 4)
    payload["materials"] = [m for m in payload["materials"] if "退休审批表" not in m["name"]]
    r = api("clerk", "QY").post("/api/v1/cases", payload, content_type="application/json")
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "缺少材料《退休审批表》或《信息确认表》且该材料不可容缺" in detail and "《《" not in detail
