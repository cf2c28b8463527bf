"""Real concurrency: threads with their own database connections (SQLite and PostgreSQL).

``transaction=True`` tests flush the database afterwards, so the catalog is (re)loaded here.

SQLite: the default test database is in memory with a shared cache, where a second writer gets
"database table is locked" at once (shared-cache locks ignore the busy timeout). Production runs
on a file in WAL mode with ``BEGIN IMMEDIATE`` and a busy timeout, where writers queue; so these
tests copy the test database to a file and run on it, with the project's own connection options.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from shebao.cases import services
from shebao.cases.models import Case, CaseAction, CaseCounter
from shebao.cases.tests.conftest import applicant_for, materials_of
from shebao.core.audit import verify_chain
from shebao.core.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def production_like_db(transactional_db, tmp_path):
    """On in-memory SQLite, point every thread's ``default`` connection at a file copy of it."""
    old = connections["default"]
    if old.vendor != "sqlite" or not old.is_in_memory_db():
        yield
        return
    path = str(tmp_path / "concurrency.sqlite3")
    old.ensure_connection()
    target = sqlite3.connect(path)
    old.connection.backup(target)
    target.close()
    old_settings = connections.settings["default"]
    new_settings = {**old_settings, "NAME": path}
    connections.settings["default"] = new_settings
    connections["default"] = old.__class__(new_settings, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = old_settings
        connections["default"] = old


@pytest.fixture
def catalog(production_like_db):
    from shebao.catalog.services import load_catalog_file
    from shebao.core.models import County

    load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))
    return County.objects.get(code=settings.SHEBAO_DEFAULT_COUNTY)


@pytest.fixture
def staff(catalog):
    from shebao.accounts import services as accounts
    from shebao.catalog.models import Department

    made: dict = {}

    def make(role: str, dept: str | None = None):
        if (role, dept) not in made:
            made[(role, dept)] = accounts.create_staff(
                username=f"{role}_{dept}".lower(), password="pw-for-tests-1", county=catalog, role=role,
                department=Department.objects.get(county=catalog, code=dept) if dept else None,
            )
        return made[(role, dept)]

    return make


def _in_threads(n: int, fn) -> list:
    """Run ``fn(i)`` in ``n`` threads released together; returns results or exceptions, in order."""
    barrier = threading.Barrier(n)
    out: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            out[i] = fn(i)
        except Exception as exc:  # collected and asserted by the test
            out[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return out


def _intake(user, county, item_no=36, kind="unit"):
    return services.intake_case(
        user=user, item_no=item_no, scenario=None, applicant=services.Applicant(**applicant_for(kind)),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in materials_of(county, item_no)],
    )


def test_concurrent_intake_gives_unique_sequential_numbers(catalog, staff):
    clerk_sy, clerk_cj = staff("clerk", "SY"), staff("clerk", "CJ")
    n = 8
    results = _in_threads(n, lambda i: _intake(clerk_sy, catalog).case_no if i % 4 else
                          _intake(clerk_cj, catalog, 18, "person").case_no)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    sy = sorted(r for r in results if r.startswith("SY-"))
    cj = sorted(r for r in results if r.startswith("CJ-"))
    assert len(set(results)) == n
    year = sy[0].split("-")[1]
    assert sy == [f"SY-{year}-{k:06d}" for k in range(1, len(sy) + 1)]
    assert cj == [f"CJ-{year}-{k:06d}" for k in range(1, len(cj) + 1)]
    assert Case.objects.count() == n
    assert CaseCounter.objects.get(department__code="SY").last == len(sy)
    assert verify_chain().ok


def test_concurrent_actions_on_one_case_no_lost_update(catalog, staff):
    case = _intake(staff("clerk", "SY"), catalog)
    reviewer, head = staff("reviewer", "SY"), staff("section_head", "SY")
    version = case.version

    def act(i):
        if i == 0:
            return services.perform_action(user=reviewer, case_no=case.case_no, action="advance", version=version)
        return services.perform_action(user=head, case_no=case.case_no, action="suspend", version=version,
                                       reason="并发测试")

    results = _in_threads(2, act)
    wins = [r for r in results if isinstance(r, Case)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert conflicts[0].message == "该办件已被他人更新，请刷新后重试。"
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.version == version + 1
    assert CaseAction.objects.filter(case=case).exclude(action="accept").count() == 1
    # the loser's side effects were rolled back with it
    assert fresh.suspensions.count() == (1 if fresh.status == "suspended" else 0)
    assert verify_chain().ok


def test_many_staff_race_on_one_version(catalog, staff):
    case = _intake(staff("clerk", "SY"), catalog)
    head = staff("section_head", "SY")  # may act on every step, so a late thread sees 409, not 403
    version = case.version
    results = _in_threads(
        6, lambda i: services.perform_action(user=head, case_no=case.case_no, action="advance", version=version)
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 5, results
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.current_step == "决定" and fresh.version == version + 1


def test_only_one_tick_runs_at_a_time(catalog):
    results = _in_threads(4, lambda i: services.run_tick_with_lease(f"worker-{i}"))
    ran = [r for r in results if isinstance(r, dict)]
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(ran) >= 1
    # every worker either ran the tick or saw the lease held; none failed
    assert all(r is None or isinstance(r, dict) for r in results)


def test_runs_on_a_database_with_real_locking(catalog):
    assert connection.vendor in ("sqlite", "postgresql")
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
