"""Exports, read back cell by cell: .xlsx through openpyxl, CSV as UTF-8 with a BOM."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from shebao.accounts.models import Role
from shebao.reports import exports
from shebao.reports import selectors as sel
from shebao.reports import tables as tb
from shebao.reports.tests.conftest import D

pytestmark = pytest.mark.django_db

NOV = "start=2026-11-01&end=2026-11-30"
VOLUME_HEADER = ["股室", "收件", "受理", "不予受理", "办理中", "已挂起", "已办结", "不予办理", "已终止", "本期办结"]


def _xlsx(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.content[:500]
    assert r["Content-Type"] == exports.XLSX_TYPE
    return r, load_workbook(io.BytesIO(r.content))


def _values(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _csv(client, url):
    r = client.get(url)
    assert r.status_code == 200
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM, so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_department_volume_xlsx_cell_by_cell(world, client_for):
    r, wb = _xlsx(client_for(Role.DIRECTOR), f"/reports/export/by_department.xlsx?{NOV}")
    assert r["Content-Disposition"] == 'attachment; filename="shebao-by_department-20261101-20261130.xlsx"'
    assert wb.sheetnames == ["办件量按股室", "说明"]
    ws = wb["办件量按股室"]
    assert _values(ws) == [
        VOLUME_HEADER,
        ["企业保险股", 5, 4, 1, 1, 1, 1, 1, 0, 3],
        ["城居保险股", 4, 4, 0, 1, 0, 3, 0, 0, 3],
        ["机关保险股", 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["工伤保险股", 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["失业保险股", 5, 5, 0, 2, 0, 2, 0, 1, 2],
        ["社会保障卡窗口", 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ["合计", 14, 13, 1, 4, 1, 6, 1, 1, 8],
    ]
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1]) and all(c.font.b for c in ws[8])
    assert ws.column_dimensions["A"].width == 18 and ws.column_dimensions["B"].width == 10
    assert ws.column_dimensions["D"].width == 12
    about = _values(wb["说明"])
    assert about[0] == ["项目", "内容"]
    assert about[1] == ["统计范围", "阳城县 · 全部股室 · 2026-11-01 至 2026-11-30"]
    assert about[3] == ["办件量按股室", tb.VOLUME_NOTE]


def test_timeliness_xlsx_keeps_numbers_and_formats(world, client_for):
    _, wb = _xlsx(client_for(Role.DIRECTOR), f"/reports/export/timeliness_department.xlsx?{NOV}")
    ws = wb.worksheets[0]
    rows = _values(ws)
    assert rows[0] == ["股室", "本期办结", "计入承诺考核", "承诺时限内办结", "承诺按时率", "计入法定考核", "法定时限内办结",
                       "法定按时率", "平均办理用时（工作日）", "90%办理用时（工作日）"]
    assert rows[1] == ["企业保险股", 3, 3, 2, pytest.approx(2 / 3), 3, 3, 1.0, 18.0, 24]
    assert rows[2] == ["城居保险股", 3, 3, 2, pytest.approx(2 / 3), 3, 2, pytest.approx(2 / 3), pytest.approx(2 / 3), 1]
    assert rows[3] == ["失业保险股", 2, 2, 1, 0.5, 1, 1, 1.0, 5.0, 8]
    assert rows[4] == ["合计", 8, 8, 5, pytest.approx(5 / 8), 7, 6, pytest.approx(6 / 7), 8.25, 24]
    assert ws["E2"].number_format == "0.0%" and ws["I2"].number_format == "0.0"
    assert len(rows) == 5


def test_warnings_xlsx_and_csv(world, client_for):
    c = client_for(Role.DIRECTOR)
    _, wb = _xlsx(c, f"/reports/export/warnings.xlsx?{NOV}")
    ws = wb.worksheets[0]
    rows = _values(ws)
    assert rows[0] == ["办件编号", "事项", "股室", "状态", "当前环节", "受理时间", "办结期限", "预警", "超期工作日"]
    assert [r[0] for r in rows[1:]] == [world.no(n) for n in ("S3", "Q5", "S5", "C5", "C6")]
    s3 = rows[1]
    # 即办 under 容缺: due on the supply date 11/13, not on the day of receipt
    assert s3[1:8] == ["36. 失业保险用人单位新参保", "失业保险股", "办理中", "审核", dt.datetime(2026, 11, 10, 10, 0),
                       dt.datetime(2026, 11, 13, 0, 0), "红牌超期"]
    assert isinstance(s3[8], int) and s3[8] > 0  # working days overdue as of today
    assert ws["F2"].number_format == "yyyy-mm-dd hh:mm" and ws["G2"].number_format == "yyyy-mm-dd"
    # C5 was received at 23:30 Beijing time: the export shows Beijing time, not UTC
    assert rows[4][5] == dt.datetime(2026, 11, 30, 23, 30)
    lines = _csv(c, f"/reports/export/warnings.csv?{NOV}")
    assert lines[0] == rows[0]
    assert lines[1][:8] == [world.no("S3"), "36. 失业保险用人单位新参保", "失业保险股", "办理中", "审核", "2026-11-10 10:00",
                            "2026-11-13", "红牌超期"]
    assert lines[5][:8] == [world.no("C6"), "11. 城乡居民基本养老保险参保登记", "城居保险股", "办理中", "审核",
                            "2026-12-01 00:30", "2026-12-01", "黄牌预警"]
    assert lines[5][8] == "0"


def test_csv_rates_and_empty_values(world, client_for):
    lines = _csv(client_for(Role.DIRECTOR), f"/reports/export/timeliness_item.csv?{NOV}")
    assert lines[0][0] == "事项"
    assert lines[1:] == [
        ["4. 企业养老保险正常退休资格审批", "2", "2", "1", "50.0%", "2", "2", "100.0%", "22.5", "24"],
        ["7. 企业养老保险待遇核定", "1", "1", "1", "100.0%", "1", "1", "100.0%", "9.0", "9"],
        ["11. 城乡居民基本养老保险参保登记", "3", "3", "2", "66.7%", "3", "2", "66.7%", "0.7", "1"],
        ["36. 失业保险用人单位新参保", "1", "1", "1", "100.0%", "0", "0", "", "2.0", "2"],  # no statutory limit
        ["37. 失业保险待遇核定给付", "1", "1", "0", "0.0%", "1", "1", "100.0%", "8.0", "8"],
        ["合计", "8", "8", "5", "62.5%", "7", "6", "85.7%", "8.2", "24"],
    ]


def test_csv_of_periods_ratings_and_hours(world, client_for):
    c = client_for(Role.DIRECTOR)
    lines = _csv(c, "/reports/export/by_period.csv?start=2026-09-01&end=2026-11-30&period=month")
    assert lines == [
        ["时段", "收件", "受理", "不予受理", "办理中", "已挂起", "已办结", "不予办理", "已终止", "本期办结"],
        ["2026-09", "1", "1", "0", "0", "0", "1", "0", "0", "0"],   # Q1
        ["2026-10", "3", "3", "0", "1", "0", "2", "0", "0", "1"],   # Q2, Q5 (open), C3; C3 finished 10/12
        ["2026-11", "14", "13", "1", "4", "1", "6", "1", "1", "8"],
        ["合计", "18", "17", "1", "5", "1", "9", "1", "1", "9"],
    ]
    lines = _csv(c, f"/reports/export/ratings.csv?{NOV}")
    assert lines == [
        ["股室", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "合计", "差评", "差评已回访", "好评率"],
        ["企业保险股", "1", "0", "0", "1", "1", "3", "2", "1", "33.3%"],
        ["城居保险股", "0", "1", "1", "0", "0", "2", "0", "0", "100.0%"],
        ["失业保险股", "1", "0", "0", "0", "0", "1", "0", "0", "100.0%"],
        ["合计", "2", "1", "1", "1", "1", "6", "2", "1", "66.7%"],
    ]
    lines = _csv(c, f"/reports/export/busiest_hours.csv?{NOV}")
    assert len(lines) == 25 and lines[0] == ["时段", "收件量"]
    assert lines[10] == ["09:00–09:59", "4"] and lines[11] == ["10:00–10:59", "6"] and lines[24] == ["23:00–23:59", "1"]
    lines = _csv(c, f"/reports/export/tolerance.csv?{NOV}")
    assert lines[1] == ["失业保险股", "4", "2", "0", "1", "1", "66.7%"]
    lines = _csv(c, f"/reports/export/overdue.csv?{NOV}")
    assert [r[0] for r in lines[1:]] == [world.no(n) for n in ("Q1", "C2", "S1")]
    assert lines[1][3:] == ["2026-09-21 10:00", "2026-11-02 10:00", "2026-10-30", "1"]


def test_all_tables_in_one_workbook(world, client_for):
    _, wb = _xlsx(client_for(Role.DIRECTOR), f"/reports/export/all.xlsx?{NOV}&department=QY")
    assert wb.sheetnames == [
        "关键指标", "办件量按时段（按日）", "办件量按股室", "办件量按业务领域", "办件量按事项", "按时办结与办理用时（按股室）",
        "按时办结与办理用时（按事项）", "容缺受理与补齐", "当前黄牌、红牌办件", "本期超期办结办件", "好差评分布", "待回访差评",
        "收件最多的事项", "各时段收件量", "说明",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
    summary = _values(wb["关键指标"])
    assert summary[0] == ["指标", "数值", "说明"]
    assert summary[1] == ["收件（含不予受理）", 5, "件"]
    # Rates and days are numbers Excel can sum and chart, shown as on the page.
    assert summary[6] == ["承诺按时率", pytest.approx(2 / 3), "2/3"]
    assert summary[9] == ["平均办理用时", 18.0, "工作日"]
    ws = wb["关键指标"]
    assert ws["B7"].number_format == "0.0%" and ws["B10"].number_format == "0.0" and ws["B2"].number_format == "General"
    assert _values(wb["待回访差评"])[1][:4] == [world.no("Q3"), "7. 企业养老保险待遇核定", "企业保险股", "非常不满意"]
    assert len(_values(wb["办件量按时段（按日）"])) == 1 + 30 + 1


def test_text_is_never_a_formula(world, county):
    """A rating comment is typed by the applicant: it must never become a formula."""
    from shebao.cases.models import Rating

    Rating.objects.filter(case__case_no=world.no("Q3")).update(comment="=HYPERLINK(\"http://x\",\"点我\")")
    d = sel.Dashboard(sel.make_scope(county=county, start="2026-11-01", end="2026-11-30"), today=D("2026-11-30"))
    table = tb.build(d, "bad_ratings")
    wb = load_workbook(io.BytesIO(exports.to_xlsx([table])))
    cell = wb.worksheets[0]["F3"]
    assert cell.value == '=HYPERLINK("http://x","点我")' and cell.data_type == "s"
    lines = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"))))
    assert lines[2][5] == "'=HYPERLINK(\"http://x\",\"点我\")"


def test_sheet_titles_are_valid():
    used: set[str] = set()
    assert exports.sheet_title("a/b:c*d?[e]", used) == "a·b·c·d··e·"
    assert exports.sheet_title("x" * 40, used) == "x" * 31
    assert exports.sheet_title("x" * 40, used) == "x" * 28 + "(2)"
