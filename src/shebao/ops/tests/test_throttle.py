"""Login throttling: 5 failures per username+address per 15 minutes lock that pair (in the DB)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from shebao.ops import throttle
from shebao.ops.models import ThrottleEvent

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="clerk1", password=PASSWORD)


def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/healthz"},
                       REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_for_that_address(staff):
    c = Client()
    for _ in range(5):
        resp = _login(c, "clerk1", "wrong")
        assert resp.status_code == 200  # the form again, with its error
    resp = _login(c, "clerk1", PASSWORD)
    assert resp.status_code == 429
    body = resp.content.decode()
    assert "登录失败次数过多" in body and "15 分钟" in body
    assert "_auth_user_id" not in c.session
    # Other addresses and other usernames are not locked.
    assert _login(Client(), "clerk1", PASSWORD, ip="10.0.0.2").status_code == 302


def test_lock_expires_after_the_window(staff):
    c = Client()
    for _ in range(5):
        _login(c, "clerk1", "wrong")
    assert _login(c, "clerk1", PASSWORD).status_code == 429
    ThrottleEvent.objects.update(created_at=ThrottleEvent.objects.first().created_at - timedelta(minutes=16))
    assert _login(c, "clerk1", PASSWORD).status_code == 302


def test_success_clears_earlier_failures(staff):
    c = Client()
    for _ in range(4):
        _login(c, "clerk1", "wrong")
    assert _login(c, "clerk1", PASSWORD).status_code == 302
    c2 = Client()
    for _ in range(4):
        assert _login(c2, "clerk1", "wrong").status_code == 200
    assert _login(c2, "clerk1", PASSWORD).status_code == 302


def test_username_case_and_spacing_do_not_dodge_the_lock(staff):
    c = Client()
    for name in ("clerk1", "CLERK1", " clerk1", "Clerk1", "clerk1 "):
        _login(c, name, "wrong")
    assert _login(c, "clerk1", PASSWORD).status_code == 429


def test_spraying_many_usernames_from_one_address_is_locked(staff, settings):
    settings.SHEBAO_LOGIN_MAX_FAILURES_PER_IP = 8
    c = Client()
    for i in range(8):
        _login(c, f"user{i}", "wrong")
    assert _login(c, "clerk1", PASSWORD).status_code == 429


def test_the_backend_refuses_while_locked_even_without_the_page(staff, rf):
    from django.contrib.auth import authenticate

    request = rf.post("/x", REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        assert authenticate(request, username="clerk1", password="wrong") is None
    assert authenticate(request, username="clerk1", password=PASSWORD) is None
    # Refusals while locked are not counted again (the lock does not extend itself).
    assert ThrottleEvent.objects.filter(scope=throttle.LOGIN).count() == 5


def test_admin_login_is_throttled_too(staff):
    c = Client()
    for _ in range(5):
        c.post("/admin/login/", {"username": "clerk1", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    resp = c.post("/admin/login/", {"username": "clerk1", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert resp.status_code == 429


def test_keys_are_hashed_no_username_or_address_stored(staff):
    _login(Client(), "clerk1", "wrong", ip="10.1.2.3")
    for row in ThrottleEvent.objects.all():
        assert "clerk1" not in row.key and "10.1.2.3" not in row.key and len(row.key) == 64


def test_allow_helper_limits_per_window(db):
    window = timedelta(minutes=1)
    assert all(throttle.allow("track", "1.2.3.4", limit=3, window=window) for _ in range(3))
    assert not throttle.allow("track", "1.2.3.4", limit=3, window=window)
    assert throttle.allow("track", "5.6.7.8", limit=3, window=window)


def test_purge_drops_old_rows(db):
    throttle.hit("x", "k")
    ThrottleEvent.objects.update(created_at=ThrottleEvent.objects.first().created_at - timedelta(days=2))
    throttle.hit("x", "k")
    assert throttle.purge() == 1
    assert ThrottleEvent.objects.count() == 1


def test_client_address_behind_a_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",
                     HTTP_X_REAL_IP="198.51.100.7")
    assert throttle.client_ip(request) == "127.0.0.1"  # nothing trusted by default
    settings.SHEBAO_TRUST_X_FORWARDED_FOR = True
    assert throttle.client_ip(request) == "203.0.113.9"
    settings.SHEBAO_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert throttle.client_ip(request) == "198.51.100.7"
