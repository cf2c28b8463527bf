"""Fixtures of the workbench and 办件查询 page tests: staff users (with display names), logged-in
clients, cases made through the cases services, and browser pages with one session each.

The shared parts are the plugins of ``shebao.testing``: ``staff``/``login`` and the identifiers
(``factories``), and Debian's chromium through Playwright with the database snapshot restored after
every transactional test (``browser``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shebao.testing.browser import DESKTOP, allow_orm_beside_playwright, new_page, screenshot_dir
from shebao.testing.factories import FAMILIES, PASSWORD, applicant_data, received, staff_factory


def applicant_for(kind: str, seq: int = 123):
    from shebao.cases.services import Applicant

    return Applicant(**applicant_data(kind, seq))


@pytest.fixture(autouse=True)
def _fast_passwords(fast_passwords):
    pass


@pytest.fixture
def staff(county):
    """``staff(role, dept)`` → a user of that role (and department), created once per test."""
    return staff_factory(county, display_name=True)


@pytest.fixture
def make_case(staff):
    """``make_case(item_no, missing=(), tolerance=False, refuse=False, now=None)`` through the intake service."""
    from shebao.cases import services

    def make(item_no: int = 1, *, missing=(), tolerance=False, refuse=False, now=None, seq=123):
        dept, kind, scenario = FAMILIES[item_no]
        return services.intake_case(
            user=staff("clerk", dept), item_no=item_no, scenario=scenario, applicant=applicant_for(kind, seq),
            materials=received(item_no, scenario, missing=missing),
            tolerance=tolerance, refuse=refuse, refusal_reasons=["材料不齐全"] if refuse else (), now=now,
        )

    return make


# -- browser ------------------------------------------------------------------------------------------
def screenshot_path(name: str) -> Path:
    return screenshot_dir() / f"workbench-{name}.png"


class Pages:
    """New browser pages (one context each, so each user has their own session cookie)."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts: list = []
        self.pages: list = []

    @property
    def errors(self) -> list[str]:
        return [e for page in self.pages for e in page.errors]

    def new(self, viewport=DESKTOP):
        context, page = new_page(self.browser, viewport, http_errors=False, base_url=self.base_url)
        self.contexts.append(context)
        self.pages.append(page)
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
