"""The workbench and 办件查询 in a real browser (Debian's chromium through Playwright, see shebao/testing/browser.py).

One real case per item family walked from intake to 办结 through the pages by the staff each step
needs (clerk → reviewer → approver or section head → 办结), a 容缺 case supplied through the page,
the citizen tracking and rating it, the 差评 follow-up, a stale form, and the 360 px layout.
Screenshots go to ``var/screenshots/workbench-*.png``.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under SHEBAO_REQUIRE_BROWSER=1)
    expect = None

from shebao.testing.browser import PHONE
from shebao.testing.factories import FAMILIES, credit_code, person_id
from shebao.workbench.tests.conftest import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: Who acts on a step of each kind in these walks (section head for the decisions of item 24).
ROLE_FOR_KIND = {"intake": "clerk", "review": "reviewer", "decision": "approver", "external": "reviewer",
                 "handle": "clerk"}
ROLES = ("clerk", "reviewer", "approver", "section_head")


def make_staff(dept: str) -> None:
    from django.conf import settings

    from shebao.accounts import services as accounts
    from shebao.catalog.models import Department
    from shebao.core.models import County
    from shebao.testing.factories import PASSWORD

    county = County.objects.get(code=settings.SHEBAO_DEFAULT_COUNTY)
    department = Department.objects.get(county=county, code=dept)
    for role in ROLES:
        accounts.create_staff(username=f"{role}_{dept}".lower(), password=PASSWORD, county=county, role=role,
                              department=department, display_name=f"{department.short_name}{role}")


def htmx_idle(page) -> None:
    """Wait until htmx has swapped and settled: new content gets its handlers only after settling."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def intake_through_page(page, item_no: int, *, missing=(), tolerance=False, seq=123) -> str:
    """Fill the intake form as the clerk would; returns the new case number."""
    dept, kind, scenario = FAMILIES[item_no]
    page.goto("/workbench/intake/")
    page.select_option("#item", str(item_no))
    if scenario:
        page.locator("#scenario").wait_for()
        htmx_idle(page)
        page.select_option("#scenario", scenario)
    page.locator("#checklist select[name=m0]").wait_for()
    htmx_idle(page)
    page.check(f"#kind-{kind}")
    if kind == "unit":
        page.fill("#name", "阳城县示例煤业有限公司")
        page.fill("#id_number", credit_code())
        page.fill("#agent_name", "王经办")
    else:
        page.fill("#name", "张三丰")
        page.fill("#id_number", person_id(seq))
    page.fill("#phone", "13900000000")
    for name in missing:
        row = page.locator(".wb-material", has_text=name)
        row.locator("select").select_option("missing")
    if tolerance:
        page.check("#tolerance_consent")
        page.check("#outcome-tolerance")
    else:
        page.check("#outcome-accept")
    page.click("#intake-submit")
    page.wait_for_url(re.compile(r"/workbench/cases/[A-Z]+-\d{4}-\d{6}/$"))
    return page.locator("h1 .wb-caseno").inner_text().strip()


def case_state(case_no: str):
    from shebao.cases.models import Case

    return Case.objects.get(case_no=case_no)


def act(page, case_no: str, action: str, **fields) -> None:
    page.goto(f"/workbench/cases/{case_no}/")
    form = page.locator(f"#act-{action}")
    for selector, value in fields.items():
        form.locator(selector).fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def track(page, case_no: str, suffix: str):
    page.goto("/track/")
    page.fill("#case_no", case_no)
    page.fill("#id_suffix", suffix)
    page.get_by_role("button", name="查询").click()
    page.locator("#track-result").wait_for()


@pytest.mark.parametrize("item_no", sorted(FAMILIES))
def test_family_walk_intake_to_finish_and_rating(pages, item_no):
    dept = FAMILIES[item_no][0]
    make_staff(dept)
    users = {role: pages.login(f"{role}_{dept}".lower()) for role in ROLES}
    if item_no == 24:
        users["approver"] = users["section_head"]  # a section head may take any step

    case_no = intake_through_page(users["clerk"], item_no)
    clerk = users["clerk"]
    assert "已受理，办件编号" in clerk.locator(".messages").inner_text()
    assert clerk.locator("#print-receipt").is_visible()
    if item_no == 1:
        screenshot = screenshot_path("case")
        clerk.screenshot(path=str(screenshot), full_page=True)

    # the reviewer finds it in the queue, applicant masked
    reviewer = users["reviewer"]
    reviewer.goto("/workbench/")
    row = reviewer.locator("#queue-results tbody tr", has_text=case_no)
    row.wait_for()
    assert "张三丰" not in row.inner_text()

    suspended_once = False
    for _ in range(12):
        case = case_state(case_no)
        if case.status == "finished":
            break
        kind = case.step_kind
        page = users[ROLE_FOR_KIND[kind]]
        if kind == "external" and not suspended_once:  # item 34: 市工伤审批 — wait for the city
            act(page, case_no, "suspend", **{"textarea[name=reason]": "已报市工伤审批，等待结果"})
            assert page.locator("#case-status").inner_text() == "已挂起"
            act(users["approver"], case_no, "resume")
            assert users["approver"].locator("#case-status").inner_text() == "办理中"
            suspended_once = True
            continue
        page.goto(f"/workbench/cases/{case_no}/")
        assert page.locator("#case-step").inner_text() == case.current_step
        if case.step_index == len(case.steps) - 1:
            act(page, case_no, "finish", **{"textarea[name=result]": "已办结，结果已告知申请人"})
        else:
            act(page, case_no, "advance")
        assert page.locator(".messages").inner_text().endswith(
            f"当前环节 {case_state(case_no).current_step}。")
    case = case_state(case_no)
    assert case.status == "finished" and case.result == "已办结，结果已告知申请人"
    assert case.actions.filter(action="finish").get().actor.username.startswith(ROLE_FOR_KIND[
        case.workflow_steps()[-1].kind] if item_no != 24 else "section_head")
    if item_no == 34:
        assert case.suspensions.count() == 1 and case.suspensions.get().ended_at is not None

    page = users["clerk"]
    page.goto(f"/workbench/cases/{case_no}/")
    assert page.locator("#case-status").inner_text() == "已办结"
    assert page.locator("#case-actions").count() == 0

    # the citizen tracks it on a phone and rates it
    citizen = pages.new(PHONE)
    track(citizen, case_no, case.applicant_id[-6:])
    assert "已办结" in citizen.locator("#track-result").inner_text()
    citizen.get_by_label("满意", exact=True).check()
    citizen.fill("#comment", "办事快")
    citizen.get_by_role("button", name="提交评价").click()
    citizen.locator("#rating-thanks").wait_for()
    assert no_horizontal_scroll(citizen)
    assert case.__class__.objects.get(pk=case.pk).rating.level == "satisfied"


def test_tolerance_case_supplied_through_the_page_tracked_rated_and_followed_up(pages):
    make_staff("SY")
    clerk = pages.login("clerk_sy")
    case_no = intake_through_page(clerk, 36, missing=("社会保险登记表",), tolerance=True)
    assert "已容缺受理" in clerk.locator(".messages").inner_text()
    assert clerk.locator("#print-notice").is_visible()
    assert "容缺后补" in clerk.locator("#materials-h + table").inner_text()
    case = case_state(case_no)
    suffix = case.applicant_id[-6:]

    # the applicant sees what is still missing and by when
    citizen = pages.new(PHONE)
    track(citizen, case_no, suffix)
    missing = citizen.locator("#track-missing").inner_text()
    assert "社会保险登记表" in missing and case.supplement_due.isoformat() in missing
    citizen.screenshot(path=str(screenshot_path("track-phone")), full_page=True)
    assert no_horizontal_scroll(citizen)

    reviewer = pages.login("reviewer_sy")
    act(reviewer, case_no, "advance")
    approver = pages.login("approver_sy")
    approver.goto(f"/workbench/cases/{case_no}/")
    assert "容缺材料尚未补齐" in approver.locator("#awaiting-supplement").inner_text()
    assert approver.locator("#act-finish").count() == 0  # the result is held

    # the clerk records the supplement through the page
    clerk.goto(f"/workbench/cases/{case_no}/")
    supplement = clerk.locator("#act-supplement")
    assert supplement.get_by_label("社会保险登记表").is_checked()
    supplement.get_by_role("button", name="容缺材料补齐").click()
    clerk.wait_for_load_state()
    assert "已补交" in clerk.locator("#materials-h + table").inner_text()
    assert not case_state(case_no).awaiting_supplement

    act(approver, case_no, "finish", **{"textarea[name=result]": "准予参保"})
    assert approver.locator("#case-status").inner_text() == "已办结"

    track(citizen, case_no, suffix)
    assert citizen.locator("#track-missing").count() == 0
    citizen.get_by_label("非常不满意").check()
    citizen.fill("#comment", "补材料跑了两趟")
    citizen.get_by_role("button", name="提交评价").click()
    citizen.locator("#rating-thanks").wait_for()

    head = pages.login("section_head_sy")
    head.goto("/workbench/complaints/")
    item = head.locator(".wb-complaints > li", has_text=case_no)
    assert "补材料跑了两趟" in item.inner_text()
    item.locator("textarea").fill("已电话回访，说明补正流程并致歉")
    item.get_by_role("button", name="登记回访").click()
    head.wait_for_load_state()
    assert "已电话回访，说明补正流程并致歉" in head.locator(".wb-complaints").inner_text()
    head.screenshot(path=str(screenshot_path("complaints")), full_page=True)
    assert case_state(case_no).rating.follow_up == "已电话回访，说明补正流程并致歉"


def test_intake_errors_keep_what_was_typed_and_stale_form_is_explained(pages):
    make_staff("QY")
    clerk = pages.login("clerk_qy")
    clerk.goto("/workbench/intake/")
    clerk.select_option("#item", "1")
    clerk.locator("#checklist select[name=m0]").wait_for()
    htmx_idle(clerk)
    clerk.check("#kind-unit")
    clerk.fill("#name", "阳城县某某有限公司")
    clerk.fill("#id_number", "91140522MA0K12345X")  # wrong check character
    clerk.fill("#phone", "13800000000")
    clerk.locator(".wb-material", has_text="营业执照复印件").locator("select").select_option("missing")
    clerk.click("#intake-submit")
    clerk.locator("#intake-errors").wait_for()
    assert "统一社会信用代码无效" in clerk.locator("#id-error").inner_text()
    assert "缺少材料《营业执照复印件》" in clerk.locator(".wb-material.wb-invalid").inner_text()
    assert clerk.input_value("#name") == "阳城县某某有限公司"
    assert clerk.input_value("#id_number") == "91140522MA0K12345X"
    assert clerk.locator(".wb-material", has_text="营业执照复印件").locator("select").input_value() == "missing"
    clerk.screenshot(path=str(screenshot_path("intake-errors")), full_page=True)

    clerk.fill("#id_number", credit_code())
    clerk.locator(".wb-material", has_text="营业执照复印件").locator("select").select_option("received")
    clerk.click("#intake-submit")
    clerk.wait_for_url(re.compile(r"/workbench/cases/"))
    case_no = clerk.locator("h1 .wb-caseno").inner_text().strip()

    # two staff on the same case: the second one's form is stale
    reviewer = pages.login("reviewer_qy")
    head = pages.login("section_head_qy")
    reviewer.goto(f"/workbench/cases/{case_no}/")
    head.goto(f"/workbench/cases/{case_no}/")
    reviewer.locator("#act-advance button").click()
    reviewer.wait_for_load_state()
    head.locator("#act-suspend textarea").fill("等待单位补充工资数据")
    head.locator("#act-suspend button").click()
    head.locator("#stale-alert").wait_for()
    assert "该办件已被他人更新，请刷新后重试" in head.locator("#stale-alert").inner_text()
    assert head.locator("#act-suspend textarea").input_value() == "等待单位补充工资数据"
    head.screenshot(path=str(screenshot_path("case-stale")), full_page=True)
    assert case_state(case_no).status == "in_progress"


def test_queue_filters_and_phone_layout(pages):
    make_staff("QY")
    clerk = pages.login("clerk_qy")
    first = intake_through_page(clerk, 1, seq=201)
    second = intake_through_page(clerk, 1, seq=202)
    from shebao.cases.models import Case

    Case.objects.filter(case_no=second).update(warning="red")
    clerk.goto("/workbench/")
    rows = clerk.locator("#queue-results tbody tr")
    assert rows.count() == 2 and second in rows.first.inner_text()
    # htmx: changing a filter refreshes the list and the address
    clerk.select_option("#id_warning", "red")
    clerk.wait_for_url(re.compile(r"warning=red"))
    expect(clerk.locator("#queue-results tbody tr")).to_have_count(1)
    assert second in clerk.locator("#queue-results").inner_text() and first not in clerk.locator("#queue-results").inner_text()
    clerk.goto("/workbench/")
    clerk.screenshot(path=str(screenshot_path("queue")), full_page=True)

    phone = pages.login("reviewer_qy", viewport=PHONE)
    for url in ("/workbench/", f"/workbench/cases/{first}/"):
        phone.goto(url)
        assert no_horizontal_scroll(phone), url
    phone.screenshot(path=str(screenshot_path("case-phone")), full_page=True)
    phone.goto("/workbench/")
    phone.screenshot(path=str(screenshot_path("queue-phone")), full_page=True)
    clerk_phone = pages.login("clerk_qy", viewport=PHONE)
    clerk_phone.goto("/workbench/intake/")
    clerk_phone.select_option("#item", "1")
    clerk_phone.locator("#checklist select[name=m0]").wait_for()
    assert no_horizontal_scroll(clerk_phone)
