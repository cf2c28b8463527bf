"""Reads of shared state: which county a request is about."""

from __future__ import annotations

from django.conf import settings

from shebao.core.models import County


def county_by_code(code: str) -> County | None:
    # Whatever ``?county=`` holds reaches here, also while a refused request's page is rendered:
    # a code no county can have (too long, NUL and other control characters PostgreSQL cannot
    # even compare) names no county rather than reaching the database.
    if not code or len(code) > County._meta.get_field("code").max_length or not code.isprintable():
        return None
    return County.objects.filter(code=code).first()


def current_county(request=None) -> County | None:
    """The county of a staff member, else the one named by ``?county=``, else the default."""
    user = getattr(request, "user", None)
    staff_county = getattr(getattr(user, "staff_profile", None), "county", None) if user else None
    if staff_county is not None:
        return staff_county
    code = None
    if request is not None:
        code = request.GET.get("county") or request.session.get("county") if hasattr(request, "session") else None
    return county_by_code(code or settings.SHEBAO_DEFAULT_COUNTY) or County.objects.order_by("id").first()
