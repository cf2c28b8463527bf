"""End to end through the API: every item family from intake to 办结, and the actions on the way."""

from __future__ import annotations

import pytest

from shebao.cases.models import Case, Extension, Notification, Suspension
from shebao.cases.tests.conftest import FAMILIES, intake_payload, materials_of
from shebao.core.audit import verify_chain

pytestmark = pytest.mark.django_db

ROLE_FOR_KIND = {"intake": "clerk", "review": "reviewer", "decision": "approver", "external": "reviewer",
                 "handle": "clerk"}


def _act(client, case_no, action, version, **extra):
    return client.post(f"/api/v1/cases/{case_no}/actions", {"action": action, "version": version, **extra},
                       content_type="application/json")


def walk_to_finish(api, dept, body, *, result="已办结"):
    """Advance through every remaining step with the role that step needs, then 办结."""
    seen_roles = set()
    while True:
        kind = body["current_step_kind"]
        role = ROLE_FOR_KIND[kind]
        seen_roles.add(role)
        client = api(role, dept)
        assert body["allowed_actions"] or True
        if body["step_index"] == len(body["steps"]) - 1:
            r = _act(client, body["case_no"], "finish", body["version"], result=result)
            assert r.status_code == 200, r.content.decode()
            return r.json(), seen_roles
        r = _act(client, body["case_no"], "advance", body["version"])
        assert r.status_code == 200, r.content.decode()
        new = r.json()
        assert new["step_index"] == body["step_index"] + 1
        assert new["version"] == body["version"] + 1
        body = new


@pytest.mark.parametrize("item_no", sorted(FAMILIES))
def test_full_walk_intake_to_finish(api, county, item_no):
    dept = FAMILIES[item_no][0]
    r = api("clerk", dept).post("/api/v1/cases", intake_payload(county, item_no), content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    # the reviewer of the department sees it in the list
    listed = api("reviewer", dept).get("/api/v1/cases").json()
    assert [c["case_no"] for c in listed] == [body["case_no"]]
    assert "*" in listed[0]["applicant"] or listed[0]["applicant"] == body["applicant"]["name"]
    final, roles = walk_to_finish(api, dept, api("clerk", dept).get(f"/api/v1/cases/{body['case_no']}").json())
    assert final["status"] == "finished" and final["result"] == "已办结"
    assert final["closed_at"] is not None
    assert all(s["state"] == "done" for s in final["steps"])
    assert final["allowed_actions"] == []
    # timeline: intake, one advance per step, finish
    actions = [t["action"] for t in final["timeline"]]
    assert actions[0] == "accept" and actions[-1] == "finish"
    assert actions.count("advance") == len(final["steps"]) - 1 - body["step_index"]
    kinds = [n["kind"] for n in final["notifications"]]
    assert kinds == ["accepted", "result"]
    # nothing can happen after 办结
    r = _act(api("section_head", dept), final["case_no"], "advance", final["version"])
    assert r.status_code == 422
    assert verify_chain().ok


def test_item_34_walk_with_city_bureau_suspension(api, county):
    """Item 34 waits for the city (市工伤审批): suspended while waiting, resumed, then finished."""
    body = api("clerk", "GS").post("/api/v1/cases", intake_payload(county, 34), content_type="application/json").json()
    assert body["current_step"] == "初审"
    while body["current_step"] != "市工伤审批":
        role = ROLE_FOR_KIND[body["current_step_kind"]]
        body = _act(api(role, "GS"), body["case_no"], "advance", body["version"]).json()
    assert body["current_step_kind"] == "external"
    r = _act(api("reviewer", "GS"), body["case_no"], "suspend", body["version"])
    assert r.status_code == 422 and "理由" in r.json()["detail"]
    body = _act(api("reviewer", "GS"), body["case_no"], "suspend", body["version"], reason="报市工伤审批，等待结果").json()
    assert body["status"] == "suspended" and body["suspended_at"]
    # a suspended case cannot advance
    r = _act(api("reviewer", "GS"), body["case_no"], "advance", body["version"])
    assert r.status_code == 422 and "挂起" in r.json()["detail"]
    body = _act(api("approver", "GS"), body["case_no"], "resume", body["version"]).json()
    assert body["status"] == "in_progress" and body["suspended_at"] is None
    assert Suspension.objects.get(case__case_no=body["case_no"]).ended_at is not None
    final, _ = walk_to_finish(api, "GS", body, result="核定医疗费用并支付")
    assert final["status"] == "finished"


def test_item_36_tolerance_supplied_then_finished(api, county):
    missing = ("社会保险登记表", "法人身份证复印件")
    payload = intake_payload(county, 36, materials=materials_of(county, 36, missing=missing), tolerance=True)
    body = api("clerk", "SY").post("/api/v1/cases", payload, content_type="application/json").json()
    # reviewed and decided while the 容缺 materials are outstanding …
    body = _act(api("reviewer", "SY"), body["case_no"], "advance", body["version"]).json()
    assert body["current_step"] == "决定"
    # … but the result is held: 办结 refused until they arrive
    r = _act(api("approver", "SY"), body["case_no"], "finish", body["version"], result="准予参保")
    assert r.status_code == 422 and "容缺" in r.json()["detail"]
    # the reviewer may not record the supplement; the clerk does, one material at a time
    assert _act(api("reviewer", "SY"), body["case_no"], "supplement", body["version"]).status_code == 403
    r = _act(api("clerk", "SY"), body["case_no"], "supplement", body["version"], materials=["营业执照复印件"])
    assert r.status_code == 422 and "不是本件待补的容缺材料" in r.json()["detail"]
    body = _act(api("clerk", "SY"), body["case_no"], "supplement", body["version"], materials=["社会保险登记表"]).json()
    assert body["awaiting_supplement"] is True
    body = _act(api("clerk", "SY"), body["case_no"], "supplement", body["version"]).json()
    assert body["awaiting_supplement"] is False
    assert all(m["status"] == "received" for m in body["materials"] if m["tolerated"])
    r = _act(api("clerk", "SY"), body["case_no"], "supplement", body["version"])
    assert r.status_code == 422
    final = _act(api("approver", "SY"), body["case_no"], "finish", body["version"], result="准予参保").json()
    assert final["status"] == "finished"


def test_return_refuse_extend(api, county):
    body = api("clerk", "QY").post("/api/v1/cases", intake_payload(county, 1), content_type="application/json").json()
    assert body["current_step"] == "审核"
    # nothing before 审核 to return to except 受理 (intake steps are the lower bound)
    body = _act(api("reviewer", "QY"), body["case_no"], "advance", body["version"]).json()
    assert body["current_step"] == "审批"
    r = _act(api("approver", "QY"), body["case_no"], "return", body["version"])
    assert r.status_code == 422 and "理由" in r.json()["detail"]
    r = _act(api("approver", "QY"), body["case_no"], "return", body["version"], reason="x", target_step=0)
    assert r.status_code == 422 and "只能退回" in r.json()["detail"]
    body = _act(api("approver", "QY"), body["case_no"], "return", body["version"], reason="工资申报表有误，请复核").json()
    assert body["current_step"] == "审核"
    body = _act(api("reviewer", "QY"), body["case_no"], "return", body["version"], reason="退回窗口核对材料").json()
    assert body["current_step"] == "受理" and body["current_step_kind"] == "intake"
    r = _act(api("clerk", "QY"), body["case_no"], "return", body["version"], reason="再退")
    assert r.status_code == 422
    body = _act(api("clerk", "QY"), body["case_no"], "advance", body["version"]).json()
    # extension: approver or section head, with days and a reason; judged against the new date
    r = _act(api("approver", "QY"), body["case_no"], "extend", body["version"], reason="需外调核实")
    assert r.status_code == 422 and "工作日数" in r.json()["detail"]
    before = body["effective_due"]
    body = _act(api("approver", "QY"), body["case_no"], "extend", body["version"], reason="需外调核实", days=5).json()
    assert body["extension_days"] == 5 and body["extended_due"] and body["effective_due"] > before
    ext = Extension.objects.get(case__case_no=body["case_no"])
    assert ext.reason == "需外调核实" and ext.days == 5
    assert body["warning"] == "normal"
    body = _act(api("reviewer", "QY"), body["case_no"], "refuse", body["version"], reason="不符合参保条件").json()
    assert body["status"] == "refused" and body["result"] == "不符合参保条件"
    assert Notification.objects.filter(case__case_no=body["case_no"], kind="result").exists()


def test_unknown_action_and_finish_too_early(api, county):
    body = api("clerk", "SY").post("/api/v1/cases", intake_payload(county, 36), content_type="application/json").json()
    r = _act(api("reviewer", "SY"), body["case_no"], "teleport", body["version"])
    assert r.status_code == 422 and "未知的操作" in r.json()["detail"]
    r = _act(api("reviewer", "SY"), body["case_no"], "finish", body["version"], result="好")
    assert r.status_code == 422 and "未完成的环节" in r.json()["detail"]
    r = _act(api("reviewer", "SY"), body["case_no"], "resume", body["version"])
    assert r.status_code == 422 and "未挂起" in r.json()["detail"]


def test_single_step_item_finished_at_the_window(api, county):
    """Item 16 has one step (到县经办机构办理): the clerk finishes it on the spot."""
    from shebao.cases.tests.conftest import applicant_for

    payload = {"item_no": 16, "scenario": "in_province_in_system_in", "applicant": applicant_for("person"),
               "materials": materials_of(county, 16, "in_province_in_system_in")}
    body = api("clerk", "CJ").post("/api/v1/cases", payload, content_type="application/json").json()
    assert body["current_step_kind"] == "intake" and body["allowed_actions"] == ["refuse", "suspend", "finish"]
    final = _act(api("clerk", "CJ"), body["case_no"], "finish", body["version"], result="已转入").json()
    assert final["status"] == "finished"


def test_stale_version_gets_409(api, county):
    body = api("clerk", "SY").post("/api/v1/cases", intake_payload(county, 36), content_type="application/json").json()
    ok = _act(api("reviewer", "SY"), body["case_no"], "advance", body["version"])
    assert ok.status_code == 200
    stale = _act(api("section_head", "SY"), body["case_no"], "suspend", body["version"], reason="x")
    assert stale.status_code == 409
    assert stale.json()["detail"] == "该办件已被他人更新，请刷新后重试。"
    assert Case.objects.get(case_no=body["case_no"]).status == "in_progress"


def test_lost_update_prevented_at_the_database(staff, county):
    """Two staff load version n; the first UPDATE … WHERE version = n wins, the second matches no row."""
    from shebao.cases import services
    from shebao.cases.services.common import save_case
    from shebao.core.errors import Conflict

    payload = intake_payload(county, 36)
    case = services.intake_case(
        user=staff("clerk", "SY"), item_no=36, scenario=None, applicant=services.Applicant(**payload["applicant"]),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in payload["materials"]],
    )
    a, b = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    save_case(a, expected_version=a.version, fields={"result": "A"})
    with pytest.raises(Conflict):
        save_case(b, expected_version=b.version, fields={"result": "B"})
    assert Case.objects.get(pk=case.pk).result == "A"


def test_an_extension_moves_the_promise_up_to_the_statutory_limit_and_no_further(api, county):
    """Item 4: 承诺 20, 法定 30 working days. 延期 moves the promise; the law's date stays."""
    head = api("section_head", "QY")
    body = head.post("/api/v1/cases", intake_payload(county, 4), content_type="application/json").json()
    statutory = body["statutory_due"]
    assert body["promised_due"] < statutory
    r = _act(head, body["case_no"], "extend", body["version"], reason="需外调核实", days=15)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "法定时限不因延期顺延" in detail and "最多还可延长 10 个工作日" in detail
    assert not Extension.objects.filter(case__case_no=body["case_no"]).exists()
    body = _act(head, body["case_no"], "extend", body["version"], reason="需外调核实", days=10).json()
    assert body["effective_due"] == statutory and body["statutory_due"] == statutory
    r = _act(head, body["case_no"], "extend", body["version"], reason="还要再等", days=1)
    assert r.status_code == 422 and "已没有可延长的时间" in r.json()["detail"]
    assert Case.objects.get(case_no=body["case_no"]).effective_due.isoformat() == statutory
