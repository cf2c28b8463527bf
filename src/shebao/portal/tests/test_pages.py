"""Portal pages through django.test.Client: home, 40 item pages, 情形 wizard, 一次性告知单 (HTML/PDF),
self-check pages, error pages. Dates are pinned by patching ``shebao.portal.views.common.today``."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from shebao.catalog import selectors as catalog

pytestmark = pytest.mark.django_db

DEATH = "resident_pension_death_cancellation"


@pytest.fixture
def today(monkeypatch):
    """Pin “today” of the portal to a date; returns a setter."""

    def set_today(day: dt.date):
        monkeypatch.setattr("shebao.portal.views.common.today", lambda: day)
        return day

    return set_today


def text_of(response) -> str:
    """The visible text of a page (tags stripped, whitespace collapsed)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return unicodedata.normalize("NFKC", out)


def group(no: int, code: str | None = None) -> dict:
    d = catalog.get_item(no=no).data
    return next(g for g in d["material_groups"] if code is None or g.get("scenario_code") == code)


# --------------------------------------------------------------------------------------------
# Home and search
# --------------------------------------------------------------------------------------------


def test_home_shows_search_areas_items_and_ways(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="zh-CN">' in html
    assert re.search(r'<label for="q"[^>]*>[^<]+</label>', html), "the search box has a label"
    text = text_of(r)
    for area in ("企业养老保险", "城乡居民养老保险", "机关事业单位养老保险", "工伤保险", "失业保险", "社会保障卡"):
        assert area in text
    for no in range(1, 41):
        assert f'href="/items/{no}/"' in html
    # The ways to do it yourself, from the catalog's channels, per area.
    for way in ("手机APP", "民生山西", "村协办员", "银行网点", "工行或者建行银行网点", "上门服务", "政务中心窗口", "网站"):
        assert way in text, way
    # A way whose channel only repeats its label says what it offers instead.
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, flags=re.S)
    assert pairs and all(re.sub(r"<[^>]+>", "", dd).strip() != dt.strip() for dt, dd in pairs), pairs
    assert "<dt>上门服务</dt>\n        <dd>高龄或病残等行动不便人员可申请上门认证服务</dd>" in html
    assert "户籍在乡镇的城乡居民由村协办员受理、上报乡镇审核" in text


def test_pages_are_csp_compatible(client):
    """No inline scripts and no inline style attributes: the CSP forbids them."""
    for url in ("/", "/items/21/", f"/items/21/notice/?scenario={DEATH}&step=notice", "/self-check/retirement/",
                "/search/?q=社保卡"):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert "Content-Security-Policy" in client.get(url).headers


def test_search_page_finds_items_in_everyday_words(client):
    r = client.get("/search/", {"q": "社保卡"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'href="/items/40/"' in html or 'href="/items/39/"' in html


def test_search_with_the_engine_colloquial_and_out_of_scope(client):
    r = client.get("/search/", {"q": "社保卡丢了咋办"})
    html = r.content.decode()
    first = re.search(r'<a class="title" href="/items/(\d+)/">', html)
    assert first and first.group(1) == "40"
    assert "<mark>" in html  # why it matched
    r = client.get("/search/", {"q": "医保报销"})
    text = text_of(r)
    assert "不归社会保险中心办理" in text and "医疗保障局" in text
    assert 'class="results"' not in r.content.decode()


def test_search_suggests_when_unsure(client, monkeypatch):
    from shebao.portal.search import Hit, SearchOutcome, Suggestion

    outcome = SearchOutcome(
        query="社保卡", results=(Hit(39, "社会保障卡新申请办理", 5.0, ("社保卡",)), Hit(40, "社会保障卡补换卡办理", 4.9, ("社保卡",)),
                                Hit(37, "失业保险待遇核定给付", 1.5, ("卡",))),
        unsure=True, suggestions=(Suggestion(39, "社会保障卡新申请办理"), Suggestion(40, "社会保障卡补换卡办理")),
    )
    monkeypatch.setattr("shebao.portal.selectors_search.search", lambda q, county=None: outcome)
    r = client.get("/search/", {"q": "社保卡"})
    text = text_of(r)
    assert "不太确定您要办哪一件，是下面这几件吗" in text
    assert "其他可能相关的事项" in text
    html = r.content.decode()
    assert html.count('href="/items/39/"') == 1 and 'href="/items/37/"' in html


def test_search_empty_query_shows_the_form(client):
    r = client.get("/search/", {"q": "  "})
    assert r.status_code == 200 and 'id="q"' in r.content.decode()


def test_search_fragment_for_htmx(client):
    r = client.get("/search/", {"q": "社保卡"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html and "/items/" in html


def test_search_too_long_query_is_refused_in_chinese(client):
    r = client.get("/search/", {"q": "社保" * 80})
    assert r.status_code == 422
    assert "问题太长了" in text_of(r)


def test_search_nothing_found_says_so(client, monkeypatch):
    monkeypatch.setattr("shebao.portal.views.searching.search_items", lambda q, county: {"results": [], "out_of_scope": False})
    r = client.get("/search/", {"q": "zzzz"})
    assert r.status_code == 200 and "没有找到" in text_of(r)


def test_search_out_of_scope_names_where(client, monkeypatch):
    monkeypatch.setattr(
        "shebao.portal.views.searching.search_items",
        lambda q, county: {"results": [], "out_of_scope": True, "scope_hint": "医保报销请到县医疗保障局办理。"},
    )
    text = text_of(client.get("/search/", {"q": "医保报销"}))
    assert "不归社会保险中心办理" in text and "医疗保障局" in text


# --------------------------------------------------------------------------------------------
# Item pages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("no", range(1, 41))
def test_every_item_page_renders_every_element(client, no):
    item = catalog.get_item(no=no)
    d = item.data
    r = client.get(f"/items/{no}/")
    assert r.status_code == 200
    text = text_of(r)
    assert d["name"] in text
    for heading in ("谁可以办", "要带什么", "在哪办", "办理步骤", "办理时限", "办理依据"):
        assert heading in text, heading
    if d.get("conditions"):
        assert d["conditions"][:20] in text
    for g in d["material_groups"]:
        if g.get("scenario"):
            assert g["scenario"] in text
        for m in g["materials"]:
            assert m["name"] in text
    for step in d["procedure"]["steps"]:
        assert step in text
    for b in d["basis"]:
        assert b["text"] in text
    if d.get("location"):
        assert d["location"] in text
    if d.get("phone"):
        digits = re.sub(r"\D", "", d["phone"])
        assert f'href="tel:{digits}"' in r.content.decode()
    if d.get("fee"):
        assert d["fee"] in text
    for limit in ("statutory_limit", "promised_limit"):
        if d.get(limit):
            assert d[limit]["text"] in text


def test_online_items_show_self_service_first(client):
    for no in (3, 10, 37):
        html = client.get(f"/items/{no}/").content.decode()
        assert 'id="self-service"' in html
        assert html.index('id="self-service"') < html.index('id="materials"') < html.index('id="where"')
    assert 'id="self-service"' not in client.get("/items/4/").content.decode()


def test_item_page_promises_a_date_on_official_working_days(client, today):
    # Item 4: 承诺时限 20 个工作日. From Mon 2026-09-28 the 国庆 holidays (10/1–10/7) are skipped and
    # the make-up working day Sat 10/10 counts: 9/29, 9/30, 10/8, 10/9, 10/10, 10/12 … → Fri 10/30.
    today(dt.date(2026, 9, 28))
    text = text_of(client.get("/items/4/"))
    assert "如果今天申请，承诺于 2026年10月30日（周五）前办结" in text
    assert "暂定" not in text.split("谁可以办")[0]


def test_item_page_marks_provisional_dates(client, today):
    # 20 working days from 2026-12-20 reach into 2027, whose holidays are not published yet.
    today(dt.date(2026, 12, 20))
    text = text_of(client.get("/items/4/"))
    assert re.search(r"承诺于 2027年1月\d+日（周.）（暂定）前办结", text), text[:800]


def test_item_page_monthly_cutoff_and_same_day(client, today):
    today(dt.date(2026, 11, 29))  # a Sunday, after the 25th
    assert "承诺于 2026年12月25日（周五）前办结" in text_of(client.get("/items/18/"))
    assert "如果今天申请，承诺于 2026年11月30日（周一）办结（今天是休息日" in text_of(client.get("/items/39/"))
    today(dt.date(2026, 11, 30))
    assert "如果今天在工作时间内申请，承诺当日办结：2026年11月30日（周一）" in text_of(client.get("/items/39/"))


def test_item_page_shows_schedules_and_tolerance(client, today):
    today(dt.date(2026, 2, 2))
    assert "年度申报期" in text_of(client.get("/items/25/"))
    text = text_of(client.get("/items/36/"))
    assert "可容缺，3个工作日内补交" in text


def test_outside_the_yearly_filing_window_nothing_is_promised_for_today(client, today):
    """Item 25 is filed 1 January–30 April: in December the page says when to come back."""
    today(dt.date(2026, 12, 4))
    text = text_of(client.get("/items/25/"))
    assert "今天不能申报：本年度申报期已结束，下一申报期为 2027年1月1日（周五）至2027年4月30日（周五）" in text
    assert "申报期内申请的，承诺时限为即办" in text and "承诺当日办结" not in text
    notice = text_of(client.get("/items/25/notice/"))
    assert "今天不能申报" in notice and "承诺当日办结" not in notice
    today(dt.date(2027, 2, 1))
    assert "承诺当日办结" in text_of(client.get("/items/25/"))


def test_unknown_item_is_a_chinese_404(client):
    r = client.get("/items/99/")
    assert r.status_code == 404
    text = text_of(r)
    assert "未找到序号为 99 的服务事项" in text and "回到首页" in text
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and "没有找到这个页面" in text_of(r) and "Resolver404" not in text_of(r)


def test_500_page_is_chinese():
    from django.views.defaults import server_error

    r = server_error(RequestFactory().get("/"))
    assert r.status_code == 500
    assert "系统暂时出了点问题" in r.content.decode()


# --------------------------------------------------------------------------------------------
# 情形 wizard and 一次性告知单
# --------------------------------------------------------------------------------------------


def test_wizard_asks_which_situation(client):
    r = client.get("/items/21/notice/")
    assert r.status_code == 200
    html = r.content.decode()
    for label in ("老农保退保", "城乡居保死亡注销及丧葬费", "参加其他社会养老保险注销", "出国(境)移民"):
        assert label in html
    assert html.count('type="radio" ') == 4 and "<legend>您属于哪种情形？</legend>" in html
    # every radio has a label
    for rid in re.findall(r'type="radio" id="([^"]+)"', html):
        assert f'for="{rid}"' in html
    r16 = client.get("/items/16/notice/").content.decode()
    assert r16.count('name="scenario"') == 6


def test_wizard_asks_yes_no_for_conditional_materials(client):
    r = client.get("/items/21/notice/", {"scenario": DEATH})
    assert r.status_code == 200
    html = r.content.decode()
    assert "参保人生前还没有开始领取养老金吗？" in html and "（指南原文：未领取待遇人员提供）" in html
    assert 'name="q5" value="yes"' in html and 'name="q5" value="no"' in html


@pytest.mark.parametrize(("no", "scenario", "asked", "guide"), [
    (16, "in_province_in_system_out", "2018年（含）以前有过缴费吗？", "18年<含18年>之前有缴费的"),
    (16, "in_province_in_system_out", "2013年以后有过缴费吗？", "13年之后缴费"),
    (31, None, "参保单位是企业吗？", "企业"),
])
def test_conditions_that_read_badly_are_asked_in_plain_words_beside_the_guides(client, no, scenario, asked, guide):
    from html import unescape

    params = {"scenario": scenario} if scenario else {}
    if no == 31:  # its second 情形 (人员增减) is the one with conditional materials
        from shebao.catalog.models import Item

        groups = Item.objects.get(no=31).current_version.data["material_groups"]
        params = {"scenario": groups[1]["scenario_code"]}
    html = unescape(client.get(f"/items/{no}/notice/", params).content.decode())
    assert f"<legend>{asked}</legend>" in html
    assert f"（指南原文：{guide}）" in html
    assert "您的情况是否属于：18年" not in html and "您的情况是否属于：企业？" not in html


def test_wizard_questions_fragment_for_htmx(client):
    r = client.get("/items/34/notice/", {"scenario": "medical_expenses", "partial": "questions"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    assert "您的情况是否属于：转往市以外就医？" in html and "生成一次性告知单" in html


def test_notice_item21_death_lists_exactly_that_case(client):
    expected = [m["name"] for m in group(21, DEATH)["materials"]]
    assert len(expected) == 6
    r = client.get("/items/21/notice/", {"scenario": DEATH, "q5": "yes"})
    assert r.status_code == 200
    notice = r.context["notice"]
    assert [ln.name for ln in notice.lines] == expected
    listed = re.findall(r'<span class="mname">([^<]+)</span>', r.content.decode().split('id="notice-materials"')[1])
    assert [unescape(x) for x in listed] == expected
    text = text_of(r)
    for other in ("一次性支付清单", "个人自愿退保申请", "出国(境)移民证明", "其他社会养老保险领取手续复印件"):
        assert other not in text.split("请带齐")[1]
    assert "0356-3201060" in text and "阳城县政务中心四楼城居保险窗口" in text
    assert "盖公章" in text and "告知承诺" in text


def unescape(s: str) -> str:
    import html

    return html.unescape(s)


def test_notice_answers_drop_or_flag_conditional_materials(client):
    r = client.get("/items/21/notice/", {"scenario": DEATH, "q5": "no"})
    names = [ln.name for ln in r.context["notice"].lines]
    assert "个人缴费台账原件及缴费证" not in names and len(names) == 5
    assert "不需要" in text_of(r)
    r = client.get("/items/21/notice/", {"scenario": DEATH, "step": "notice"})  # not answered
    lines = r.context["notice"].lines
    assert len(lines) == 6 and lines[5].condition == "未领取待遇人员提供"
    assert "仅当“未领取待遇人员提供”时需要" in text_of(r)


def test_notice_tolerance_has_a_date_in_working_days(client, today):
    today(dt.date(2026, 9, 30))  # Wed before 国庆: 3 working days → 10/8, 10/9, 10/10 (Sat, make-up day)
    r = client.get("/items/36/notice/")
    assert r.status_code == 200
    text = text_of(r)
    assert text.count("可容缺：受理后 3个工作日内补交，今天受理的最迟须在 2026年10月10日（周六）补交") == 3


def test_notice_for_every_item_renders(client):
    for no in range(1, 41):
        d = catalog.get_item(no=no).data
        codes = [g.get("scenario_code") for g in d["material_groups"] if g.get("scenario")]
        params = {"step": "notice"}
        if len(d["material_groups"]) > 1:
            params["scenario"] = codes[-1]
        r = client.get(f"/items/{no}/notice/", params)
        assert r.status_code == 200, no
        assert "一次性告知单" in text_of(r)


def test_unknown_scenario_is_a_clear_chinese_4xx(client):
    r = client.get("/items/21/notice/", {"scenario": "bogus"})
    assert r.status_code == 400
    text = text_of(r)
    assert "本事项没有“bogus”这种情形" in text and "老农保退保" in text
    r = client.get("/items/21/notice.pdf", {"scenario": "bogus"})
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
    assert "本事项没有“bogus”这种情形" in text_of(r)
    r = client.get("/items/21/notice.pdf")
    assert r.status_code == 400 and "请先选择您的情形" in text_of(r)
    r = client.get("/items/36/notice/", {"scenario": "bogus"})
    assert r.status_code == 400 and "本事项不区分情形" in text_of(r)


def test_notice_pdf_has_real_chinese_text(client, tmp_path, today):
    today(dt.date(2026, 11, 30))
    r = client.get("/items/21/notice.pdf", {"scenario": DEATH, "q5": "yes"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content, tmp_path)
    assert "一次性告知单" in text
    assert "城乡居民基本养老保险一次性支付" in text
    assert "城乡居保死亡注销及丧葬费" in text
    assert "继承人关系证明" in text and "死亡注销户口证明" in text
    assert "0356-3201060" in text
    assert "阳城县政务中心四楼城居保险窗口" in text
    assert "2026年11月30日" in text
    assert "http://testserver/items/21/" in text  # the link beside the QR code
    assert "一次性支付清单" not in text


def test_notice_pdf_tolerance_and_item_without_scenarios(client, tmp_path, today):
    today(dt.date(2026, 9, 30))
    r = client.get("/items/36/notice.pdf")
    text = pdf_text(r.content, tmp_path)
    assert "失业保险用人单位新参保" in text and "0356-3201061" in text
    assert "社会保险登记表" in text and "可容缺" in text and "2026年10月10日" in text.replace("\n", "").replace(" ", "")


def test_notice_pdf_embeds_the_cjk_font(client):
    body = client.get("/items/40/notice.pdf", {"scenario": "adult"}).content
    assert b"/FontFile2" in body  # an embedded TrueType font program


# --------------------------------------------------------------------------------------------
# Self-check pages
# --------------------------------------------------------------------------------------------


def test_self_check_index_lists_the_checks(client):
    r = client.get("/self-check/")
    assert r.status_code == 200
    text = text_of(r)
    for title in ("我哪年哪月退休", "城乡居民养老金", "提前退休", "失业金", "待遇估算"):
        assert title in text
    assert "估算，仅供参考" in text


@pytest.mark.parametrize(
    "url", ["/self-check/retirement/", "/self-check/resident-pension/", "/self-check/early-retirement/",
            "/self-check/unemployment/", "/self-check/benefits/", "/self-check/benefits/?kind=death"],
)
def test_self_check_forms_render_with_labels(client, url):
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "估算，仅供参考" in text_of(r)
    for input_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, (url, input_id)


def test_retirement_check_after_the_2024_reform(client, today):
    today(dt.date(2026, 6, 1))
    r = client.post("/self-check/retirement/", {"birth": "1971-04", "group": "female55"})
    assert r.status_code == 200
    text = text_of(r)
    assert "2026 年 8 月" in text and "55 岁 4 个月" in text and "延迟 4 个月" in text
    r = client.post("/self-check/retirement/", {"birth": "1965年12月", "group": "male", "contribution_years": "12",
                                                 "still_contributing": "yes"})
    text = text_of(r)
    assert "2026 年 3 月" in text and "60 岁 3 个月" in text
    assert "暂不符合" in text and "已满足" in text and "待满足" in text and "还差 3 年" in text
    assert "预计符合条件的日期：2029年6月1日" in text


def test_retirement_check_bad_input_is_explained(client):
    r = client.post("/self-check/retirement/", {"birth": "1971-13", "group": "male"})
    assert r.status_code == 422
    assert "月份 13 无效" in text_of(r)
    r = client.post("/self-check/retirement/", {"birth": ""})
    assert r.status_code == 422
    text = text_of(r)
    assert "请填写出生年月" in text and "请选择人员类别" in text
    assert 'aria-invalid="true"' in r.content.decode()


def test_numbers_in_scientific_notation_get_the_fields_own_message(client):
    """“1e3” is 1000 to Python, not to the person typing it; and a number far too big says so once."""
    from shebao.portal import forms

    wage = forms.EnterprisePensionForm.base_fields["average_wage"]
    years = forms.ResidentPensionForm.base_fields["contribution_years"]
    for typed in ("1e3", "Infinity", "NaN"):
        with pytest.raises(ValidationError) as exc:
            wage.clean(typed)
        assert exc.value.messages == ["请填写数字（元）。"]
    with pytest.raises(ValidationError) as exc:
        years.clean("1000")
    assert exc.value.messages == ["不能超过 80 年，请核对。"]  # not also Django's “小数点前不超过 3 位”
    assert years.clean("１５.５") == Decimal("15.5")  # full-width digits from a Chinese input method
    r = client.post("/self-check/resident-pension/", {"birth": "1966-05", "contribution_years": "1e1",
                                                       "receiving_other_pension": "no"})
    assert r.status_code == 422 and "请填写数字，例如 15 或 15.5。" in text_of(r)


def test_resident_pension_check_60_and_65(client, today):
    today(dt.date(2026, 6, 15))
    r = client.post("/self-check/resident-pension/", {
        "birth": "1966-05", "contribution_years": "15", "receiving_other_pension": "no",
        "supplementary": "yes", "supplementary_years": "15", "receiving_basic": "yes"})
    assert r.status_code == 200
    verdicts = r.context["verdicts"]
    assert [v["item_no"] for v in verdicts] == [18, 19]
    assert verdicts[0]["verdict"] == "eligible"
    assert verdicts[1]["verdict"] == "not_yet" and verdicts[1]["eligible_on"] == dt.date(2031, 5, 1)
    text = text_of(r)
    assert "符合条件" in text and "2031年5月1日" in text
    r = client.post("/self-check/resident-pension/", {
        "birth": "1966-05", "contribution_years": "10", "still_contributing": "no", "receiving_other_pension": "yes"})
    v = r.context["verdicts"][0]
    assert v["verdict"] == "not_eligible"
    assert [c["state"] for c in v["conditions"]].count("unmet") == 2


def test_early_retirement_check(client, today):
    today(dt.date(2026, 6, 15))
    base = {"route": "special_work", "sex": "male", "birth": "1970-03", "contribution_years": "20",
            "special_work_type": "underground"}
    v = client.post("/self-check/early-retirement/", {**base, "special_work_years": "9"}).context["verdicts"][0]
    assert v["item_no"] == 5 and v["verdict"] == "eligible"
    r = client.post("/self-check/early-retirement/", {**base, "special_work_years": "8"})
    assert r.context["verdicts"][0]["verdict"] == "not_eligible"
    assert "还差 1 年" in text_of(r)
    r = client.post("/self-check/early-retirement/", {"route": "illness", "sex": "female", "birth": "1985-01",
                                                      "contribution_years": "20", "continuous_service_years": "12",
                                                      "labour_capacity_lost": "yes"})
    v = r.context["verdicts"][0]
    assert v["item_no"] == 6 and v["verdict"] == "not_yet" and v["eligible_on"] == dt.date(2030, 1, 1)
    r = client.post("/self-check/early-retirement/", {"route": "special_work", "sex": "male", "birth": "1970-03",
                                                      "contribution_years": "20"})
    assert r.status_code == 422 and "请选择工种类别" in text_of(r)


def test_unemployment_check(client):
    r = client.post("/self-check/unemployment/", {"contribution_years": "6", "contribution_months": "0",
                                                  "involuntary": "yes", "registered": "yes"})
    assert r.status_code == 200
    text = text_of(r)
    assert "最长可领取 18 个月" in text and "符合条件" in text
    r = client.post("/self-check/unemployment/", {"contribution_years": "0", "contribution_months": "8",
                                                  "involuntary": "no", "registered": "yes"})
    assert r.context["verdicts"][0]["verdict"] == "not_eligible"
    assert "不能领取失业保险金" in text_of(r)
    # Quitting of one's own will bars the benefit: no "最长可领取" promise under "不符合条件".
    r = client.post("/self-check/unemployment/", {"contribution_years": "3", "contribution_months": "0",
                                                  "involuntary": "no", "registered": "yes"})
    text = text_of(r)
    assert r.context["verdicts"][0]["verdict"] == "not_eligible"
    assert "最长可领取 12 个月失业保险金" not in text
    assert "目前不能领取失业保险金；如今后符合领取条件，按累计缴费 3 年" in text and "最长可领取 12 个月。" in text


def test_benefit_estimates(client):
    r = client.post("/self-check/benefits/", {"kind": "injury", "injury-grade": "5", "injury-monthly_wage": "5000"})
    assert r.status_code == 200
    text = text_of(r)
    assert "90000.00" in text and "3500.00" in text and "估算，仅供参考" in text
    r = client.post("/self-check/benefits/", {"kind": "resident", "resident-account_balance": "13900"})
    assert r.status_code == 200 and "个人账户养老金" in text_of(r)
    r = client.post("/self-check/benefits/", {"kind": "enterprise", "enterprise-contribution_years": "30",
                                              "enterprise-account_balance": "139000", "enterprise-retirement_age_years": "60",
                                              "enterprise-contribution_index": "1", "enterprise-average_wage": "7000"})
    assert r.status_code == 200
    text = text_of(r)
    assert "2100.00" in text and "1000.00" in text and "3100.00" in text and "估算参数" in text
    r = client.post("/self-check/benefits/", {"kind": "death", "death-spouse": "0"})
    assert r.status_code == 200 and "一次性工亡补助金" in text_of(r)


def test_estimate_parameters_read_as_a_resident_writes_them(client):
    r = client.post("/self-check/benefits/", {"kind": "death", "death-deceased_wage": "5000", "death-spouse": "1",
                                              "death-other_dependants": "0", "death-orphans_or_lone_elderly": "0"})
    assert r.status_code == 200, text_of(r)[:600]
    text = text_of(r)
    assert "56502 元/年" in text and "56502.0000" not in text
    assert "rules.md" not in text and "[secondary]" not in text and "[unconfirmed]" not in text
    assert "多个公开来源一致转引的官方公布数" in text
    assert "40%" in text  # the spouse's share, not 0.4000 比例
    assert "估算，仅供参考。以上为估算" not in text


def test_retirement_check_reads_full_width_digits_and_refuses_a_future_birth_month(client):
    wide = client.post("/self-check/retirement/", {"birth": "１９７１－０４", "group": "female55"})
    plain = client.post("/self-check/retirement/", {"birth": "1971-04", "group": "female55"})
    assert wide.status_code == plain.status_code == 200 and "55 岁 4 个月" in text_of(wide)
    r = client.post("/self-check/retirement/", {"birth": "2030-01", "group": "male"})
    assert r.status_code == 422 and "晚于本月" in text_of(r)
    # A phone's number pad (inputmode=numeric) has no dash: 197104, or the ID card's 19710415.
    for digits in ("197104", "19710415", "１９７１０４"):
        r = client.post("/self-check/retirement/", {"birth": digits, "group": "female55"})
        assert r.status_code == 200 and "55 岁 4 个月" in text_of(r), digits
    r = client.post("/self-check/retirement/", {"birth": "197113", "group": "female55"})
    assert r.status_code == 422 and "月份 13 无效" in text_of(r)


def _notice_text(client, **params):
    r = client.get("/items/34/notice/", {**params, "step": "notice"})
    assert r.status_code == 200
    return text_of(r)


def test_work_injury_alternatives_replace_what_they_stand_for(client):
    # 工亡 not cremated (the 未火化 question is q4): 火化证 cannot exist, its replacement is asked for.
    text = _notice_text(client, scenario="death_benefits", q4="yes")
    needed = text.split("不需要")[0]
    assert "死亡医学证明、户口注销证明、土葬证明" in needed and "火化证" not in needed.replace("未火化", "")
    assert "火化证（属于“未火化的”）" in text
    # cremated: 火化证 is needed, the replacement is not
    text = _notice_text(client, scenario="death_benefits", q4="no")
    assert "火化证" in text.split("不需要")[0].replace("未火化", "")
    # 门诊 (q3 of 工伤医疗费): no 住院病历 and no 住院费用汇总清单
    text = _notice_text(client, scenario="medical_expenses", q3="yes", q6="no", q7="no", q8="no")
    needed = text.split("不需要")[0]
    assert "门诊病历及相关检查报告单和处方" in needed
    assert "住院病历复印件" not in needed and "住院费用汇总清单原件" not in needed
    # not answered yet: listed, with the condition under which it is not needed
    text = _notice_text(client, scenario="medical_expenses")
    assert "“门诊治疗的”不需要" in text
