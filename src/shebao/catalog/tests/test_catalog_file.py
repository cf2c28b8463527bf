"""The county catalog file: schema, fidelity to the guide, and completeness."""

from __future__ import annotations

import re

import pytest
import yaml
from django.conf import settings

from shebao.catalog.fidelity import missing_texts, normalise
from shebao.catalog.loader import CatalogFileError, parse_catalog, validate_catalog_data

CATALOG = settings.SHEBAO_CATALOG_FILE

# From 依申请事项清单 and the section headings of 合规办业务指南.
PHONES = {
    1: "0356-4228486", 2: "0356-4228486", 3: "0356-3201058", 4: "0356-4223292", 5: "0356-3201035",
    6: "0356-3201035", 7: "0356-3201058", 8: "0356-4228486", 9: "0356-3201058", 10: "0356-4228486",
    **{n: "0356-4227691" for n in range(11, 18)}, **{n: "0356-3201060" for n in range(18, 23)},
    **{n: "0356-3201059" for n in range(23, 30)}, **{n: "0356-3201056" for n in range(30, 36)},
    **{n: "0356-3201061" for n in range(36, 39)}, 39: "0356-4231155", 40: "0356-4231155",
}
PROMISED = {1: "即办", 4: "20个工作日", 5: "25个工作日", 7: "10个工作日", 8: "20个工作日", 34: "15个工作日",
            37: "7个工作日", 19: "每月25日前", 6: "材料齐全及时受理", 39: "即收即办", 35: "即时"}
STATUTORY = {1: "20个工作日", 2: "5个工作日", 4: "30个工作日", 37: "10个工作日", 23: "无", 34: "即时受理"}


@pytest.fixture(scope="module")
def loaded():
    return parse_catalog(CATALOG)


def digits(s: str | None) -> str:
    return re.sub(r"\D", "", s or "")


def test_catalog_validates_against_schema(loaded):
    assert loaded.catalog.county.name == "阳城县"
    assert [i.no for i in loaded.catalog.items] == list(range(1, 41))
    assert [c.name for c in loaded.catalog.categories] == [
        "企业养老保险", "城乡居民养老保险", "机关事业单位养老保险", "工伤保险", "失业保险", "社会保障卡"]


def test_every_quoted_text_appears_in_the_guide(loaded, seed_text):
    missing = missing_texts(loaded.data, seed_text)
    assert missing == [], "\n".join(f"{p}: {t}" for p, t in missing[:20])


def test_fidelity_check_catches_an_invented_text(loaded, seed_text):
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    data["items"][0]["fee"] = "收费 100 元"
    assert ("items[0].fee", "收费 100 元") in missing_texts(data, seed_text)


def test_names_numbers_phones_and_limits_are_the_guides(loaded, seed_text):
    norm_seed = normalise(seed_text)
    items = {i.no: i for i in loaded.catalog.items}
    for no, item in items.items():
        assert normalise(item.name) in norm_seed
        assert normalise(item.list_name) in norm_seed
        assert digits(item.phone) == digits(PHONES[no]), f"item {no} phone"
    for no, text in PROMISED.items():
        assert normalise(items[no].promised_limit.text).startswith(normalise(text)), no
    for no, text in STATUTORY.items():
        assert normalise(items[no].statutory_limit.text) == normalise(text), no
    assert items[10].statutory_limit is None and items[10].promised_limit is None
    assert items[1].statutory_limit.kind == "working_days" and items[1].statutory_limit.days == 20
    assert items[19].promised_limit.kind == "monthly_cutoff" and items[19].promised_limit.holiday_deferral


def test_scenarios_where_the_guide_splits_materials(loaded):
    items = {i.no: i for i in loaded.catalog.items}
    assert len(items[16].material_groups) == 6
    assert len(items[21].material_groups) == 4
    assert len(items[34].material_groups) == 5
    assert len(items[30].material_groups) == 3
    assert [g.scenario for g in items[30].material_groups] == ["一般企业", "机关事业单位", "建筑施工项目"]
    for no in (23, 24):
        assert len(items[no].material_groups) == 2


def test_tolerance_list_matches_item_36(loaded):
    rows = loaded.catalog.tolerance_list
    assert [(r.item_no, r.material, r.working_days) for r in rows] == [
        (36, "社会保险登记表", 3), (36, "开户许可证复印件", 3), (36, "法人身份证复印件", 3)]
    item36 = next(i for i in loaded.catalog.items if i.no == 36)
    tolerable = {m.name for g in item36.material_groups for m in g.materials if m.tolerance}
    assert tolerable == {"社会保险登记表", "开户许可证复印件", "法人身份证复印件"}
    others = [i.no for i in loaded.catalog.items if i.no != 36
              for g in i.material_groups for m in g.materials if m.tolerance]
    assert others == []


def test_schema_errors_name_item_and_field(loaded):
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    data["items"][15]["department"] = "XX"
    data["items"][3]["statutory_limit"]["kind"] = "working_days"
    data["items"][3]["statutory_limit"].pop("days", None)
    with pytest.raises(CatalogFileError) as err:
        validate_catalog_data(data, path="bad.yaml")
    text = "；".join(err.value.problems)
    assert "事项 4" in text and "statutory_limit" in text
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    data["items"][15]["department"] = "XX"
    with pytest.raises(CatalogFileError) as err:
        validate_catalog_data(data, path="bad.yaml")
    assert "事项 16" in "；".join(err.value.problems) and "XX" in "；".join(err.value.problems)


def test_bad_yaml_syntax_is_reported_with_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("county: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogFileError) as err:
        parse_catalog(bad)
    assert "YAML 语法错误" in err.value.problems[0] and "行" in err.value.problems[0]
