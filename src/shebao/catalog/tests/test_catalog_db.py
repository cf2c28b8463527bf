"""Loading, versioning, a second county, the CLI and the admin."""

from __future__ import annotations

import copy
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from shebao.catalog import services
from shebao.catalog.loader import parse_catalog, validate_catalog_data
from shebao.catalog.models import CatalogVersion, Item, ItemVersion
from shebao.core.audit import verify_chain
from shebao.core.models import AuditEvent

SECOND = Path(settings.PROJECT_DIR) / "tests" / "fixtures" / "second_county.yaml"

pytestmark = pytest.mark.django_db


def test_session_catalog_is_loaded(county):
    assert Item.objects.filter(county=county, is_active=True).count() == 40
    assert CatalogVersion.objects.filter(county=county, is_current=True).count() == 1


def test_reload_is_idempotent(county):
    before = ItemVersion.objects.count()
    report = services.load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))
    assert report.unchanged
    assert ItemVersion.objects.count() == before


def test_edited_catalog_updates_items_and_keeps_old_versions(county):
    loaded = parse_catalog(settings.SHEBAO_CATALOG_FILE)
    old_version_id = Item.objects.get(county=county, no=40).current_version_id
    data = copy.deepcopy(loaded.data)
    data["version"] = "2026.2"
    data["items"][39]["phone"] = "0356-4231156"
    report = services.load_catalog(loaded=validate_catalog_data(data), actor=None)
    assert report.updated == [40] and report.created == []
    item = Item.objects.get(county=county, no=40)
    assert item.data["phone"] == "0356-4231156"
    assert item.current_version_id != old_version_id
    assert ItemVersion.objects.filter(pk=old_version_id).exists()  # cases keep pointing at it
    assert CatalogVersion.objects.filter(county=county, is_current=True).get().version == "2026.2"
    assert AuditEvent.objects.filter(action="catalog.load").exists()
    assert verify_chain().ok


def test_second_county_loads_side_by_side(county, client):
    report = services.load_catalog_file(path=str(SECOND))
    assert report.created == [1, 2]
    assert Item.objects.filter(county=county).count() == 40
    other = client.get("/api/v1/items?county=999901").json()
    assert [i["name"] for i in other] == ["失业保险待遇申领", "社会保障卡补换卡"]
    mine = client.get("/api/v1/items").json()
    assert len(mine) == 40
    detail = client.get("/api/v1/items/1?county=999901").json()
    assert detail["tolerance"] == [{"material": "社会保障卡", "period": "5个工作日", "working_days": 5}]


def test_cli_validate_load_export(county):
    out = StringIO()
    call_command("catalog", "validate", str(settings.SHEBAO_CATALOG_FILE),
                 "--seed", str(settings.DATA_DIR / "sources" / "banshi-buqiuren-zhinan.txt"), stdout=out)
    assert "校验通过" in out.getvalue() and "所有文字均出自指南原文" in out.getvalue()
    out = StringIO()
    call_command("catalog", "load", str(settings.SHEBAO_CATALOG_FILE), stdout=out)
    assert "未变化" in out.getvalue()
    out = StringIO()
    call_command("catalog", "export", "--format", "json", stdout=out)
    assert '"no": 40' in out.getvalue()
    out = StringIO()
    call_command("catalog", "export", "--format", "yaml", stdout=out)
    assert "社会保障卡补换卡办理" in out.getvalue()


def test_cli_validate_reports_problems(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SECOND.read_text(encoding="utf-8").replace("department: SY", "department: ZZ"), encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("catalog", "validate", str(bad))
    assert "事项 1" in str(err.value) and "ZZ" in str(err.value)


def test_admin_edit_is_validated_versioned_and_audited(county, client, django_user_model):
    import json

    admin = django_user_model.objects.create_superuser("root", password="s3cret-pass-123")
    client.force_login(admin)
    item = Item.objects.get(county=county, no=39)
    data = copy.deepcopy(item.data)
    data["fee"] = "不收费（已核实）"
    url = f"/admin/catalog/item/{item.pk}/change/"
    resp = client.post(url, {"content": json.dumps(data, ensure_ascii=False)})
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.data["fee"] == "不收费（已核实）"
    event = AuditEvent.objects.filter(action="catalog.item.update").latest("id")
    assert event.actor_label == "root" and event.before == {"fee": "不收费"}
    data["department"] = "NOPE"
    data["statutory_limit"] = {"label": "法定时限", "text": "x", "kind": "bogus"}
    resp = client.post(url, {"content": json.dumps(data, ensure_ascii=False)})
    assert resp.status_code == 200 and "statutory_limit" in resp.content.decode()
    resp = client.post(url, {"content": "{not json"})
    assert "JSON 格式错误" in resp.content.decode()
    # A well-formed edit naming a department that does not exist stays on the form, not "saved"
    data = copy.deepcopy(item.data)
    data["department"] = "XX"
    resp = client.post(url, {"content": json.dumps(data, ensure_ascii=False)})
    html = resp.content.decode()
    assert resp.status_code == 200 and "办理部门编码“XX”不存在" in html and "成功" not in html
    item.refresh_from_db()
    assert item.data["department"] != "XX"


def test_current_item_is_kept_per_process_while_unchanged_and_bounded(county, monkeypatch, django_assert_num_queries):
    from shebao.catalog import selectors

    monkeypatch.setattr(selectors, "_current_items", type(selectors._current_items)())
    monkeypatch.setattr(selectors, "CURRENT_ITEMS_KEPT", 2)
    first = selectors.current_item(county_id=county.pk, no=1)
    assert first.no == 1 and first.current_version.data["no"] == 1
    with django_assert_num_queries(1):  # the stamp only
        again = selectors.current_item(county_id=county.pk, no=1)
        assert again is first and again.department.code and again.county.code
    selectors.current_item(county_id=county.pk, no=2)
    selectors.current_item(county_id=county.pk, no=3)
    assert len(selectors._current_items) == 2 and (county.pk, 1) not in selectors._current_items
    assert selectors.current_item(county_id=county.pk, no=99) is None
    assert selectors.current_item(county_id=county.pk, no=0) is None
    other_county = county.pk + 1000
    assert selectors.current_item(county_id=other_county, no=1) is None


def test_departments_categories_and_channels_are_read_only_in_the_admin(county, client):
    from django.contrib.auth import get_user_model

    from shebao.catalog.models import Category, Channel, Department

    root = get_user_model().objects.create_superuser("catalog-root", "r@example.cn", "pass-word-123")
    client.force_login(root)
    for model in (Department, Category, Channel):
        obj = model.objects.filter(county=county).first()
        opts = model._meta
        listing = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        assert listing.status_code == 200 and obj.name in listing.content.decode()
        page = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        before = obj.name
        client.post(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/", {"name": "改名", "code": obj.code})
        assert model.objects.get(pk=obj.pk).name == before
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == 403
