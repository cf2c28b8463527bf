"""Operational endpoints: ``/healthz`` checks that the database answers."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "不可用"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
