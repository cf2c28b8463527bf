"""The portal in a real browser (Debian's chromium through Playwright, see shebao/testing/browser.py).

The main flow a resident follows — search in everyday words → item → 情形 wizard → 一次性告知单 →
PDF — plus phone layout, keyboard use and screenshots of the main pages at 360×800 and 1280×900
under ``var/screenshots/``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEATH = "resident_pension_death_cancellation"


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return unicodedata.normalize("NFKC", out)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_search_item_wizard_notice_pdf(page, live_url, tmp_path, screenshot):
    page.goto(live_url("/"))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_label("用一句话说说您要办的事").fill("我爸去世了城居保的钱怎么领")
    page.keyboard.press("Enter")
    first = page.locator("#search-results .results li").first.locator("a.title")
    first.wait_for()
    assert first.get_attribute("href") == "/items/21/"
    assert page.locator("#search-results mark").count() > 0  # why it matched, highlighted
    screenshot(page, "search")
    first.click()

    page.wait_for_url(re.compile(r"/items/21/$"))
    assert page.locator("h1").inner_text() == "城乡居民基本养老保险一次性支付"
    assert "承诺" in page.locator("#promise").inner_text()
    page.get_by_role("link", name="按我的情形生成一次性告知单").click()

    page.wait_for_url(re.compile(r"/items/21/notice/$"))
    page.get_by_label("城乡居保死亡注销及丧葬费").check()
    # htmx brings the yes/no question for the conditional material without a page load.
    question = page.get_by_role("group", name="参保人生前还没有开始领取养老金吗？")
    question.wait_for()
    question.get_by_label("是").check()
    page.get_by_role("button", name="生成一次性告知单").click()

    page.wait_for_url(re.compile(r"/items/21/notice/\?.*scenario=" + DEATH))
    items = page.locator("#notice-materials .mname").all_inner_texts()
    assert items == [
        "山西省城乡居民基本养老保险注销登记表", "证明事项告知承诺书", "继承人关系证明", "死亡注销户口证明",
        "身份证复印件、社保卡复印件", "个人缴费台账原件及缴费证",
    ]
    notice = page.locator(".notice-doc").inner_text()
    assert "0356-3201060" in notice and "阳城县政务中心四楼城居保险窗口" in notice
    assert page.locator(".notice-qr img").evaluate("img => img.naturalWidth > 0")
    screenshot(page, "notice-21")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 PDF 告知单").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    assert "城乡居民基本养老保险一次性支付" in text
    assert "继承人关系证明" in text
    assert "0356-3201060" in text
    assert "一次性支付清单" not in text


def test_wizard_works_with_the_keyboard(page, live_url):
    page.goto(live_url("/items/34/notice/"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "scenario":
            break
    else:
        pytest.fail("Tab 键无法到达情形单选按钮")
    page.keyboard.press("Space")
    page.get_by_role("group", name=re.compile("您的情况是否属于")).first.wait_for()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "生成一次性告知单":
            break
    else:
        pytest.fail("Tab 键无法到达“生成一次性告知单”按钮")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"step=notice"))
    assert page.locator("#notice-materials li").count() >= 4


def test_skip_link_is_the_first_stop(page, live_url):
    page.goto(live_url("/items/4/"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.locator(".skip").is_visible()


def test_every_field_has_a_label(page, live_url):
    for path in ("/", "/items/21/notice/", "/self-check/retirement/", "/self-check/early-retirement/",
                 "/self-check/benefits/?kind=death"):
        page.goto(live_url(path))
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                 .filter(el => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
                 .map(el => el.name)"""
        )
        assert unlabelled == [], (path, unlabelled)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_main_pages_fit_and_screenshots(browser, live_url, screenshot, viewport, request):
    page = request.getfixturevalue("phone_page" if viewport == "phone" else "page")
    pages = {
        "home": "/",
        "item-21": "/items/21/",
        "item-36": "/items/36/",
        "wizard-34": "/items/34/notice/",
        "notice-36": "/items/36/notice/",
        "self-check-retirement": "/self-check/retirement/",
    }
    for name, path in pages.items():
        page.goto(live_url(path))
        assert no_horizontal_scroll(page), f"{path} 在 {page.viewport_size} 下出现横向滚动"
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 17, f"{path} 正文字号 {size}px 太小"
        screenshot(page, name)
    # The retirement self-check, filled in on this device.
    page.goto(live_url("/self-check/retirement/"))
    page.get_by_label("出生年月").fill("1971-04")
    page.get_by_label("女职工，管理或技术岗位（原来 55 周岁退休）").check()
    page.get_by_role("button", name="开始判断").click()
    page.get_by_text("2026 年 8 月").wait_for()
    assert no_horizontal_scroll(page)
    screenshot(page, "self-check-retirement-result")


def test_phone_tap_targets_are_large(phone_page, live_url):
    phone_page.goto(live_url("/"))
    small = phone_page.evaluate(
        """() => [...document.querySelectorAll('.item-links a, .btn, .search-row input')]
             .filter(el => el.getBoundingClientRect().height < 40).map(el => el.textContent.trim())"""
    )
    assert small == []


def test_notice_prints_as_a_clean_sheet(page, live_url, screenshot):
    page.goto(live_url("/items/30/notice/?scenario=construction_project"))
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.get_by_role("link", name="下载 PDF 告知单").is_visible()
    assert page.locator(".notice-doc").is_visible()
    assert page.locator("#notice-materials li").count() == 7
    screenshot(page, "notice-30-print")
