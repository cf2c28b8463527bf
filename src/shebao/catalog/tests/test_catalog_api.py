"""The public catalog API."""

import pytest

pytestmark = pytest.mark.django_db


def test_categories_in_order(client):
    data = client.get("/api/v1/categories").json()
    assert [c["name"] for c in data] == [
        "企业养老保险", "城乡居民养老保险", "机关事业单位养老保险", "工伤保险", "失业保险", "社会保障卡"]
    assert data[0]["items"] == list(range(1, 11))
    assert data[5]["items"] == [39, 40]


def test_items_list(client):
    data = client.get("/api/v1/items").json()
    assert [i["no"] for i in data] == list(range(1, 41))
    assert data[0]["category"] == "企业养老保险"


def test_item_detail_fields(client):
    d = client.get("/api/v1/items/36").json()
    assert d["department"] == "阳城县社保中心失业保险股"
    assert d["phone"].replace(" ", "") in ("0356—3201061", "0356-3201061")
    assert d["procedure"] == ["受理", "审核", "决定", "办结"]
    assert {t["material"] for t in d["tolerance"]} == {"社会保险登记表", "开户许可证复印件", "法人身份证复印件"}
    assert d["material_groups"][0]["scenario"] is None
    d1 = client.get("/api/v1/items/1").json()
    assert d1["statutory_limit"]["text"].replace(" ", "") == "20个工作日"
    assert d1["statutory_limit"]["kind"] == "working_days" and d1["statutory_limit"]["days"] == 20
    assert d1["promised_limit"]["kind"] == "same_day"
    assert d1["basis"][0]["title"].strip("《》") == "中华人民共和国社会保险法"
    d16 = client.get("/api/v1/items/16").json()
    assert len(d16["material_groups"]) == 6 and all(g["scenario"] for g in d16["material_groups"])


def test_unknown_item_is_404_json_in_chinese(client):
    for path in ("/api/v1/items/41", "/api/v1/items/0", "/api/v1/items/99999"):
        resp = client.get(path)
        assert resp.status_code == 404
        assert "未找到" in resp.json()["detail"]
    resp = client.get("/api/v1/items/abc")
    assert resp.status_code == 422 and "整数" in resp.json()["detail"]
    resp = client.get("/api/v1/items?county=000000")
    assert resp.status_code == 404


def test_openapi_documents_the_catalog(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/categories", "/api/v1/items", "/api/v1/items/{no}"):
        assert path in schema["paths"]


def test_item_json_cache_follows_edits_and_catalog_loads(client, county, django_assert_max_num_queries):
    import copy

    from shebao.catalog.models import Item
    from shebao.catalog.services import update_item

    assert client.get("/api/v1/items/39").json()["fee"] == "不收费"
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/items/39").status_code == 200
    item = Item.objects.get(county=county, no=39)
    data = copy.deepcopy(item.data)
    data["fee"] = "不收费（核实）"
    update_item(item=item, data=data, actor=None)
    assert client.get("/api/v1/items/39").json()["fee"] == "不收费（核实）"


def test_absurd_item_numbers_are_404_or_422(client):
    for n in ("1000000000000000000000", "-5", "9223372036854775808"):
        r = client.get(f"/api/v1/items/{n}")
        assert r.status_code in (404, 422), (n, r.status_code, r.content)
