"""The server-side charts: CSP-safe SVG markup, escaping, layouts and the reportlab drawing."""

from __future__ import annotations

import re

import pytest

from shebao.reports import charts as ch


def bar(**kw):
    return ch.Chart("bar", kw.pop("title", "按股室"), ["企业保险股", "城居保险股", "失业保险股"],
                    [ch.Series("收件", [5, 4, 0]), ch.Series("办结", [3, 3, 2])], **kw)


def test_svg_is_csp_safe_and_accessible():
    svg = ch.to_svg(bar())
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart"')
    assert "style=" not in svg and "<script" not in svg and "on" + "load=" not in svg
    assert 'role="img"' in svg
    m = re.search(r'aria-labelledby="(chart\d+)-t \1-d"', svg)
    assert m and f'<title id="{m.group(1)}-t">按股室</title>' in svg
    # the text alternative lists every value
    assert "收件：企业保险股 5，城居保险股 4，失业保险股 0；办结：企业保险股 3，城居保险股 3，失业保险股 2" in svg
    # one bar per non-missing value, each with a tooltip
    assert svg.count("<rect ") == 6 + 2  # 6 bars and 2 legend swatches
    assert "<title>城居保险股 办结：3</title>" in svg


def test_svg_escapes_text():
    chart = ch.Chart("bar", '<script>alert("x")</script>', ['a&b "c"'], [ch.Series("<i>", [1])])
    svg = ch.to_svg(chart, with_title=True)
    assert "<script>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    assert "a&amp;b &quot;c&quot;" in svg


def test_empty_chart_says_so():
    chart = ch.Chart("line", "趋势", ["11-01", "11-02"], [ch.Series("收件", [0, 0])])
    assert "本期无数据" in ch.to_svg(chart)
    assert "本期无数据" in ch.to_svg(ch.Chart("hbar", "事项", [], [ch.Series("收件量", [])]))


def test_line_stacked_and_hbar_layouts():
    line = ch.Chart("line", "趋势", [f"11-{d:02d}" for d in range(1, 31)], [ch.Series("收件", list(range(30)))])
    svg = ch.to_svg(line)
    assert svg.count("<polyline ") == 1 and svg.count("<circle ") == 30
    # 30 day labels do not fit: only every few are printed
    labels = re.findall(r">11-\d\d</text>", svg)
    assert 5 <= len(labels) < 30
    stacked = ch.Chart("stacked", "状态", ["甲", "乙"], [ch.Series("办理中", [1, 2]), ch.Series("已办结", [3, 0])])
    svg = ch.to_svg(stacked)
    assert svg.count("<rect ") == 3 + 2  # zero segments are not drawn
    assert ">4</text>" in svg  # the stack's total on top
    hbar = ch.Chart("hbar", "事项", ["11. 城乡居民基本养老保险参保登记" * 3, "短"], [ch.Series("收件量", [7, 2])])
    svg = ch.to_svg(hbar)
    assert "…" in svg  # long names are clipped
    assert ">7</text>" in svg and ">2</text>" in svg


def test_percent_axis():
    chart = ch.Chart("bar", "按时率", ["甲"], [ch.Series("承诺", [0.5])], percent=True)
    svg = ch.to_svg(chart)
    assert ">100%</text>" in svg and ">50%</text>" in svg and ">0%</text>" in svg


@pytest.mark.parametrize("value, top, step", [(0, 1, 1), (3, 3, 1), (7, 8, 2), (14, 15, 5), (100, 100, 25),
                                               (1234, 1500, 500), (0.4, 0.4, 0.1)])
def test_nice_ceiling(value, top, step):
    assert ch.nice_ceiling(value) == (pytest.approx(top), pytest.approx(step))


@pytest.mark.django_db
def test_drawing_for_the_pdf():
    from reportlab.graphics.shapes import String
    from reportlab.lib.units import mm

    d = ch.to_drawing(bar(), width=174 * mm)
    assert d.width == pytest.approx(174 * mm)
    strings = [s.text for s in d.getContents()[0].contents if isinstance(s, String)]
    assert "按股室" in strings and "企业保险股" in strings and "5" in strings
