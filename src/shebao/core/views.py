"""Pages of the core context: the answers Django would otherwise give in its own words.

``csrf_failure`` (``CSRF_FAILURE_VIEW``) replaces Django's English-or-technical 403 page: a clerk
whose page went stale (they logged in again in another tab, or the page sat open past the session)
is told why, and that going back keeps what they typed (browsers restore a form's fields on back).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CSRF_MESSAGE = ("页面已过期，提交没有成功（可能在其他窗口重新登录过，或页面打开太久）。"
                "请返回上一页，刷新后再提交；刷新前可先复制已填写的内容。")
NOT_ALLOWED_MESSAGE = "这个地址不能这样打开（请求方式不允许）。请从页面上的按钮或表单进入。"


def wants_json(request) -> bool:
    """An API call, or a client that sent or asked for JSON; a browser's page request otherwise."""
    if request.path.startswith("/api/") or "json" in request.META.get("CONTENT_TYPE", ""):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept


def refusal(request, message: str, *, status: int):
    """A request refused before any view saw it (too large, text no database can store): the
    reason in Chinese, as JSON for API clients and as a page for a browser."""
    if wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    back = _same_site_referer(request)
    return render(request, "refused.html", {"message": message, "back": back}, status=status)


def _same_site_referer(request) -> str:
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    return back


def csrf_failure(request, reason: str = ""):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": CSRF_MESSAGE}, status=403)
    return render(request, "403_csrf.html", {"message": CSRF_MESSAGE, "back": _same_site_referer(request)}, status=403)


def method_not_allowed(request, response):
    """A body for Django's empty 405 (``require_POST`` and friends), keeping its ``Allow`` header."""
    if request.path.startswith("/api/"):
        answer = JsonResponse({"detail": NOT_ALLOWED_MESSAGE}, status=405)
    else:
        answer = render(request, "405.html", {"message": NOT_ALLOWED_MESSAGE}, status=405)
    if response.has_header("Allow"):
        answer["Allow"] = response["Allow"]
    return answer
