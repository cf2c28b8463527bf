"""综合受理窗口 (front_desk): intake for every department of the county, and nothing else.

It reads only the cases it took in itself until it hands them over (移交); it never lists a
department's queue, never advances, returns, refuses, suspends, supplements, extends or finishes.
"""

from __future__ import annotations

import pytest

from shebao.accounts import permissions
from shebao.accounts.models import Role
from shebao.cases import selectors, services
from shebao.cases.models import Case, CaseAction
from shebao.cases.tests.conftest import FAMILIES, intake_payload
from shebao.core.errors import Conflict, DomainError, PermissionDenied
from shebao.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FD = "front_desk"


def _post_case(client, county, item_no, **overrides):
    return client.post("/api/v1/cases", intake_payload(county, item_no, **overrides), content_type="application/json")


def _intake(user, county, item_no=36, **kw) -> Case:
    p = intake_payload(county, item_no)
    return services.intake_case(
        user=user, item_no=item_no, scenario=p["scenario"], applicant=services.Applicant(**p["applicant"]),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in p["materials"]], **kw,
    )


# -- accounts -----------------------------------------------------------------------------------------------


def test_front_desk_role_and_account(county):
    from shebao.accounts.services import create_staff
    from shebao.catalog.models import Department

    assert Role.FRONT_DESK == "front_desk" and Role.FRONT_DESK.label == "综合受理窗口"
    user = create_staff(username="fd1", password="pw-for-tests-1", county=county, role=Role.FRONT_DESK)
    assert user.staff_profile.department is None and not user.is_staff
    with pytest.raises(DomainError, match="不属于任何股室"):
        create_staff(username="fd2", password="pw-for-tests-1", county=county, role=Role.FRONT_DESK,
                     department=Department.objects.get(county=county, code="QY"))


# -- intake for every department --------------------------------------------------------------------------


@pytest.mark.parametrize("item_no", sorted(FAMILIES), ids=[f"item{n}-{FAMILIES[n][0]}" for n in sorted(FAMILIES)])
def test_front_desk_takes_in_every_departments_items(api, county, item_no):
    dept = FAMILIES[item_no][0]
    r = _post_case(api(FD), county, item_no)
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert body["case_no"].startswith(f"{dept}-") and body["department"] == dept
    assert body["status"] in ("in_progress", "finished")
    # The clerk who took it in sees it in full (to print the receipt), and may do nothing with it.
    assert body["applicant"]["masked"] is False and body["allowed_actions"] == []
    case = Case.objects.get(case_no=body["case_no"])
    assert case.handed_over_at is None and case.front_desk_holder_id == case.created_by_id
    intake = CaseAction.objects.get(case=case, action__in=("accept", "accept_tolerance", "not_accepted"))
    assert intake.detail["front_desk"] is True


def test_case_numbers_are_the_departments_own_sequence(api, county):
    first = _post_case(api("clerk", "SY"), county, 36).json()["case_no"]
    second = _post_case(api(FD), county, 36).json()["case_no"]
    third = _post_case(api("clerk", "SY"), county, 36).json()["case_no"]
    assert [int(n[-6:]) for n in (first, second, third)] == [int(first[-6:]) + i for i in range(3)]


def test_front_desk_tolerance_and_refusal(api, county):
    from shebao.cases.tests.conftest import materials_of

    tol = _post_case(api(FD), county, 36, tolerance=True,
                     materials=materials_of(county, 36, missing=("社会保险登记表",)))
    assert tol.status_code == 201 and tol.json()["awaiting_supplement"] is True
    refused = _post_case(api(FD), county, 36, refuse=True, refusal_reasons=["缺少社会保险登记表"],
                         materials=materials_of(county, 36, missing=("社会保险登记表",)))
    assert refused.status_code == 201 and refused.json()["status"] == "not_accepted"
    # The 一次性告知书 and the receipt are printed at the front desk.
    assert api(FD).get(f"/api/v1/cases/{refused.json()['case_no']}/notice.pdf").status_code == 200
    assert api(FD).get(f"/api/v1/cases/{tol.json()['case_no']}/receipt.pdf").status_code == 200
    # Validation is the same as at a department's window.
    bad = _post_case(api(FD), county, 18, applicant={"kind": "person", "name": "张三", "id_number": "1",
                                                      "phone": "13900000000"})
    assert bad.status_code == 422 and "身份证号码无效" in bad.json()["detail"]


def test_intake_checklist_for_every_department(staff, county):
    fd = staff(FD)
    for item_no, (dept, _kind, scenario) in FAMILIES.items():
        data = selectors.intake_checklist(user=fd, item_no=item_no, scenario=scenario)
        assert data["department"] == dept and data["materials"]


# -- nothing but intake -------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["advance", "return", "refuse", "suspend", "resume", "supplement", "extend",
                                    "finish"])
def test_front_desk_cannot_act_even_on_its_own_cases(api, staff, county, action):
    from shebao.cases.tests.conftest import materials_of

    tolerance = action == "supplement"
    body = _post_case(api(FD), county, 36, tolerance=tolerance,
                      materials=materials_of(county, 36, missing=("社会保险登记表",) if tolerance else ()))
    assert body.status_code == 201
    case = Case.objects.get(case_no=body.json()["case_no"])
    if action == "resume":
        case = services.perform_action(user=staff("section_head", "SY"), case_no=case.case_no, action="suspend",
                                       version=case.version, reason="公示期")
        # The department acting on it took it over: the front desk no longer sees it at all.
        r = api(FD).post(f"/api/v1/cases/{case.case_no}/actions",
                         {"action": action, "version": case.version, "reason": "r"}, content_type="application/json")
        assert r.status_code == 403 and "移交" in r.json()["detail"]
        return
    r = api(FD).post(f"/api/v1/cases/{case.case_no}/actions",
                     {"action": action, "version": case.version, "reason": "测试理由", "result": "测试结果",
                      "days": 3}, content_type="application/json")
    assert r.status_code == 403, r.content.decode()
    assert "综合受理窗口只负责受理" in r.json()["detail"]
    assert Case.objects.get(pk=case.pk).version == case.version


def test_front_desk_cannot_act_on_department_cases(staff, county):
    case = _intake(staff("clerk", "SY"), county)
    with pytest.raises(PermissionDenied, match="综合受理窗口只能查看本人受理"):
        services.perform_action(user=staff(FD), case_no=case.case_no, action="advance", version=case.version)
    with pytest.raises(PermissionDenied):
        selectors.get_case(user=staff(FD), case_no=case.case_no)
    assert selectors.allowed_actions(user=staff(FD), case=case) == []
    assert not selectors.can_see_personal_data(user=staff(FD), case=case)


def test_front_desk_has_no_ratings_list(staff):
    with pytest.raises(PermissionDenied):
        selectors.list_bad_ratings(user=staff(FD))


# -- reading and listing: only what it took in, until handover --------------------------------------------


def test_front_desk_lists_only_the_cases_it_holds(api, staff, county):
    by_clerk = {_intake(staff("clerk", d), county, n).case_no for n, (d, *_r) in FAMILIES.items()}
    mine = {_post_case(api(FD), county, n).json()["case_no"] for n in (1, 36)}
    listing = api(FD).get("/api/v1/cases")
    assert listing.status_code == 200
    assert {c["case_no"] for c in listing.json()} == mine
    # Never a department's queue: asking for one gives only its own cases of that department.
    qy = api(FD).get("/api/v1/cases?department=QY").json()
    assert [c["case_no"] for c in qy] == [n for n in mine if n.startswith("QY-")]
    assert not by_clerk & {c["case_no"] for c in api(FD).get("/api/v1/cases?department=SBK").json()}
    assert {c.case_no for c in selectors.queue_for(user=staff(FD))} == mine
    # The department sees the front desk's case in its queue at once.
    assert any(c["case_no"].startswith("SY-") for c in api("clerk", "SY").get("/api/v1/cases").json()
               if c["case_no"] in mine)
    for no in by_clerk:
        r = api(FD).get(f"/api/v1/cases/{no}")
        assert r.status_code == 403 and "股室" in r.json()["detail"]
        assert api(FD).get(f"/api/v1/cases/{no}/receipt.pdf").status_code == 403


def test_another_front_desk_clerk_does_not_see_my_cases(staff, county):
    from shebao.accounts.services import create_staff

    mine = _intake(staff(FD), county)
    colleague = create_staff(username="fd_colleague", password="pw-for-tests-1", county=county, role=FD)
    with pytest.raises(PermissionDenied):
        selectors.get_case(user=colleague, case_no=mine.case_no)
    assert list(selectors.list_cases(user=colleague)) == []
    with pytest.raises(PermissionDenied, match="不是您受理的"):
        services.hand_over_cases(user=colleague, case_nos=[mine.case_no])


def test_handover_ends_the_front_desks_access(api, staff, county):
    body = _post_case(api(FD), county, 36).json()
    no = body["case_no"]
    assert api(FD).get(f"/api/v1/cases/{no}").status_code == 200
    r = api("clerk", "SY").post(f"/api/v1/cases/{no}/handover", content_type="application/json")
    assert r.status_code == 403  # department staff have nothing to hand over
    r = api(FD).post(f"/api/v1/cases/{no}/handover", content_type="application/json")
    assert r.status_code == 200, r.content.decode()
    assert r.json()["case_no"] == no and r.json()["department"] == "SY"
    case = Case.objects.get(case_no=no)
    assert case.handed_over_at is not None and case.version == body["version"]  # open forms stay valid
    assert CaseAction.objects.filter(case=case, action="handover").count() == 1
    assert AuditEvent.objects.filter(action="cases.handover", object_id=no).exists()
    assert api(FD).get(f"/api/v1/cases/{no}").status_code == 403
    assert api(FD).get("/api/v1/cases").json() == []
    assert api(FD).post(f"/api/v1/cases/{no}/handover", content_type="application/json").status_code == 409
    assert api(FD).post("/api/v1/cases/SY-2026-999999/handover", content_type="application/json").status_code == 404
    # The department handles it as any other case.
    r = api("reviewer", "SY").post(f"/api/v1/cases/{no}/actions", {"action": "advance", "version": body["version"]},
                                   content_type="application/json")
    assert r.status_code == 200


def test_handover_is_all_or_nothing(staff, county):
    a = _intake(staff(FD), county, 36)
    b = _intake(staff("clerk", "SY"), county, 36)
    with pytest.raises(PermissionDenied):
        services.hand_over_cases(user=staff(FD), case_nos=[a.case_no, b.case_no])
    assert Case.objects.get(pk=a.pk).handed_over_at is None
    services.hand_over_cases(user=staff(FD), case_nos=[a.case_no])
    with pytest.raises(Conflict):
        services.hand_over_cases(user=staff(FD), case_nos=[a.case_no])
    with pytest.raises(DomainError, match="请选择"):
        services.hand_over_cases(user=staff(FD), case_nos=[" "])


def test_department_action_takes_the_case_over(staff, county):
    case = _intake(staff(FD), county, 36)
    assert selectors.get_case(user=staff(FD), case_no=case.case_no)
    services.perform_action(user=staff("reviewer", "SY"), case_no=case.case_no, action="advance",
                            version=case.version)
    assert Case.objects.get(pk=case.pk).handed_over_at is not None
    with pytest.raises(PermissionDenied):
        selectors.get_case(user=staff(FD), case_no=case.case_no)


def test_department_intake_needs_no_handover(staff, county):
    case = _intake(staff("clerk", "SY"), county, 36)
    assert case.handed_over_at == case.received_at and case.front_desk_holder_id is None


def test_other_county_front_desk(settings, staff, county):
    from shebao.accounts.services import create_staff
    from shebao.catalog.services import load_catalog_file
    from shebao.core.models import County

    load_catalog_file(path=str(settings.PROJECT_DIR / "tests" / "fixtures" / "second_county.yaml"))
    other = County.objects.exclude(pk=county.pk).get()
    stranger = create_staff(username="fd_other", password="pw-for-tests-1", county=other, role=FD)
    case = _intake(staff(FD), county, 36)
    with pytest.raises(PermissionDenied, match="县"):
        selectors.get_case(user=stranger, case_no=case.case_no)
    with pytest.raises(PermissionDenied):
        services.hand_over_cases(user=stranger, case_nos=[case.case_no])
    # Intake looks only at the front desk's own county's catalog (item 36 does not exist there).
    p = intake_payload(county, 36)
    with pytest.raises(DomainError, match="未找到序号为 36"):
        services.intake_case(user=stranger, item_no=36, scenario=None, applicant=services.Applicant(**p["applicant"]),
                             materials=[])


# -- the rules themselves -----------------------------------------------------------------------------------


class P:
    def __init__(self, role, county_id=1, department_id=None, user_id=42):
        self.role, self.county_id, self.department_id, self.user_id = role, county_id, department_id, user_id


def test_permission_rules():
    fd = P(FD)
    assert permissions.may_intake(fd, county_id=1, department_id=7)
    assert permissions.may_intake(fd, county_id=1, department_id=8)
    assert not permissions.may_intake(fd, county_id=2, department_id=7)
    assert permissions.may_intake(P("clerk", department_id=7), county_id=1, department_id=7)
    assert not permissions.may_intake(P("clerk", department_id=7), county_id=1, department_id=8)
    for role in ("reviewer", "approver", "director", "admin"):
        assert not permissions.may_intake(P(role, department_id=7), county_id=1, department_id=7), role
    assert {"clerk", "section_head", "front_desk"} == permissions.INTAKE_ROLES
    # Reading: only the cases it holds.
    assert permissions.can_read(fd, county_id=1, department_id=7, holder_id=42)
    assert not permissions.can_read(fd, county_id=1, department_id=7, holder_id=None)
    assert not permissions.can_read(fd, county_id=1, department_id=7, holder_id=43)
    assert not permissions.can_read(fd, county_id=2, department_id=7, holder_id=42)
    # A front-desk profile carrying a department (e.g. set by hand) gains nothing from it.
    assert not permissions.can_read(P(FD, department_id=7), county_id=1, department_id=7)
    # Acting: nothing but intake, even on its own case.
    for action in ("advance", "return", "refuse", "suspend", "resume", "finish"):
        for kind in ("intake", "review", "decision", "external", "handle"):
            assert not permissions.may_act(fd, county_id=1, department_id=7, action=action, step_kind=kind,
                                           holder_id=42)
    for action in ("supplement", "extend", "rating_follow_up"):
        assert not permissions.may_act(fd, county_id=1, department_id=7, action=action, holder_id=42)
