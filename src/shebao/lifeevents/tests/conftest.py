"""Fixtures for the 一件事 tests: staff per role and department, tokens, valid identifiers, and
the browser (Debian's chromium through Playwright; never ``playwright install``)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from shebao.domain.identifiers import id_check_char, uscc_check_char

BJ = ZoneInfo("Asia/Shanghai")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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


@pytest.fixture(scope="session")
def chromium_browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("SHEBAO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and SHEBAO_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        if os.environ.get("SHEBAO_REQUIRE_BROWSER") == "1":
            raise
        pytest.skip("playwright is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900},
                                           accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def live_catalog(live_server, settings):
    """Transaction tests flush the database: load the county catalog again for the live server."""
    from shebao.catalog.services import load_catalog_file

    load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))
    return live_server


def pdftotext_available() -> bool:
    return shutil.which("pdftotext") is not None
