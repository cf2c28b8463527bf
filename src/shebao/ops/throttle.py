"""Rate limits counted in the database: login throttling, and a helper other contexts can use.

``hit`` / ``count`` / ``clear`` work on ``(scope, key)`` pairs; the key is hashed with the
secret key before it is stored. ``ThrottledModelBackend`` refuses to check a password while the
username+address pair (or the address alone) is locked, and the signal receivers below count
failures and clear them on success.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

from shebao.core.durability import relaxed_commit
from shebao.ops.models import ThrottleEvent

LOGIN = "login"
LOGIN_IP = "login-ip"


def _hash(scope: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}\x00{key}".encode(), hashlib.sha256).hexdigest()


def client_ip(request) -> str:
    """The client's address, from the proxy's header when settings say the proxy sets it."""
    header = settings.SHEBAO_CLIENT_IP_HEADER
    if not header and settings.SHEBAO_TRUST_X_FORWARDED_FOR:
        header = "HTTP_X_FORWARDED_FOR"
    value = request.META.get(header, "") if header else ""
    if value:
        return value.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str) -> None:
    # A count lost with the machine's power only lets one more try through.
    with relaxed_commit():
        ThrottleEvent.objects.create(scope=scope, key=_hash(scope, key), created_at=timezone.now())


def count(scope: str, key: str, *, window: timedelta) -> int:
    since = timezone.now() - window
    return ThrottleEvent.objects.filter(scope=scope, key=_hash(scope, key), created_at__gte=since).count()


def clear(scope: str, key: str) -> None:
    ThrottleEvent.objects.filter(scope=scope, key=_hash(scope, key)).delete()


def allow(scope: str, key: str, *, limit: int, window: timedelta) -> bool:
    """Count one request and say whether it is within ``limit`` per ``window`` (e.g. public queries)."""
    if count(scope, key, window=window) >= limit:
        return False
    hit(scope, key)
    return True


def purge(older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = ThrottleEvent.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


def _window() -> timedelta:
    return timedelta(minutes=settings.SHEBAO_LOGIN_LOCK_MINUTES)


def _user_key(username: str, ip: str) -> str:
    return f"{(username or '').strip().lower()}|{ip}"


def login_locked(username: str | None, ip: str) -> bool:
    if count(LOGIN, _user_key(username or "", ip), window=_window()) >= settings.SHEBAO_LOGIN_MAX_FAILURES:
        return True
    return count(LOGIN_IP, ip, window=_window()) >= settings.SHEBAO_LOGIN_MAX_FAILURES_PER_IP


def locked_message() -> str:
    return (
        f"登录失败次数过多，该账号已被暂时锁定。请 {settings.SHEBAO_LOGIN_LOCK_MINUTES} 分钟后再试；"
        "忘记密码请联系系统管理员重置。"
    )


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused outright while the caller is locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            if username is None:
                username = kwargs.get(self.get_user_model_username_field())
            if login_locked(username, client_ip(request)):
                request._shebao_login_locked = True
                raise PermissionDenied(locked_message())
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def get_user_model_username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


@receiver(user_login_failed, dispatch_uid="shebao.ops.throttle.failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "_shebao_login_locked", False):
        return
    ip = client_ip(request)
    hit(LOGIN, _user_key(credentials.get("username", ""), ip))
    hit(LOGIN_IP, ip)


@receiver(user_logged_in, dispatch_uid="shebao.ops.throttle.success")
def _clear_failures(sender, request, user, **kwargs):
    if request is None:
        return
    clear(LOGIN, _user_key(user.get_username(), client_ip(request)))
