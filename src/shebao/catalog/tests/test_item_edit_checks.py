"""Editing an item in the admin keeps the catalog's rules: 容缺 only as the county's 容缺办事项清单
lists it, time limits that say what their text says (承诺 ≤ 法定), a phone number one can dial.
A refused edit saves nothing (no item version, no audit event) and stays on the form."""

from __future__ import annotations

import copy
import json

import pytest
from django.conf import settings

from shebao.catalog import schema, services
from shebao.catalog.loader import CatalogFileError, parse_catalog, validate_catalog_data
from shebao.catalog.models import Item, ItemVersion
from shebao.core.errors import DomainError
from shebao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _item(county, no: int) -> Item:
    return Item.objects.get(county=county, no=no)


def _material(data: dict, name: str) -> dict:
    return next(m for g in data["material_groups"] for m in g["materials"] if m["name"] == name)


def _with_tolerance_on_card_account(data: dict) -> dict:
    _material(data, "社保卡账号")["tolerance"] = {"period_text": "3个工作日", "working_days": 3}
    return data


def _promised_25_text_20(data: dict) -> dict:
    data["promised_limit"]["days"] = 25  # text still says 20 个工作日
    return data


def _promised_40(data: dict) -> dict:
    data["promised_limit"].update(text="40 个工作日", days=40)  # 法定时限 is 30 个工作日
    return data


def _phone_abc(data: dict) -> dict:
    data["phone"] = "abc"
    return data


BAD_EDITS = {
    "tolerance not in the county's list": (
        _with_tolerance_on_card_account, "材料《社保卡账号》不在本县容缺办事项清单内，不能设置容缺（tolerance）：清单中没有本事项"),
    "days unlike the text": (
        _promised_25_text_20, "承诺时限（promised_limit）的工作日数（days）为 25，与文字“20 个工作日”中的 20 个工作日不一致"),
    "promise longer than the statutory limit": (
        _promised_40, "承诺时限 40 个工作日超过了法定时限 30 个工作日：承诺时限不能长于法定时限"),
    "phone abc": (_phone_abc, "咨询电话（phone）“abc”格式不正确"),
}


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="s3cret-pass-123"))
    return client


def _counts(item: Item) -> tuple[int, int]:
    return ItemVersion.objects.filter(item=item).count(), AuditEvent.objects.filter(action="catalog.item.update").count()


@pytest.mark.parametrize("case", list(BAD_EDITS))
def test_a_bad_edit_is_refused_by_the_service_and_saves_nothing(county, staff, case):
    edit, message = BAD_EDITS[case]
    item = _item(county, 4)
    before, counts = copy.deepcopy(item.data), _counts(item)
    with pytest.raises(DomainError) as err:
        services.update_item(item=item, data=edit(copy.deepcopy(item.data)), actor=staff("admin"))
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems
    assert err.value.message.startswith("事项 4 的修改未保存，共 1 处：")
    item.refresh_from_db()
    assert item.data == before and _counts(item) == counts


@pytest.mark.parametrize("case", list(BAD_EDITS))
def test_a_bad_edit_stays_on_the_admin_form_with_its_message(county, admin_client, case):
    edit, message = BAD_EDITS[case]
    item = _item(county, 4)
    before, counts = copy.deepcopy(item.data), _counts(item)
    resp = admin_client.post(f"/admin/catalog/item/{item.pk}/change/",
                             {"content": json.dumps(edit(copy.deepcopy(item.data)), ensure_ascii=False)})
    html = resp.content.decode()
    assert resp.status_code == 200 and message in html and "成功" not in html
    item.refresh_from_db()
    assert item.data == before and _counts(item) == counts


def test_every_problem_of_an_edit_is_listed_at_once(county, admin_client):
    item = _item(county, 4)
    data = _phone_abc(_promised_40(_with_tolerance_on_card_account(copy.deepcopy(item.data))))
    data["statutory_limit"]["days"] = 35  # text still says 30 个工作日
    with pytest.raises(DomainError) as err:
        services.check_item_update(item=item, data=data)
    problems = err.value.problems
    assert len(problems) == 4 and err.value.message.startswith("事项 4 的修改未保存，共 4 处："), problems
    assert problems[0].startswith(BAD_EDITS["tolerance not in the county's list"][1])
    assert problems[1].startswith("法定时限（statutory_limit）的工作日数（days）为 35，与文字“30 个工作日”")
    assert problems[2].startswith("承诺时限 40 个工作日超过了法定时限 35 个工作日")
    assert problems[3].startswith(BAD_EDITS["phone abc"][1])
    html = admin_client.post(f"/admin/catalog/item/{item.pk}/change/",
                             {"content": json.dumps(data, ensure_ascii=False)}).content.decode()
    assert all(p in html for p in problems)


def test_a_good_edit_of_the_same_fields_still_saves(county, staff, admin_client):
    item = _item(county, 4)
    versions, events = _counts(item)
    data = copy.deepcopy(item.data)
    data["promised_limit"].update(text="25 个工作日", days=25)
    data["phone"] = "0356—3201061"
    services.update_item(item=item, data=data, actor=staff("admin"))
    item.refresh_from_db()
    assert item.data["promised_limit"]["days"] == 25 and item.data["phone"] == "0356—3201061"
    assert _counts(item) == (versions + 1, events + 1)
    # the admin form: a phone as the guide writes it, a mobile number, the item's 即办 promise
    data = copy.deepcopy(item.data)
    data["phone"] = "0356 - 4227691、13912345678"
    resp = admin_client.post(f"/admin/catalog/item/{item.pk}/change/", {"content": json.dumps(data, ensure_ascii=False)})
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.data["phone"] == "0356 - 4227691、13912345678"


def test_the_listed_tolerance_materials_keep_their_tolerance_and_period(county, staff):
    item = _item(county, 36)
    ok = copy.deepcopy(item.data)
    ok["fee"] = "不收费（核实）"
    services.check_item_update(item=item, data=ok)  # its three 容缺 materials are as the list says
    dropped = copy.deepcopy(item.data)
    _material(dropped, "社会保险登记表")["tolerance"] = None
    longer = copy.deepcopy(item.data)
    _material(longer, "开户许可证复印件")["tolerance"] = {"period_text": "30个工作日", "working_days": 30}
    extra = copy.deepcopy(item.data)
    _material(extra, "营业执照复印件")["tolerance"] = {"period_text": "3个工作日", "working_days": 3}
    expected = {
        "dropped": (dropped, "容缺办事项清单第 1 行列明材料《社会保险登记表》可容缺（3个工作日），该材料须保留容缺"),
        "longer": (longer, "材料《开户许可证复印件》的容缺补正期限“30个工作日”（30 个工作日）与容缺办事项清单第 2 行"),
        "extra": (extra, "材料《营业执照复印件》不在本县容缺办事项清单内，不能设置容缺（tolerance）：清单中本事项可容缺的材料只有"
                         "《社会保险登记表》、《开户许可证复印件》、《法人身份证复印件》"),
    }
    for key, (data, message) in expected.items():
        with pytest.raises(DomainError) as err:
            services.check_item_update(item=item, data=data)
        assert any(p.startswith(message) for p in err.value.problems), (key, err.value.problems)


@pytest.mark.parametrize(("statutory", "promised", "problem"), [
    ({"text": "即办", "kind": "same_day"}, {"text": "5 个工作日", "kind": "working_days", "days": 5},
     "法定时限为即办（“即办”），承诺时限不能为 5 个工作日"),
    ({"text": "30 个工作日", "kind": "working_days", "days": 30}, {"text": "30日内", "kind": "working_days", "days": 30},
     "写的是 30 天（自然日），不是工作日"),
    ({"text": "30 个工作日", "kind": "working_days", "days": 30}, {"text": "20 个工作日", "kind": "same_day"},
     "承诺时限（promised_limit）的文字“20 个工作日”写明 20 个工作日，时限类型（kind）应为 working_days"),
    ({"text": "三十个工作日", "kind": "working_days", "days": 20}, None, "与文字“三十个工作日”中的 30 个工作日不一致"),
    ({"text": "即办", "kind": "same_day"}, {"text": "每月 25 日前", "kind": "monthly_cutoff", "day_of_month": 20},
     "每月截止日（day_of_month）为 20，与文字“每月 25 日前”中的每月 25 日不一致"),
])
def test_limits_of_other_kinds(county, statutory, promised, problem):
    item = _item(county, 4)
    data = copy.deepcopy(item.data)
    data["statutory_limit"] = {"label": "法定时限", **statutory}
    data["promised_limit"] = {"label": "承诺时限", **promised} if promised else None
    with pytest.raises(DomainError) as err:
        services.check_item_update(item=item, data=data)
    assert any(problem in p for p in err.value.problems), err.value.problems


@pytest.mark.parametrize(("statutory", "promised"), [
    ({"text": "即办", "kind": "same_day"}, {"text": "每月25日前（节假日顺延）", "kind": "monthly_cutoff",
                                           "day_of_month": 25, "holiday_deferral": True}),   # items 18–20
    ({"text": "即时受理", "kind": "on_complete"}, {"text": "15 个工作日", "kind": "working_days", "days": 15}),  # 34
    ({"text": "无", "kind": "none"}, {"text": "即办", "kind": "same_day"}),  # 36
    ({"text": "30 个工作日", "kind": "working_days", "days": 30}, {"text": "30 个工作日", "kind": "working_days", "days": 30}),
    ({"text": "按规定时限", "kind": "working_days", "days": 30}, {"text": "即办", "kind": "same_day"}),  # no number stated
])
def test_limits_that_cannot_be_compared_or_agree_are_accepted(county, statutory, promised):
    item = _item(county, 4)
    data = copy.deepcopy(item.data)
    data["statutory_limit"] = {"label": "法定时限", **statutory}
    data["promised_limit"] = {"label": "承诺时限", **promised}
    services.check_item_update(item=item, data=data)


def test_the_shipped_catalog_keeps_every_rule():
    loaded = parse_catalog(settings.SHEBAO_CATALOG_FILE)
    cat = loaded.catalog
    assert len(cat.items) == 40
    for item in cat.items:
        assert schema.tolerance_problems(item, cat.tolerance_list) == [], item.no
        assert schema.listed_tolerance_problems(item, cat.tolerance_list) == [], item.no
        assert schema.item_limit_problems(item) == [], item.no
        assert schema.phone_problems(item.phone) == [], item.no


def test_a_catalog_file_breaking_the_rules_is_not_loaded():
    data = copy.deepcopy(parse_catalog(settings.SHEBAO_CATALOG_FILE).data)
    item4 = data["items"][3]
    assert item4["no"] == 4
    _with_tolerance_on_card_account(item4)
    _promised_40(item4)
    with pytest.raises(CatalogFileError) as err:
        validate_catalog_data(data)
    text = "；".join(err.value.problems)
    assert "事项 4：材料《社保卡账号》不在本县容缺办事项清单内" in text
    assert "事项 4：承诺时限 40 个工作日超过了法定时限 30 个工作日" in text


def test_an_edit_refused_only_at_saving_is_not_reported_as_saved(county, admin_client, monkeypatch):
    """The catalog changed between the form's check and the save: the admin says why, not 成功修改."""

    def refuse(**kwargs):
        raise DomainError("事项 39 的修改未保存，共 1 处：容缺办事项清单已更新。")

    monkeypatch.setattr(services, "update_item", refuse)
    item = _item(county, 39)
    data = copy.deepcopy(item.data)
    data["fee"] = "不收费（核实）"
    url = f"/admin/catalog/item/{item.pk}/change/"
    resp = admin_client.post(url, {"content": json.dumps(data, ensure_ascii=False)}, follow=True)
    html = resp.content.decode()
    assert resp.redirect_chain[-1][0] == url and "容缺办事项清单已更新" in html and "成功" not in html
