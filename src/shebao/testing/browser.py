"""Browser-test fixtures: Debian's chromium driven by Playwright against ``live_server``.

A pytest plugin, registered once by the root ``conftest.py``, so every app's tests can use it::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

    def test_something(page, live_url):
        page.goto(live_url("/"))

* ``browser`` (module): chromium from ``/usr/bin/chromium`` — never a downloaded browser. Missing →
  the test is skipped, unless ``SHEBAO_REQUIRE_BROWSER=1`` (CI), then it fails.
* ``page`` / ``phone_page``: a fresh page at 1280×900 / 360×800; every console error and CSP
  violation is collected in ``page.errors`` and fails the test at teardown.
* ``live_catalog`` / ``live_url``: the live server with the catalog loaded;
  ``live_url("/items/21/")`` → its absolute URL.
* ``screenshot(page, name)``: a full-page PNG under ``var/screenshots/`` (CI keeps ``var/``).
* :func:`chromium`: the same browser as a context manager, for tests that drive it themselves.

Transactional tests flush the database when they end, which would leave the following
(non-transactional) tests of the session without the catalog and the migrations' seed data. A
snapshot of the database is taken before the session's first transactional test, and the
``pytest_runtest_teardown`` wrapper below restores it after the flush of every transactional test,
wherever it lives — except after the session's last test, when the test database is already gone.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from django.conf import settings

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


def screenshot_dir() -> Path:
    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_chromium() -> None:
    """Skip the test when Debian's chromium is missing (fail it under ``SHEBAO_REQUIRE_BROWSER=1``)."""
    if os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium（apt-get install chromium）。"
    if os.environ.get("SHEBAO_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " SHEBAO_REQUIRE_BROWSER=1，不能跳过。")
    pytest.skip(message)


@contextlib.contextmanager
def chromium():
    """Headless chromium from ``/usr/bin/chromium`` (see :func:`require_chromium`), closed on exit."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# -- the database snapshot around transactional tests ----------------------------------------------
def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.fixture(scope="session")
def db_snapshot(request, django_db_setup, django_db_blocker) -> str:
    """The committed database every non-transactional test sees (migrations' data + catalog)."""
    from django.db import connection

    with allow_orm_beside_playwright(), django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    request.config.stash[_SNAPSHOT] = snapshot
    return snapshot


@pytest.fixture(autouse=True)
def _snapshot_before_transactional_tests(request):
    """Take the snapshot before the session's first transactional test changes anything."""
    if _is_transactional(request.node):
        request.getfixturevalue("db_snapshot")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        snapshot = item.config.stash.get(_SNAPSHOT, None)
        # After the session's last test the test database is already gone: nothing to restore.
        if snapshot is not None and nextitem is not None and _is_transactional(item):
            _restore(item, snapshot)


def _forget_calendar() -> None:
    with contextlib.suppress(Exception):
        from shebao.rules.selectors import forget_calendar

        forget_calendar()


def _restore(item, snapshot: str) -> None:
    """Put the snapshot back after the flush of a transactional test (the database is empty then)."""
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    with allow_orm_beside_playwright(), blocker.unblock():
        from shebao.catalog.models import Item
        from shebao.catalog.services import load_catalog_file

        if not Item.objects.exists():
            try:
                connection.creation.deserialize_db_from_string(snapshot)
            except Exception:  # e.g. transaction=True without serialized_rollback=True: post_migrate
                # already recreated content types; at least give the next tests their catalog back.
                load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))
        _forget_calendar()


# -- browser, live server, pages ----------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(django_db_setup):
    """Module-scoped: while Playwright runs, this thread has an event loop and Django refuses ORM
    calls, so the browser must be gone before the next module's (non-browser) tests."""
    # Also covers the flush that ends each transactional test while the browser is alive.
    with allow_orm_beside_playwright(), chromium() as browser:
        yield browser


@pytest.fixture
def live_catalog(db_snapshot, live_server):
    """The live server with the county catalog loaded (a transactional flush may have removed it)."""
    with allow_orm_beside_playwright():
        from shebao.catalog.models import Item
        from shebao.catalog.services import load_catalog_file

        if not Item.objects.exists():
            load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))
        _forget_calendar()
    return live_server


@pytest.fixture
def live_url(live_catalog):
    return lambda path="/": live_catalog.url + path


def new_page(browser, viewport, *, http_errors: bool = True, **context_options):
    """A page in a context of its own whose console errors and script errors (and, with
    ``http_errors``, responses with a status of 400 or more) are collected in ``page.errors``;
    returns ``(context, page)``."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", **context_options)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    if http_errors:
        page.on("response", lambda r: r.status >= 400 and page.errors.append(f"HTTP {r.status} {r.url}"))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.set_default_timeout(10_000)
    return context, page


def _checked_page(browser, viewport):
    context, page = new_page(browser, viewport, accept_downloads=True)
    with allow_orm_beside_playwright():
        yield page
    context.close()
    assert not page.errors, f"浏览器控制台报错（含 CSP 拦截）：{page.errors}"


@pytest.fixture
def page(browser, live_catalog):
    yield from _checked_page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser, live_catalog):
    yield from _checked_page(browser, PHONE)


@pytest.fixture
def screenshot():
    def take(page, name: str) -> Path:
        vp = page.viewport_size or {}
        path = screenshot_dir() / f"{name}-{vp.get('width', 0)}x{vp.get('height', 0)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
