"""One-window intake (一窗受理) of 一件事: the 综合受理窗口 accepts every part of a bundle in one
application, creating the linked case in each department at once — all or nothing — and hands
the cases over to the departments afterwards. The per-department path stays for ordinary clerks."""

from __future__ import annotations

import pytest

from shebao.cases.models import Case, CaseCounter
from shebao.cases.services import Applicant
from shebao.core.errors import DomainError, PermissionDenied
from shebao.lifeevents import selectors, services
from shebao.lifeevents.models import Bundle, BundleCounter, BundlePart
from shebao.lifeevents.services import PartIntake
from shebao.lifeevents.tests.conftest import all_received, group_materials, person_id
from shebao.testing.factories import at, credit_code

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 2)  # Monday
FD = "front_desk"
UNIT = Applicant(kind="unit", name="阳城县示例煤业有限公司", credit_code=credit_code(), phone="13800000000")
WIDOW = Applicant(kind="person", name="王秀英", id_number=person_id(654, "19700505"), phone="13900002222")
NEW_UNIT = {"purpose": "new_unit", "unit_type": "enterprise"}
DEATH = {"status": "public_employee", "work_related": "yes", "dependants": "yes", "cremated": "yes"}


def employer_parts(county, *, missing: dict | None = None) -> list[PartIntake]:
    missing = missing or {}
    spec = [(1, 1, None), (2, 30, "general_enterprise"), (3, 31, "monthly_staff_change"), (4, 36, None)]
    return [PartIntake(order, all_received(county, item, scenario, missing=missing.get(order, ())))
            for order, item, scenario in spec]


def death_parts(county) -> list[PartIntake]:
    return [PartIntake(1, all_received(county, 27)), PartIntake(2, all_received(county, 34, "death_benefits")),
            PartIntake(3, all_received(county, 34, "dependant_pension"))]


def _state():
    return (Bundle.objects.count(), BundlePart.objects.count(), Case.objects.count(),
            sorted(CaseCounter.objects.values_list("department__code", "last")),
            sorted(BundleCounter.objects.values_list("year", "last")))


def test_front_desk_accepts_every_part_across_departments_at_once(staff, county):
    fd = staff(FD)
    bundle = services.start_bundle(user=fd, code="employer_registration", answers=NEW_UNIT, applicant=UNIT,
                                   parts=employer_parts(county), now=NOW)
    parts = list(bundle.parts.select_related("case", "department").order_by("order"))
    cases = [p.case for p in parts]
    # One linked case per part, each in its own department with that department's case number.
    assert [(p.item_no, p.department.code) for p in parts] == [(1, "QY"), (30, "GS"), (31, "GS"), (36, "SY")]
    assert all(c is not None and c.status == "in_progress" for c in cases)
    assert [c.department.code for c in cases] == ["QY", "GS", "GS", "SY"]
    assert [c.case_no.split("-")[0] for c in cases] == ["QY", "GS", "GS", "SY"]
    assert len({c.case_no for c in cases}) == 4
    gs = sorted(int(c.case_no[-6:]) for c in cases if c.department.code == "GS")
    assert gs[1] == gs[0] + 1
    assert {c.applicant_id for c in cases} == {UNIT.credit_code}
    assert all(c.created_by == fd and c.handed_over_at is None for c in cases)
    assert all(p.accepted_at == NOW for p in parts)
    # The bundle's overall status and due date (the latest of its parts), complete at once.
    ov = selectors.bundle_overview(bundle=bundle)
    assert ov.status == "in_progress" and ov.status_label == "办理中"
    assert ov.due_complete and ov.next_part is None and ov.waiting == []
    assert ov.due == max(c.effective_due for c in cases)
    # Each department finds its case in its own queue.
    from shebao.cases.selectors import queue_for

    for dept in ("QY", "GS", "SY"):
        queue = {c.case_no for c in queue_for(user=staff("clerk", dept))}
        assert queue == {c.case_no for c in cases if c.department.code == dept}


def test_front_desk_after_death_bundle_and_tracking(staff, county):
    bundle = services.start_bundle(user=staff(FD), code="after_death", answers=DEATH, applicant=WIDOW,
                                   parts=death_parts(county), now=NOW)
    ov = services.track_bundle(number=bundle.number, id_suffix=WIDOW.id_number[-6:], ip="1.2.3.4")
    assert [(p.department, p.state) for p in ov.parts] == [
        ("机关保险股", "open"), ("工伤保险股", "open"), ("工伤保险股", "open")]
    assert ov.status == "in_progress" and ov.due_complete


def test_one_failing_part_records_nothing_and_names_the_part(staff, county):
    before = _state()
    with pytest.raises(DomainError) as exc:
        services.start_bundle(user=staff(FD), code="employer_registration", answers=NEW_UNIT, applicant=UNIT,
                              parts=employer_parts(county, missing={2: ["工伤保险参保单位登记表"]}), now=NOW)
    err = exc.value
    assert err.status == 422 and not isinstance(err, PermissionDenied)
    assert "第 2 项（事项30" in err.message and "工伤保险参保单位登记表" in err.message
    assert "整件事未受理" in err.message and "第 1 项" not in err.message
    assert err.problems and all(p.startswith("第 2 项（事项30") for p in err.problems)
    assert _state() == before  # no bundle, no part, no case, no number used


def test_every_failing_part_is_named(staff, county):
    before = _state()
    with pytest.raises(DomainError) as exc:
        services.start_bundle(user=staff(FD), code="employer_registration", answers=NEW_UNIT, applicant=UNIT,
                              parts=employer_parts(county, missing={2: ["工伤保险参保单位登记表"],
                                                                    4: ["社会保险登记表"]}), now=NOW)
    assert "有 2 项未能受理" in exc.value.message
    assert {p[:5] for p in exc.value.problems} == {"第 2 项", "第 4 项"}
    assert _state() == before
    # Corrected, the same application goes through, and takes the next numbers.
    bundle = services.start_bundle(user=staff(FD), code="employer_registration", answers=NEW_UNIT,
                                   applicant=UNIT, parts=employer_parts(county), now=NOW)
    assert bundle.number.endswith("000001")
    assert sorted(c.case_no for c in Case.objects.all()) == sorted(
        [f"GS-2026-{1:06d}", f"GS-2026-{2:06d}", f"QY-2026-{1:06d}", f"SY-2026-{1:06d}"])


def test_section_head_owning_every_part_accepts_all_in_one(staff, county):
    bundle = services.start_bundle(
        user=staff("section_head", "SY"), code="unemployment", answers={"claim": "yes", "transfer": "yes"},
        applicant=Applicant(kind="person", name="李建国", id_number=person_id(321), phone="13900001111"),
        parts=[PartIntake(1, all_received(county, 37)), PartIntake(2, all_received(county, 38))], now=NOW)
    assert selectors.bundle_overview(bundle=bundle).status == "in_progress"
    assert all(p.case.handed_over_at == NOW for p in bundle.parts.all())  # the department's own intake


def test_ordinary_clerk_keeps_the_per_department_path(staff, county):
    with pytest.raises(PermissionDenied) as exc:
        services.start_bundle(user=staff("clerk", "QY"), code="employer_registration", answers=NEW_UNIT,
                              applicant=UNIT, parts=employer_parts(county), now=NOW)
    assert "第 2 项" in exc.value.message and "工伤保险股" in exc.value.message
    assert Bundle.objects.count() == 0
    bundle = services.start_bundle(user=staff("clerk", "QY"), code="employer_registration", answers=NEW_UNIT,
                                   applicant=UNIT, parts=employer_parts(county)[:1], now=NOW)
    assert selectors.bundle_overview(bundle=bundle).status == "partly_accepted"
    # The other departments' parts wait for their windows — or for the 综合受理窗口.
    assert [o.number for o in selectors.bundles_waiting_for(user=staff("clerk", "GS"))] == [bundle.number]
    assert [o.number for o in selectors.bundles_waiting_for(user=staff(FD))] == [bundle.number]
    for part in employer_parts(county)[1:]:
        services.accept_part(user=staff(FD), number=bundle.number, order=part.order, intake=part, now=NOW)
    ov = selectors.bundle_overview(bundle=bundle)
    assert ov.status == "in_progress" and ov.due_complete
    assert selectors.bundles_waiting_for(user=staff(FD)) == []


@pytest.mark.parametrize("role,dept", [("reviewer", "QY"), ("approver", "QY"), ("director", None)])
def test_roles_without_intake_cannot_start(staff, county, role, dept):
    with pytest.raises(PermissionDenied):
        services.start_bundle(user=staff(role, dept), code="employer_registration", answers=NEW_UNIT,
                              applicant=UNIT, parts=employer_parts(county)[:1], now=NOW)


def test_front_desk_hands_the_bundle_over(staff, county):
    from shebao.cases.selectors import get_case

    fd = staff(FD)
    bundle = services.start_bundle(user=fd, code="after_death", answers=DEATH, applicant=WIDOW,
                                   parts=death_parts(county), now=NOW)
    numbers = selectors.held_case_numbers(bundle=bundle, user=fd)
    assert len(numbers) == 3 and [o.number for o in selectors.bundles_held_by(user=fd)] == [bundle.number]
    for no in numbers:
        assert get_case(user=fd, case_no=no).case_no == no  # still readable: receipts are printed here
    with pytest.raises(PermissionDenied):
        services.hand_over_bundle(user=staff("clerk", "JG"), number=bundle.number)
    assert services.hand_over_bundle(user=fd, number=bundle.number) == numbers
    assert selectors.held_case_numbers(bundle=bundle, user=fd) == [] and selectors.bundles_held_by(user=fd) == []
    for no in numbers:
        with pytest.raises(PermissionDenied):
            get_case(user=fd, case_no=no)
    with pytest.raises(DomainError, match="没有待您移交"):
        services.hand_over_bundle(user=fd, number=bundle.number)


# -- API ------------------------------------------------------------------------------------------------


def _payload(county, **missing):
    return {
        "answers": NEW_UNIT,
        "applicant": {"kind": "unit", "name": UNIT.name, "credit_code": UNIT.credit_code, "phone": UNIT.phone},
        "parts": [{"order": p.order, "materials": [{"name": m.name, "status": m.status} for m in p.materials]}
                  for p in employer_parts(county, missing={int(k[1:]): v for k, v in missing.items()})],
    }


def test_api_front_desk_application(api, county):
    url = "/api/v1/life-events/employer_registration/applications"
    r = api(FD).post(url, _payload(county), content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert body["status"] == "in_progress" and body["due_complete"] and body["next_part"] is None
    assert [p["case_no"].split("-")[0] for p in body["parts"]] == ["QY", "GS", "GS", "SY"]
    assert body["due"] == max(p["promised_due"] for p in body["parts"])
    number = body["number"]
    # The department clerk sees only the per-department path: the others' parts are refused.
    r = api("clerk", "QY").post(url, _payload(county), content_type="application/json")
    assert r.status_code == 403 and "第 2 项" in r.json()["detail"]
    # Hand-over through the API.
    r = api(FD).post(f"/api/v1/life-events/applications/{number}/handover", content_type="application/json")
    assert r.status_code == 200 and len(r.json()["cases"]) == 4
    assert api(FD).post(f"/api/v1/life-events/applications/{number}/handover",
                        content_type="application/json").status_code == 422
    assert api("clerk", "QY").post(f"/api/v1/life-events/applications/{number}/handover",
                                   content_type="application/json").status_code == 403


def test_api_all_or_nothing_422_names_the_part(api, county):
    before = _state()
    r = api(FD).post("/api/v1/life-events/employer_registration/applications",
                     _payload(county, p4=["社会保险登记表"]), content_type="application/json")
    assert r.status_code == 422, r.content.decode()
    body = r.json()
    assert "第 4 项（事项36" in body["detail"] and "社会保险登记表" in body["detail"]
    assert body["problems"] and all(p.startswith("第 4 项（事项36") for p in body["problems"])
    assert _state() == before


# -- pages ----------------------------------------------------------------------------------------------


def _start_form(county, parts, **extra) -> dict:
    form = {"applicant_kind": "unit", "applicant_name": UNIT.name, "applicant_id": UNIT.credit_code,
            "phone": UNIT.phone, **extra}
    for p in parts:
        form[f"p{p.order}_accept"] = "1"
    spec = {1: (1, None), 2: (30, "general_enterprise"), 3: (31, "monthly_staff_change"), 4: (36, None)}
    for p in parts:
        item, scenario = spec[p.order]
        statuses = {m.name: m.status for m in p.materials}
        for i, m in enumerate(group_materials(county, item, scenario)):
            form[f"p{p.order}_m{i}"] = statuses.get(m["name"], "missing")
    return form


START = "/life-events/employer_registration/start/?purpose=new_unit&unit_type=enterprise"


def test_pages_front_desk_one_application(client, staff, county):
    client.force_login(staff(FD))
    r = client.get("/life-events/employer_registration/notice/", NEW_UNIT)
    assert "窗口受理这件事" in r.content.decode()
    r = client.get(START)
    html = r.content.decode()
    assert r.status_code == 200 and 'id="le-one-window"' in html and "由其他窗口受理" not in html
    for order in (1, 2, 3, 4):
        assert f'id="p{order}_accept"' in html
    assert "工伤保险股" in html and "失业保险股" in html

    # One part short: 422, the part named, nothing recorded.
    r = client.post(START, _start_form(county, employer_parts(county, missing={4: ["社会保险登记表"]})))
    assert r.status_code == 422
    assert "第 4 项（事项36" in r.content.decode() and Bundle.objects.count() == 0 and Case.objects.count() == 0

    r = client.post(START, _start_form(county, employer_parts(county)))
    assert r.status_code == 302, r.content.decode()
    bundle = Bundle.objects.get()
    r = client.get(r["Location"])
    html = r.content.decode()
    assert "办理中" in html and 'id="le-held"' in html and "受理第" not in html
    cases = list(Case.objects.order_by("id"))
    assert len(cases) == 4
    for case in cases:
        assert f"/workbench/cases/{case.case_no}/receipt.pdf" in html
    # The receipt link works for the front desk until handover.
    assert client.get(f"/workbench/cases/{cases[0].case_no}/receipt.pdf").status_code == 200
    r = client.get("/life-events/staff/")
    assert 'id="le-held-list"' in r.content.decode() and bundle.number in r.content.decode()
    r = client.post(f"/life-events/staff/{bundle.number}/", {"handover": "1"})
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert 'id="le-held"' not in r.content.decode()
    assert all(c.handed_over_at is not None for c in Case.objects.all())
    assert client.get(f"/workbench/cases/{cases[0].case_no}/receipt.pdf").status_code == 403


def test_pages_front_desk_accepts_waiting_parts(client, staff, county):
    bundle = services.start_bundle(user=staff("clerk", "QY"), code="employer_registration", answers=NEW_UNIT,
                                   applicant=UNIT, parts=employer_parts(county)[:1], now=NOW)
    client.force_login(staff(FD))
    r = client.get("/life-events/staff/")
    assert bundle.number in r.content.decode() and "等待受理的一件事" in r.content.decode()
    r = client.get(f"/life-events/staff/{bundle.number}/")
    html = r.content.decode()
    for order in (2, 3, 4):
        assert f'id="le-accept-{order}"' in html
    form = _start_form(county, employer_parts(county)[1:2])
    form = {k: v for k, v in form.items() if k.startswith("p2_m")}
    r = client.post(f"/life-events/staff/{bundle.number}/", {"order": "2", **form})
    assert r.status_code == 302
    assert BundlePart.objects.get(bundle=bundle, order=2).case.department.code == "GS"


def test_reviewer_gets_no_start_button(client, staff):
    client.force_login(staff("reviewer", "QY"))
    r = client.get("/life-events/employer_registration/notice/", NEW_UNIT)
    assert "窗口受理这件事" not in r.content.decode()


@pytest.mark.parametrize(("role", "dept", "sees"), [
    ("clerk", "QY", True), ("reviewer", "GS", True), ("section_head", "SY", True),  # a part at their department
    (FD, None, True), ("director", None, True),  # every bundle of their county
    ("clerk", "CJ", False), ("section_head", "SBK", False),  # no part at their department
    ("admin", None, False),  # system maintenance, no personal data
])
def test_a_bundle_is_shown_only_to_staff_with_a_part_in_it(client, staff, county, api, role, dept, sees):
    bundle = services.start_bundle(user=staff(FD), code="employer_registration", answers=NEW_UNIT, applicant=UNIT,
                                   parts=employer_parts(county), now=NOW)
    client.force_login(staff(role, dept))
    page = client.get(f"/life-events/staff/{bundle.number}/")
    answer = api(role, dept).get(f"/api/v1/life-events/applications/{bundle.number}")
    if sees:
        assert page.status_code == 200 and bundle.number in page.content.decode()
        assert answer.status_code == 200 and answer.json()["number"] == bundle.number
    else:
        assert page.status_code == 403 and bundle.number not in page.content.decode()
        assert answer.status_code == 403 and "不能查看" in answer.json()["detail"]
        assert UNIT.name not in page.content.decode()


def test_pages_retirement_start_takes_in_the_approval_and_says_the_rest_comes_later(client, staff, county):
    client.force_login(staff("clerk", "QY"))
    url = "/life-events/retirement/start/?unit=enterprise&route=normal"
    html = client.get(url).content.decode()
    assert 'id="p1_accept"' in html and 'id="p2_accept"' not in html and 'id="p3_accept"' not in html
    assert 'id="le-later"' in html and "须在第 1 项办结后受理" in html
    form = {"applicant_kind": "person", "applicant_name": "李建国", "applicant_id": person_id(321),
            "phone": "13900001111", "p1_accept": "1"}
    form.update({f"p1_m{i}": "received" for i in range(len(group_materials(county, 4, None)))})
    r = client.post(url, form, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "其余事项须在前一项办结后，凭这个编号再来办理" in page
    assert "引导其到下一个窗口" not in page and "待第 1 项办结后受理" in page


@pytest.mark.parametrize(("typed", "opens"), [
    ("yjs-2026-000012", "/life-events/staff/YJS-2026-000012/"),  # as typed, read as the number
    ("ＹＪＳ２０２６００００１２", "/life-events/staff/YJS-2026-000012/"),  # full width, no dashes
])
def test_staff_index_opens_a_number_as_people_type_it(client, staff, typed, opens):
    client.force_login(staff(FD))
    r = client.get("/life-events/staff/", {"number": typed})
    assert r.status_code == 302 and r["Location"] == opens


@pytest.mark.parametrize("typed", ["../../etc/passwd", "YJS/2026", "编号12", "'"])
def test_staff_index_says_a_malformed_number_is_wrong(client, staff, typed):
    # “/” used to reach the bundle page's address and fail with a 500.
    client.force_login(staff(FD))
    r = client.get("/life-events/staff/", {"number": typed})
    html = r.content.decode()
    assert r.status_code == 400 and 'id="number-error"' in html and "编号格式不对" in html
    assert "一件事受理" in html
