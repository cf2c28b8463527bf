"""Excel (.xlsx) and CSV exports of the dashboard's tables.

* xlsx: one sheet per table, Chinese headers in row 1 (bold, shaded, frozen), column widths from
  the table definition, numbers as numbers (rates as percentages, dates as dates), the total row
  in bold, and a last sheet “说明” with the scope, the time of export and the definitions.
* CSV: UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly; the same
  text as the page (rates as ``50.0%``).

Text typed by people (a rating's comment…) is never turned into a formula: in the xlsx such cells
are stored as text, in the CSV a leading ``= + - @`` is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from shebao.reports.tables import Figure, ReportTable, fmt

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_FORMATS = {"pct": "0.0%", "num1": "0.0", "int": "0", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF6")
_BAD_SHEET_CHARS = str.maketrans({c: "·" for c in "[]:*?/\\"})


def sheet_title(title: str, used: set[str]) -> str:
    base = title.translate(_BAD_SHEET_CHARS)[:31]
    name, i = base, 2
    while name in used:
        suffix = f"({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name)
    return name


def _write_sheet(ws, table: ReportTable) -> None:
    ws.append([c.label for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in table.all_rows:
        kinds = [v.kind if isinstance(v, Figure) else col.kind for v, col in zip(row, table.columns, strict=True)]
        row = [v.value if isinstance(v, Figure) else v for v in row]
        ws.append([None if v == "" else v for v in row])
        for cell, kind, v in zip(ws[ws.max_row], kinds, row, strict=True):
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif v is not None and kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[kind]
    if table.total is not None:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions if table.rows else None


def to_xlsx(tables: Iterable[ReportTable], *, scope_label: str = "", notes: Iterable[str] = ()) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    tables = list(tables)
    for table in tables:
        _write_sheet(wb.create_sheet(sheet_title(table.title, used)), table)
    about = wb.create_sheet(sheet_title("说明", used))
    about.append(["项目", "内容"])
    for cell in about[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    about.append(["统计范围", scope_label])
    about.append(["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for t in tables:
        if t.note:
            about.append([t.title, t.note])
    for note in notes:
        about.append(["口径", note])
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 100
    about.freeze_panes = "A2"
    wb.properties.title = "社保办事通统计报表"
    wb.properties.creator = "社保办事通"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_cell(value, kind: str) -> str:
    text = fmt(value, kind)
    if kind in ("pct", "num1") and text == "—":
        return ""
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(table: ReportTable) -> bytes:
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.label for c in table.columns])
    for row in table.all_rows:
        writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return buf.getvalue().encode("utf-8")


def filename(stem: str, ext: str) -> str:
    return f"{stem}.{ext}"
