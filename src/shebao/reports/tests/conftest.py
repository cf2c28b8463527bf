"""The reports tests' world: a small set of cases built through the cases services with explicit
``now=``, whose every figure is computed by hand in ``test_figures.py``.

Calendar facts used (2026): 9/20 (Sun) and 10/10 (Sat) are make-up working days; 9/25–9/27 (中秋)
and 10/1–10/7 (国庆) are holidays.

========  ====  =====  ===========================================================================
case      dept  item   story
========  ====  =====  ===========================================================================
Q1        QY    4      recv 9/21 10:00; suspended 9/30 16:00 → resumed 10/12 09:00 (4 wd across 国庆);
                       finished 11/02 10:00. promised 10/30, statutory 11/13. 21 wd. rated 非常满意 11/03
Q2        QY    4      recv 10/09 09:00; extended 11/03 by 5 wd (promised 11/05 → 11/12); finished
                       11/11 15:00; statutory 11/19. 24 wd. rated 不满意 11/12, follow-up 11/13
Q3        QY    7      recv 11/02 09:15; finished 11/13 11:00. promised 11/16, statutory 12/14. 9 wd.
                       rated 非常不满意 11/14 (no follow-up)
Q4        QY    7      recv 11/20 14:00; open (promised 12/04: normal at the 11/27 tick)
Q5        QY    4      recv 10/27 10:00; open; promised 11/24 → red at the 11/27 tick
Q6        QY    1      11/05 11:00 不予受理
Q7        QY    7      recv 11/04 10:00; 不予办理 11/06 10:00
Q8        QY    4      recv 11/17 10:00; suspended 11/19 10:00 (still)
S1        SY    37     recv 11/16 09:00; finished 11/26 16:00. promised 11/25, statutory 11/30. 8 wd.
                       rated 非常满意 11/27
S2        SY    36     容缺 recv 11/09 10:00 (supply by 11/12); supplied 11/11 09:00; finished 11/11
                       15:00. promised 即办, but not before the supply date: 11/12 (on time); no
                       statutory. 2 wd.
S3        SY    36     容缺 recv 11/10 10:00 (supply by 11/13); supplied on the last day 11/13 16:00;
                       open; promised 11/13 → red
S4        SY    36     容缺 recv 11/20 10:00 (supply by 11/25); never supplied → terminated by the tick
S5        SY    36     容缺 recv 11/25 09:00 (supply by 11/30); pending; promised 11/30 → yellow
C1        CJ    11     recv 11/03 09:00; finished 11/03 11:00 (0 wd). rated 满意 11/03
C2        CJ    11     recv 11/03 15:30; finished 11/04 09:30 (1 wd, late). rated 基本满意 11/05
C3        CJ    11     recv Sat 10/10 10:00 (make-up working day); finished 10/12 09:00 (1 wd, late).
                       rated 不满意 10/13 (no follow-up)
C4        CJ    11     recv Sun 11/01 10:00; finished 11/02 09:00 (1 wd; due 11/02: on time)
C5        CJ    11     recv 11/30 23:30 (Beijing; 15:30 UTC); open, yellow
C6        CJ    11     recv 12/01 00:30 (Beijing; still 11/30 in UTC); open, yellow
========  ====  =====  ===========================================================================

The tick runs once, at 11/27 10:00 (after every action dated before it, before C5 and C6).
"""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.accounts.models import Role
from shebao.testing import factories

#: A second database for the demo-generator tests (an in-memory SQLite test database; tests that
#: use it declare ``databases=["default", DEMO_TEST_ALIAS]`` and are rolled back like any other).
DEMO_TEST_ALIAS = "reports_demo_test"


def _register_demo_test_alias() -> None:
    from django.db import connections

    from shebao.reports.dbsettings import database_from_url
    from shebao.reports.demo import add_alias

    if DEMO_TEST_ALIAS not in connections.settings:
        add_alias(DEMO_TEST_ALIAS, database_from_url("sqlite://:memory:"))


_register_demo_test_alias()
D = dt.date.fromisoformat
UNIT_ITEMS = {1, 36}


def at(m: int, d: int, hh: int = 10, mm: int = 0, y: int = 2026) -> dt.datetime:
    return factories.at(y, m, d, hh, mm)


@pytest.fixture(scope="session", autouse=True)
def _workday_index(django_db_setup, django_db_blocker):
    """Build the working-day index once (committed) so tests do not rebuild it each time."""
    from shebao.reports.services import sync_workday_index

    with django_db_blocker.unblock():
        sync_workday_index()


@pytest.fixture(autouse=True)
def _fast_passwords(fast_passwords):
    pass


@pytest.fixture
def client_for(staff):
    """``client_for(role, dept)`` → a new logged-in test client; ``client_for(None)`` anonymous."""
    return factories.client_factory(staff, factories.logged_in, once=False)


@pytest.fixture
def api_for(staff):
    """``api_for(role, dept)`` → a new client with a new bearer token; ``api_for(None)`` anonymous."""
    return factories.client_factory(staff, factories.bearer, once=False)


class World:
    """Builds the cases of the module docstring through the cases services."""

    def __init__(self, county, staff):
        from shebao.cases import services

        self.services = services
        self.county = county
        self.staff = staff
        self.cases: dict = {}
        self._seq = 100

    def head(self, dept):
        return self.staff(Role.SECTION_HEAD, dept)

    def _materials(self, item_no, missing=()):
        return factories.received(item_no, county=self.county, missing=missing)

    def _applicant(self, item_no):
        self._seq += 1
        if item_no in UNIT_ITEMS:
            return self.services.Applicant(kind="unit", name="阳城县测试有限公司",
                                           credit_code=factories.credit_code(f"MA0K{self._seq:04d}"), phone="13800000000")
        return self.services.Applicant(kind="person", name="张测试", id_number=factories.person_id(self._seq),
                                       phone="13900000000")

    def intake(self, name, dept, item_no, now, *, missing=(), tolerance=False, refuse=False):
        case = self.services.intake_case(
            user=self.head(dept), item_no=item_no, scenario=None, applicant=self._applicant(item_no),
            materials=self._materials(item_no, missing), tolerance=tolerance, refuse=refuse,
            refusal_reasons=["材料不齐全，已一次性告知"] if refuse else (), now=now,
        )
        self.cases[name] = case
        return case

    def act(self, name, action, now, **kw):
        case = self.cases[name]
        dept = case.department.code
        if action in ("suspend", "refuse", "extend") and "reason" not in kw:
            kw["reason"] = "测试理由"
        case = self.services.perform_action(user=self.head(dept), case_no=case.case_no, action=action,
                                            version=case.version, now=now, **kw)
        self.cases[name] = case
        return case

    def finish(self, name, now):
        case = self.cases[name]
        while case.step_index < len(case.steps) - 1:
            case = self.act(name, "advance", now - dt.timedelta(minutes=30))
        return self.act(name, "finish", now, result="已办结")

    def rate(self, name, level, now, follow_up_at=None):
        case = self.cases[name]
        rating = self.services.rate_case(case_no=case.case_no, id_suffix=case.applicant_id[-6:], level=level,
                                         ip="10.0.0.1", now=now)
        if follow_up_at is not None:
            self.services.record_rating_follow_up(user=self.head(case.department.code), rating_id=rating.pk,
                                                  text="已电话回访并整改", now=follow_up_at)
        return rating

    def build(self):
        w = self
        # -- before the tick, in time order per case ---------------------------------------------
        w.intake("Q1", "QY", 4, at(9, 21))
        w.act("Q1", "suspend", at(9, 30, 16))
        w.act("Q1", "resume", at(10, 12, 9))
        w.finish("Q1", at(11, 2, 10))
        w.rate("Q1", "very_satisfied", at(11, 3))

        w.intake("Q2", "QY", 4, at(10, 9, 9))
        w.act("Q2", "extend", at(11, 3), days=5)
        w.finish("Q2", at(11, 11, 15))
        w.rate("Q2", "dissatisfied", at(11, 12), follow_up_at=at(11, 13))

        w.intake("Q3", "QY", 7, at(11, 2, 9, 15))
        w.finish("Q3", at(11, 13, 11))
        w.rate("Q3", "very_dissatisfied", at(11, 14))

        w.intake("Q4", "QY", 7, at(11, 20, 14))
        w.intake("Q5", "QY", 4, at(10, 27))
        w.intake("Q6", "QY", 1, at(11, 5, 11), missing=("营业执照复印件",), refuse=True)
        w.intake("Q7", "QY", 7, at(11, 4))
        w.act("Q7", "refuse", at(11, 6))
        w.intake("Q8", "QY", 4, at(11, 17))
        w.act("Q8", "suspend", at(11, 19))

        w.intake("S1", "SY", 37, at(11, 16, 9))
        w.finish("S1", at(11, 26, 16))
        w.rate("S1", "very_satisfied", at(11, 27, 9))

        w.intake("S2", "SY", 36, at(11, 9), missing=("社会保险登记表",), tolerance=True)
        w.act("S2", "supplement", at(11, 11, 9))
        w.finish("S2", at(11, 11, 15))
        w.intake("S3", "SY", 36, at(11, 10), missing=("开户许可证复印件",), tolerance=True)
        w.act("S3", "supplement", at(11, 13, 16))
        w.intake("S4", "SY", 36, at(11, 20), missing=("法人身份证复印件",), tolerance=True)
        w.intake("S5", "SY", 36, at(11, 25, 9), missing=("法人身份证复印件",), tolerance=True)

        w.intake("C1", "CJ", 11, at(11, 3, 9))
        w.finish("C1", at(11, 3, 11))
        w.rate("C1", "satisfied", at(11, 3, 15))
        w.intake("C2", "CJ", 11, at(11, 3, 15, 30))
        w.finish("C2", at(11, 4, 9, 30))
        w.rate("C2", "basically_satisfied", at(11, 5))
        w.intake("C3", "CJ", 11, at(10, 10))
        w.finish("C3", at(10, 12, 9))
        w.rate("C3", "dissatisfied", at(10, 13))
        w.intake("C4", "CJ", 11, at(11, 1))
        w.finish("C4", at(11, 2, 9))

        # -- the tick, then the late arrivals ------------------------------------------------------
        self.tick = self.services.run_tick(now=at(11, 27))
        w.intake("C5", "CJ", 11, at(11, 30, 23, 30))
        w.intake("C6", "CJ", 11, at(12, 1, 0, 30))
        for name, case in self.cases.items():
            case.refresh_from_db()
            self.cases[name] = case
        return self

    def no(self, name) -> str:
        return self.cases[name].case_no


@pytest.fixture
def world(county, staff):
    return World(county, staff).build()
