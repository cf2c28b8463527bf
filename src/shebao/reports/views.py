"""Pages of the reports context: the dashboard, its exports and the monthly report PDF.

Director: every department (filterable); section head: their own department; everyone else 403;
anonymous visitors go to the login page. Every link carries the same filter parameters, so an
export is always exactly the table on the screen.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from shebao.core.errors import DomainError, NotFound, PermissionDenied
from shebao.reports import charts as ch
from shebao.reports import exports
from shebao.reports import selectors as sel
from shebao.reports import tables as tb
from shebao.reports.pdf import monthly_report

#: page sections: (anchor, title, charts, tables)
SECTIONS = [
    ("volume", "办件量", ["trend", "status"], ["by_period", "by_department", "by_area", "by_item"]),
    ("timeliness", "按时办结与办理用时", ["ontime", "handling"], ["timeliness_department", "timeliness_item"]),
    ("tolerance", "容缺受理", [], ["tolerance"]),
    ("warnings", "预警与超期", [], ["warnings", "overdue"]),
    ("ratings", "好差评", ["ratings"], ["ratings", "bad_ratings"]),
    ("busiest", "热门事项与时段", ["items", "hours"], ["busiest_items", "busiest_hours"]),
]
LIST_TABLES = {"warnings", "overdue", "bad_ratings"}
#: long tables shown folded (a click opens them)
FOLDED_TABLES = {"by_period", "by_item", "timeliness_item", "busiest_hours"}


def _forbidden(request, message: str, status: int = 403) -> HttpResponse:
    return render(request, "reports/error.html", {"message": message}, status=status)


def _params(request) -> dict:
    g = request.GET
    return {k: (g.get(k) or "").strip() for k in ("start", "end", "period", "department") if (g.get(k) or "").strip()}


def _scope(request, params: dict) -> sel.Scope:
    return sel.scope_for_user(request.user, start=params.get("start"), end=params.get("end"),
                              department=params.get("department"))


def _query(scope: sel.Scope, period: str) -> str:
    q = {"start": scope.start.isoformat(), "end": scope.end.isoformat(), "period": period}
    if scope.department is not None:
        q["department"] = scope.department.code
    return urlencode(q)


def _quick_ranges(today: dt.date, department: str | None) -> list[tuple[str, str]]:
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    ranges = [
        ("本月", first, today, "day"),
        ("上月", last_month_end.replace(day=1), last_month_end, "day"),
        ("近 30 天", today - dt.timedelta(days=29), today, "day"),
        ("本年", today.replace(month=1, day=1), today, "month"),
    ]
    out = []
    for label, start, end, period in ranges:
        q = {"start": start.isoformat(), "end": end.isoformat(), "period": period}
        if department:
            q["department"] = department
        out.append((label, "?" + urlencode(q)))
    return out


def _cells(table: tb.ReportTable) -> list[dict]:
    """Rows for the template: text, link (case numbers), numeric alignment, warning colour."""
    out = []
    n = len(table.rows)
    for i, (raw, text) in enumerate(zip(table.all_rows, table.formatted(), strict=True)):
        cells = []
        for v, t, col in zip(raw, text, table.columns, strict=True):
            short = col.kind in ("case", "date", "datetime") or (col.kind == "text" and col.width <= 14)
            css = "num" if col.numeric else ("nowrap" if short else "")
            if t == "红牌超期":
                css = "bad nowrap"
            elif t == "黄牌预警":
                css = "warn nowrap"
            cells.append({"text": t, "href": tb.CASE_URL.format(v) if col.kind == "case" and v else "", "css": css})
        out.append({"cells": cells, "total": i >= n})
    return out


@login_required
@require_GET
def dashboard(request):
    params = _params(request)
    period = params.get("period") or "day"
    try:
        scope = _scope(request, params)
        d = sel.Dashboard(scope, period=period)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        return _forbidden(request, exc.message, status=400)
    query = _query(scope, period)
    tables = tb.build_all(d)
    charts = {key: ch.to_svg(chart) for key, chart in ch.charts_for(d, width=520, height=260).items()}
    sections = [
        {
            "anchor": anchor, "title": title,
            "charts": [{"key": c, "svg": charts[c]} for c in chart_keys],
            "tables": [{"t": tables[k], "rows": _cells(tables[k]), "list": k in LIST_TABLES,
                        "folded": k in FOLDED_TABLES} for k in table_keys],
        }
        for anchor, title, chart_keys, table_keys in SECTIONS
    ]
    departments = sel.departments_for(request.user)
    today = timezone.localdate()
    month = scope.start.strftime("%Y-%m")
    pdf_q = {"month": month}
    if scope.department is not None:
        pdf_q["department"] = scope.department.code
    return render(request, "reports/dashboard.html", {
        "d": d,
        "scope": scope,
        "period": period,
        "period_label": sel.PERIODS[period],
        "periods": sel.PERIODS,
        "kpi": {
            "promised_rate": tb.fmt(d.timeliness_total.promised_rate, "pct"),
            "statutory_rate": tb.fmt(d.timeliness_total.statutory_rate, "pct"),
            "avg_days": tb.fmt(d.timeliness_total.avg_days, "num1"),
            "p90_days": tb.fmt(d.timeliness_total.p90_days, "text") or "—",
            "good_rate": tb.fmt(d.ratings_total.good_rate, "pct"),
        },
        "query": query,
        "departments": departments,
        "can_choose_department": len(departments) > 1,
        "sections": sections,
        "summary": tables["summary"],
        "summary_rows": _cells(tables["summary"]),
        "quick": _quick_ranges(today, scope.department.code if scope.department else None),
        "pdf_query": urlencode(pdf_q),
        "month": month,
        "list_limit": d.list_limit,
        "warning_total": d.snapshot.red + d.snapshot.yellow,
    })


@login_required
@require_GET
def export(request, key: str, fmt: str):
    params = _params(request)
    period = params.get("period") or "day"
    try:
        scope = _scope(request, params)
        d = sel.Dashboard(scope, period=period, list_limit=None)
        if key == "all":
            if fmt != "xlsx":
                raise NotFound("全部表格只提供 Excel 格式。")
            tables = list(tb.build_all(d).values())
        else:
            tables = [tb.build(d, key)]
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return _forbidden(request, exc.message, status=400)
    stem = f"shebao-{key}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
    if scope.department is not None:
        stem += f"-{scope.department.code}"
    if fmt == "xlsx":
        body = exports.to_xlsx(tables, scope_label=scope.label)
        response = HttpResponse(body, content_type=exports.XLSX_TYPE)
    else:
        response = HttpResponse(exports.to_csv(tables[0]), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
@require_GET
def monthly_pdf(request):
    month = (request.GET.get("month") or timezone.localdate().strftime("%Y-%m")).strip()
    try:
        start, end = sel.month_range(month)
        scope = sel.scope_for_user(request.user, start=start, end=end, department=request.GET.get("department"))
        d = sel.Dashboard(scope, period="day", list_limit=None)
        body = monthly_report(d, month_label=f"{start.year}年{start.month}月")
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        return _forbidden(request, exc.message, status=400)
    suffix = f"-{scope.department.code}" if scope.department is not None else ""
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="monthly-report-{month}{suffix}.pdf"'
    return response
