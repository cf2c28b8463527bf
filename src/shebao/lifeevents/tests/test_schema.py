"""The bundles as catalog data: cross-checked against the items when the catalog is validated."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings

from shebao.catalog.fidelity import missing_texts
from shebao.catalog.loader import CatalogFileError, load_yaml, parse_catalog, validate_catalog_data
from shebao.catalog.schema import LifeEvent


@pytest.fixture(scope="module")
def data() -> dict:
    return load_yaml(settings.SHEBAO_CATALOG_FILE.read_text(encoding="utf-8"))


def problems_of(data: dict) -> str:
    with pytest.raises(CatalogFileError) as exc:
        validate_catalog_data(data)
    return "；".join(exc.value.problems)


def event(data: dict, code: str) -> dict:
    return next(e for e in data["life_events"] if e["code"] == code)


def test_the_assembled_catalog_carries_the_bundles():
    loaded = parse_catalog(settings.SHEBAO_CATALOG_FILE)
    assert [e.code for e in loaded.catalog.life_events] == [
        "retirement", "after_death", "employer_registration", "unemployment"]
    source = load_yaml((settings.DATA_DIR / "catalog" / "life_events.yaml").read_text(encoding="utf-8"))
    assert loaded.data["life_events"] == [
        LifeEvent.model_validate(e).model_dump(mode="json") for e in source["life_events"]
    ], "yangcheng.yaml is out of date: run .venv/bin/python data/catalog/assemble.py"


def test_unknown_item_is_refused(data):
    d = copy.deepcopy(data)
    event(d, "retirement")["steps"][0]["item_no"] = 99
    assert "一件事 retirement 第 1 步：事项 99 不存在" in problems_of(d)


def test_unknown_scenario_is_refused(data):
    d = copy.deepcopy(data)
    event(d, "after_death")["steps"][2]["scenario_code"] = "no_such_case"
    assert "事项 21 没有情形 'no_such_case'" in problems_of(d)


def test_split_item_needs_a_scenario(data):
    d = copy.deepcopy(data)
    del event(d, "after_death")["steps"][5]["scenario_code"]
    assert "事项 34 分多种情形，须写明 scenario_code" in problems_of(d)


def test_materials_when_must_name_a_conditional_material_of_the_step(data):
    d = copy.deepcopy(data)
    event(d, "retirement")["steps"][3]["materials_when"] = {"个人档案": {"route": ["illness"]}}
    assert "事项 7 的材料《个人档案》不是视情况提供的材料" in problems_of(d)
    event(d, "retirement")["steps"][3]["materials_when"] = {"不存在的材料": {"route": ["illness"]}}
    assert "事项 7 的该情形没有材料《不存在的材料》" in problems_of(d)


def test_conditions_must_name_earlier_questions_and_real_options(data):
    d = copy.deepcopy(data)
    event(d, "retirement")["steps"][0]["when"] = {"unit": ["army"]}
    assert "问题 'unit' 没有选项 'army'" in problems_of(d)
    d = copy.deepcopy(data)
    event(d, "retirement")["questions"][0]["when"] = {"route": ["normal"]}  # asks about a later question
    assert "未定义（或不在其之前）的问题 'route'" in problems_of(d)
    d = copy.deepcopy(data)
    event(d, "unemployment")["questions"][1]["code"] = "claim"
    assert "问题编码 'claim' 重复" in problems_of(d)
    d = copy.deepcopy(data)
    event(d, "unemployment")["questions"][0]["code"] = "county"
    assert "保留字" in problems_of(d)


def test_same_materials_must_name_materials_of_the_bundle(data):
    d = copy.deepcopy(data)
    event(d, "employer_registration")["same_materials"][0]["materials"].append("虚构的表")
    assert "《虚构的表》不是任何一步的材料" in problems_of(d)


def test_duplicate_bundle_codes_are_refused(data):
    d = copy.deepcopy(data)
    d["life_events"].append(copy.deepcopy(event(d, "unemployment")))
    assert "一件事编码（life_events.code）重复" in problems_of(d)


def test_catalog_without_bundles_still_validates(data):
    d = copy.deepcopy(data)
    del d["life_events"]
    assert validate_catalog_data(d).catalog.life_events == []


def test_bundles_are_our_wording_not_checked_against_the_guide(data, seed_text):
    assert not [p for p, _ in missing_texts(data, seed_text) if p.startswith("life_events")]
    assert "退休一件事" not in seed_text  # i.e. the check really is skipped, not passing by chance
