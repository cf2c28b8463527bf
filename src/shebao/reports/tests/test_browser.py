"""The dashboard in a real browser (Debian's chromium through Playwright): the strict CSP blocks
nothing, the seven charts render, and the page fits a 360 px phone.

The page is rendered by the test client (so the hand-computed world stays inside the test's
transaction) and served to the browser, with its CSP header, by Playwright's request routing;
static files come from the staticfiles finders.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlparse

import pytest

from shebao.accounts.models import Role
from shebao.testing.browser import DESKTOP, PHONE, chromium, require_chromium

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

ORIGIN = "http://shebao.test"
URL = "/reports/?start=2026-11-01&end=2026-11-30&period=day"


def _static(path: str) -> tuple[bytes, str] | None:
    from django.contrib.staticfiles import finders

    found = finders.find(path.removeprefix("/static/"))
    if not found:
        return None
    return Path(found).read_bytes(), mimetypes.guess_type(found)[0] or "application/octet-stream"


def test_dashboard_renders_under_the_csp_on_desktop_and_phone(world, client_for, tmp_path):
    require_chromium()
    r = client_for(Role.DIRECTOR).get(URL)
    assert r.status_code == 200
    html, csp = r.content, r["Content-Security-Policy"]

    def handle(route):
        path = urlparse(route.request.url).path
        if path == "/reports/":
            route.fulfill(status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8",
                                                          "Content-Security-Policy": csp})
            return
        static = _static(path) if path.startswith("/static/") else None
        if static is None:
            route.fulfill(status=404, body=b"")
        else:
            route.fulfill(status=200, body=static[0], headers={"Content-Type": static[1]})

    results = {}
    with chromium() as browser:
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=viewport, locale="zh-CN")
            errors: list[str] = []
            page.on("console", lambda msg, errors=errors: msg.type == "error" and errors.append(msg.text))
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.route(f"{ORIGIN}/**", handle)
            page.goto(ORIGIN + URL)
            page.wait_for_load_state("load")
            boxes = page.eval_on_selector_all("svg.chart", "els => els.map(e => e.getBoundingClientRect().width)")
            stylesheet = page.evaluate("getComputedStyle(document.querySelector('.rp-kpi')).borderTopWidth")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            page.screenshot(path=str(tmp_path / f"reports-{name}.png"), full_page=True)
            results[name] = (errors, boxes, stylesheet, overflow)
            page.close()
    for name, (errors, boxes, stylesheet, overflow) in results.items():
        assert errors == [], f"{name}: 浏览器控制台报错（含 CSP 拦截）：{errors}"
        assert len(boxes) == 7 and all(w > 250 for w in boxes), (name, boxes)
        assert stylesheet == "4px", name  # reports.css was loaded (not blocked)
        assert overflow <= 0, f"{name}: 页面横向溢出 {overflow}px"
