"""``shebao report monthly 2026-11 [--output PATH] [--department QY]``: the monthly report PDF.

Runs as the center (no user): the whole county, or one department with ``--department``. With
``--database demo`` it reports on the demo database (see ``shebao demo generate``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from shebao.core.errors import DomainError
from shebao.core.models import County


class Command(BaseCommand):
    help = "统计报表：生成办件统计月报（PDF）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        monthly = sub.add_parser("monthly", help="生成某月的办件统计月报 PDF")
        monthly.add_argument("month", help="月份，如 2026-11")
        monthly.add_argument("--output", "-o", default=None,
                             help="输出文件（默认 var/reports/monthly-report-YYYY-MM[-股室].pdf）")
        monthly.add_argument("--department", default=None, help="只统计一个股室（编码，如 QY）")
        monthly.add_argument("--county", default=None, help="县（区）代码（默认 SHEBAO_COUNTY）")
        monthly.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（如 demo）")

    def handle(self, *args, what, month, output, department, county, database, **opts):
        from shebao.reports import selectors as sel
        from shebao.reports.demo import ensure_alias
        from shebao.reports.pdf import monthly_report

        if database != DEFAULT_DB_ALIAS:
            ensure_alias(database)
        try:
            start, end = sel.month_range(month)
            county_obj = self._county(county, database)
            scope = sel.make_scope(county=county_obj, start=start, end=end, department=department, using=database)
            d = sel.Dashboard(scope, period="day", list_limit=None)
            body = monthly_report(d, month_label=f"{start.year}年{start.month}月")
        except DomainError as exc:
            raise CommandError(exc.message) from None
        label = f"{start:%Y-%m}" + (f"-{scope.department.code}" if scope.department else "")
        path = Path(output) if output else Path(settings.VAR_DIR) / "reports" / f"monthly-report-{label}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        v, t = d.volume_total, d.timeliness_total
        self.stdout.write(
            f"已生成 {scope.label} 的月报：{path}（{len(body)} 字节）\n"
            f"收件 {v.applications} 件，受理 {v.received} 件，办结 {v.finished_in_period} 件，"
            f"承诺按时率 {sel_fmt(t.promised_rate)}，法定按时率 {sel_fmt(t.statutory_rate)}，"
            f"当前红牌 {d.snapshot.red} 件。"
        )

    @staticmethod
    def _county(code: str | None, database: str) -> County:
        qs = County.objects.using(database)
        if code:
            county = qs.filter(code=code).first()
        else:
            county = qs.filter(code=settings.SHEBAO_DEFAULT_COUNTY).first()
            if county is None and qs.count() == 1:
                county = qs.first()  # e.g. the demo database holds only 演示县
        if county is None:
            raise CommandError(f"数据库 {database} 中未找到县（区）{code or settings.SHEBAO_DEFAULT_COUNTY}，"
                               "请用 --county 指定，或先运行 shebao catalog load。")
        return county


def sel_fmt(rate) -> str:
    from shebao.reports.tables import fmt

    return fmt(rate, "pct")
