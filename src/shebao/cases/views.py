"""Pages of the cases context for citizens: the progress query (办件查询) and 好差评.

The applicant proves who they are with the case number and the last 6 characters of the ID number
or credit code (or the query code on the receipt), always POSTed, never in a URL. Rate limiting
and every rule live in ``shebao.cases.services.public``; these views show its Chinese messages.
"""

from __future__ import annotations

import unicodedata

from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from shebao.cases import services
from shebao.cases.models import Rating
from shebao.core.errors import DomainError
from shebao.ops.throttle import client_ip

MISSING_INPUT = "请填写办件编号和申请人证件号码后六位（或回执上的查询码）。"
BUNDLE_NUMBER = "YJS 开头的是“一件事”编号，请到“一件事进度查询”（/life-events/track/）查询；这里查询单个办件（如 QY-2026-000001）。"


def _credentials(data) -> tuple[str, str]:
    # NFKC: Chinese input methods type full-width letters, digits and dashes (QY－2026－000001, 12002６).
    case_no = services.read_number(data.get("case_no") or "")[:32]
    suffix = unicodedata.normalize("NFKC", data.get("id_suffix") or "").strip().upper()[:8]
    return case_no, suffix


def _input_problem(case_no: str, suffix: str) -> str:
    """What is wrong with the form before any look-up (nothing here counts as a failed attempt)."""
    if not case_no and not suffix:
        return MISSING_INPUT
    if not case_no:
        return "请填写办件编号（在受理回执上，如 QY-2026-000001）。"
    if case_no.startswith("YJS-"):
        return BUNDLE_NUMBER
    if not suffix:
        return "请填写申请人证件号码后六位（或回执上的 8 位查询码）。"
    if len(suffix) < 6:
        return f"证件号码后六位应为 6 位（查询码为 8 位），您填写了 {len(suffix)} 位。"
    return ""


def _ctx(case_no: str = "", **extra) -> dict:
    return {"case_no": case_no, "levels": Rating.Level.choices, **extra}


@require_http_methods(["GET", "POST"])
def track(request):
    """GET: the form (``?case_no=`` from the receipt's QR code prefills it). POST: the query."""
    if request.method == "GET":
        return render(request, "cases/track.html", _ctx((request.GET.get("case_no") or "").strip().upper()[:32]))
    case_no, suffix = _credentials(request.POST)
    if problem := _input_problem(case_no, suffix):
        return render(request, "cases/track.html", _ctx(case_no, error=problem), status=400)
    try:
        result = services.track_case(case_no=case_no, id_suffix=suffix, ip=client_ip(request))
    except DomainError as exc:
        return render(request, "cases/track.html", _ctx(case_no, error=exc.message), status=exc.status)
    return render(request, "cases/track.html", _ctx(case_no, result=result, id_suffix=suffix))


@require_POST
def rate(request):
    """好差评 after 办结; on any error the page shows the progress again with what was typed."""
    case_no, suffix = _credentials(request.POST)
    level = (request.POST.get("level") or "").strip()
    comment = (request.POST.get("comment") or "")[:1000]
    if problem := _input_problem(case_no, suffix):
        return render(request, "cases/track.html", _ctx(case_no, error=problem), status=400)
    ip = client_ip(request)
    try:
        rating = services.rate_case(case_no=case_no, id_suffix=suffix, level=level, comment=comment, ip=ip)
    except DomainError as exc:
        ctx = _ctx(case_no, rating_error=exc.message, level=level, comment=comment, id_suffix=suffix)
        if exc.status in (404, 429):
            ctx = _ctx(case_no, error=exc.message)
        else:
            try:
                ctx["result"] = services.track_case(case_no=case_no, id_suffix=suffix, ip=ip)
            except DomainError as again:
                ctx = _ctx(case_no, error=again.message)
        return render(request, "cases/track.html", ctx, status=exc.status)
    result = services.track_case(case_no=case_no, id_suffix=suffix, ip=ip)
    return render(request, "cases/track.html", _ctx(case_no, result=result, id_suffix=suffix, rated=rating))
