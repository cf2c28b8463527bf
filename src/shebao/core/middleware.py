"""Edge middleware: the request log, security headers, 413 for oversized bodies, a Chinese 400 for
malformed JSON sent to the API, and a Chinese 422 for text no database can store (NUL characters,
which PostgreSQL refuses, and lone surrogates) in the path, the query, a form or a JSON body."""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse

from shebao.core.views import method_not_allowed, refusal

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BAD_TEXT = "请求中含有不允许的字符（如 NUL 控制字符或不成对的代理字符），请检查输入。"

request_log = logging.getLogger("shebao.request")


def body_limit(request) -> int:
    """Multipart uploads may be larger than forms and JSON (scanned materials)."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        return max(settings.SHEBAO_MAX_UPLOAD_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _bad_text(value: str) -> bool:
    """NUL (which PostgreSQL text cannot store) or a lone surrogate (which is not text at all)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_json(value) -> bool:
    if isinstance(value, str):
        return _bad_text(value)
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_json(v) for v in value)
    return False


def _too_large(request, length: int | None, limit: int):
    size = f"（{length} 字节）" if length else ""
    return refusal(request, f"请求内容过大{size}，上限为 {limit} 字节。", status=413)


class RequestLogMiddleware:
    """One line per request: method, route pattern, status and duration.

    The path is logged without its query string (progress queries carry ID suffixes there) and
    through the personal-data filter; the route pattern (``cases/<str:case_no>``) is logged too so
    that logs can be grouped without looking at values.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - start) * 1000, 1)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else ""
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        if request.path == "/healthz" and status < 500:
            level = logging.DEBUG
        request_log.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
            },
        )
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._refuse(request)
        response = refused if refused is not None else self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and not response.content:
            response = method_not_allowed(request, response)
        # The admin's own pages carry inline styles; keep the strict policy everywhere else.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    def process_exception(self, request, exception):
        # Django reports a body over DATA_UPLOAD_MAX_MEMORY_SIZE (when no Content-Length told
        # us up front) as a 400; it is a 413.
        if isinstance(exception, RequestDataTooBig):
            return _too_large(request, None, body_limit(request))
        if isinstance(exception, TooManyFieldsSent):
            return refusal(request, "表单字段过多，请减少后重新提交。", status=413)
        return None

    def _refuse(self, request):
        limit = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refusal(request, "请求头 Content-Length 无效。", status=400)
        if length > limit:
            return _too_large(request, length, limit)
        if _bad_text(request.path) or any(_bad_text(k) or any(_bad_text(v) for v in vs)
                                          for k, vs in request.GET.lists()):
            return refusal(request, BAD_TEXT, status=422)
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in _BODY_METHODS and content_type.startswith(_FORM_TYPES):
            try:
                fields = list(request.POST.lists())
            except RequestDataTooBig:
                return _too_large(request, length, limit)
            except Exception:  # a malformed body is the view's to answer (usually 400)
                fields = []
            if any(_bad_text(k) or any(_bad_text(v) for v in vs) for k, vs in fields):
                return refusal(request, BAD_TEXT, status=422)
        if (
            request.method in _BODY_METHODS
            and request.path.startswith("/api/")
            and length
            and "json" in request.META.get("CONTENT_TYPE", "")
        ):
            try:
                data = json.loads(request.body)
            except RequestDataTooBig:
                return _too_large(request, length, limit)
            except UnicodeDecodeError:
                return JsonResponse({"detail": "请求体不是合法的 JSON：必须使用 UTF-8 编码。"}, status=400)
            except ValueError as exc:
                where = f"（第 {exc.lineno} 行第 {exc.colno} 列）" if hasattr(exc, "lineno") else ""
                return JsonResponse({"detail": f"请求体不是合法的 JSON{where}，请检查格式。"}, status=400)
            if _bad_json(data):
                return refusal(request, BAD_TEXT, status=422)
            request.checked_json = data  # the API's parser takes it instead of decoding the body again
        return None
