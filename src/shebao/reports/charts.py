"""Server-side charts: bar (grouped), horizontal bar, line and stacked bar.

One layout, two renderers: :func:`to_svg` writes inline ``<svg>`` markup for the page (presentation
attributes only — no ``style`` attribute, no script — so the strict CSP allows it and the page needs
no JavaScript), and :func:`to_drawing` builds a reportlab ``Drawing`` for the monthly PDF. The
layout works in SVG coordinates (y grows downwards); the reportlab renderer flips them.

In the PDF the text is set in the project's embedded font (``shebao.core.pdf.register_font``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import count
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0b5cab", "#2f9e44", "#e8590c", "#b42318", "#868e96", "#7048e8", "#0c8599", "#f59f00"]
GRID = "#d0d7de"
AXIS = "#57606a"
TEXT = "#1a1a1a"
FONT_SIZE = 12
_ids = count(1)


@dataclass
class Series:
    name: str
    values: list[float | None]
    color: str = ""


@dataclass
class Chart:
    kind: str  # bar | hbar | line | stacked
    title: str
    categories: list[str]
    series: list[Series]
    width: int = 640
    height: int = 280
    percent: bool = False  # values are rates 0–1, axis 0–100 %
    unit: str = ""
    show_values: bool | None = None  # value labels on bars (default: when few categories)
    description: str = ""

    def __post_init__(self) -> None:
        for i, s in enumerate(self.series):
            if not s.color:
                s.color = PALETTE[i % len(PALETTE)]
        if self.kind not in ("bar", "hbar", "line", "stacked"):
            raise ValueError(f"unknown chart kind {self.kind}")


# -- primitives (SVG coordinates) -----------------------------------------------------------------
@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str = ""


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = AXIS
    width: float = 1.0


@dataclass
class Path:
    points: list[tuple[float, float]]
    stroke: str
    width: float = 2.0


@dataclass
class Dot:
    x: float
    y: float
    r: float
    fill: str
    title: str = ""


@dataclass
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = FONT_SIZE
    anchor: str = "start"  # start | middle | end
    fill: str = TEXT
    bold: bool = False


@dataclass
class Layout:
    width: int
    height: int
    items: list = field(default_factory=list)


# -- helpers --------------------------------------------------------------------------------------
def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Approximate rendered width: CJK characters are square, ASCII about half as wide."""
    return sum(size * (0.58 if ord(ch) < 128 else 1.0) for ch in text)


def clip(text: str, max_width: float, size: float = FONT_SIZE) -> str:
    if text_width(text, size) <= max_width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > max_width:
            break
        out += ch
    return out + "…"


def nice_ceiling(value: float) -> tuple[float, float]:
    """A round axis maximum ≥ ``value`` and its tick step (1, 2 or 5 × 10ⁿ, about 4–5 ticks)."""
    if value <= 0:
        return 1.0, 1.0 if value == 0 else 0.25
    raw = value / 4
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * mag
        if step >= raw:
            break
    if value >= 1 and step < 1:
        step = 1.0
    top = step * math.ceil(value / step - 1e-9)
    return (top if top > 0 else step), step


def fmt_value(v: float | None, percent: bool) -> str:
    if v is None:
        return "—"
    if percent:
        return f"{v * 100:.0f}%"
    return f"{v:.1f}" if isinstance(v, float) and not float(v).is_integer() else f"{int(v)}"


def _label_every(n: int, slot: float, labels: list[str], size: float) -> int:
    widest = max((text_width(s, size) for s in labels), default=0) + 6
    return max(1, math.ceil(widest / slot)) if slot > 0 else n


# -- layout ---------------------------------------------------------------------------------------
def layout(chart: Chart, *, with_title: bool = True) -> Layout:
    out = Layout(chart.width, chart.height)
    add = out.items.append
    top = 8
    if with_title:
        add(Text(chart.width / 2, 18, chart.title, size=13, anchor="middle", bold=True))
        top = 28
    # legend (when more than one series)
    if len(chart.series) > 1:
        x = 48.0
        y = top + 10
        for s in chart.series:
            w = 14 + 4 + text_width(s.name) + 14
            if x + w > chart.width - 8:
                x, y = 48.0, y + 16
            add(Rect(x, y - 9, 10, 10, s.color))
            add(Text(x + 14, y, s.name))
            x += w
        top = y + 12
    values = [v for s in chart.series for v in s.values if v is not None]
    if chart.kind == "stacked":
        values = [sum((s.values[i] or 0) for s in chart.series) for i in range(len(chart.categories))]
    vmax = max(values, default=0)
    if chart.percent:
        vmax, step = 1.0, 0.25
    else:
        vmax, step = nice_ceiling(vmax)
    if not chart.categories or not any(values):
        add(Text(chart.width / 2, (top + chart.height) / 2, "本期无数据", anchor="middle", fill=AXIS))
        return out
    if chart.kind == "hbar":
        _layout_hbar(chart, out, top, vmax, step)
    else:
        _layout_vertical(chart, out, top + 12, vmax, step)  # headroom for the value labels
    return out


def _ticks(vmax: float, step: float) -> list[float]:
    n = int(round(vmax / step))
    return [i * step for i in range(n + 1)]


def _layout_vertical(chart: Chart, out: Layout, top: float, vmax: float, step: float) -> None:
    add = out.items.append
    tick_labels = [fmt_value(t, chart.percent) for t in _ticks(vmax, step)]
    left = max(36.0, max(text_width(t, 10) for t in tick_labels) + 12)
    right, bottom = chart.width - 12, chart.height - 26
    plot_h, plot_w = bottom - top, right - left
    n = len(chart.categories)
    slot = plot_w / n

    def y_of(v: float) -> float:
        return bottom - (v / vmax) * plot_h

    for t, label in zip(_ticks(vmax, step), tick_labels, strict=True):
        y = y_of(t)
        add(Line(left, y, right, y, GRID if t else AXIS, 1))
        add(Text(left - 6, y + 4, label, size=10, anchor="end", fill=AXIS))
    every = _label_every(n, slot, chart.categories, 10)
    for i, cat in enumerate(chart.categories):
        if i % every == 0:
            add(Text(left + slot * (i + 0.5), bottom + 16, clip(cat, slot * every - 4, 10), size=10,
                     anchor="middle", fill=AXIS))
    show = chart.show_values if chart.show_values is not None else n <= 12
    if chart.kind == "line":
        for s in chart.series:
            pts = [(left + slot * (i + 0.5), y_of(v)) for i, v in enumerate(s.values) if v is not None]
            if len(pts) > 1:
                out.items.append(Path(pts, s.color, 2))
            if n <= 40:
                for (x, y), (i, v) in zip(pts, [(i, v) for i, v in enumerate(s.values) if v is not None],
                                          strict=True):
                    add(Dot(x, y, 3, s.color, f"{chart.categories[i]} {s.name}：{fmt_value(v, chart.percent)}"))
        return
    if chart.kind == "stacked":
        bw = slot * 0.62
        for i, cat in enumerate(chart.categories):
            x = left + slot * i + (slot - bw) / 2
            acc = 0.0
            for s in chart.series:
                v = s.values[i] or 0
                if v <= 0:
                    continue
                y0, y1 = y_of(acc), y_of(acc + v)
                add(Rect(x, y1, bw, y0 - y1, s.color, f"{cat} {s.name}：{fmt_value(v, chart.percent)}"))
                acc += v
            if show and acc:
                add(Text(x + bw / 2, y_of(acc) - 4, fmt_value(acc, chart.percent), size=10, anchor="middle"))
        return
    ns = len(chart.series)
    group = slot * 0.72
    bw = group / ns
    for i, cat in enumerate(chart.categories):
        x0 = left + slot * i + (slot - group) / 2
        for j, s in enumerate(chart.series):
            v = s.values[i]
            if v is None:
                continue
            x, y = x0 + j * bw, y_of(v)
            add(Rect(x + 1, y, max(bw - 2, 1), bottom - y, s.color, f"{cat} {s.name}：{fmt_value(v, chart.percent)}"))
            if show and bw >= 14:
                add(Text(x + bw / 2, y - 4, fmt_value(v, chart.percent), size=9 if ns > 1 else 10, anchor="middle"))


def _layout_hbar(chart: Chart, out: Layout, top: float, vmax: float, step: float) -> None:
    add = out.items.append
    n = len(chart.categories)
    label_w = min(chart.width * 0.42, max(text_width(c, 10) for c in chart.categories) + 10)
    left, right, bottom = label_w + 8, chart.width - 40, chart.height - 22
    plot_w, plot_h = right - left, bottom - top
    slot = plot_h / n
    bh = min(slot * 0.7, 22)
    s = chart.series[0]

    def x_of(v: float) -> float:
        return left + (v / vmax) * plot_w

    for t in _ticks(vmax, step):
        x = x_of(t)
        add(Line(x, top, x, bottom, GRID if t else AXIS, 1))
        add(Text(x, bottom + 14, fmt_value(t, chart.percent), size=10, anchor="middle", fill=AXIS))
    for i, cat in enumerate(chart.categories):
        y = top + slot * i + (slot - bh) / 2
        add(Text(left - 6, y + bh / 2 + 4, clip(cat, label_w - 6, 10), size=10, anchor="end"))
        v = s.values[i]
        if v is None:
            continue
        add(Rect(left, y, max(x_of(v) - left, 0.5), bh, s.color, f"{cat}：{fmt_value(v, chart.percent)}"))
        add(Text(x_of(v) + 4, y + bh / 2 + 4, fmt_value(v, chart.percent), size=10))


# -- SVG ------------------------------------------------------------------------------------------
def _a(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def to_svg(chart: Chart, *, with_title: bool = False) -> SafeString:
    """Inline ``<svg>`` markup (CSP-safe: presentation attributes only)."""
    lay = layout(chart, with_title=with_title)
    uid = f"chart{next(_ids)}"
    desc = chart.description or describe(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {lay.width} {lay.height}" '
        f'width="{lay.width}" height="{lay.height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{uid}-t">{_a(chart.title)}</title><desc id="{uid}-d">{_a(desc)}</desc>',
    ]
    for it in lay.items:
        if isinstance(it, Rect):
            tip = f"<title>{_a(it.title)}</title>" if it.title else ""
            parts.append(f'<rect x="{_n(it.x)}" y="{_n(it.y)}" width="{_n(it.w)}" height="{_n(it.h)}" '
                         f'fill="{it.fill}">{tip}</rect>')
        elif isinstance(it, Line):
            parts.append(f'<line x1="{_n(it.x1)}" y1="{_n(it.y1)}" x2="{_n(it.x2)}" y2="{_n(it.y2)}" '
                         f'stroke="{it.stroke}" stroke-width="{_n(it.width)}"/>')
        elif isinstance(it, Path):
            pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in it.points)
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{it.stroke}" '
                         f'stroke-width="{_n(it.width)}" stroke-linejoin="round"/>')
        elif isinstance(it, Dot):
            tip = f"<title>{_a(it.title)}</title>" if it.title else ""
            parts.append(f'<circle cx="{_n(it.x)}" cy="{_n(it.y)}" r="{_n(it.r)}" fill="{it.fill}">{tip}</circle>')
        elif isinstance(it, Text):
            weight = ' font-weight="bold"' if it.bold else ""
            parts.append(f'<text x="{_n(it.x)}" y="{_n(it.y)}" font-size="{_n(it.size)}" text-anchor="{it.anchor}" '
                         f'fill="{it.fill}"{weight}>{_a(it.text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute is escaped above


def describe(chart: Chart) -> str:
    """A text alternative: every series with its values (also read by screen readers)."""
    parts = []
    for s in chart.series:
        vals = "，".join(f"{c} {fmt_value(v, chart.percent)}" for c, v in zip(chart.categories, s.values, strict=True))
        parts.append(f"{s.name}：{vals}")
    return "；".join(parts) or "无数据"


# -- reportlab ------------------------------------------------------------------------------------
def to_drawing(chart: Chart, *, width: float | None = None, with_title: bool = True):
    """A reportlab ``Drawing`` of the chart, scaled to ``width`` points (default: its own size)."""
    from reportlab.graphics.shapes import Circle, Drawing, Group, PolyLine, String
    from reportlab.graphics.shapes import Line as RLine
    from reportlab.graphics.shapes import Rect as RRect
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from shebao.core.pdf import register_font

    font = register_font()
    lay = layout(chart, with_title=with_title)
    scale = (width / lay.width) if width else 1.0
    H = lay.height
    g = Group()
    c = colors.HexColor
    for it in lay.items:
        if isinstance(it, Rect):
            g.add(RRect(it.x, H - it.y - it.h, it.w, it.h, fillColor=c(it.fill), strokeColor=None))
        elif isinstance(it, Line):
            g.add(RLine(it.x1, H - it.y1, it.x2, H - it.y2, strokeColor=c(it.stroke), strokeWidth=it.width))
        elif isinstance(it, Path):
            pts = [v for x, y in it.points for v in (x, H - y)]
            g.add(PolyLine(pts, strokeColor=c(it.stroke), strokeWidth=it.width))
        elif isinstance(it, Dot):
            g.add(Circle(it.x, H - it.y, it.r, fillColor=c(it.fill), strokeColor=None))
        elif isinstance(it, Text):
            width = stringWidth(it.text, font, it.size)
            x = it.x - (width / 2 if it.anchor == "middle" else width if it.anchor == "end" else 0)
            g.add(String(x, H - it.y, it.text, fontName=font, fontSize=it.size, fillColor=c(it.fill)))
    g.scale(scale, scale)
    d = Drawing(lay.width * scale, H * scale)
    d.add(g)
    return d


# -- the dashboard's charts -------------------------------------------------------------------------
STATUS_COLORS = {"办理中": "#0b5cab", "已挂起": "#f59f00", "已办结": "#2f9e44", "不予办理": "#b42318",
                 "已终止": "#868e96", "不予受理": "#7048e8"}


def _short_period(key, period: str) -> str:
    if period == "day":
        return f"{key:%m-%d}"
    if period == "week":
        return f"第{key.isocalendar().week}周"
    if period == "month":
        return f"{key.year}-{key.month:02d}"
    return f"{key.year}"


def charts_for(d, *, width: int = 640, height: int = 280) -> dict[str, Chart]:
    """The charts of the page and the monthly report for a :class:`~shebao.reports.selectors.Dashboard`."""
    from shebao.reports.selectors import LEVELS, PERIODS

    size = {"width": width, "height": height}
    per = d.volume("period")
    dept = d.volume("department")
    tim = d.timeliness("department")
    charts = {
        "trend": Chart(
            "line", f"收件与办结趋势（{PERIODS[d.period]}）", [_short_period(r.key, d.period) for r in per],
            [Series("收件", [r.applications for r in per]), Series("办结", [r.finished_in_period for r in per],
                                                                   "#2f9e44")], **size,
        ),
        "status": Chart(
            "stacked", "本期受理办件的当前状态（按股室）", [r.label for r in dept],
            [Series(label, [getattr(r, f) for r in dept], STATUS_COLORS[label]) for f, label in
             (("in_progress", "办理中"), ("suspended", "已挂起"), ("finished", "已办结"), ("refused", "不予办理"),
              ("terminated", "已终止"), ("not_accepted", "不予受理"))], **size,
        ),
        "ontime": Chart(
            "bar", "按时办结率（按股室）", [r.label for r in tim],
            [Series("承诺按时率", [r.promised_rate for r in tim]),
             Series("法定按时率", [r.statutory_rate for r in tim], "#2f9e44")], percent=True, **size,
        ),
        "handling": Chart(
            "bar", "办理用时（工作日，按股室）", [r.label for r in tim],
            [Series("平均", [r.avg_days for r in tim]), Series("90%", [r.p90_days for r in tim], "#e8590c")], **size,
        ),
        "items": Chart(
            "hbar", "收件最多的事项", [name for name, _ in d.busiest_items], [Series("收件量", [c for _, c in d.busiest_items])],
            width=width, height=max(140, 40 + 24 * len(d.busiest_items)),
        ),
        "hours": Chart(
            "bar", "各时段收件量（时）", [f"{h}" for h, _ in d.busiest_hours],
            [Series("收件量", [c for _, c in d.busiest_hours])], show_values=False, **size,
        ),
        "ratings": Chart(
            "bar", "好差评分布", [label for _, label in LEVELS],
            [Series("评价数", [d.ratings_total.counts.get(level, 0) for level, _ in LEVELS], "#0c8599")], **size,
        ),
    }
    return charts
