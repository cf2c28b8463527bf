"""The dashboard's tables as data: one definition serves the page, the Excel/CSV exports, the
monthly PDF and the API, so that all four always show the same figures.

Cells hold raw values (int, float rate 0–1, date, datetime, str); :func:`fmt` turns them into the
text shown on the page, in the CSV and in the PDF; the Excel export keeps numbers as numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from shebao.reports import selectors as sel

CASE_URL = "/workbench/cases/{}/"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | int | pct | num1 | date | datetime | case
    width: int = 10  # Excel column width (characters)

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "pct", "num1")


@dataclass
class ReportTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    note: str = ""

    @property
    def all_rows(self) -> list[list]:
        return self.rows + ([self.total] if self.total is not None else [])

    def formatted(self) -> list[list[str]]:
        return [[fmt(v, c.kind) for v, c in zip(row, self.columns, strict=True)] for row in self.all_rows]

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "note": self.note,
            "columns": [{"label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [[json_value(v) for v in row] for row in self.rows],
            "total": [json_value(v) for v in self.total] if self.total is not None else None,
        }


def local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


@dataclass(frozen=True)
class Figure:
    """A number in a column of mixed figures (the summary's 数值: counts, rates, days): it carries
    its own kind, so that the Excel export keeps a rate a number formatted as a percentage
    instead of the text “66.7%”."""

    value: float | int | None
    kind: str


def fmt(value, kind: str) -> str:
    if isinstance(value, Figure):
        return fmt(value.value, value.kind)
    if value is None or value == "":
        return "—" if kind in ("pct", "num1") else ""
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "num1":
        return f"{value:.1f}"
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def json_value(v):
    if isinstance(v, Figure):
        return fmt(v.value, v.kind)  # the API's summary gives the page's text, as before
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return v


# -- column sets ----------------------------------------------------------------------------------
VOLUME_COLUMNS = [
    Column("收件", "int", 8), Column("受理", "int", 8), Column("不予受理", "int", 10),
    Column("办理中", "int", 9), Column("已挂起", "int", 9), Column("已办结", "int", 9),
    Column("不予办理", "int", 10), Column("已终止", "int", 9), Column("本期办结", "int", 10),
]
VOLUME_NOTE = ("收件、受理及各状态按受理日期统计（状态为当前状态）；本期办结按办结日期统计，不论何时受理。")
TIMELINESS_COLUMNS = [
    Column("本期办结", "int", 10), Column("计入承诺考核", "int", 13), Column("承诺时限内办结", "int", 15),
    Column("承诺按时率", "pct", 11), Column("计入法定考核", "int", 13), Column("法定时限内办结", "int", 15),
    Column("法定按时率", "pct", 11), Column("平均办理用时（工作日）", "num1", 22),
    Column("90%办理用时（工作日）", "int", 21),
]
TIMELINESS_NOTE = ("办理用时＝受理日至办结日之间的工作日数（不含受理当日）减去挂起的工作日。承诺时限按挂起顺延及批准延期后的日期判断；"
                   "法定时限按挂起顺延后的日期判断，不因延期顺延；无该时限的事项不计入相应按时率。90% 用时取最近秩。")


def _volume_row(label: str, r: sel.VolumeRow) -> list:
    return [label] + [getattr(r, f) for f in sel.VOLUME_FIELDS]


def _timeliness_row(label: str, r: sel.TimelinessRow) -> list:
    return [label, r.finished, r.promised_n, r.promised_ok, r.promised_rate, r.statutory_n, r.statutory_ok,
            r.statutory_rate, r.avg_days, r.p90_days]


# -- builders -------------------------------------------------------------------------------------
def _summary(d: sel.Dashboard) -> ReportTable:
    v, t, s, tol, rt = d.volume_total, d.timeliness_total, d.snapshot, d.tolerance_total, d.ratings_total
    rows = [
        ["收件（含不予受理）", v.applications, "件"],
        ["受理", v.received, "件"],
        ["不予受理", v.not_accepted, "件"],
        ["本期办结", v.finished_in_period, "件"],
        ["不予办理（本期受理）", v.refused, "件"],
        ["承诺按时率", Figure(t.promised_rate, "pct"), f"{t.promised_ok}/{t.promised_n}"],
        ["法定按时率", Figure(t.statutory_rate, "pct"), f"{t.statutory_ok}/{t.statutory_n}"],
        ["超承诺时限办结", t.overdue, "件"],
        ["平均办理用时", Figure(t.avg_days, "num1"), "工作日"],
        ["90%办理用时", "" if t.p90_days is None else t.p90_days, "工作日"],
        ["容缺受理", tol.total, f"按期补齐 {tol.in_time} 件，待补 {tol.pending} 件"],
        ["好差评", rt.total, f"差评 {rt.bad} 件，好评率 {fmt(rt.good_rate, 'pct')}"],
        ["当前在办", s.in_progress, "件（不限日期）"],
        ["当前挂起", s.suspended, "件（不限日期）"],
        ["当前黄牌预警", s.yellow, "件"],
        ["当前红牌超期", s.red, "件"],
        ["待回访差评", s.open_bad_ratings, "件"],
    ]
    return ReportTable("summary", "关键指标", [Column("指标", width=20), Column("数值", width=12),
                                          Column("说明", width=30)], rows)


def _volume(dim: str, title: str, first: Column) -> Callable[[sel.Dashboard], ReportTable]:
    def build(d: sel.Dashboard) -> ReportTable:
        rows = [_volume_row(r.label, r) for r in d.volume(dim)]
        total = _volume_row("合计", sel._total(d.volume(dim)))
        label = title if dim != "period" else f"{title}（{sel.PERIODS[d.period]}）"
        return ReportTable(f"by_{dim}", label, [first, *VOLUME_COLUMNS], rows, total, VOLUME_NOTE)

    return build


def _timeliness(dim: str, title: str, first: Column) -> Callable[[sel.Dashboard], ReportTable]:
    def build(d: sel.Dashboard) -> ReportTable:
        rows = [_timeliness_row(r.label, r) for r in d.timeliness(dim)]
        total = sel.TimelinessRow(None, "合计")
        for r in d.timeliness(dim):
            total.add(r)
        return ReportTable(f"timeliness_{dim}", title, [first, *TIMELINESS_COLUMNS], rows,
                           _timeliness_row("合计", total), TIMELINESS_NOTE)

    return build


def _tolerance(d: sel.Dashboard) -> ReportTable:
    def row(label, r: sel.ToleranceRow):
        return [label, r.total, r.in_time, r.late, r.pending, r.not_supplied, r.in_time_rate]

    cols = [Column("股室", width=16), Column("容缺受理", "int", 10), Column("按期补齐", "int", 10),
            Column("逾期补齐", "int", 10), Column("待补", "int", 8), Column("未补齐", "int", 9),
            Column("按期补齐率", "pct", 12)]
    return ReportTable("tolerance", "容缺受理与补齐", cols, [row(r.label, r) for r in d.tolerance],
                       row("合计", d.tolerance_total),
                       "按受理日期统计容缺受理的办件；按期补齐率＝按期补齐 ÷（容缺受理 − 待补）。")


def _ratings(d: sel.Dashboard) -> ReportTable:
    def row(label, r: sel.RatingRow):
        return [label, *(r.counts.get(level, 0) for level, _ in sel.LEVELS), r.total, r.bad, r.followed_up,
                r.good_rate]

    cols = [Column("股室", width=16), *(Column(label, "int", 10) for _, label in sel.LEVELS),
            Column("合计", "int", 8), Column("差评", "int", 8), Column("差评已回访", "int", 11),
            Column("好评率", "pct", 10)]
    return ReportTable("ratings", "好差评分布", cols, [row(r.label, r) for r in d.ratings], row("合计", d.ratings_total),
                       "按评价时间统计；不满意、非常不满意为差评；好评率＝非差评 ÷ 合计。")


def _warnings(d: sel.Dashboard) -> ReportTable:
    cols = [Column("办件编号", "case", 16), Column("事项", width=30), Column("股室", width=14),
            Column("状态", width=8), Column("当前环节", width=12), Column("受理时间", "datetime", 17),
            Column("办结期限", "date", 12), Column("预警", width=10), Column("超期工作日", "int", 11)]
    rows = [[c.case_no, f"{c.item.no}. {c.item.name}", c.department.short_name, c.status_label, c.current_step,
             local(c.received_at), c.due, c.warning_label, c.overdue_days] for c in d.warnings]
    return ReportTable("warnings", "当前黄牌、红牌办件", cols, rows,
                       note="当前在办（含挂起）的预警办件，不限日期；红牌在前，按办结期限排序。超期工作日按今天计算。")


def _overdue(d: sel.Dashboard) -> ReportTable:
    cols = [Column("办件编号", "case", 16), Column("事项", width=30), Column("股室", width=14),
            Column("受理时间", "datetime", 17), Column("办结时间", "datetime", 17), Column("办结期限", "date", 12),
            Column("超期工作日", "int", 11)]
    rows = [[c.case_no, f"{c.item.no}. {c.item.name}", c.department.short_name, local(c.received_at),
             local(c.closed_at), c.due, c.late_days] for c in d.overdue_finished]
    return ReportTable("overdue", "本期超期办结办件", cols, rows, note="本期办结、办结日晚于承诺（含延期）期限的办件。")


def _bad_ratings(d: sel.Dashboard) -> ReportTable:
    cols = [Column("办件编号", "case", 16), Column("事项", width=30), Column("股室", width=14),
            Column("评价", width=10), Column("评价时间", "datetime", 17), Column("意见", width=40)]
    rows = [[r.case.case_no, f"{r.case.item.no}. {r.case.item.name}", r.case.department.short_name,
             r.get_level_display(), local(r.created_at), r.comment] for r in d.open_bad_ratings]
    return ReportTable("bad_ratings", "待回访差评", cols, rows, note="尚未登记整改回访的差评，不限日期。")


def _busiest_items(d: sel.Dashboard) -> ReportTable:
    cols = [Column("排名", "int", 6), Column("事项", width=34), Column("收件量", "int", 9)]
    rows = [[i, name, c] for i, (name, c) in enumerate(d.busiest_items, start=1)]
    return ReportTable("busiest_items", "收件最多的事项", cols, rows, note="前 10 个事项；收件量含不予受理。")


def _busiest_hours(d: sel.Dashboard) -> ReportTable:
    cols = [Column("时段", width=14), Column("收件量", "int", 9)]
    rows = [[f"{h:02d}:00–{h:02d}:59", c] for h, c in d.busiest_hours]
    return ReportTable("busiest_hours", "各时段收件量", cols, rows, note="按受理时间（北京时间）的小时统计。")


#: key → builder, in page order.
BUILDERS: dict[str, Callable[[sel.Dashboard], ReportTable]] = {
    "summary": _summary,
    "by_period": _volume("period", "办件量按时段", Column("时段", width=24)),
    "by_department": _volume("department", "办件量按股室", Column("股室", width=16)),
    "by_area": _volume("area", "办件量按业务领域", Column("业务领域", width=18)),
    "by_item": _volume("item", "办件量按事项", Column("事项", width=34)),
    "timeliness_department": _timeliness("department", "按时办结与办理用时（按股室）", Column("股室", width=16)),
    "timeliness_item": _timeliness("item", "按时办结与办理用时（按事项）", Column("事项", width=34)),
    "tolerance": _tolerance,
    "warnings": _warnings,
    "overdue": _overdue,
    "ratings": _ratings,
    "bad_ratings": _bad_ratings,
    "busiest_items": _busiest_items,
    "busiest_hours": _busiest_hours,
}
TABLE_TITLES = {
    "summary": "关键指标", "by_period": "办件量按时段", "by_department": "办件量按股室", "by_area": "办件量按业务领域",
    "by_item": "办件量按事项", "timeliness_department": "按时办结与办理用时（按股室）",
    "timeliness_item": "按时办结与办理用时（按事项）", "tolerance": "容缺受理与补齐", "warnings": "当前黄牌、红牌办件",
    "overdue": "本期超期办结办件", "ratings": "好差评分布", "bad_ratings": "待回访差评",
    "busiest_items": "收件最多的事项", "busiest_hours": "各时段收件量",
}


def build(d: sel.Dashboard, key: str) -> ReportTable:
    try:
        builder = BUILDERS[key]
    except KeyError:
        from shebao.core.errors import NotFound

        raise NotFound(f"没有名为“{key}”的统计表，可选：{'、'.join(BUILDERS)}。") from None
    return builder(d)


def build_all(d: sel.Dashboard) -> dict[str, ReportTable]:
    return {key: builder(d) for key, builder in BUILDERS.items()}
