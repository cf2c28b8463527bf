"""The portal's home page and search: every item by area with the ways to apply, and the live
search in everyday words (htmx swaps the results fragment)."""

from __future__ import annotations

import re

from django.shortcuts import render
from django.views.decorators.http import require_GET

from shebao.catalog import selectors as catalog
from shebao.core.errors import DomainError
from shebao.core.web import county_or_404, is_htmx
from shebao.portal.views import common

MAX_QUERY = 100


def search_items(query: str, *, county) -> dict:
    """Search with the portal search engine (``selectors_search.search``), shaped for the templates.

    Returns ``{"results": [{"no", "name", "score", "summary", "matched", "name_html", "summary_html"}…],
    "out_of_scope": bool, "scope_hint": str, "unsure": bool, "suggestions": [{"no", "name"}…],
    "understood": [...]}``. An empty or over-long query raises ``DomainError`` (422, Chinese).
    """
    from shebao.portal import selectors_search

    return _normalise_search(selectors_search.search(query, county=county), county=county)


def _field(obj, name, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _highlight(text: str, words) -> str:
    """``text`` escaped, with every occurrence of the matched words wrapped in <mark>."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    words = sorted({w for w in words if w and len(w) >= 1 and w in text}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def _normalise_search(answer, *, county) -> dict:
    if not isinstance(answer, dict) and not hasattr(answer, "results"):
        answer = {"results": list(answer)}
    items = {i.no: i for i in catalog.list_items(county=county)}
    results = []
    for r in _field(answer, "results", None) or []:
        item = items.get(_field(r, "no"))
        if item is None:
            continue
        matched = list(_field(r, "matched", None) or _field(r, "highlights", None) or [])
        summary = item.data.get("summary", "")
        results.append(
            {
                "no": item.no,
                "name": item.name,
                "score": _field(r, "score"),
                "summary": summary,
                "matched": matched,
                "name_html": _highlight(item.name, matched),
                "summary_html": _highlight(summary, matched),
            }
        )
    suggestions = []
    for s in _field(answer, "suggestions", None) or []:
        item = items.get(_field(s, "no"))
        if item is not None:
            suggestions.append({"no": item.no, "name": item.name})
    hint = _field(answer, "out_of_scope_hint", None) or _field(answer, "scope_hint", None) or ""
    if suggestions:
        # Shown first, as the 1–3 best guesses; the other results are listed below them (so
        # ``results`` may be left empty: the template then shows the suggestions alone).
        shown = {s["no"] for s in suggestions}
        results = [r for r in results if r["no"] not in shown]
    return {
        "results": results,
        "out_of_scope": bool(_field(answer, "out_of_scope", False)),
        "scope_hint": hint,
        "unsure": bool(_field(answer, "unsure", False)) or bool(suggestions),
        "suggestions": suggestions,
        "understood": list(_field(answer, "understood", None) or []),
    }


def _empty_query_message() -> str:
    """The search service's own message for an empty question (“请输入要查询的问题 …”)."""
    from shebao.portal.search import QueryError, validate_query

    try:
        validate_query("")
    except QueryError as exc:
        return exc.message
    return ""  # pragma: no cover - an empty query is always refused


def _clean_query(request) -> tuple[str, str]:
    """(query, error) — the query trimmed; an over-long query is refused with a message."""
    q = (request.GET.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        return q[:MAX_QUERY], f"问题太长了（{len(q)} 个字），请用 {MAX_QUERY} 个字以内说清楚要办的事。"
    return q, ""


def _way(kind: str, channels: list[dict]) -> dict:
    """One way to apply on the home page. Where the channels' names only repeat the kind's label
    (政务中心窗口, 上门服务, 村协办员, 支付宝、微信), the page says what they offer instead."""
    label = common.KIND_LABEL.get(kind, kind)
    repeats = "、".join(c["name"] for c in channels) == label
    details = [c["description"] for c in channels if c.get("description")] if repeats else []
    return {"kind": kind, "label": label, "channels": channels, "details": details}


@require_GET
def home(request):
    county = county_or_404(request)
    channels = common.channels_of(county)
    areas = []
    for cat in catalog.list_categories(county=county):
        items = sorted((i for i in cat.items.all() if i.is_active), key=lambda i: i.no)
        codes = [c for i in items for c in i.data.get("channels", [])]
        ways = common.sorted_channels(codes, channels)
        # Group the ways by kind so the page says "手机APP：民生山西、老来网 …".
        by_kind: dict[str, list[dict]] = {}
        for w in ways:
            by_kind.setdefault(w["kind"], []).append(w)
        areas.append(
            {
                "code": cat.code,
                "name": cat.name,
                "path_title": cat.path_title,
                "items": [{"no": i.no, "name": i.name, "online": i.data.get("online", False)} for i in items],
                "ways": [_way(k, v) for k, v in by_kind.items()],
            }
        )
    q, error = _clean_query(request)
    return render(
        request,
        "portal/home.html",
        {"areas": areas, "q": q, "examples": ["社保卡丢了怎么办", "我爸去世了账户里的钱怎么领", "失业金怎么领", "刷脸认证"]},
    )


@require_GET
def search(request):
    county = county_or_404(request)
    q, error = _clean_query(request)
    answer = {"results": [], "out_of_scope": False, "scope_hint": "", "unsure": False, "suggestions": []}
    status = 200
    prompt = ""
    if error:
        status = 422
    elif q:
        try:
            answer = search_items(q, county=county)
        except DomainError as exc:
            error, status = exc.message, exc.status
    elif "q" in request.GET:
        # Searched with nothing typed (or the box emptied while live-typing): say what to type,
        # as the API does, rather than leave the results blank. A plain visit shows the form only.
        prompt = _empty_query_message()
    ctx = {"q": q, "error": error, "prompt": prompt, **answer}
    template = "portal/_search_results.html" if is_htmx(request) else "portal/search.html"
    # htmx swaps only 2xx responses; the fragment carries the error itself.
    return render(request, template, ctx, status=200 if is_htmx(request) else status)

