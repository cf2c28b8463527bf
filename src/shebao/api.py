"""The JSON API under ``/api/v1/``: one NinjaAPI, one router per bounded context.

Every error leaves as JSON with a Chinese ``detail``; nothing here may answer 500 for bad input.
"""

from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from shebao.core.errors import DomainError, describe_validation_errors

log = logging.getLogger(__name__)

class CheckedJsonParser(Parser):
    """The body as ``SecurityHeadersMiddleware`` decoded and checked it, else decoded here."""

    def parse_body(self, request):
        data = getattr(request, "checked_json", None)
        return data if data is not None else super().parse_body(request)


api = NinjaAPI(
    parser=CheckedJsonParser(),
    title="社保办事通 API",
    version="1",
    description="阳城县社会保险中心办事服务系统接口。公开接口无需认证；办件接口使用 Bearer 令牌。",
    urls_namespace="api-v1",
)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: ValidationError):
    return api.create_response(
        request,
        {"detail": "请求参数有误：" + "；".join(describe_validation_errors(exc.errors)), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    body = {"detail": exc.message}
    if exc.problems:
        body["problems"] = exc.problems
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "未找到请求的资源。"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未认证：请提供有效的 Bearer 令牌。"}, status=401)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register_routers() -> None:
    # Imported here so that each app owns its router and this module only wires them.
    from shebao.cases.api import router as cases_router
    from shebao.catalog.api import router as catalog_router
    from shebao.lifeevents.api import router as lifeevents_router
    from shebao.ops.api import router as ops_router
    from shebao.portal.api import router as portal_router
    from shebao.reports.api import router as reports_router
    from shebao.rules.api import router as rules_router

    api.add_router("", catalog_router)
    api.add_router("", rules_router)
    api.add_router("", portal_router)
    api.add_router("", cases_router)
    api.add_router("", reports_router)
    api.add_router("", lifeevents_router)
    api.add_router("", ops_router)


_register_routers()
