"""The bundles against the catalog: every answer path, every material, exactly once.

For each life event we walk every combination of answers the questions allow and check the
merged 一次性告知单 item by item against the catalog: every material of every applicable
item/情形 appears exactly once in the merged list, under its own wording, with its source item;
materials the answers rule out are listed as not needed; nothing else is added.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata

import pytest

from shebao.catalog.models import Item
from shebao.lifeevents import selectors
from shebao.lifeevents.plan import (
    AnswerError,
    applicable_steps,
    clean_answers,
    matches,
    parse_copies,
    visible_questions,
)
from shebao.portal.notice import cn_date

TODAY = dt.date(2026, 3, 2)  # a Monday with a known official calendar
pytestmark = pytest.mark.django_db


def all_answer_paths(event) -> list[dict[str, str]]:
    """Every complete set of answers: follow-up questions appear only where their ``when`` holds."""
    done: list[dict[str, str]] = []

    def walk(answers: dict[str, str]) -> None:
        asked = visible_questions(event, answers)
        open_q = next((q for q in asked if q.answer is None), None)
        if open_q is None:
            done.append(dict(answers))
            return
        for code, _ in open_q.options:
            walk({**answers, open_q.code: code})

    walk({})
    return done


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _events():
    return selectors.list_life_events()


def test_the_four_bundles_are_loaded_from_the_catalog(county):
    events = {e.code: e for e in _events()}
    assert list(events) == ["retirement", "after_death", "employer_registration", "unemployment"]
    assert events["retirement"].name == "退休一件事"
    assert events["after_death"].name == "身后一件事"


@pytest.mark.parametrize("code", ["retirement", "after_death", "employer_registration", "unemployment"])
def test_every_material_of_every_applicable_item_appears_exactly_once(county, code):
    event = selectors.get_life_event(code=code)
    items = {i.no: i.data for i in Item.objects.filter(county=county, is_active=True)}
    paths = all_answer_paths(event)
    assert len(paths) >= 2
    for answers in paths:
        plan = selectors.plan_for(code=code, answers=answers, today=TODAY)
        expected_steps = applicable_steps(event, answers)
        assert [(s.item_no, s.scenario_code) for s in plan.steps] == [
            (s.item_no, s.scenario_code) for s in expected_steps], answers

        # What the catalog says each step needs (and what the answers rule out).
        needed: dict[tuple[int, str], str] = {}
        ruled_out: set[tuple[int, str]] = set()
        for ps, step in zip(plan.steps, expected_steps, strict=True):
            groups = items[step.item_no]["material_groups"]
            group = (next(g for g in groups if g.get("scenario_code") == step.scenario_code)
                     if step.scenario_code else (groups[0] if groups else {"materials": []}))
            for m in group["materials"]:
                cond = step.materials_when.get(m["name"])
                if cond is not None and not matches(cond, answers):
                    ruled_out.add((ps.order, m["name"]))
                else:
                    needed[(ps.order, m["name"])] = m["text"]

        seen: dict[tuple[int, str], int] = {}
        for merged in plan.materials:
            orders = [s.step.order for s in merged.sources]
            assert len(orders) == len(set(orders)), f"{merged.name} lists one item twice: {answers}"
            for src in merged.sources:
                key = (src.step.order, src.line.name)
                seen[key] = seen.get(key, 0) + 1
                assert src.line.text == needed.get(key), (key, answers)
                assert src.step.item_no in {s.item_no for s in plan.steps}
        assert seen == dict.fromkeys(needed, 1), answers
        assert {(n.step.order, n.material) for n in plan.not_needed} == ruled_out, answers
        # The merged list is really merged: no two entries share a name.
        names = [_norm(m.name) for m in plan.materials]
        assert len(names) == len(set(names)), answers


def plan(code, **answers):
    return selectors.plan_for(code=code, answers=answers, today=TODAY)


def by_name(p, name):
    found = [m for m in p.materials if m.name == name]
    assert len(found) == 1, [m.name for m in p.materials]
    return found[0]


def test_enterprise_retirement_4_7_3_with_shared_materials(county):
    p = plan("retirement", unit="enterprise", route="normal")
    assert [s.item_no for s in p.steps] == [4, 7, 3]
    photo = by_name(p, "1寸彩照")
    assert [s.step.item_no for s in photo.sources] == [4, 7]
    assert photo.copies_total == (3, "张")
    assert photo.copies_text == "共3张（事项4：1张；事项7：2张）"
    archive = by_name(p, "个人档案")
    assert archive.items_text == "事项4、事项7"
    assert archive.copies_total is None and archive.copies_text == "指南均未注明份数"
    assert [s.step.item_no for s in by_name(p, "社保卡账号").sources] == [4, 7]
    assert [s.step.item_no for s in by_name(p, "居民身份证").sources] == [3]
    # 7's 因病 proof is ruled out by "正常退休".
    assert [(n.step.item_no, n.material) for n in p.not_needed] == [(7, "本人完全丧失劳动能力结论证明")]
    assert len(p.materials) == 5
    # Item 4 is handled in the 企业保险办公室, 7 and 3 at the 企业保险窗口: two stops, in order.
    assert [(s.location, [x.item_no for x in s.steps]) for s in p.stops] == [
        ("阳城县政务中心四楼企业保险办公室", [4]), ("阳城县政务中心四楼企业保险窗口", [7, 3])]
    assert p.stops[1].phones == ["0356-3201058"]
    # 待遇核定 can only be applied for once the retirement is approved, and the certification once
    # the pension is set: each promise counts from the previous one's, not from today.
    approval, pension, certification = p.steps
    assert approval.promised.due == dt.date(2026, 3, 30) and not approval.after_previous  # 20 working days
    assert pension.after_previous and pension.counted_from == dt.date(2026, 3, 30)
    assert pension.promised.due == dt.date(2026, 4, 14)  # 10 working days after 3/30 (清明 4/4–4/6)
    assert pension.notice.promised_sentence == (
        "须在事项4办结后申请：如在其承诺办结日 2026年3月30日（周一）申请，承诺于 2026年4月14日（周二）前办结。")
    assert certification.counted_from == dt.date(2026, 4, 14)
    assert certification.notice.promised_sentence == (
        "须在事项7办结后申请：如在其承诺办结日 2026年4月14日（周二）申请，承诺当日办结。")
    assert p.latest_due == dt.date(2026, 4, 14)
    assert "事项7、事项3 须在前一项办结后申请" in p.latest_due_sentence
    assert "最晚于 2026年4月14日（周二）前全部办结" in p.latest_due_sentence


def test_retirement_for_illness_needs_the_incapacity_proof(county):
    p = plan("retirement", unit="enterprise", route="illness")
    assert [s.item_no for s in p.steps] == [6, 7, 3]
    assert not p.not_needed
    proof = by_name(p, "本人完全丧失劳动能力结论证明")
    assert not proof.conditional
    idcopy = by_name(p, "身份证复印件")
    assert idcopy.copies_text == "一份"


def test_public_retirement_29_then_28(county):
    p = plan("retirement", unit="public", route="normal", title="yes")
    assert [s.item_no for s in p.steps] == [29, 28]
    assert [s.item_no for s in p.steps_without_materials] == [29]
    assert by_name(p, "证明和聘任证明复印件").sources[0].line.condition is None
    assert not p.steps[0].after_previous  # nothing before it to wait for
    p = plan("retirement", unit="public", route="special_work", title="no")
    assert [s.item_no for s in p.steps] == [5, 29, 28]
    assert [(n.step.item_no, n.material) for n in p.not_needed] == [(28, "证明和聘任证明复印件")]
    # An early retirement must be approved (item 5 or 6) before the first certification and the
    # pension: neither may be dated before the approval.
    early, certification, pension = p.steps
    assert certification.after_previous and certification.counted_from == early.promised.due
    assert pension.after_previous and pension.counted_from >= certification.counted_from
    assert certification.notice.promised_sentence.startswith("须在事项5办结后申请")


def test_death_of_a_resident_merges_basic_and_supplementary_cancellation(county):
    p = plan("after_death", status="resident", supplementary="yes", receiving="no")
    assert [(s.item_no, s.scenario_code) for s in p.steps] == [
        (21, "resident_pension_death_cancellation"), (22, "resident_pension_death_cancellation")]
    assert len(p.materials) == 6
    assert all([s.step.item_no for s in m.sources] == [21, 22] for m in p.materials)
    assert by_name(p, "个人缴费台账原件及缴费证").sources[0].line.condition is None
    p = plan("after_death", status="resident", supplementary="no", receiving="yes")
    assert [s.item_no for s in p.steps] == [21]
    assert [(n.step.item_no, n.material) for n in p.not_needed] == [(21, "个人缴费台账原件及缴费证")]
    assert len(p.stops) == 1 and p.stops[0].phones == ["0356-3201060"]


def test_work_related_death_of_a_civil_servant(county):
    p = plan("after_death", status="public_employee", work_related="yes", dependants="yes", cremated="yes")
    assert [(s.item_no, s.scenario_code) for s in p.steps] == [
        (27, None), (34, "death_benefits"), (34, "dependant_pension")]
    form = by_name(p, "晋城市申报工伤保险待遇项目表(表十一)")
    assert [s.step.label for s in form.sources] == ["事项34（工亡待遇）", "事项34（供养亲属抚恤金）"]
    # The deceased's ID copy and the dependants' ID copies are different documents.
    assert [s.step.label for s in by_name(p, "工伤职工身份证复印件").sources] == ["事项34（工亡待遇）"]
    dep_id = by_name(p, "身份证复印件")
    assert dep_id.copies_text == "两份" and "供养人员" in dep_id.sources[0].line.text
    assert ("死亡医学证明、户口注销证明、土葬证明", "未火化的") in [(n.material, n.condition) for n in p.not_needed]
    # Not bound to a question: stays conditional, with the guide's condition.
    assert by_name(p, "死亡医学证明").conditional
    assert [s.location for s in p.stops] == ["阳城县政务中心四楼机关保险窗口", "阳城县政务中心四楼工伤保险窗口"]


def test_death_of_an_employee_depends_on_work_relation(county):
    assert [s.item_no for s in plan("after_death", status="enterprise_employee", work_related="no").steps] == [8]
    p = plan("after_death", status="enterprise_employee", work_related="yes", dependants="no", cremated="no")
    assert [(s.item_no, s.scenario_code) for s in p.steps] == [(34, "death_benefits")]
    assert not by_name(p, "死亡医学证明、户口注销证明、土葬证明").conditional
    assert [s.item_no for s in plan("after_death", status="enterprise_retiree").steps] == [9]


def test_new_enterprise_merges_the_same_documents_across_departments(county):
    p = plan("employer_registration", purpose="new_unit", unit_type="enterprise")
    assert [(s.item_no, s.scenario_code) for s in p.steps] == [
        (1, None), (30, "general_enterprise"), (31, "monthly_staff_change"), (36, None)]
    filing = by_name(p, "劳动用工备案表")
    assert [(s.step.item_no, s.line.name) for s in filing.sources] == [
        (1, "当年劳动用工备案表"), (30, "用人单位劳动用工备案表"), (31, "用人单位劳动用工备案表"), (36, "用工备案表")]
    licence = by_name(p, "营业执照复印件")
    assert [s.step.item_no for s in licence.sources] == [1, 36]
    bank = by_name(p, "开户许可证复印件")
    assert [s.step.item_no for s in bank.sources] == [30, 36]
    assert len(bank.tolerance_texts) == 1 and "3个工作日" in bank.tolerance_texts[0]
    assert [s.step.item_no for s in by_name(p, "缴费申报承诺书").sources] == [1, 36]
    assert [(n.step.item_no, n.material) for n in p.not_needed] == [(31, "机关事业单位在职人员花名表")]
    assert [s.department for s in p.stops] == ["阳城县社保中心企业保险股", "阳城县社保中心工伤保险股",
                                                "阳城县社保中心失业保险股"]


def test_public_unit_and_new_staff_paths(county):
    p = plan("employer_registration", purpose="new_unit", unit_type="public")
    assert [(s.item_no, s.scenario_code) for s in p.steps] == [
        (23, "registration"), (24, "registration"), (30, "public_institution"), (31, "monthly_staff_change")]
    assert by_name(p, "机关事业单位在职人员花名表").items_text == "事项30、事项31"
    p = plan("employer_registration", purpose="new_staff", unit_type="enterprise")
    assert [s.item_no for s in p.steps] == [2, 31]


def test_unemployment(county):
    assert [s.item_no for s in plan("unemployment", claim="yes", transfer="yes").steps] == [37, 38]
    p = plan("unemployment", claim="no", transfer="no")
    assert p.steps == [] and p.materials == [] and p.latest_due is None
    p = plan("unemployment", claim="no", transfer="yes")
    assert p.materials == [] and [s.item_no for s in p.steps_without_materials] == [38]


# -- question logic ----------------------------------------------------------------------------


def test_follow_up_questions_appear_only_when_they_apply(county):
    event = selectors.get_life_event(code="after_death")
    assert [q.code for q in visible_questions(event, {})] == ["status"]
    assert [q.code for q in visible_questions(event, {"status": "resident"})] == [
        "status", "supplementary", "receiving"]
    assert [q.code for q in visible_questions(event, {"status": "public_employee", "work_related": "yes"})] == [
        "status", "work_related", "dependants", "cremated"]
    # Changing an earlier answer drops the answers it no longer leads to.
    stale = {"status": "enterprise_retiree", "work_related": "yes", "dependants": "yes"}
    assert clean_answers(event, stale) == {"status": "enterprise_retiree"}


def test_wrong_or_missing_answers_are_refused_in_chinese(county):
    event = selectors.get_life_event(code="retirement")
    with pytest.raises(AnswerError) as exc:
        clean_answers(event, {"unit": "enterprise"})
    assert "请回答：按哪种情况退休？" in exc.value.message
    with pytest.raises(AnswerError) as exc:
        clean_answers(event, {"unit": "army", "route": "normal"})
    assert "没有“army”这个选项" in exc.value.message and exc.value.status == 400
    with pytest.raises(AnswerError) as exc:
        clean_answers(event, {"unit": "enterprise", "route": "normal", "age": "60"}, strict=True)
    assert "没有这些问题：age" in exc.value.message
    assert clean_answers(event, {"unit": "enterprise", "route": "normal", "utm": "x"}) == {
        "unit": "enterprise", "route": "normal"}
    assert clean_answers(event, {"unit": "enterprise"}, complete=False) == {"unit": "enterprise"}


def test_every_answer_path_count(county):
    counts = {e.code: len(all_answer_paths(e)) for e in _events()}
    # retirement: 2 units × 3 routes, ×2 titles for public → 3 + 6; after_death: 2 employee kinds ×
    # (no + yes×2×2) + retiree + resident 3×2; employer: 2×3; unemployment: 2×2.
    assert counts == {"retirement": 9, "after_death": 17, "employer_registration": 6, "unemployment": 4}
    # No complete path leaves a bundle with steps that cannot all be listed.
    for e in _events():
        for answers in all_answer_paths(e):
            assert all(s.item_no for s in applicable_steps(e, answers))


@pytest.mark.parametrize(("text", "expected"), [
    ("1张", (1, "张")), ("2张", (2, "张")), ("一份", (1, "份")), ("一式三份", (3, "份")), ("两份", (2, "份")),
    ("一式一份", (1, "份")), ("1份", (1, "份")), ("１张", (1, "张")), (None, None), ("原件", None), ("", None),
])
def test_copies_are_read_not_invented(text, expected):
    assert parse_copies(text) == expected


def test_no_invented_total_when_some_item_states_no_count(county):
    from shebao.lifeevents.plan import MergedMaterial, Source

    p = plan("retirement", unit="enterprise", route="special_work")
    one = by_name(p, "身份证复印件").sources[0]
    p2 = plan("after_death", status="enterprise_employee", work_related="no")
    other = by_name(p2, "领取人身份证复印件").sources[0]
    merged = MergedMaterial(no=1, name="身份证复印件", sources=[one, Source(other.step, other.line)])
    assert merged.copies_total is None
    assert merged.copies_text == "事项5：一份；事项8：未注明份数。已注明的合计1份，未注明份数的请按窗口要求准备"


def test_list_is_stable_for_the_second_county(county):
    """A county whose catalog has no bundles simply has none."""
    from django.conf import settings

    from shebao.catalog.services import load_catalog_file

    load_catalog_file(path=str(settings.PROJECT_DIR / "tests" / "fixtures" / "second_county.yaml"))
    assert selectors.list_life_events(county="999901") == []
    assert [e.code for e in selectors.list_life_events()][:1] == ["retirement"]


def test_products_of_options_are_all_walked(county):
    """Sanity check of the walker on unemployment: two independent yes/no questions."""
    event = selectors.get_life_event(code="unemployment")
    got = sorted(tuple(sorted(a.items())) for a in all_answer_paths(event))
    want = sorted(tuple(sorted({"claim": c, "transfer": t}.items())) for c, t in itertools.product(
        ["yes", "no"], ["yes", "no"]))
    assert got == want


def test_a_same_day_promise_counted_from_a_provisional_date_is_marked(county):
    """From December 2026 item 5's promise falls in 2027 (no schedule yet): the day the next step
    is counted from, and its same-day promise, are 暂定 too."""
    p = selectors.plan_for(code="retirement", answers={"unit": "public", "route": "special_work", "title": "no"},
                           today=dt.date(2026, 12, 4))
    early, certification, _ = p.steps
    assert early.promised.provisional and early.promised.due.year == 2027
    assert f"如在其承诺办结日 {cn_date(early.promised.due)}（暂定）申请，承诺当日办结" in certification.notice.promised_sentence
