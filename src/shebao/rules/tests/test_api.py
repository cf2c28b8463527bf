"""The rules API: answers, OpenAPI presence, and Chinese 422s (never a 500)."""

from __future__ import annotations

import pytest

from shebao.rules import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.forget_calendar()
    yield
    selectors.forget_calendar()


def _ok(resp):
    assert resp.status_code == 200, resp.content.decode()
    return resp.json()


def _422(resp, fragment):
    assert resp.status_code == 422, resp.content.decode()
    detail = resp.json()["detail"]
    assert fragment in detail, detail
    return detail


def test_add_working_days(client):
    data = _ok(client.get("/api/v1/calendar/add-working-days", {"start": "2026-09-28", "days": 20}))
    assert (data["due"], data["provisional"]) == ("2026-10-30", False)
    data = _ok(client.get("/api/v1/calendar/add-working-days", {"start": "2026-12-20", "days": 20}))
    assert data["due"] == "2027-01-18" and data["provisional"] is True and "暂定" in data["explanation"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start": "2026-09-28", "days": -1}, "不能为负数"),
        ({"start": "2026-13-01", "days": 1}, "不是有效日期"),
        ({"start": "2026-09-28", "days": "abc"}, "应为整数"),
        ({"start": "2026-09-28"}, "缺少必填项"),
        ({"start": "2026-09-28", "days": 100000}, "不能超过"),
        ({"start": "1990-01-01", "days": 1}, "超出工作日历的计算范围"),
    ],
)
def test_add_working_days_bad_input(client, params, fragment):
    _422(client.get("/api/v1/calendar/add-working-days", params), fragment)


def test_between_and_day(client):
    data = _ok(client.get("/api/v1/calendar/working-days-between", {"start": "2026-09-28", "end": "2026-10-30"}))
    assert data["working_days"] == 20 and not data["provisional"]
    day = _ok(client.get("/api/v1/calendar/day", {"date": "2026-10-10"}))
    assert day["working_day"] and day["kind"] == "makeup_workday" and day["kind_label"] == "调休上班日"
    day = _ok(client.get("/api/v1/calendar/day", {"date": "2026-10-01"}))
    assert not day["working_day"] and day["next_working_day"] == "2026-10-08"
    years = _ok(client.get("/api/v1/calendar/schedules"))
    assert years["known_years"][0] == 2004 and years["known_years"][-1] == 2026


def test_item_deadlines_from_the_catalog(client):
    data = _ok(client.get("/api/v1/items/1/deadlines", {"received": "2026-09-28T10:00:00+08:00"}))
    assert data["statutory"]["due"] == "2026-10-30" and data["statutory"]["kind"] == "working_days"
    assert data["promised"]["due"] == "2026-09-28" and data["promised"]["kind"] == "same_day"
    assert "当日不计入" in data["statutory"]["explanation"]
    assert data["provisional"] is False
    item5 = _ok(client.get("/api/v1/items/5/deadlines", {"received": "2026-03-20T09:00:00+08:00"}))
    assert item5["schedules"][0]["kind"] == "quarterly_cutoff" and item5["schedules"][0]["date"] == "2026-04-14"
    item27 = _ok(client.get("/api/v1/items/27/deadlines", {"received": "2026-03-20T09:00:00+08:00", "event": "2026-02-01"}))
    assert item27["statutory"]["due"] is None
    assert item27["schedules"][0]["date"] == "2026-07-01" and item27["schedules"][0]["status"] == "not_yet_open"
    item19 = _ok(client.get("/api/v1/items/19/deadlines", {"received": "2026-04-20T09:00:00+08:00"}))
    assert item19["promised"]["due"] == "2026-04-27"  # 25th is a Saturday: 节假日顺延
    late = _ok(client.get("/api/v1/items/37/deadlines", {"received": "2026-12-28T09:00:00+08:00"}))
    assert late["provisional"] is True and late["statutory"]["provisional_years"] == [2027]
    assert data["applicable_now"] is True and data["note"] == ""


def test_item_deadlines_outside_the_yearly_filing_window_say_nothing_can_be_applied_for(client):
    """Item 25 is filed 每年1月1日至4月30日: a date outside says so, and names the next window."""
    inside = _ok(client.get("/api/v1/items/25/deadlines", {"received": "2026-03-02T09:00:00+08:00"}))
    assert inside["applicable_now"] is True and inside["note"] == ""
    after = _ok(client.get("/api/v1/items/25/deadlines", {"received": "2026-06-01T09:00:00+08:00"}))
    assert after["applicable_now"] is False
    assert "当天不能申报" in after["note"] and "下一申报期为 2027-01-01 至 2027-04-30" in after["note"]
    assert after["schedules"][0]["status"] == "closed"


def test_item_deadlines_bad_input(client):
    assert client.get("/api/v1/items/99/deadlines", {"received": "2026-09-28T10:00:00+08:00"}).status_code == 404
    _422(client.get("/api/v1/items/1/deadlines", {"received": "yesterday"}), "时间格式")
    _422(client.get("/api/v1/items/27/deadlines", {"received": "2026-03-01T09:00:00+08:00", "event": "2026-03-02"}), "死亡日期")


def test_item_deadlines_with_stubbed_catalog(client, monkeypatch):
    from types import SimpleNamespace

    from shebao.catalog import selectors as catalog_selectors

    item = {
        "no": 7,
        "name": "测试事项",
        "statutory_limit": {"label": "法定时限", "text": "30 个工作日", "kind": "working_days", "days": 30},
        "promised_limit": {"label": "承诺时限", "text": "即办", "kind": "same_day"},
        "schedules": [],
    }
    monkeypatch.setattr(catalog_selectors, "get_item", lambda *, county=None, no: SimpleNamespace(data=item, name="测试事项"))
    data = _ok(client.get("/api/v1/items/7/deadlines", {"received": "2026-10-01T09:00:00+08:00"}))
    assert data["item_name"] == "测试事项"
    assert data["promised"]["due"] == "2026-10-08"


def test_retirement(client):
    data = _ok(client.get("/api/v1/rules/retirement", {"birth": "1971-04", "group": "female55"}))
    assert {k: data[k] for k in ("retirement_month", "age_years", "age_months", "delay_months")} == {
        "retirement_month": "2026-08",
        "age_years": 55,
        "age_months": 4,
        "delay_months": 4,
    }
    assert data["min_contribution_years"] == 15
    assert (data["earliest_month"], data["latest_month"]) == ("2026-04", "2029-08")


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"birth": "1971-13", "group": "male"}, "月份 13 无效"),
        ({"birth": "1971-04", "group": "female"}, "人员类别"),
        ({"birth": "abc", "group": "male"}, "格式不正确"),
        ({"group": "male"}, "缺少必填项"),
    ],
)
def test_retirement_bad_input(client, params, fragment):
    _422(client.get("/api/v1/rules/retirement", params), fragment)


def test_eligibility(client):
    facts = {"birth": "1971-04", "group": "female55", "contribution_years": 12, "contribution_months": 9, "as_of": "2026-11-28"}
    data = _ok(client.post("/api/v1/rules/eligibility/4", facts, content_type="application/json"))
    assert data["verdict"] == "not_yet"
    assert any("还差 2 年 3 个月缴费" in c["text"] and c["met"] is False for c in data["conditions"])
    data = _ok(client.post("/api/v1/rules/eligibility/37", {"contribution_years": 6}, content_type="application/json"))
    assert data["verdict"] == "eligible" and data["extra"]["benefit_months"] == 18
    listed = _ok(client.get("/api/v1/rules/eligibility"))
    assert [r["item_no"] for r in listed] == [4, 5, 6, 18, 19, 20, 27, 37]


def test_eligibility_bad_input(client):
    post = lambda no, body: client.post(f"/api/v1/rules/eligibility/{no}", body, content_type="application/json")  # noqa: E731
    _422(post(4, {"birth": "1971-13", "group": "male", "contribution_years": 15}), "月份 13 无效")
    _422(post(4, {"birth": "1971-04", "group": "boss", "contribution_years": 15}), "人员类别")
    _422(post(4, {"birth": "1971-04", "group": "male", "contribution_years": "many"}), "应为数字")
    _422(post(4, {"birth": "1971-04", "group": "male"}), "累计缴费年限")
    _422(post(18, {"id_number": "110105194912310021", "contribution_years": 15}), "校验码")
    resp = post(9, {})
    assert resp.status_code == 404 and "没有可自动判断" in resp.json()["detail"]
    resp = client.post("/api/v1/rules/eligibility/4", "not json", content_type="application/json")
    assert resp.status_code in (400, 422)


def test_validators(client):
    ok = _ok(client.get("/api/v1/validate/id-number", {"value": "11010519491231002X"}))
    assert ok["valid"] is True
    bad = _ok(client.get("/api/v1/validate/id-number", {"value": "110105194912310021"}))
    assert bad["valid"] is False and "校验码错误" in bad["message"]
    assert _ok(client.get("/api/v1/validate/credit-code", {"value": "91350100M000100Y43"}))["valid"] is True
    bad = _ok(client.get("/api/v1/validate/credit-code", {"value": "91350100M000100Y44"}))
    assert bad["valid"] is False and "校验码错误" in bad["message"]
    assert _ok(client.get("/api/v1/validate/phone", {"value": "0356-4228486"}))["kind"] == "landline"
    assert _ok(client.get("/api/v1/validate/phone", {"value": ""}))["valid"] is False


def test_estimates(client):
    post = lambda path, body: client.post(f"/api/v1/rules/estimate/{path}", body, content_type="application/json")  # noqa: E731
    data = _ok(post("enterprise-pension", {"contribution_years": 30, "account_balance": 139000,
                                            "retirement_age_years": 60, "contribution_index": 1, "average_wage": 7000}))  # fmt: skip
    assert data["total"] == "3100.00" and data["is_estimate"] and data["estimated_params"]
    assert any(p["tag"] == "估算参数" for p in data["params"])
    _422(post("enterprise-pension", {"contribution_years": 30, "account_balance": 1, "retirement_age_years": 60,
                                      "indexed_wage": 5000}), "缺少参数")  # fmt: skip
    _422(post("enterprise-pension", {"contribution_years": -1, "account_balance": 1, "retirement_age_years": 60}), "数值过小")
    data = _ok(post("resident-pension", {"account_balance": 13900, "on": "2026-06-01"}))
    assert data["total"] == "263.00" and data["params"][0]["tag"] == "有出处"
    data = _ok(post("resident-pension", {"account_balance": 13900, "on": "2025-06-01"}))
    assert data["total"] == "243.00"
    data = _ok(post("work-injury", {"grade": 1, "monthly_wage": 5000}))
    assert data["parts"] == {"lump_sum": "135000.00", "monthly_allowance": "4500.00"}
    _422(post("work-injury", {"grade": 11, "monthly_wage": 5000}), "数值过大")
    data = _ok(post("work-injury-death", {"on": "2026-06-01"}))
    assert data["parts"]["death_lump_sum"] == "1130040.00"
    data = _ok(post("work-injury-death", {"on": "2026-06-01", "deceased_wage": 6000, "spouse": 1}))
    assert data["parts"]["dependants_monthly"] == "2400.00" and data["estimated_params"]
    data = _ok(post("unemployment", {"contribution_years": 6}))
    assert data["parts"]["months"] == "18.00"
    params = _ok(client.get("/api/v1/rules/parameters"))
    assert any(p["key"] == "national_urban_disposable_income" for p in params)


def test_everything_is_in_openapi(client):
    schema = _ok(client.get("/api/v1/openapi.json"))
    paths = schema["paths"]
    for path in (
        "/api/v1/calendar/add-working-days",
        "/api/v1/calendar/working-days-between",
        "/api/v1/calendar/day",
        "/api/v1/items/{no}/deadlines",
        "/api/v1/rules/retirement",
        "/api/v1/rules/eligibility/{no}",
        "/api/v1/validate/id-number",
        "/api/v1/validate/credit-code",
        "/api/v1/validate/phone",
        "/api/v1/rules/estimate/enterprise-pension",
        "/api/v1/rules/estimate/resident-pension",
        "/api/v1/rules/estimate/work-injury",
        "/api/v1/rules/estimate/work-injury-death",
        "/api/v1/rules/estimate/unemployment",
    ):
        assert path in paths, path
