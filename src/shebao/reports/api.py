"""JSON API of the reports context: the dashboard's figures and tables (bearer token).

Same access rules as the page: the director any department (or all), a section head their own
department only, everyone else 403. Every endpoint takes ``start``/``end`` (YYYY-MM-DD, default
this month so far) and ``department`` (code, e.g. QY); tables also take ``period``.
"""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from shebao.accounts.auth import TokenAuth
from shebao.reports import selectors as sel
from shebao.reports import tables as tb

router = Router(tags=["统计 reports"])
STAFF = [TokenAuth()]


class ScopeQuery(Schema):
    start: str | None = Field(None, description="开始日期 YYYY-MM-DD（默认本月 1 日）")
    end: str | None = Field(None, description="结束日期 YYYY-MM-DD（含当日，默认今天）")
    department: str | None = Field(None, description="股室编码，如 QY（股长只能是本股室）")


class TableQuery(ScopeQuery):
    period: str = Field("day", description="时段：day | week | month | year")
    limit: int | None = Field(None, ge=1, le=100000, description="清单类表格最多返回的行数（默认全部）")


def _dashboard(request, q: ScopeQuery, *, period: str = "day", limit: int | None = None) -> sel.Dashboard:
    scope = sel.scope_for_user(request.auth, start=q.start, end=q.end, department=q.department)
    return sel.Dashboard(scope, period=period, list_limit=limit)


def _scope_out(scope: sel.Scope) -> dict:
    return {
        "county": scope.county.name,
        "department": scope.department.code if scope.department else None,
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "label": scope.label,
    }


@router.get("/reports/summary", auth=STAFF, summary="关键指标")
def summary(request, q: Query[ScopeQuery]):
    d = _dashboard(request, q)
    v, t, s, tol, r = d.volume_total, d.timeliness_total, d.snapshot, d.tolerance_total, d.ratings_total
    return {
        "scope": _scope_out(d.scope),
        "volume": {f: getattr(v, f) for f in sel.VOLUME_FIELDS},
        "timeliness": {
            "finished": t.finished,
            "promised_counted": t.promised_n, "promised_on_time": t.promised_ok, "promised_rate": t.promised_rate,
            "statutory_counted": t.statutory_n, "statutory_on_time": t.statutory_ok,
            "statutory_rate": t.statutory_rate,
            "average_working_days": t.avg_days, "p90_working_days": t.p90_days,
        },
        "tolerance": {"total": tol.total, "in_time": tol.in_time, "late": tol.late, "pending": tol.pending,
                      "not_supplied": tol.not_supplied, "in_time_rate": tol.in_time_rate},
        "ratings": {"total": r.total, "bad": r.bad, "followed_up": r.followed_up, "good_rate": r.good_rate,
                    "by_level": {level: r.counts.get(level, 0) for level, _ in sel.LEVELS}},
        "now": {"in_progress": s.in_progress, "suspended": s.suspended, "yellow": s.yellow, "red": s.red,
                "awaiting_supplement": s.awaiting_supplement, "open_bad_ratings": s.open_bad_ratings},
    }


@router.get("/reports/tables", auth=STAFF, summary="可用的统计表")
def list_tables(request):
    sel.scope_for_user(request.auth)  # same access rule as the tables themselves
    return [{"key": key, "title": title} for key, title in tb.TABLE_TITLES.items()]


@router.get("/reports/tables/{key}", auth=STAFF, summary="一张统计表（与页面、导出相同）")
def get_table(request, key: str, q: Query[TableQuery]):
    d = _dashboard(request, q, period=q.period, limit=q.limit)
    return {"scope": _scope_out(d.scope), "period": d.period, **tb.build(d, key).as_dict()}
