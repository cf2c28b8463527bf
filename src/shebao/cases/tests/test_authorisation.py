"""Every role × every case endpoint and action, including other departments: who gets 403."""

from __future__ import annotations

import pytest

from shebao.accounts import permissions
from shebao.cases import services
from shebao.cases.models import Case
from shebao.cases.tests.conftest import intake_payload, materials_of

pytestmark = pytest.mark.django_db

ROLES = [
    ("clerk", "SY"),
    ("reviewer", "SY"),
    ("approver", "SY"),
    ("section_head", "SY"),
    ("clerk", "QY"),
    ("reviewer", "QY"),
    ("approver", "QY"),
    ("section_head", "QY"),
    ("director", None),
    ("admin", None),
    ("front_desk", None),  # 综合受理窗口: a case it did not take in is like another department's
]

#: action → (where the item-36 case must stand, roles of the case's own department allowed)
SETUP = {
    "advance": ("审核", {"reviewer", "section_head"}),
    "return": ("决定", {"approver", "section_head"}),
    "refuse": ("审核", {"reviewer", "section_head"}),
    "suspend": ("审核", {"reviewer", "section_head"}),
    "resume": ("suspended", {"reviewer", "section_head"}),
    "supplement": ("tolerance", {"clerk", "section_head"}),
    "extend": ("审核", {"approver", "section_head"}),
    "finish": ("决定", {"approver", "section_head"}),
}


def _case(staff, county, where: str) -> Case:
    tolerance = where == "tolerance"
    p = intake_payload(county, 36)
    mats = materials_of(county, 36, missing=("社会保险登记表",)) if tolerance else p["materials"]
    case = services.intake_case(
        user=staff("clerk", "SY"), item_no=36, scenario=None, applicant=services.Applicant(**p["applicant"]),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in mats], tolerance=tolerance,
    )
    head = staff("section_head", "SY")
    if where == "决定":
        case = services.perform_action(user=head, case_no=case.case_no, action="advance", version=case.version)
    if where == "suspended":
        case = services.perform_action(user=head, case_no=case.case_no, action="suspend", version=case.version,
                                       reason="公示期")
    return case


@pytest.mark.parametrize("role,dept", ROLES, ids=[f"{r}-{d}" for r, d in ROLES])
@pytest.mark.parametrize("action", list(SETUP))
def test_action_matrix(api, staff, county, action, role, dept):
    where, allowed = SETUP[action]
    case = _case(staff, county, where)
    payload = {"action": action, "version": case.version, "reason": "测试理由", "result": "测试结果", "days": 3}
    r = api(role, dept).post(f"/api/v1/cases/{case.case_no}/actions", payload, content_type="application/json")
    if dept == "SY" and role in allowed:
        assert r.status_code == 200, r.content.decode()
    else:
        assert r.status_code == 403, (role, dept, action, r.content.decode())
        assert r.json()["detail"]
        assert Case.objects.get(pk=case.pk).version == case.version  # nothing changed


@pytest.mark.parametrize("role,dept", ROLES, ids=[f"{r}-{d}" for r, d in ROLES])
def test_read_matrix(api, staff, county, role, dept):
    case = _case(staff, county, "tolerance")
    client = api(role, dept)
    detail = client.get(f"/api/v1/cases/{case.case_no}")
    receipt = client.get(f"/api/v1/cases/{case.case_no}/receipt.pdf")
    notice = client.get(f"/api/v1/cases/{case.case_no}/notice.pdf")
    listing = client.get("/api/v1/cases")
    if dept == "SY":
        assert detail.status_code == receipt.status_code == notice.status_code == listing.status_code == 200
        assert detail.json()["applicant"]["id_number"] == case.applicant_id  # handling staff: in full
        assert [c["case_no"] for c in listing.json()] == [case.case_no]
    elif role == "director":
        assert detail.status_code == receipt.status_code == notice.status_code == listing.status_code == 200
        assert detail.json()["applicant"]["masked"] is True
        assert detail.json()["applicant"]["id_number"] != case.applicant_id
        assert detail.json()["allowed_actions"] == []
        assert [c["case_no"] for c in listing.json()] == [case.case_no]
    elif role == "admin":
        assert detail.status_code == receipt.status_code == notice.status_code == listing.status_code == 403
    else:  # another department
        assert detail.status_code == receipt.status_code == notice.status_code == 403
        assert listing.status_code == 200 and listing.json() == []
        assert "股室" in detail.json()["detail"]


def test_anonymous_gets_401(api, staff, county):
    case = _case(staff, county, "审核")
    anon = api(None)
    assert anon.get(f"/api/v1/cases/{case.case_no}").status_code == 401
    assert anon.get("/api/v1/cases").status_code == 401
    r = anon.post(f"/api/v1/cases/{case.case_no}/actions", {"action": "advance", "version": 1},
                  content_type="application/json")
    assert r.status_code == 401
    assert anon.post("/api/v1/cases", intake_payload(county, 36), content_type="application/json").status_code == 401
    bad = api(None)
    assert bad.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer sb_nope").status_code == 401


def test_list_filters_and_department_scope(api, staff, county):
    _case(staff, county, "审核")
    assert api("clerk", "SY").get("/api/v1/cases?department=QY").status_code == 403
    assert api("clerk", "SY").get("/api/v1/cases?department=SY").status_code == 200
    assert api("director").get("/api/v1/cases?department=QY").json() == []
    assert len(api("director").get("/api/v1/cases?department=SY").json()) == 1
    assert api("clerk", "SY").get("/api/v1/cases?status=bogus").status_code == 422
    assert api("clerk", "SY").get("/api/v1/cases?warning=purple").status_code == 422
    assert len(api("clerk", "SY").get("/api/v1/cases?status=open").json()) == 1
    assert api("clerk", "SY").get("/api/v1/cases?status=finished").json() == []


def test_unknown_case_is_404(api):
    assert api("clerk", "SY").get("/api/v1/cases/SY-2026-999999").status_code == 404


@pytest.mark.parametrize(
    "kind,allowed",
    [
        ("intake", {"clerk", "section_head"}),
        ("review", {"reviewer", "section_head"}),
        ("decision", {"approver", "section_head"}),
        ("external", {"reviewer", "approver", "section_head"}),
        ("handle", {"clerk", "reviewer", "section_head"}),
    ],
)
def test_step_kind_matrix(kind, allowed):
    class P:
        county_id = 1
        department_id = 7

        def __init__(self, role):
            self.role = role

    for role in ("clerk", "reviewer", "approver", "section_head", "director", "admin", "front_desk"):
        ok = permissions.may_act(P(role), county_id=1, department_id=7, action="advance", step_kind=kind)
        assert ok == (role in allowed), (kind, role)
        other = permissions.may_act(P(role), county_id=1, department_id=8, action="advance", step_kind=kind)
        assert other is False
        other_county = permissions.may_act(P(role), county_id=2, department_id=7, action="advance", step_kind=kind)
        assert other_county is False


def test_handle_and_decision_steps_of_item_34(api, county):
    from shebao.cases.tests.test_walk import _act

    body = api("clerk", "GS").post("/api/v1/cases", intake_payload(county, 34), content_type="application/json").json()
    body = _act(api("reviewer", "GS"), body["case_no"], "advance", body["version"]).json()
    assert (body["current_step"], body["current_step_kind"]) == ("录入系统", "handle")
    assert _act(api("approver", "GS"), body["case_no"], "advance", body["version"]).status_code == 403
    body = _act(api("clerk", "GS"), body["case_no"], "advance", body["version"]).json()
    body = _act(api("reviewer", "GS"), body["case_no"], "advance", body["version"]).json()
    assert (body["current_step"], body["current_step_kind"]) == ("负责人审核", "decision")
    assert _act(api("reviewer", "GS"), body["case_no"], "advance", body["version"]).status_code == 403
    assert _act(api("approver", "GS"), body["case_no"], "advance", body["version"]).status_code == 200
