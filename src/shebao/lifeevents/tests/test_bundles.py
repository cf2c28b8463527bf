"""Bundle applications: linked cases in each department (through the cases intake service),
the overall status and due date, and the applicant's progress query with one number."""

from __future__ import annotations

import re

import pytest

from shebao.cases import services as case_services
from shebao.cases.models import Case, Notification
from shebao.cases.services import Applicant
from shebao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from shebao.lifeevents import selectors, services
from shebao.lifeevents.models import Bundle, BundlePart
from shebao.lifeevents.selectors import overall_status
from shebao.lifeevents.services import PartIntake
from shebao.lifeevents.tests.conftest import all_received, person_id
from shebao.testing.factories import at, credit_code

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 2)  # Monday
RETIREE = Applicant(kind="person", name="李建国", id_number=person_id(321), phone="13900001111")
WIDOW = Applicant(kind="person", name="王秀英", id_number=person_id(654, "19700505"), phone="13900002222")


def start_retirement(staff, county, **kw):
    return services.start_bundle(
        user=staff("clerk", "QY"), code="retirement", answers={"unit": "enterprise", "route": "normal"},
        applicant=RETIREE, parts=[PartIntake(1, all_received(county, 4))], now=NOW, **kw,
    )


def _accept_in_turn(staff, county, bundle, order, item_no, now=NOW):
    return services.accept_part(user=staff("clerk", "QY"), number=bundle.number, order=order,
                                intake=PartIntake(order, all_received(county, item_no)), now=now)


def test_retirement_bundle_takes_each_step_in_when_the_previous_one_is_finished(staff, county):
    """待遇核定 needs the approved 退休审批表, and 资格认证 the pension set: they are taken in once the
    step before is finished, each under the same bundle number, each case with its own clock."""
    bundle = start_retirement(staff, county)
    assert re.fullmatch(r"YJS-2026-\d{6}", bundle.number)
    parts = list(bundle.parts.order_by("order"))
    assert [(p.item_no, p.department.code, p.after_previous) for p in parts] == [
        (4, "QY", False), (7, "QY", True), (3, "QY", True)]
    ov = selectors.bundle_overview(bundle=bundle)
    assert [(p.state, p.blocked_by) for p in ov.parts] == [("open", None), ("pending", 1), ("pending", 2)]
    assert ov.status == "partly_accepted" and not ov.due_complete
    assert ov.next_part is None and ov.ready == []  # nothing to take in until item 4 is done
    assert selectors.bundles_waiting_for(user=staff("clerk", "QY")) == []
    with pytest.raises(DomainError, match="第 2 项“养老金待遇核定”须在第 1 项“退休资格审批（正常退休）”办结后受理"):
        _accept_in_turn(staff, county, bundle, 2, 7)
    # All at once is refused too, naming the parts that must wait.
    with pytest.raises(DomainError, match="第 2 项（事项7 企业养老保险待遇核定）、第 3 项（事项3 离退休人员基本养老金领取资格认证）须在前一项办结后受理"):
        services.start_bundle(user=staff("clerk", "QY"), code="retirement",
                              answers={"unit": "enterprise", "route": "normal"}, applicant=RETIREE,
                              parts=[PartIntake(1, all_received(county, 4)), PartIntake(2, all_received(county, 7)),
                                     PartIntake(3, all_received(county, 3))], now=NOW)

    head = staff("section_head", "QY")
    _finish(head, parts[0].case.case_no)
    ov = selectors.bundle_overview(bundle=bundle)
    assert ov.next_part.order == 2 and [p.blocked_by for p in ov.parts] == [None, None, 2]
    # The result message of the finished part tells the applicant that the next part may be applied for now.
    result = Notification.objects.get(case=parts[0].case, kind="result")
    assert (f"此件是您一件事（{bundle.number}）的第 1 项。第 2 项“企业养老保险待遇核定”现在可以申请，"
            f"请带上一件事编号和告知单所列材料到{ov.parts[1].location}办理。") in result.body
    assert result.body.index("现在可以申请") < result.body.index("欢迎对本次服务作出评价")
    assert [o.number for o in selectors.bundles_waiting_for(user=staff("clerk", "QY"))] == [bundle.number]
    later = at(2026, 3, 31)
    _accept_in_turn(staff, county, bundle, 2, 7, now=later)
    pension = BundlePart.objects.get(bundle=bundle, order=2).case
    assert pension.received_at == later and pension.status == "in_progress"
    with pytest.raises(DomainError, match="第 3 项.*须在第 2 项.*办结后受理.*办理中"):
        _accept_in_turn(staff, county, bundle, 3, 3, now=later)
    _finish(head, pension.case_no)
    assert "第 3 项“离退休人员基本养老金领取资格认证”现在可以申请" in Notification.objects.get(
        case=pension, kind="result").body
    _accept_in_turn(staff, county, bundle, 3, 3, now=later)
    _finish(head, BundlePart.objects.get(bundle=bundle, order=3).case.case_no)
    last = Notification.objects.get(case=BundlePart.objects.get(bundle=bundle, order=3).case, kind="result")
    assert "现在可以申请" not in last.body  # nothing waits for the last part
    cases = [p.case for p in bundle.parts.order_by("order")]
    assert {c.applicant_id for c in cases} == {RETIREE.id_number}
    assert [c.item.no for c in cases] == [4, 7, 3]
    assert all(c.bundle_part.bundle == bundle for c in cases)
    ov = selectors.bundle_overview(bundle=bundle)
    assert ov.due_complete and ov.next_part is None and all(p.blocked_by is None for p in ov.parts)


def test_numbers_are_sequential_per_year(staff, county):
    first = start_retirement(staff, county)
    second = start_retirement(staff, county)
    n1, n2 = int(first.number[-6:]), int(second.number[-6:])
    assert n2 == n1 + 1


def test_work_related_death_of_a_civil_servant_spans_two_departments(staff, county):
    answers = {"status": "public_employee", "work_related": "yes", "dependants": "yes", "cremated": "yes"}
    bundle = services.start_bundle(
        user=staff("clerk", "JG"), code="after_death", answers=answers, applicant=WIDOW,
        parts=[PartIntake(1, all_received(county, 27))], now=NOW,
    )
    ov = selectors.bundle_overview(bundle=bundle)
    assert [(p.item_no, p.department, p.state) for p in ov.parts] == [
        (27, "机关保险股", "open"), (34, "工伤保险股", "pending"), (34, "工伤保险股", "pending")]
    assert ov.status == "partly_accepted" and not ov.due_complete
    assert ov.next_part.order == 2 and ov.next_part.location == "阳城县政务中心四楼工伤保险窗口"

    # The 机关 clerk may not accept the 工伤 parts; the 工伤 clerk may.
    with pytest.raises(PermissionDenied):
        services.accept_part(user=staff("clerk", "JG"), number=bundle.number, order=2,
                             intake=PartIntake(2, all_received(county, 34, "death_benefits")), now=NOW)
    for order, scenario in ((2, "death_benefits"), (3, "dependant_pension")):
        services.accept_part(user=staff("clerk", "GS"), number=bundle.number, order=order,
                             intake=PartIntake(order, all_received(county, 34, scenario)), now=at(2026, 3, 4))
    ov = selectors.bundle_overview(bundle=bundle)
    assert ov.status == "in_progress" and ov.due_complete
    cases = [BundlePart.objects.get(bundle=bundle, order=o).case for o in (1, 2, 3)]
    assert [c.department.code for c in cases] == ["JG", "GS", "GS"]
    assert [c.scenario_code for c in cases] == ["", "death_benefits", "dependant_pension"]
    assert ov.due == max(c.effective_due for c in cases)
    # Accepting twice is refused.
    with pytest.raises(Conflict):
        services.accept_part(user=staff("clerk", "GS"), number=bundle.number, order=2,
                             intake=PartIntake(2, all_received(county, 34, "death_benefits")), now=NOW)


def test_a_failed_intake_records_nothing(staff, county):
    before = (Bundle.objects.count(), Case.objects.count())
    with pytest.raises(DomainError) as exc:
        services.start_bundle(
            user=staff("clerk", "QY"), code="retirement", answers={"unit": "enterprise", "route": "normal"},
            applicant=RETIREE,
            parts=[PartIntake(1, all_received(county, 4, missing=["1寸彩照"]))],
            now=NOW,
        )
    assert "1寸彩照" in exc.value.message
    assert "。；" not in exc.value.message and "。。" not in exc.value.message
    assert (Bundle.objects.count(), Case.objects.count()) == before


def test_only_the_clerks_own_department_and_valid_input(staff, county):
    with pytest.raises(PermissionDenied) as exc:
        services.start_bundle(user=staff("clerk", "SY"), code="retirement",
                              answers={"unit": "enterprise", "route": "normal"}, applicant=RETIREE,
                              parts=[PartIntake(1, all_received(county, 4))], now=NOW)
    assert "企业保险股" in exc.value.message
    with pytest.raises(DomainError, match="请至少受理一项"):
        services.start_bundle(user=staff("clerk", "QY"), code="retirement",
                              answers={"unit": "enterprise", "route": "normal"}, applicant=RETIREE, parts=[], now=NOW)
    with pytest.raises(DomainError, match="身份证号码无效"):
        services.start_bundle(user=staff("clerk", "QY"), code="retirement",
                              answers={"unit": "enterprise", "route": "normal"},
                              applicant=Applicant(kind="person", name="李", id_number="140522196501011234",
                                                  phone="13900001111"),
                              parts=[PartIntake(1, all_received(county, 4))], now=NOW)
    with pytest.raises(DomainError, match="没有需要办理的事项"):
        services.start_bundle(user=staff("clerk", "SY"), code="unemployment",
                              answers={"claim": "no", "transfer": "no"}, applicant=RETIREE,
                              parts=[PartIntake(1, [])], now=NOW)
    with pytest.raises(PermissionDenied):
        services.start_bundle(user=staff("director"), code="retirement",
                              answers={"unit": "enterprise", "route": "normal"}, applicant=RETIREE,
                              parts=[PartIntake(1, all_received(county, 4))], now=NOW)


def test_refused_part_can_be_accepted_again(staff, county):
    unit = Applicant(kind="unit", name="阳城县示例煤业有限公司", credit_code=credit_code(), phone="13800000000")
    bundle = services.start_bundle(
        user=staff("clerk", "QY"), code="employer_registration",
        answers={"purpose": "new_unit", "unit_type": "enterprise"}, applicant=unit,
        parts=[PartIntake(1, all_received(county, 1))], now=NOW,
    )
    services.accept_part(user=staff("clerk", "GS"), number=bundle.number, order=2, now=NOW,
                         intake=PartIntake(2, all_received(county, 30, "general_enterprise", missing=["工伤保险参保单位登记表"]),
                                           refuse=True, refusal_reasons=["缺少《工伤保险参保单位登记表》"]))
    ov = selectors.bundle_overview(bundle=bundle)
    part = ov.parts[1]
    assert part.state == "not_accepted" and part.missing == ["工伤保险参保单位登记表"]
    assert ov.status == "partly_accepted" and ov.next_part.order == 2
    first_case = part.case_no
    services.accept_part(user=staff("clerk", "GS"), number=bundle.number, order=2, now=at(2026, 3, 3),
                         intake=PartIntake(2, all_received(county, 30, "general_enterprise")))
    row = BundlePart.objects.get(bundle=bundle, order=2)
    assert row.case.case_no != first_case and row.earlier_cases == [first_case]
    assert selectors.bundle_overview(bundle=bundle).parts[1].state == "open"


def test_tolerance_part_shows_what_is_still_owed(staff, county):
    unit = Applicant(kind="unit", name="阳城县示例煤业有限公司", credit_code=credit_code(), phone="13800000000")
    bundle = services.start_bundle(
        user=staff("clerk", "SY"), code="employer_registration",
        answers={"purpose": "new_unit", "unit_type": "enterprise"}, applicant=unit,
        parts=[PartIntake(4, all_received(county, 36, missing=["开户许可证复印件"]), tolerance=True)], now=NOW,
    )
    part = selectors.bundle_overview(bundle=bundle).parts[3]
    assert part.state == "open" and part.missing == ["开户许可证复印件"] and part.supplement_due is not None


def _finish(user, case_no):
    """Walk one case to 办结 as the department's section head (who may act on every step)."""
    from shebao.cases.selectors import allowed_actions

    for _ in range(20):
        case = Case.objects.get(case_no=case_no)
        if case.status == "finished":
            return
        actions = allowed_actions(user=user, case=case)
        action = "finish" if "finish" in actions else ("resume" if "resume" in actions else "advance")
        case_services.perform_action(user=user, case_no=case_no, action=action, version=case.version,
                                     result="已办结" if action == "finish" else "", now=NOW)
    raise AssertionError(f"{case_no} did not finish")


def test_bundle_is_finished_when_every_case_is(staff, county):
    bundle = start_retirement(staff, county)
    head = staff("section_head", "QY")
    _finish(head, bundle.parts.get(order=1).case.case_no)
    assert selectors.bundle_overview(bundle=bundle).status == "partly_accepted"
    for order, item_no in ((2, 7), (3, 3)):
        _accept_in_turn(staff, county, bundle, order, item_no)
        assert selectors.bundle_overview(bundle=bundle).status == ("in_progress" if order == 3 else "partly_accepted")
        _finish(head, bundle.parts.get(order=order).case.case_no)
    ov = selectors.bundle_overview(bundle=bundle)
    assert ov.status == "finished" and ov.status_label == "已办结"
    assert all(p.state == "finished" and p.result == "已办结" for p in ov.parts)


def test_when_the_approval_is_refused_the_steps_resting_on_it_are_not_waited_for(staff, county):
    bundle = start_retirement(staff, county)
    approval = bundle.parts.get(order=1).case
    case_services.perform_action(user=staff("section_head", "QY"), case_no=approval.case_no, action="refuse",
                                 version=approval.version, reason="未达到法定退休年龄", now=NOW)
    ov = selectors.bundle_overview(bundle=bundle)
    assert [(p.state, p.status_label, p.blocked_by) for p in ov.parts] == [
        ("failed", "不予办理", None), ("failed", "第 1 项未办成，无需办理", None), ("failed", "第 2 项未办成，无需办理", None)]
    assert ov.status == "closed" and ov.waiting == [] and ov.next_part is None
    with pytest.raises(DomainError, match="第 1 项办件 .* 不予办理"):
        _accept_in_turn(staff, county, bundle, 2, 7)


@pytest.mark.parametrize(("states", "status"), [
    (["pending", "pending"], "pending"),
    (["not_accepted", "pending"], "pending"),
    (["open", "pending"], "partly_accepted"),
    (["finished", "not_accepted"], "partly_accepted"),
    (["open", "finished"], "in_progress"),
    (["finished", "finished"], "finished"),
    (["finished", "failed"], "closed"),
    (["open", "failed"], "in_progress"),
])
def test_overall_status(states, status):
    assert overall_status(states) == status


# -- tracking ------------------------------------------------------------------------------------


def test_track_with_bundle_number_and_id_suffix(staff, county):
    bundle = start_retirement(staff, county)
    ov = services.track_bundle(number=bundle.number.lower(), id_suffix=RETIREE.id_number[-6:].lower(), ip="1.2.3.4")
    assert ov.number == bundle.number and ov.status == "partly_accepted" and len(ov.parts) == 3
    with pytest.raises(NotFound, match="不正确"):
        services.track_bundle(number=bundle.number, id_suffix="000000", ip="1.2.3.4")
    with pytest.raises(NotFound):
        services.track_bundle(number="YJS-2026-999999", id_suffix=RETIREE.id_number[-6:], ip="1.2.3.4")


def test_track_is_rate_limited_per_ip(staff, county, settings):
    settings.SHEBAO_TRACK_MAX_FAILURES = 3
    bundle = start_retirement(staff, county)
    for _ in range(3):
        with pytest.raises(NotFound):
            services.track_bundle(number=bundle.number, id_suffix="999999", ip="5.6.7.8", now=NOW)
    with pytest.raises(DomainError) as exc:
        services.track_bundle(number=bundle.number, id_suffix=RETIREE.id_number[-6:], ip="5.6.7.8", now=NOW)
    assert exc.value.status == 429
    # Another address is not affected.
    assert services.track_bundle(number=bundle.number, id_suffix=RETIREE.id_number[-6:], ip="9.9.9.9", now=NOW)


def test_a_bundle_opened_at_last_forgives_the_mistakes_made_on_it(staff, county, settings):
    """Mistakes on the bundle number or on the suffix of the bundle then opened do not lock out a
    shared terminal; guesses at a bundle never opened keep counting."""
    from shebao.cases.models import PublicAttempt

    settings.SHEBAO_TRACK_MAX_FAILURES = 3
    bundle = start_retirement(staff, county)
    suffix = RETIREE.id_number[-6:]
    for number, typed in ((bundle.number, "999999"), ("YJS-2026-999999", suffix), (bundle.number, "888888")):
        with pytest.raises(NotFound):
            services.track_bundle(number=number, id_suffix=typed, ip="5.6.7.10", now=NOW)
    assert PublicAttempt.objects.filter(ip="5.6.7.10").count() == 2 + 1
    # Two failures on this bundle and one on a number that names none: at the limit of 3 ...
    with pytest.raises(DomainError):
        services.track_bundle(number=bundle.number, id_suffix=suffix, ip="5.6.7.10", now=NOW)
    PublicAttempt.objects.filter(ip="5.6.7.10", target=bundle.number).first().delete()
    # ... one fewer, and the right pair opens the bundle and clears the other two.
    assert services.track_bundle(number=bundle.number, id_suffix=suffix, ip="5.6.7.10", now=NOW)
    assert not PublicAttempt.objects.filter(ip="5.6.7.10").exists()


def test_bundle_and_case_look_ups_have_budgets_of_their_own(staff, county, settings):
    """Both are counted by the cases' rate-limit service, each against its own budget."""
    settings.SHEBAO_TRACK_MAX_FAILURES = 2
    bundle = start_retirement(staff, county)
    case_no = bundle.parts.exclude(case=None).first().case.case_no
    for _ in range(2):
        with pytest.raises(NotFound):
            services.track_bundle(number=bundle.number, id_suffix="999999", ip="5.6.7.9", now=NOW)
    with pytest.raises(DomainError) as exc:
        services.track_bundle(number=bundle.number, id_suffix=RETIREE.id_number[-6:], ip="5.6.7.9", now=NOW)
    assert exc.value.status == 429 and "一件事编号" in exc.value.message
    assert case_services.track_case(case_no=case_no, id_suffix=RETIREE.id_number[-6:], ip="5.6.7.9", now=NOW)
    for _ in range(2):
        with pytest.raises(NotFound):
            case_services.track_case(case_no=case_no, id_suffix="999999", ip="5.6.8.0", now=NOW)
    assert services.track_bundle(number=bundle.number, id_suffix=RETIREE.id_number[-6:], ip="5.6.8.0", now=NOW)


def test_bundles_waiting_for_a_department(staff, county):
    answers = {"status": "public_employee", "work_related": "yes", "dependants": "no", "cremated": "yes"}
    bundle = services.start_bundle(user=staff("clerk", "JG"), code="after_death", answers=answers,
                                   applicant=WIDOW, parts=[PartIntake(1, all_received(county, 27))], now=NOW)
    assert [o.number for o in selectors.bundles_waiting_for(user=staff("clerk", "GS"))] == [bundle.number]
    assert selectors.bundles_waiting_for(user=staff("clerk", "JG")) == []
