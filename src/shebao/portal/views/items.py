"""The item pages: the guide of one item, the 情形 wizard and the 一次性告知单 (HTML and PDF)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from shebao.catalog import selectors as catalog
from shebao.core.errors import NotFound
from shebao.core.web import is_htmx, qr_data_uri
from shebao.domain import deadlines
from shebao.portal import notice as notice_mod
from shebao.portal.views import common
from shebao.rules.selectors import calendar_stamp

#: Self-check pages related to items (shown on the item page).
SELF_CHECKS = {
    "retirement": ("退休时间自查（2024年延迟退休改革后）", "portal:check-retirement"),
    "resident": ("城乡居民养老金领取条件自查（60周岁/65周岁）", "portal:check-resident"),
    "early": ("提前退休条件自查（特殊工种、因病）", "portal:check-early"),
    "unemployment": ("失业保险金领取期限自查", "portal:check-unemployment"),
    "benefits": ("待遇估算（养老金、失业金、工伤）", "portal:check-benefits"),
}
ITEM_CHECKS = {
    4: ["retirement"], 5: ["early", "retirement"], 6: ["early", "retirement"], 7: ["retirement", "benefits"],
    28: ["retirement", "benefits"], 18: ["resident", "benefits"], 19: ["resident"], 20: ["resident"],
    37: ["unemployment", "benefits"], 34: ["benefits"], 8: ["benefits"], 9: ["benefits"],
}  # fmt: skip


def _deadline_context(item_data: dict, today: dt.date) -> dict:
    cal = common.get_calendar()
    try:
        answers = deadlines.item_deadlines(cal, item_data, today)
    except deadlines.DeadlineError as exc:
        return {"promise_sentence": "", "deadline_error": str(exc), "schedules": [], "promised": None}
    return {
        "promised": answers.promised,
        "statutory": answers.statutory,
        "promise_sentence": notice_mod.promise_sentence(answers.promised, today, schedules=answers.schedules),
        "schedules": answers.schedules,
        "provisional": answers.provisional,
    }


#: Rendered item pages for anonymous visitors, per worker, keyed by everything the page shows: the
#: item and catalog versions, the day (the promised date) and the holiday calendar's stamp.
_PAGE_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_PAGE_CACHE_MAX = 256


def _page_cache_key(request, no: int) -> tuple | None:
    """None when the page is personal (a staff member, a session that may carry messages)."""
    if request.user.is_authenticated or request.GET or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    if "messages" in request.COOKIES:
        return None
    try:
        stamp = catalog.item_stamp(county=None, no=no)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return (no, *stamp, common.today(), calendar_stamp(), translation.get_language())


@require_GET
def item_detail(request, no: int):
    key = _page_cache_key(request, no)
    if key is not None and key in _PAGE_CACHE:
        return HttpResponse(_PAGE_CACHE[key])
    response = _render_item_detail(request, no)
    if key is not None and response.status_code == 200:
        _PAGE_CACHE[key] = response.content
        if len(_PAGE_CACHE) > _PAGE_CACHE_MAX:
            _PAGE_CACHE.popitem(last=False)
    return response


def _render_item_detail(request, no: int):
    item = common.get_item_or_404(request, no)
    d = item.data
    channels = common.channels_of(item.county)
    ways = common.sorted_channels(d.get("channels", []), channels)
    self_service = [w for w in ways if w["self_service"]]
    offline = [w for w in ways if not w["self_service"]]
    routes = []
    for r in d["procedure"].get("routes", []):
        ch = channels.get(r.get("channel") or "")
        routes.append({**r, "channel_obj": ch})
    today = common.today()
    groups = d.get("material_groups") or []
    ctx = {
        "item": item,
        "d": d,
        "groups": groups,
        "scenarios": notice_mod.scenarios(d),
        "needs_wizard": notice_mod.needs_wizard(d),
        "self_service": self_service,
        "offline": offline,
        "online_first": d.get("online") and bool(self_service),
        "routes": routes,
        "phone": notice_mod.phone_display(d.get("phone")),
        "phone_digits": notice_mod.phone_digits(d.get("phone")),
        "hours": notice_mod.HOURS_TEXT,
        "today": today,
        "today_cn": notice_mod.cn_date(today),
        "checks": [SELF_CHECKS[c] for c in ITEM_CHECKS.get(item.no, [])],
        "tolerance_count": sum(1 for g in groups for m in g["materials"] if m.get("tolerance")),
        **_deadline_context(d, today),
    }
    return render(request, "portal/item.html", ctx)


def _answers(request) -> dict[str, str]:
    return {k: v for k, v in request.GET.items() if k.startswith("q") and k[1:].isdigit()}


def _notice_query(notice: notice_mod.Notice) -> str:
    params = {}
    if notice.scenario:
        params["scenario"] = notice.scenario.code
    for q in notice.questions:
        if q.answer is not None:
            params[q.key] = "yes" if q.answer else "no"
    return urlencode(params)


def _error_page(request, item, exc: notice_mod.NoticeError):
    return render(
        request,
        "portal/notice_error.html",
        {"item": item, "message": exc.message, "choices": exc.choices},
        status=exc.status,
    )


def _build(request, item, scenario):
    return notice_mod.build_notice(
        item.data,
        item_no=item.no,
        department=item.department.name,
        scenario=scenario,
        answers=_answers(request),
        cal=common.get_calendar(),
        today=common.today(),
        channels=common.channels_of(item.county),
    )


@require_GET
def notice(request, no: int):
    """The wizard: choose the 情形 → answer the yes/no questions → the 一次性告知单.

    Stages by query: no ``scenario`` (item has several) → choose; ``scenario`` with unanswered
    questions and no ``step=notice`` → questions; otherwise the notice.
    """
    item = common.get_item_or_404(request, no)
    d = item.data
    choices = notice_mod.scenarios(d)
    scenario = request.GET.get("scenario")
    ctx = {"item": item, "d": d, "choices": choices}
    if choices and not scenario:
        template = "portal/_wizard_questions.html" if is_htmx(request) else "portal/wizard.html"
        return render(request, template, {**ctx, "stage": "choose"})
    try:
        chosen, group = notice_mod.resolve_group(d, scenario)
    except notice_mod.NoticeError as exc:
        return _error_page(request, item, exc)
    qs = notice_mod.questions(group, _answers(request))
    if is_htmx(request) and request.GET.get("partial") == "questions":
        return render(request, "portal/_wizard_questions.html", {**ctx, "stage": "questions", "chosen": chosen,
                                                                   "questions": qs})
    if qs and request.GET.get("step") != "notice" and any(q.answer is None for q in qs):
        return render(request, "portal/wizard.html", {**ctx, "stage": "questions", "chosen": chosen, "questions": qs})
    n = _build(request, item, scenario)
    query = _notice_query(n)
    ctx.update(
        {
            "notice": n,
            "today_cn": notice_mod.cn_date(n.today),
            "pdf_url": reverse("portal:notice-pdf", args=[item.no]) + (f"?{query}" if query else ""),
            "edit_url": reverse("portal:notice", args=[item.no]) + (f"?scenario={n.scenario.code}" if n.scenario else ""),
            "item_url": request.build_absolute_uri(reverse("portal:item", args=[item.no])),
        }
    )
    ctx["qr_data_uri"] = qr_data_uri(ctx["item_url"])
    return render(request, "portal/notice.html", ctx)


@require_GET
def notice_pdf(request, no: int):
    item = common.get_item_or_404(request, no)
    try:
        n = _build(request, item, request.GET.get("scenario"))
    except notice_mod.NoticeError as exc:
        return _error_page(request, item, exc)
    url = request.build_absolute_uri(reverse("portal:item", args=[item.no]))
    body = notice_mod.render_notice_pdf(n, url=url, agency=item.county.agency)
    response = HttpResponse(body, content_type="application/pdf")
    suffix = f"-{n.scenario.code}" if n.scenario else ""
    response["Content-Disposition"] = f'attachment; filename="notice-{item.no}{suffix}.pdf"'
    response["Cache-Control"] = "no-store"
    return response

