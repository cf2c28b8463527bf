"""The dashboard page: access rules, figures on the page, charts, links, CSP-safe markup."""

from __future__ import annotations

import re

import pytest

from shebao.accounts.models import Role

pytestmark = pytest.mark.django_db

NOV = "start=2026-11-01&end=2026-11-30"
URLS = [f"/reports/?{NOV}", f"/reports/export/by_department.xlsx?{NOV}", f"/reports/export/warnings.csv?{NOV}",
        f"/reports/export/all.xlsx?{NOV}", "/reports/monthly.pdf?month=2026-11"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_goes_to_login(client_for, url):
    r = client_for(None).get(url)
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/?next=/reports/")


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ADMIN, Role.FRONT_DESK])
@pytest.mark.parametrize("url", URLS)
def test_other_roles_get_403(county, client_for, role, url):
    r = client_for(role, None if role in (Role.ADMIN, Role.FRONT_DESK) else "QY").get(url)
    assert r.status_code == 403
    assert "仅供中心主任和股长" in r.content.decode()


def test_section_head_sees_own_department_only(world, client_for):
    c = client_for(Role.SECTION_HEAD, "QY")
    r = c.get(f"/reports/?{NOV}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "阳城县 · 企业保险股 · 2026-11-01 至 2026-11-30" in html
    assert world.no("Q5") in html and world.no("S3") not in html  # red cases: own department only
    assert "失业保险股" not in html
    assert 'select id="rp-department" name="department" disabled' in html
    for url in (f"/reports/?{NOV}&department=SY", f"/reports/export/by_item.csv?{NOV}&department=SY",
                "/reports/monthly.pdf?month=2026-11&department=SY"):
        r = c.get(url)
        assert r.status_code == 403 and "只能查看本股室（企业保险股）" in r.content.decode()
    # exports of the section head are their department's
    csv = c.get(f"/reports/export/by_department.csv?{NOV}").content.decode("utf-8-sig").splitlines()
    assert csv[1:] == ["企业保险股,5,4,1,1,1,1,1,0,3", "合计,5,4,1,1,1,1,1,0,3"]


def test_director_page_figures_links_and_charts(world, client_for):
    r = client_for(Role.DIRECTOR).get(f"/reports/?{NOV}&period=week")
    assert r.status_code == 200
    html = r.content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text)
    assert "阳城县 · 全部股室 · 2026-11-01 至 2026-11-30" in text
    # key figures
    assert "收件 14 受理 13 · 不予受理 1" in text
    assert "本期办结 8" in text
    assert "承诺按时率 62.5% 5/8 件" in text
    assert "法定按时率 85.7% 6/7 件" in text
    assert "平均办理用时 8.2 工作日 · 90% 在 24 个工作日内" in text
    assert "红牌超期 2" in text and "黄牌预警 3" in text
    # every red/yellow case links to the workbench
    for name in ("S3", "Q5", "S5", "C5", "C6"):
        assert f'<a href="/workbench/cases/{world.no(name)}/">{world.no(name)}</a>' in html
    # the weekly table
    assert "2026年第45周（11-02起）" in text
    # charts: inline SVG with a text alternative, no script, no style attribute anywhere
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 7
    assert 'role="img"' in html and "<desc" in html
    assert "style=" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/htmx.min.js" defer>']
    # download links carry the filters
    assert 'href="/reports/export/by_department.xlsx?start=2026-11-01&amp;end=2026-11-30&amp;period=week"' in html
    assert 'href="/reports/export/warnings.csv?start=2026-11-01&amp;end=2026-11-30&amp;period=week"' in html
    assert 'href="/reports/export/all.xlsx?start=2026-11-01&amp;end=2026-11-30&amp;period=week"' in html
    assert 'href="/reports/monthly.pdf?month=2026-11"' in html
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_director_filters_by_department(world, client_for):
    r = client_for(Role.DIRECTOR).get(f"/reports/?{NOV}&department=SY")
    html = r.content.decode()
    assert "阳城县 · 失业保险股 · 2026-11-01 至 2026-11-30" in html
    assert '<option value="SY" selected>失业保险股</option>' in html
    assert world.no("S3") in html and world.no("Q5") not in html


def test_default_range_is_this_month(county, client_for):
    r = client_for(Role.DIRECTOR).get("/reports/")
    assert r.status_code == 200
    assert "本期无数据" in r.content.decode()


@pytest.mark.parametrize("query, message", [
    ("start=2026-11-31", "格式不正确"),
    ("start=2026-11-20&end=2026-11-01", "早于"),
    ("period=hour", "时段"),
    ("department=XX", "未知的股室"),
])
def test_bad_filters_are_400(county, client_for, query, message):
    r = client_for(Role.DIRECTOR).get(f"/reports/?{query}")
    assert r.status_code == 400 and message in r.content.decode()


def test_unknown_export_is_404(county, client_for):
    c = client_for(Role.DIRECTOR)
    assert c.get("/reports/export/nothing.xlsx").status_code == 404
    assert c.get("/reports/export/all.csv").status_code == 404
    assert c.get("/reports/export/summary.pdf").status_code == 404
