"""Fixtures for the 一件事 tests: staff per role and department, tokens, valid identifiers, and
the browser (the portal's Playwright fixtures)."""

from __future__ import annotations

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from shebao.domain.identifiers import id_check_char, uscc_check_char

BJ = ZoneInfo("Asia/Shanghai")


def person_id(seq: int = 123, birth: str = "19650101") -> str:
    first17 = f"140522{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def credit_code(body: str = "MA0K1234") -> str:
    first17 = ("91140522" + body + "5")[:17]
    return first17 + uscc_check_char(first17)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BJ)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(county):
    """``staff(role, dept)`` → a user of that role in that department (created once per test)."""
    from shebao.accounts import services as accounts
    from shebao.catalog.models import Department

    made: dict = {}

    def make(role: str, dept: str | None = None):
        key = (role, dept)
        if key not in made:
            department = Department.objects.get(county=county, code=dept) if dept else None
            made[key] = accounts.create_staff(
                username=f"le_{role}_{dept or 'all'}".lower(), password="pw-for-tests-1", county=county,
                role=role, department=department,
            )
        return made[key]

    return make


@pytest.fixture
def api(staff):
    """``api(role, dept)`` → a client with that user's bearer token; ``api(None)`` anonymous."""
    from shebao.accounts.services import create_token

    clients: dict = {}

    def make(role: str | None, dept: str | None = None) -> Client:
        key = (role, dept)
        if key not in clients:
            if role is None:
                clients[key] = Client()
            else:
                clients[key] = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user=staff(role, dept))}")
        return clients[key]

    return make


def group_materials(county, item_no: int, scenario: str | None = None) -> list[dict]:
    from shebao.catalog.selectors import get_item

    groups = get_item(county=county, no=item_no).data["material_groups"]
    if scenario:
        group = next(g for g in groups if g.get("scenario_code") == scenario)
    else:
        group = groups[0] if groups else {"materials": []}
    return group["materials"]


def all_received(county, item_no: int, scenario: str | None = None, *, missing=()) -> list:
    """Every required material of the item's (scenario's) checklist as received, except ``missing``."""
    from shebao.cases.services import MaterialEntry

    return [MaterialEntry(m["name"], "missing" if m["name"] in missing else "received")
            for m in group_materials(county, item_no, scenario) if not m.get("optional_when")]


# -- browser -------------------------------------------------------------------------------------
# The portal's browser fixtures (Debian's chromium via Playwright, never ``playwright install``;
# skipped when /usr/bin/chromium is missing unless SHEBAO_REQUIRE_BROWSER=1; the database snapshot
# restored after each transactional test's flush) are reused as they are.
from shebao.portal.tests.conftest import (  # noqa: E402, F401
    allow_orm_beside_playwright,
    browser,
    db_snapshot,
    live_catalog,
    live_url,
    page,
    pytest_runtest_teardown,
)


def pdftotext_available() -> bool:
    return shutil.which("pdftotext") is not None
