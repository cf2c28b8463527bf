"""Fixtures of the workbench and 办件查询 page tests: staff users, logged-in clients, cases made
through the cases services, and the browser (Debian's chromium through Playwright).

The browser part follows ``shebao/portal/tests/conftest.py``: a module-scoped chromium from
``/usr/bin/chromium`` (missing → skip, unless ``SHEBAO_REQUIRE_BROWSER=1``, then fail), pages
that collect console errors and CSP violations, and after every transactional test a restore of
the database snapshot (the flush that ends such a test would leave the following tests without
the catalog).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from shebao.domain.identifiers import id_check_char, uscc_check_char

# -- identifiers and catalog helpers ------------------------------------------------------------------

def person_id(seq: int = 123, birth: str = "19800101") -> str:
    first17 = f"140522{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def credit_code(body: str = "MA0K1234") -> str:
    first17 = ("91140522" + body + "5")[:17]
    return first17 + uscc_check_char(first17)


#: One item per department (item family): department, applicant kind, 情形.
FAMILIES = {
    1: ("QY", "unit", None),
    18: ("CJ", "person", None),
    24: ("JG", "person", "registration"),
    34: ("GS", "person", "medical_expenses"),
    36: ("SY", "unit", None),
    40: ("SBK", "person", "adult"),
}

PASSWORD = "pw-for-tests-1"


def checklist(item_no: int, scenario: str | None = None) -> list[dict]:
    """The item's (scenario's) materials from the loaded catalog."""
    from shebao.catalog.selectors import get_item

    groups = get_item(no=item_no).data.get("material_groups") or []
    group = next((g for g in groups if g.get("scenario_code") == scenario), groups[0] if groups else None)
    return list((group or {}).get("materials") or [])


def applicant_for(kind: str, seq: int = 123):
    from shebao.cases.services import Applicant

    if kind == "unit":
        return Applicant(kind="unit", name="阳城县示例煤业有限公司", credit_code=credit_code(), phone="13800000000",
                         agent_name="王经办", agent_id_number=person_id(seq + 1))
    return Applicant(kind="person", name="张三丰", id_number=person_id(seq), phone="13900000000")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(county):
    """``staff(role, dept)`` → a user of that role (and department), created once per test."""
    from shebao.accounts import services as accounts
    from shebao.catalog.models import Department

    made: dict = {}

    def make(role: str, dept: str | None = None):
        key = (role, dept)
        if key not in made:
            department = Department.objects.get(county=county, code=dept) if dept else None
            made[key] = accounts.create_staff(
                username=f"{role}_{dept or 'all'}".lower(), password=PASSWORD, county=county, role=role,
                department=department, display_name=f"{dept or ''}{role}",
            )
        return made[key]

    return make


@pytest.fixture
def login(staff):
    """``login(role, dept)`` → a test client logged in as that user; ``login(None)`` anonymous."""
    clients: dict = {}

    def make(role: str | None, dept: str | None = None) -> Client:
        key = (role, dept)
        if key not in clients:
            client = Client()
            if role is not None:
                client.force_login(staff(role, dept))
            clients[key] = client
        return clients[key]

    return make


@pytest.fixture
def make_case(staff):
    """``make_case(item_no, missing=(), tolerance=False, refuse=False, now=None)`` through the intake service."""
    from shebao.cases import services

    def make(item_no: int = 1, *, missing=(), tolerance=False, refuse=False, now=None, seq=123):
        dept, kind, scenario = FAMILIES[item_no]
        return services.intake_case(
            user=staff("clerk", dept), item_no=item_no, scenario=scenario, applicant=applicant_for(kind, seq),
            materials=[services.MaterialEntry(m["name"], "missing" if m["name"] in missing else "received")
                       for m in checklist(item_no, scenario) if not m.get("optional_when")],
            tolerance=tolerance, refuse=refuse, refusal_reasons=["材料不齐全"] if refuse else (), now=now,
        )

    return make


# -- browser ------------------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}

_SNAPSHOT = pytest.StashKey[str]()


@contextlib.contextmanager
def allow_orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread; Django then refuses ORM calls."""
    old = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = old


def screenshot_path(name: str) -> Path:
    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path / f"workbench-{name}.png"


@pytest.fixture(scope="session")
def wb_db_snapshot(request, django_db_setup, django_db_blocker) -> str:
    """The committed database every non-transactional test sees (migrations' data + catalog)."""
    from django.db import connection

    with allow_orm_beside_playwright(), django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    request.config.stash[_SNAPSHOT] = snapshot
    return snapshot


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        snapshot = item.config.stash.get(_SNAPSHOT, None)
        marker = item.get_closest_marker("django_db")
        # After the session's last test the test database is already gone: nothing to restore.
        last = nextitem is None
        if snapshot is not None and marker is not None and marker.kwargs.get("transaction") and not last:
            _restore(item, snapshot)


def _restore(item, snapshot: str) -> None:
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    with allow_orm_beside_playwright(), blocker.unblock():
        from shebao.catalog.models import Item
        from shebao.catalog.services import load_catalog_file

        if not Item.objects.exists():
            try:
                connection.creation.deserialize_db_from_string(snapshot)
            except Exception:  # content types already recreated: at least give back the catalog
                load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))
        with contextlib.suppress(Exception):
            from shebao.rules.selectors import forget_calendar

            forget_calendar()


@pytest.fixture(scope="module")
def browser(django_db_setup):
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium（apt-get install chromium）。"
        if os.environ.get("SHEBAO_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " SHEBAO_REQUIRE_BROWSER=1，不能跳过。")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with allow_orm_beside_playwright(), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_catalog(wb_db_snapshot, live_server):
    """The live server with the county catalog loaded (a transactional flush may have removed it)."""
    with allow_orm_beside_playwright():
        from shebao.catalog.models import Item
        from shebao.catalog.services import load_catalog_file

        if not Item.objects.exists():
            load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))
        with contextlib.suppress(Exception):
            from shebao.rules.selectors import forget_calendar

            forget_calendar()
    return live_server


class Pages:
    """New browser pages (one context each, so each user has their own session cookie)."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts: list = []
        self.errors: list[str] = []

    def new(self, viewport=DESKTOP):
        context = self.browser.new_context(viewport=viewport, locale="zh-CN", base_url=self.base_url)
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.set_default_timeout(10_000)
        self.contexts.append(context)
        return page

    def login(self, username: str, viewport=DESKTOP):
        page = self.new(viewport)
        page.goto("/accounts/login/?next=/workbench/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/workbench/")
        return page

    def close(self):
        for c in self.contexts:
            c.close()


@pytest.fixture
def pages(browser, live_catalog):
    with allow_orm_beside_playwright():
        p = Pages(browser, live_catalog.url)
        yield p
        p.close()
    # 4xx pages are part of some tests (e.g. a 409 on a stale form): only script errors and CSP
    # violations fail the test here.
    bad = [e for e in p.errors if "status of 4" not in e]
    assert not bad, f"浏览器控制台报错（含 CSP 拦截）：{bad}"
