"""Login throttling at the edge: a locked username+address gets a Chinese page (429) before any
password is checked, on the staff login and the admin login alike."""

from __future__ import annotations

import contextlib

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from shebao.ops import throttle


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: set[str] | None = None

    def __call__(self, request):
        return self.get_response(request)

    def login_paths(self) -> set[str]:
        if self._paths is None:
            paths = set()
            for name in ("accounts:login", "admin:login"):
                with contextlib.suppress(NoReverseMatch):
                    paths.add(reverse(name))
            self._paths = paths
        return self._paths

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Runs after CsrfViewMiddleware.process_view, so a forged POST is refused first.
        if request.method != "POST" or request.path not in self.login_paths():
            return None
        username = request.POST.get("username", "")
        if throttle.login_locked(username, throttle.client_ip(request)):
            return render(
                request, "ops/login_locked.html", {"message": throttle.locked_message()}, status=429
            )
        return None
