"""The monthly report (办件统计月报) as an A4 PDF: key figures, charts, tables, overdue lists.

Built with ``shebao.core.pdf`` (one embedded font for Chinese, Latin and digits); the charts are
the dashboard's own, drawn with reportlab graphics (vectors, not images).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph

from shebao.core.pdf import PdfDocument, styles
from shebao.core.pdf import table as pdf_table
from shebao.reports import charts as ch
from shebao.reports import selectors as sel
from shebao.reports import tables as tb

CONTENT_WIDTH_MM = 174  # A4 (210) minus the 18 mm margins
LIST_LIMIT = 200


def _style(name: str) -> ParagraphStyle:
    if name == "list":  # the long case lists: smaller type so that case numbers fit on one line
        return ParagraphStyle("list", parent=styles()["cell"], fontSize=8, leading=10)
    return styles()[name]


def p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), _style(style))


def _table(t: tb.ReportTable, widths: list[float] | None = None, limit: int | None = None, style: str = "cell"):
    rows = t.formatted()
    more = 0
    if limit is not None and len(rows) > limit:
        more, rows = len(rows) - limit, rows[:limit]
    data = [[p(c.label, style) for c in t.columns]] + [[p(v, style) for v in row] for row in rows]
    out = [pdf_table(data, col_widths=widths)]
    if more:
        out.append(p(f"（另有 {more} 行未列出，请在系统中导出 Excel 查看全部。）", "small"))
    return out


def _chart(chart: ch.Chart):
    return ch.to_drawing(chart, width=CONTENT_WIDTH_MM * mm)


def monthly_report(d: sel.Dashboard, *, month_label: str) -> bytes:
    """The PDF for the dashboard ``d`` (its scope is the month)."""
    scope = d.scope
    tables = {key: tb.build(d, key) for key in ("summary", "by_department", "timeliness_department", "tolerance",
                                                 "ratings", "overdue", "warnings", "bad_ratings", "busiest_items")}
    charts = ch.charts_for(d)
    who = scope.department.name if scope.department else scope.county.agency
    doc = PdfDocument(title="办件统计月报")
    doc.add(p(f"{who} · {month_label}", "subtitle"))
    doc.add(p(f"统计区间 {scope.start.isoformat()} 至 {scope.end.isoformat()}；"
              f"生成时间 {timezone.localtime():%Y-%m-%d %H:%M}；“当前”各项为生成时的状态。", "small"))
    doc.space(3)

    v, t, s = d.volume_total, d.timeliness_total, d.snapshot
    doc.add(p("一、主要指标", "h2"))
    doc.add(p(
        f"本月收件 {v.applications} 件，受理 {v.received} 件，不予受理 {v.not_accepted} 件；本月办结 {v.finished_in_period} 件。"
        f"承诺按时率 {tb.fmt(t.promised_rate, 'pct')}（{t.promised_ok}/{t.promised_n}），"
        f"法定按时率 {tb.fmt(t.statutory_rate, 'pct')}（{t.statutory_ok}/{t.statutory_n}）；"
        f"平均办理用时 {tb.fmt(t.avg_days, 'num1')} 个工作日，90% 的办件在 "
        f"{'—' if t.p90_days is None else t.p90_days} 个工作日内办结。"
        f"当前在办 {s.in_progress} 件、挂起 {s.suspended} 件，黄牌 {s.yellow} 件、红牌 {s.red} 件，待回访差评 "
        f"{s.open_bad_ratings} 件。"
    ))
    doc.flowables.extend(_table(tables["summary"], [60, 36, 78]))

    doc.add(p("二、办件量", "h2"))
    doc.add(_chart(charts["trend"]))
    doc.add(_chart(charts["status"]))
    doc.add(KeepTogether(_table(tables["by_department"], [27] + [16.3] * 9)))
    doc.add(p(tb.VOLUME_NOTE, "small"))

    doc.add(p("三、按时办结与办理用时", "h2"))
    doc.add(_chart(charts["ontime"]))
    doc.add(_chart(charts["handling"]))
    doc.add(KeepTogether(_table(tables["timeliness_department"], [26, 14, 16, 17, 16, 16, 17, 16, 18, 18])))
    doc.add(p(tb.TIMELINESS_NOTE, "small"))

    doc.add(p("四、容缺受理", "h2"))
    doc.add(KeepTogether(_table(tables["tolerance"], [40, 20, 20, 20, 20, 24, 30])))
    doc.add(p(tables["tolerance"].note, "small"))

    doc.add(p("五、好差评", "h2"))
    doc.add(_chart(charts["ratings"]))
    doc.add(KeepTogether(_table(tables["ratings"], [24, 15, 13, 15, 15, 17, 13, 13, 18, 18])))
    doc.add(p("待回访差评（不限日期）："))
    doc.flowables.extend(_table(tables["bad_ratings"], [26, 40, 22, 18, 24, 44], LIST_LIMIT, "list"))

    doc.add(p("六、超期办件", "h2"))
    doc.add(p(f"本月超期办结 {len(d.overdue_finished)} 件："))
    doc.flowables.extend(_table(tables["overdue"], [26, 44, 20, 24, 24, 20, 16], LIST_LIMIT, "list"))
    doc.add(p(f"当前红牌、黄牌在办办件 {s.red + s.yellow} 件（红牌 {s.red} 件）："))
    doc.flowables.extend(_table(tables["warnings"], [26, 34, 18, 13, 15, 22, 20, 14, 12], LIST_LIMIT, "list"))

    doc.add(p("七、收件时段与热门事项", "h2"))
    doc.add(_chart(charts["hours"]))
    doc.add(_chart(charts["items"]))
    return doc.render()

