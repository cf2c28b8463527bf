"""Security: headers (CSP without inline scripts, frame denial, HSTS in production), CSRF on every
form and every page that takes a POST, templates that the CSP will not break, and no secret in
the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

REPO = Path(settings.PROJECT_DIR)
SRC = REPO / "src" / "shebao"

PUBLIC_PAGES = ["/", "/search/?q=退休", "/items/1/", "/items/36/notice/", "/track/", "/life-events/",
                "/self-check/", "/accounts/login/", "/healthz", "/api/v1/items/1", "/api/v1/openapi.json"]


# -- headers ----------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_security_headers_on_every_response(client, path):
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    csp = resp["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in resp  # development: plain HTTP


@pytest.mark.django_db
def test_hsts_on_secure_requests_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    resp = client.get("/", secure=True)
    assert resp["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain HTTP


@pytest.mark.django_db
def test_session_cookie_is_http_only(client, django_user_model):
    django_user_model.objects.create_user(username="cookie", password="cookie-pass-123")
    resp = client.post("/accounts/login/", {"username": "cookie", "password": "cookie-pass-123", "next": "/"})
    assert resp.status_code == 302
    morsel = resp.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"


# -- templates the CSP allows -------------------------------------------------------------------------
def _templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("templates/**/*.html"))


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> (blocked by script-src 'self')"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler (blocked by the CSP)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\bhx-on", re.I), "hx-on (htmx evaluates it as inline script)"),
    (re.compile(r"<style[\s>]", re.I), "<style> block (blocked by style-src 'self')"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute (blocked by style-src 'self')"),
]


def test_templates_need_no_inline_script_or_style():
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern, why in INLINE:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{path.relative_to(REPO)}:{line}: {why}")
    assert not problems, "\n".join(problems)


def test_every_post_form_carries_the_csrf_token():
    problems = []
    form = re.compile(r"<form\b[^>]*>(.*?)</form>", re.I | re.S)
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for m in form.finditer(text):
            tag = m.group(0)[: m.group(0).index(">") + 1]
            if re.search(r"method\s*=\s*[\"']?post", tag, re.I) and "{% csrf_token %}" not in m.group(1):
                problems.append(f"{path.relative_to(REPO)}:{text.count(chr(10), 0, m.start()) + 1}")
    assert not problems, "POST forms without {% csrf_token %}: " + ", ".join(problems)


# -- CSRF on every page that takes a POST ---------------------------------------------------------------
_SAMPLES = {"int": "1", "str": "QY-2026-000001", "slug": "retirement", "path": "x"}


def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _sample_path(route: str) -> str:
    if route.startswith("^") or "(?P<" in route or "^" in route:
        route = route.replace("^", "").replace("$", "").replace("\\.", ".")
        route = re.sub(r"\(\?P<key>[^)]*\)", "cases", route)
        route = re.sub(r"\(\?P<fmt>[^)]*\)", "csv", route)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES.get(m.group(1) or "str", "x"), route)
    return "/" + route


def _site_routes():
    return [(route, p) for route, p in _walk(get_resolver()) if not route.startswith(("api/", "admin/"))]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_page_refuses_a_post_without_csrf_token(who, django_user_model, county):
    client = Client(enforce_csrf_checks=True)
    if who == "staff":
        from shebao.accounts import services
        from shebao.accounts.models import Role
        from shebao.catalog.models import Department

        user = services.create_staff(username="csrf_head", password="csrf-pass-12345", county=county,
                                     role=Role.SECTION_HEAD,
                                     department=Department.objects.get(county=county, code="QY"))
        client.force_login(user)
    routes = _site_routes()
    assert len(routes) >= 10
    not_rejected = []
    for route, pattern in routes:
        path = _sample_path(route)
        with mock.patch.object(CsrfViewMiddleware, "_reject", autospec=True,
                               side_effect=CsrfViewMiddleware._reject) as reject:
            resp = client.post(path, {"username": "x", "password": "y", "action": "advance"})
        if getattr(pattern.callback, "csrf_exempt", False) or not reject.called:
            not_rejected.append(f"{path} → {resp.status_code}")
        else:
            assert resp.status_code == 403
    assert not not_rejected, "POST accepted without a CSRF token: " + ", ".join(not_rejected)


@pytest.mark.django_db
def test_login_form_works_with_its_token(django_user_model):
    django_user_model.objects.create_user(username="tok", password="tok-pass-12345")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    resp = client.post("/accounts/login/", {"username": "tok", "password": "tok-pass-12345", "next": "/",
                                            "csrfmiddlewaretoken": token})
    assert resp.status_code == 302


# -- no secret in the repository ------------------------------------------------------------------------
SECRET_PATTERNS = [
    (re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----"), "private key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "AWS access key"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), "GitHub token"),
    (re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"), "Slack token"),
    (re.compile(r"\bsb_[A-Za-z0-9_-]{40,}"), "shebao API token"),
    (re.compile(r"\b(?:postgres(?:ql)?|mysql|redis|amqp)://[^\s:/@'\"]+:[^\s@'\"{}$]+@"), "password in a URL"),
    (re.compile(r"""(?i)\b(?:SECRET_KEY|PASSWORD|PASSWD|API_KEY|TOKEN)\b\s*[:=]\s*["'][^"'\s{}$]{16,}["']"""),
     "hard-coded secret"),
]
# Test suites create throw-away users with literal passwords; a literal password anywhere else fails.
TEST_ONLY_OK = {"hard-coded secret"}
# Files whose job is to hold test fixtures or documentation of the patterns themselves.
SECRET_ALLOW = {"tests/test_security.py"}
DEV_KEY = "dev-only-insecure-key-never-use-in-production"


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [REPO / p for p in out.decode().split("\0") if p]


def test_no_secret_is_committed():
    problems = []
    for path in _tracked_files():
        rel = str(path.relative_to(REPO))
        if rel in SECRET_ALLOW or not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary (fonts, images)
        text = data.decode("utf-8", errors="replace")
        for pattern, why in SECRET_PATTERNS:
            for m in pattern.finditer(text):
                if DEV_KEY in m.group(0):
                    continue
                if why in TEST_ONLY_OK and ("/tests/" in f"/{rel}" or Path(rel).name.startswith("test_")):
                    continue
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: {why}")
    assert not problems, "\n".join(problems)


def test_secret_patterns_catch_what_they_should():
    samples = [
        "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----",
        "DATABASE_URL=postgresql://shebao:s3cr3t-pass@db.example/shebao",
        'SECRET_KEY = "a8f5f167f44f4964e6c998dee827110c"', "token sb_" + "A" * 43,
    ]
    for sample in samples:
        assert any(p.search(sample) for p, _ in SECRET_PATTERNS), sample
    for fine in ['SECRET_KEY = os.environ.get("SECRET_KEY", "")', "postgresql://postgres@127.0.0.1:5432/test",
                 'password="pw-for-tests-1"']:
        assert not any(p.search(fine) for p, _ in SECRET_PATTERNS), fine


def test_no_env_or_database_file_is_committed():
    bad = [str(p.relative_to(REPO)) for p in _tracked_files()
           if p.name in (".env", "id_rsa", "id_ed25519") or p.suffix in (".sqlite3", ".pem", ".key", ".p12", ".bak")]
    assert not bad, bad
