"""Production settings refuse insecure defaults, and ``check --deploy`` is clean (subprocesses)."""

from __future__ import annotations

import secrets

import pytest

from shebao.ops.testing import base_env, shebao

GOOD_KEY = secrets.token_urlsafe(50)


def _prod_env(tmp_path, **extra):
    env = base_env(SHEBAO_ENV="production", SHEBAO_VAR_DIR=str(tmp_path),
                   DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    for k in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"):
        env.pop(k, None)
    env.update(extra)
    return env


def test_check_deploy_is_clean_in_production(tmp_path):
    env = _prod_env(tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="shebao.example.gov.cn")
    proc = shebao("check", "--deploy", "--fail-level", "WARNING", env=env, timeout=120)
    assert "no issues" in proc.stdout, proc.stdout + proc.stderr


def test_check_deploy_clean_behind_tls_proxy(tmp_path):
    env = _prod_env(tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="shebao.example.gov.cn", SECURE_SSL_REDIRECT="0")
    proc = shebao("check", "--deploy", "--fail-level", "WARNING", env=env, timeout=120)
    assert "no issues" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-key", "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-key-never-use-in-production", "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 60, "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + GOOD_KEY, "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "a.example", "DEBUG": "1"}, "DEBUG"),
    ],
    ids=["no-key", "short-key", "dev-key", "one-char-key", "insecure-prefix", "no-hosts", "wildcard", "debug"],
)
def test_production_refuses_insecure_defaults(tmp_path, overrides, expected):
    proc = shebao("check", env=_prod_env(tmp_path, **overrides), check=False, timeout=120)
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and expected in proc.stderr


def test_production_security_settings(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS, s.DEBUG, "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[-1])"
    )
    env = _prod_env(tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="a.example")
    out = shebao("shell", "--no-imports", "-c", code, env=env, timeout=120).stdout.split()
    assert out == ["31536000", "True", "True", "True", "True", "DENY", "False",
                   "CompressedManifestStaticFilesStorage"]
