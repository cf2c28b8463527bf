"""The pure workflow: step classification of every catalog item, transitions, clocks, warnings."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.conf import settings

from shebao.cases import workflow as wf
from shebao.domain.workdays import WorkCalendar

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def items() -> dict[int, dict]:
    with open(settings.SHEBAO_CATALOG_FILE, encoding="utf-8") as fh:
        return {i["no"]: i for i in yaml.safe_load(fh)["items"]}


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_every_item_has_an_intake_and_a_workable_procedure(items):
    for no, item in items.items():
        steps = wf.build_steps(item["procedure"]["steps"])
        assert steps and all(s.kind != wf.END for s in steps), no
        first = wf.first_step_after_intake(steps)
        assert 0 <= first < len(steps), no


@pytest.mark.parametrize(
    "no,kinds",
    [
        (1, ["intake", "intake", "review", "decision", "handle"]),  # 申报 受理 审核 审批 征收 (办结)
        (5, ["intake", "intake", "review", "external", "external", "decision"]),
        (6, ["intake", "intake", "handle", "review"]),
        (10, ["intake", "review", "handle"]),
        (16, ["intake"]),
        (34, ["intake", "review", "handle", "review", "decision", "external", "handle", "handle"]),
        (36, ["intake", "review", "decision"]),
        (40, ["intake", "review", "handle", "handle"]),
    ],
)
def test_step_kinds(items, no, kinds):
    assert [s.kind for s in wf.build_steps(items[no]["procedure"]["steps"])] == kinds


def _state(status=wf.IN_PROGRESS, index=1, names=("受理", "审核", "决定"), **kw):
    return wf.CaseState(status=status, step_index=index, steps=tuple(wf.build_steps(list(names))), **kw)


def test_transitions():
    s = _state()
    assert wf.plan(s, "advance").step_index == 2
    assert wf.plan(s, "suspend").status == wf.SUSPENDED
    assert wf.plan(s, "refuse").closes
    assert wf.plan(s, "return").step_index == 0  # back to the window (受理) for re-checking
    with pytest.raises(wf.WorkflowError, match="没有可退回"):
        wf.plan(_state(index=0), "return")  # nothing before the intake step
    s2 = _state(index=2)
    assert wf.plan(s2, "return").step_index == 1
    assert wf.plan(s2, "return", target_index=0).step_index == 0
    assert wf.plan(s2, "finish").status == wf.FINISHED
    with pytest.raises(wf.WorkflowError, match="容缺"):
        wf.plan(_state(index=2, awaiting_supplement=True), "finish")
    with pytest.raises(wf.WorkflowError, match="最后"):
        wf.plan(s2, "advance")
    for action in ("advance", "return", "refuse", "suspend", "finish"):
        with pytest.raises(wf.WorkflowError, match="挂起"):
            wf.plan(_state(status=wf.SUSPENDED, index=2), action)
    assert wf.plan(_state(status=wf.SUSPENDED), "resume").status == wf.IN_PROGRESS
    for closed in wf.CLOSED_STATUSES:
        for action in wf.ACTIONS:
            with pytest.raises(wf.WorkflowError):
                wf.plan(_state(status=closed), action)
    with pytest.raises(wf.WorkflowError, match="无需延期"):
        wf.plan(_state(has_due_date=False), "extend")


def test_return_never_goes_before_the_intake_steps():
    s = _state(index=3, names=("申报", "受理", "审核", "审批", "办结"))
    assert wf.plan(s, "return", target_index=1).step_index == 1
    with pytest.raises(wf.WorkflowError, match="只能退回"):
        wf.plan(s, "return", target_index=0)  # 申报 is the applicant's, not a step to return to
    with pytest.raises(wf.WorkflowError):
        wf.plan(_state(index=1, names=("申报", "受理", "审核")), "return")


def test_warning_level(cal):
    due = D("2026-10-09")  # Fri after 国庆
    assert wf.warning_level(cal, D("2026-09-30"), due, warning_days=2) == wf.YELLOW  # 10/8, 10/9
    assert wf.warning_level(cal, D("2026-09-29"), due, warning_days=2) == wf.NORMAL  # 9/30, 10/8, 10/9
    assert wf.warning_level(cal, due, due, warning_days=2) == wf.YELLOW
    assert wf.warning_level(cal, D("2026-10-10"), due, warning_days=2) == wf.RED
    assert wf.warning_level(cal, D("2026-10-10"), None, warning_days=2) == wf.NORMAL


def test_reminder_day_skips_holidays(cal):
    assert wf.reminder_day(cal, D("2026-10-09")) == D("2026-10-08")
    assert wf.reminder_day(cal, D("2026-10-08")) == D("2026-09-30")


def test_clock_with_suspension_and_extension(cal, items):
    clock = wf.compute_clock(cal, items[4], D("2026-09-21"), suspended_days=4, extension_days=3, tolerance_days=None)
    assert clock.promised_due == D("2026-10-30") and clock.statutory_due == D("2026-11-13")
    assert clock.extended_due == D("2026-11-04") and clock.effective_due == D("2026-11-04")
    assert clock.supplement_due is None and clock.provisional is False


def test_clock_provisional_beyond_calendar(cal, items):
    clock = wf.compute_clock(cal, items[36], D("2026-12-31"), tolerance_days=3)
    assert clock.supplement_due.year == 2027 and clock.provisional is True
    assert clock.promised_due == clock.supplement_due  # 即办, but not before the supplement date


def test_clock_under_tolerance_is_never_due_before_the_supplement_date(cal, items):
    # Item 36 promises 即办. Taken in on Thu 2026-12-03 with a material tolerated for 3 working
    # days, the applicant may bring it until Tue 12-08: the promise cannot fall due before that.
    plain = wf.compute_clock(cal, items[36], D("2026-12-03"))
    assert plain.promised_due == D("2026-12-03")
    clock = wf.compute_clock(cal, items[36], D("2026-12-03"), tolerance_days=3)
    assert clock.supplement_due == D("2026-12-08") and clock.promised_due == D("2026-12-08")
    assert "容缺受理" in clock.notes["promised"] and "2026-12-08" in clock.notes["promised"]
    assert wf.warning_level(cal, D("2026-12-04"), clock.effective_due, warning_days=0) != wf.RED
    # An item whose promise lies beyond the supplement date keeps it.
    longer = wf.compute_clock(cal, items[4], D("2026-09-21"), tolerance_days=3)
    assert longer.promised_due == wf.compute_clock(cal, items[4], D("2026-09-21")).promised_due
    assert "容缺受理" not in longer.notes["promised"]


def test_check_materials_messages(items):
    item = items[36]
    given = [(m["name"], "received") for m in item["material_groups"][0]["materials"]]
    ok = wf.check_materials(item, scenario=None, given=given, tolerance=False, refuse=False)
    assert ok.problems == [] and ok.tolerated == []
    dup = wf.check_materials(item, scenario=None, given=given + [given[0]], tolerance=False, refuse=False)
    assert any("重复" in p for p in dup.problems)
    bad = wf.check_materials(item, scenario=None, given=[(given[0][0], "lost")], tolerance=False, refuse=False)
    assert any("状态" in p for p in bad.problems)
    none = wf.check_materials(items[10], scenario="x", given=[("a", "received")], tolerance=False, refuse=False)
    assert any("不区分情形" in p for p in none.problems) and any("没有申报材料清单" in p for p in none.problems)


def test_item_34_is_judged_by_its_promise_not_by_即时受理(cal, items):
    # 即时受理 is when the application is accepted, not when it is finished (the procedure runs
    # through 市工伤审批): no statutory completion date, the 15 working days promised decide.
    clock = wf.compute_clock(cal, items[34], D("2026-11-02"))
    assert clock.statutory_due is None
    assert clock.promised_due == cal.add_working_days(D("2026-11-02"), 15) == clock.effective_due
