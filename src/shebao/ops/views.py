"""Operational endpoints: ``/healthz`` checks that the database answers; a constant view for
the benchmarks (only when ``SHEBAO_BENCH=1`` outside production)."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        log.warning("健康检查：数据库不可用（%s）", type(exc).__name__)
        return JsonResponse({"status": "error", "database": "不可用"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def bench_sleep(request):
    """A slow request (``?ms=``, at most 10 s) for the graceful-shutdown test; bench mode only."""
    import time

    try:
        ms = min(10_000, max(0, int(request.GET.get("ms", "1000"))))
    except ValueError:
        ms = 1000
    time.sleep(ms / 1000)
    return HttpResponse(b"slept", content_type="text/plain")


def bench_constant(request):
    """The baseline of bench/bench_http.py: the cheapest Django view there is."""
    return HttpResponse(b"ok", content_type="text/plain")
