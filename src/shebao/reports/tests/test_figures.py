"""Every figure of the dashboard against the hand-computed world of ``conftest.py``.

Working-day counts below are worked out by hand from the 2026 calendar (see conftest), e.g. Q1:
(9/21, 11/02] holds 9/22–9/24 (3), 9/28–9/30 (6), 10/8–10/10 (9), 10/12–10/30 (24), 11/02 (25)
working days; minus the 4 it was suspended (10/8, 10/9, 10/10, 10/12) = 21.
"""

from __future__ import annotations

import pytest

from shebao.accounts.models import Role
from shebao.core.errors import DomainError, PermissionDenied
from shebao.reports import selectors as sel
from shebao.reports.tests.conftest import D

pytestmark = pytest.mark.django_db

NOV = {"start": "2026-11-01", "end": "2026-11-30"}
TODAY = D("2026-11-30")


def dash(county, *, department=None, period="day", start=NOV["start"], end=NOV["end"], limit=None):
    scope = sel.make_scope(county=county, start=start, end=end, department=department)
    return sel.Dashboard(scope, period=period, list_limit=limit, today=TODAY)


def vol(row):
    return {f: getattr(row, f) for f in sel.VOLUME_FIELDS}


def V(applications, received, not_accepted, in_progress, suspended, finished, refused, terminated, fip):
    return dict(applications=applications, received=received, not_accepted=not_accepted, in_progress=in_progress,
                suspended=suspended, finished=finished, refused=refused, terminated=terminated,
                finished_in_period=fip)


def test_volume_by_department_november(world, county):
    d = dash(county)
    rows = {r.label: vol(r) for r in d.volume("department")}
    # every department is listed, in catalog order
    assert list(rows) == ["企业保险股", "城居保险股", "机关保险股", "工伤保险股", "失业保险股", "社会保障卡窗口"]
    # QY received in Nov: Q3 (finished), Q4 (in progress), Q6 (不予受理), Q7 (不予办理), Q8 (suspended);
    # finished in Nov whenever received: Q1, Q2, Q3
    assert rows["企业保险股"] == V(5, 4, 1, 1, 1, 1, 1, 0, 3)
    # SY: S1, S2 finished; S3, S5 in progress; S4 terminated
    assert rows["失业保险股"] == V(5, 5, 0, 2, 0, 2, 0, 1, 2)
    # CJ: C1, C2, C4 finished; C5 (11/30 23:30 Beijing) in progress; C6 is 12/01 Beijing: not counted
    assert rows["城居保险股"] == V(4, 4, 0, 1, 0, 3, 0, 0, 3)
    assert rows["工伤保险股"] == V(0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert vol(d.volume_total) == V(14, 13, 1, 4, 1, 6, 1, 1, 8)


def test_volume_by_item_and_area(world, county):
    d = dash(county)
    items = {r.label: vol(r) for r in d.volume("item")}
    assert list(items) == ["1. 企业基本养老保险费参保登记", "4. 企业养老保险正常退休资格审批", "7. 企业养老保险待遇核定",
                           "11. 城乡居民基本养老保险参保登记", "36. 失业保险用人单位新参保", "37. 失业保险待遇核定给付"]
    assert items["1. 企业基本养老保险费参保登记"] == V(1, 0, 1, 0, 0, 0, 0, 0, 0)
    assert items["4. 企业养老保险正常退休资格审批"] == V(1, 1, 0, 0, 1, 0, 0, 0, 2)  # Q8; Q1 and Q2 finished
    assert items["7. 企业养老保险待遇核定"] == V(3, 3, 0, 1, 0, 1, 1, 0, 1)
    assert items["36. 失业保险用人单位新参保"] == V(4, 4, 0, 2, 0, 1, 0, 1, 1)
    assert items["37. 失业保险待遇核定给付"] == V(1, 1, 0, 0, 0, 1, 0, 0, 1)
    areas = {r.label: vol(r) for r in d.volume("area")}
    assert list(areas) == ["企业养老保险", "城乡居民养老保险", "失业保险"]
    assert areas["企业养老保险"] == V(5, 4, 1, 1, 1, 1, 1, 0, 3)


def test_volume_by_week_and_month(world, county):
    d = dash(county, period="week")
    rows = [(r.label, r.applications, r.received, r.finished_in_period) for r in d.volume("period")]
    assert rows == [
        ("2026年第44周（10-26起）", 1, 1, 0),   # C4 (Sun 11/01); nothing finished on 11/01
        ("2026年第45周（11-02起）", 5, 4, 4),   # Q3, C1, C2, Q7, Q6(不予受理); Q1, C4, C1, C2 finished
        ("2026年第46周（11-09起）", 2, 2, 3),   # S2, S3; Q2, S2, Q3 finished
        ("2026年第47周（11-16起）", 4, 4, 0),   # S1, Q8, Q4, S4
        ("2026年第48周（11-23起）", 1, 1, 1),   # S5; S1 finished
        ("2026年第49周（11-30起）", 1, 1, 0),   # C5
    ]
    d = dash(county, period="month", start="2026-09-01")
    rows = [(r.label, r.applications, r.finished_in_period) for r in d.volume("period")]
    assert rows == [("2026-09", 1, 0), ("2026-10", 3, 1), ("2026-11", 14, 8)]
    d = dash(county, period="day", start="2026-11-30", end="2026-12-01")
    rows = [(r.label, r.applications) for r in d.volume("period")]
    assert rows == [("2026-11-30", 1), ("2026-12-01", 1)]  # the Beijing midnight boundary
    d = dash(county, period="year", start="2026-09-01", end="2026-12-31")
    assert [(r.label, r.applications, r.finished_in_period) for r in d.volume("period")] == [("2026年", 19, 9)]


def test_timeliness_by_department(world, county):
    d = dash(county)
    rows = {r.label: r for r in d.timeliness("department")}
    qy = rows["企业保险股"]
    # Q1: 办结 11/02 > promised 10/30 (late), ≤ statutory 11/13; Q2: ≤ extended 11/12; Q3 on time
    assert (qy.finished, qy.promised_n, qy.promised_ok, qy.statutory_n, qy.statutory_ok) == (3, 3, 2, 3, 3)
    assert qy.hist == {21: 1, 24: 1, 9: 1}
    assert qy.avg_days == pytest.approx(18.0)
    assert qy.p90_days == 24
    sy = rows["失业保险股"]
    # S1 late vs promised 11/25, on time vs statutory 11/30; S2 on time (即办 under 容缺: due on the
    # supply date 11/12, finished 11/11), no statutory limit
    assert (sy.finished, sy.promised_n, sy.promised_ok, sy.statutory_n, sy.statutory_ok) == (2, 2, 1, 1, 1)
    assert sy.hist == {8: 1, 2: 1} and sy.avg_days == pytest.approx(5.0) and sy.p90_days == 8
    cj = rows["城居保险股"]
    # C1 same day; C2 next day (late); C4 received Sunday, due and finished Monday (on time)
    assert (cj.finished, cj.promised_n, cj.promised_ok, cj.statutory_n, cj.statutory_ok) == (3, 3, 2, 3, 2)
    assert cj.hist == {0: 1, 1: 2} and cj.avg_days == pytest.approx(2 / 3) and cj.p90_days == 1
    assert list(rows) == ["企业保险股", "城居保险股", "失业保险股"]
    t = d.timeliness_total
    assert (t.finished, t.promised_n, t.promised_ok, t.statutory_n, t.statutory_ok) == (8, 8, 5, 7, 6)
    assert t.promised_rate == pytest.approx(5 / 8) and t.statutory_rate == pytest.approx(6 / 7)
    assert t.avg_days == pytest.approx(66 / 8)  # 21+24+9+8+2+0+1+1
    assert t.p90_days == 24  # nearest rank: the 8th of 8 (ceil(7.2))
    assert t.overdue == 3  # Q1, C2, S1


def test_timeliness_across_the_holiday_in_october(world, county):
    d = dash(county, start="2026-10-01", end="2026-10-31")
    (cj,) = d.timeliness("department")
    # C3: received on the make-up Saturday 10/10, finished Monday 10/12 → 1 working day, late
    assert (cj.label, cj.finished, cj.promised_ok, cj.hist) == ("城居保险股", 1, 0, {1: 1})


def test_timeliness_by_item(world, county):
    d = dash(county)
    rows = {r.label: (r.finished, r.promised_ok, r.statutory_ok, r.p90_days) for r in d.timeliness("item")}
    assert rows == {
        "4. 企业养老保险正常退休资格审批": (2, 1, 2, 24),
        "7. 企业养老保险待遇核定": (1, 1, 1, 9),
        "11. 城乡居民基本养老保险参保登记": (3, 2, 2, 1),
        "36. 失业保险用人单位新参保": (1, 1, 0, 2),
        "37. 失业保险待遇核定给付": (1, 0, 1, 8),
    }


def test_tolerance(world, county):
    d = dash(county)
    (sy,) = d.tolerance
    # S2 in time, S3 on its last day (in time), S4 never (terminated), S5 pending
    assert (sy.label, sy.total, sy.in_time, sy.late, sy.pending, sy.not_supplied) == ("失业保险股", 4, 2, 0, 1, 1)
    assert sy.in_time_rate == pytest.approx(2 / 3)
    assert d.tolerance_total.total == 4


def test_tolerance_late_supplement_in_older_data(world, county):
    """The service now refuses late supplements; data recorded before that (or imported) can still
    hold one, and it counts as 逾期补齐, not 按期. 11/14 00:30 Beijing is still 11/13 in UTC."""
    from shebao.cases.models import CaseMaterial
    from shebao.reports.tests.conftest import at

    CaseMaterial.objects.filter(case__case_no=world.no("S3"), tolerated=True).update(supplied_at=at(11, 14, 0, 30))
    (sy,) = dash(county).tolerance
    assert (sy.total, sy.in_time, sy.late, sy.pending, sy.not_supplied) == (4, 1, 1, 1, 1)


def test_ratings(world, county):
    d = dash(county)
    rows = {r.label: r for r in d.ratings}
    assert rows["企业保险股"].counts == {"very_satisfied": 1, "satisfied": 0, "basically_satisfied": 0,
                                    "dissatisfied": 1, "very_dissatisfied": 1}
    assert (rows["企业保险股"].bad, rows["企业保险股"].followed_up, rows["企业保险股"].open_bad) == (2, 1, 1)
    assert rows["城居保险股"].counts == {"very_satisfied": 0, "satisfied": 1, "basically_satisfied": 1,
                                    "dissatisfied": 0, "very_dissatisfied": 0}  # C3's 差评 is October's
    assert rows["失业保险股"].total == 1
    t = d.ratings_total
    assert (t.total, t.bad, t.followed_up) == (6, 2, 1)
    assert t.good_rate == pytest.approx(4 / 6)
    # open follow-ups: every 差评 without one, whenever given (C3 in October, Q3 in November)
    assert [r.case.case_no for r in d.open_bad_ratings] == [world.no("C3"), world.no("Q3")]


def test_snapshot_and_warning_list(world, county):
    d = dash(county)
    s = d.snapshot
    assert (s.in_progress, s.suspended, s.red, s.yellow, s.awaiting_supplement, s.open_bad_ratings) == (6, 1, 2, 3, 1, 2)
    # red first, by due date: S3 (11/13), Q5 (11/24); then yellow S5 and C5 (11/30), C6 (12/01)
    assert [c.case_no for c in d.warnings] == [world.no(n) for n in ("S3", "Q5", "S5", "C5", "C6")]
    # working days overdue as of 11/30: S3 (11/13, 11/30] = 11; Q5 (11/24, 11/30] = 4
    assert [c.overdue_days for c in d.warnings] == [11, 4, 0, 0, 0]


def test_overdue_finished(world, county):
    d = dash(county)
    rows = [(c.case_no, c.due.isoformat(), c.cd.isoformat(), c.late_days) for c in d.overdue_finished]
    assert rows == [
        (world.no("Q1"), "2026-10-30", "2026-11-02", 1),
        (world.no("C2"), "2026-11-03", "2026-11-04", 1),
        (world.no("S1"), "2026-11-25", "2026-11-26", 1),
    ]


def test_busiest_items_and_hours(world, county):
    d = dash(county)
    assert d.busiest_items[:3] == [("11. 城乡居民基本养老保险参保登记", 4), ("36. 失业保险用人单位新参保", 4),
                                   ("7. 企业养老保险待遇核定", 3)]
    assert len(d.busiest_items) == 6
    hours = dict(d.busiest_hours)
    assert len(hours) == 24
    assert {h: c for h, c in hours.items() if c} == {9: 4, 10: 6, 11: 1, 14: 1, 15: 1, 23: 1}


def test_section_head_sees_own_department(world, county, staff):
    scope = sel.scope_for_user(staff(Role.SECTION_HEAD, "QY"), **NOV)
    d = sel.Dashboard(scope, today=TODAY)
    assert [r.label for r in d.volume("department")] == ["企业保险股"]
    assert vol(d.volume_total) == V(5, 4, 1, 1, 1, 1, 1, 0, 3)
    assert [r.label for r in d.timeliness("department")] == ["企业保险股"]
    assert d.tolerance == []
    s = d.snapshot
    assert (s.in_progress, s.suspended, s.red, s.yellow, s.open_bad_ratings) == (2, 1, 1, 0, 1)
    assert [c.case_no for c in d.warnings] == [world.no("Q5")]
    with pytest.raises(PermissionDenied):
        sel.scope_for_user(staff(Role.SECTION_HEAD, "QY"), department="SY", **NOV)
    assert sel.scope_for_user(staff(Role.SECTION_HEAD, "QY"), department="qy", **NOV).department.code == "QY"


def test_director_filters_by_department(world, county, staff):
    scope = sel.scope_for_user(staff(Role.DIRECTOR), department="SY", **NOV)
    d = sel.Dashboard(scope, today=TODAY)
    assert vol(d.volume_total) == V(5, 5, 0, 2, 0, 2, 0, 1, 2)
    assert sel.scope_for_user(staff(Role.DIRECTOR), **NOV).department is None


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ADMIN, Role.FRONT_DESK])
def test_other_roles_refused(county, staff, role):
    user = staff(role, None if role in (Role.ADMIN, Role.FRONT_DESK) else "QY")
    with pytest.raises(PermissionDenied):
        sel.scope_for_user(user)


def test_bad_parameters(county):
    with pytest.raises(DomainError, match="格式不正确"):
        sel.make_scope(county=county, start="2026-13-01")
    with pytest.raises(DomainError, match="早于"):
        sel.make_scope(county=county, start="2026-11-30", end="2026-11-01")
    with pytest.raises(DomainError, match="未知的股室"):
        sel.make_scope(county=county, department="XX")
    with pytest.raises(DomainError, match="时段"):
        sel.Dashboard(sel.make_scope(county=county), period="decade")
    assert sel.month_range("2026-12") == (D("2026-12-01"), D("2026-12-31"))
    with pytest.raises(DomainError):
        sel.month_range("2026/11")


def test_percentile_nearest_rank():
    assert sel.percentile({}) is None
    assert sel.percentile({5: 1}) == 5
    assert sel.percentile({i: 1 for i in range(1, 11)}) == 9   # ceil(9.0) = 9th
    assert sel.percentile({i: 1 for i in range(1, 12)}) == 10  # ceil(9.9) = 10th
    assert sel.percentile({0: 9, 100: 1}) == 0


def test_empty_range_has_zeroes(county):
    d = dash(county)
    assert vol(d.volume_total) == V(0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert d.timeliness_total.promised_rate is None and d.timeliness_total.p90_days is None
    assert d.ratings_total.good_rate is None
    assert [c for _, c in d.busiest_hours] == [0] * 24


def test_the_number_of_queries_does_not_grow_with_the_cases(world, county):
    """Aggregates, not loops: one day with 1 case and three months with 18 cost the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shebao.reports import charts, tables

    counts = []
    for start in ("2026-11-30", "2026-09-01"):
        d = dash(county, start=start, limit=100)
        with CaptureQueriesContext(connection) as ctx:
            tables.build_all(d)
            charts.charts_for(d)
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 25
