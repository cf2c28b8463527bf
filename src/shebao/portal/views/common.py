"""What the portal's pages share: today's date, the calendar, the county's item and its channels.

Tests pin “today” by patching ``shebao.portal.views.common.today``; the pages call it through this
module for that reason.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from shebao.catalog import selectors as catalog
from shebao.core.errors import NotFound
from shebao.core.web import county_or_404
from shebao.domain import deadlines

#: Channel kinds, self-service first; labels as a citizen would say them.
CHANNEL_KINDS = [
    ("app", "手机APP"),
    ("mini_program", "支付宝、微信"),
    ("website", "网站"),
    ("village", "村协办员"),
    ("bank", "银行网点"),
    ("home_visit", "上门服务"),
    ("window", "政务中心窗口"),
]
SELF_SERVICE_KINDS = {"app", "mini_program", "website"}
KIND_ORDER = {k: i for i, (k, _) in enumerate(CHANNEL_KINDS)}
KIND_LABEL = dict(CHANNEL_KINDS)


def get_calendar():
    """The official working-day calendar (rules context), built once per loaded schedule set."""
    try:
        from shebao.rules.selectors import get_calendar as rules_calendar
    except ImportError:  # the rules context has not landed yet
        rules_calendar = None
    if rules_calendar is not None:
        return rules_calendar()
    from shebao.domain.workdays import WorkCalendar

    global _FALLBACK_CAL
    if _FALLBACK_CAL is None:
        _FALLBACK_CAL = WorkCalendar()
    return _FALLBACK_CAL


_FALLBACK_CAL = None


def today() -> dt.date:
    return deadlines.local_date(timezone.now())


def get_item_or_404(request, no: int):
    try:
        return catalog.get_item(county=county_or_404(request), no=no)
    except NotFound as exc:
        raise Http404(exc.message) from None


def channels_of(county) -> dict[str, dict]:
    return {
        c.code: {"code": c.code, "name": c.name, "kind": c.kind, "url": c.url, "description": c.description,
                 "kind_label": KIND_LABEL.get(c.kind, c.kind), "self_service": c.kind in SELF_SERVICE_KINDS}
        for c in catalog.list_channels(county=county)
    }


def sorted_channels(codes, channels: dict[str, dict]) -> list[dict]:
    found = [channels[c] for c in dict.fromkeys(codes) if c in channels]
    return sorted(found, key=lambda c: KIND_ORDER.get(c["kind"], 99))
