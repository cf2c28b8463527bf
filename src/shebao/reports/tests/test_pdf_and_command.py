"""The monthly report PDF (text read back with ``pdftotext``) from the page and from
``shebao report monthly``."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from shebao.accounts.models import Role

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) 未安装"),
]


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return out.decode("utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_monthly_pdf_from_the_page(world, client_for):
    r = client_for(Role.DIRECTOR).get("/reports/monthly.pdf?month=2026-11")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'inline; filename="monthly-report-2026-11.pdf"'
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    f = flat(text)
    assert "办件统计月报" in f
    assert "阳城县社会保险中心·2026年11月" in f
    assert "统计区间2026-11-01至2026-11-30" in f
    # the key figures, as computed by hand in test_figures
    assert "本月收件14件，受理13件，不予受理1件；本月办结8件。" in f
    assert "承诺按时率62.5%（5/8），法定按时率85.7%（6/7）" in f
    assert "平均办理用时8.2个工作日，90%的办件在24个工作日内办结" in f
    assert "当前在办6件、挂起1件，黄牌3件、红牌2件，待回访差评2件" in f
    # the tables: a department row and the overdue list with its case numbers
    assert "企业保险股54111110" + "3" in f
    assert "本月超期办结3件" in f
    for name in ("Q1", "C2", "S1", "S3", "Q5", "S5"):
        assert world.no(name) in f
    # the charts are drawn into the PDF (their titles and axis labels are text)
    for title in ("收件与办结趋势（按日）", "本期受理办件的当前状态（按股室）", "按时办结率（按股室）", "办理用时（工作日，按股室）",
                  "好差评分布", "各时段收件量（时）", "收件最多的事项"):
        assert title in f
    assert "第1页" in f  # the footer prints digits too
    # A4
    info = subprocess.run(["pdfinfo", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    truetype = [line for line in fonts.splitlines()[2:] if "TrueType" in line]
    assert truetype and all(" yes " in line for line in truetype)  # the project font is embedded


def test_monthly_pdf_of_a_section_head_is_their_department(world, client_for):
    r = client_for(Role.SECTION_HEAD, "SY").get("/reports/monthly.pdf?month=2026-11")
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'inline; filename="monthly-report-2026-11-SY.pdf"'
    f = flat(pdf_text(r.content))
    assert "阳城县社保中心失业保险股·2026年11月" in f
    assert "本月收件5件，受理5件，不予受理0件；本月办结2件。" in f
    assert world.no("Q1") not in f and world.no("S3") in f


def test_monthly_pdf_bad_month(county, client_for):
    r = client_for(Role.DIRECTOR).get("/reports/monthly.pdf?month=2026-13")
    assert r.status_code == 400 and "月份" in r.content.decode()


def test_report_command_writes_the_pdf(world, tmp_path):
    out = tmp_path / "nov.pdf"
    from io import StringIO

    stdout = StringIO()
    call_command("report", "monthly", "2026-11", "--output", str(out), stdout=stdout)
    said = stdout.getvalue()
    assert f"已生成 阳城县 · 全部股室 · 2026-11-01 至 2026-11-30 的月报：{out}" in said
    assert "收件 14 件，受理 13 件，办结 8 件，承诺按时率 62.5%，法定按时率 85.7%，当前红牌 2 件。" in said
    data = out.read_bytes()
    f = flat(pdf_text(data))
    assert "本月收件14件，受理13件" in f and world.no("Q1") in f
    assert pdf_pages(data) >= 3


def test_report_command_for_one_department_default_path(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    from io import StringIO

    call_command("report", "monthly", "2026-11", "--department", "qy", stdout=StringIO())
    path = tmp_path / "reports" / "monthly-report-2026-11-QY.pdf"
    f = flat(pdf_text(path.read_bytes()))
    assert "本月收件5件，受理4件，不予受理1件；本月办结3件。" in f
    assert world.no("S2") not in f


@pytest.mark.parametrize("args, message", [
    (["2026-13"], "月份"),
    (["2026/11"], "月份"),
    (["2026-11", "--department", "XX"], "未知的股室"),
    (["2026-11", "--county", "000000"], "未找到县"),
    (["2026-11", "--database", "nowhere"], "未配置数据库别名"),
])
def test_report_command_errors(county, args, message, tmp_path):
    with pytest.raises((CommandError, Exception), match=message):
        call_command("report", "monthly", *args, "--output", str(tmp_path / "x.pdf"))
