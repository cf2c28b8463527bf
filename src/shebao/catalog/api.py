"""Public, read-only catalog API: the six areas and the 40 items, field by field."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema

from shebao.catalog import selectors

router = Router(tags=["事项库 catalog"])


class CategoryOut(Schema):
    code: str
    name: str
    path_title: str
    order: int
    items: list[int]


class ItemBrief(Schema):
    no: int
    name: str
    list_name: str
    category: str
    department: str
    online: bool


class LimitOut(Schema):
    label: str
    text: str
    kind: str = Field(description="same_day | working_days | monthly_cutoff | none | on_complete")
    days: int | None = None
    day_of_month: int | None = None
    holiday_deferral: bool = False


class MaterialOut(Schema):
    name: str
    text: str
    forms: list[str]
    copies: str | None
    seal: str | None
    signature: str | None
    promise: bool
    optional_when: str | None
    tolerance: dict[str, Any] | None


class MaterialGroupOut(Schema):
    scenario: str | None
    scenario_code: str | None
    materials: list[MaterialOut]
    note: str | None = None


class ToleranceOut(Schema):
    material: str
    period: str
    working_days: int


class ChannelOut(Schema):
    code: str
    name: str
    kind: str
    url: str
    description: str


class BasisOut(Schema):
    text: str
    title: str
    doc_no: str | None


class ItemOut(Schema):
    no: int
    name: str
    list_name: str
    category: str
    category_code: str
    department: str
    phone: str | None
    location: str | None
    fee: str | None
    basis: list[BasisOut]
    conditions: str | None
    procedure: list[str]
    procedure_text: str
    routes: list[dict[str, Any]]
    statutory_limit: LimitOut | None
    promised_limit: LimitOut | None
    quantity_limit: str | None
    material_groups: list[MaterialGroupOut]
    materials_note: str | None
    tolerance: list[ToleranceOut]
    channels: list[ChannelOut]
    schedules: list[dict[str, Any]]
    online: bool
    summary: str
    notes: list[str]
    catalog_checksum: str | None


class ErrorOut(Schema):
    detail: str


def item_payload(item, channels: dict) -> dict:
    d = item.data
    tolerance = [
        {"material": m["name"], "period": m["tolerance"]["period_text"],
         "working_days": m["tolerance"]["working_days"]}
        for g in d["material_groups"] for m in g["materials"] if m.get("tolerance")
    ]
    return {
        "no": item.no,
        "name": d["name"],
        "list_name": d["list_name"],
        "category": item.category.name,
        "category_code": item.category.code,
        "department": item.department.name,
        "phone": d.get("phone"),
        "location": d.get("location"),
        "fee": d.get("fee"),
        "basis": d["basis"],
        "conditions": d.get("conditions"),
        "procedure": d["procedure"]["steps"],
        "procedure_text": d["procedure"]["text"],
        "routes": d["procedure"].get("routes", []),
        "statutory_limit": d.get("statutory_limit"),
        "promised_limit": d.get("promised_limit"),
        "quantity_limit": d.get("quantity_limit"),
        "material_groups": d["material_groups"],
        "materials_note": d.get("materials_note"),
        "tolerance": tolerance,
        "channels": [channels[c] for c in d.get("channels", []) if c in channels],
        "schedules": d.get("schedules", []),
        "online": d.get("online", False),
        "summary": d.get("summary", ""),
        "notes": d.get("notes", []),
        "catalog_checksum": item.current_version.checksum if item.current_version_id else None,
    }


@router.get("/categories", response=list[CategoryOut], summary="六个业务领域及其事项序号")
def categories(request, county: str | None = None):
    return [
        {"code": c.code, "name": c.name, "path_title": c.path_title, "order": c.order,
         "items": sorted(i.no for i in c.items.all() if i.is_active)}
        for c in selectors.list_categories(county=county)
    ]


@router.get("/items", response=list[ItemBrief], summary="全部服务事项")
def items(request, county: str | None = None):
    return [
        {"no": i.no, "name": i.name, "list_name": i.list_name, "category": i.category.name,
         "department": i.department.name, "online": i.data.get("online", False)}
        for i in selectors.list_items(county=county)
    ]


# Rendered item JSON by (county, item, item version, catalog version): one cheap query per request
# instead of rebuilding and re-validating the whole item. Bounded; per worker process.
_ITEM_JSON: OrderedDict[tuple, bytes] = OrderedDict()
_ITEM_JSON_MAX = 512


@router.get("/items/{no}", response={200: ItemOut, 404: ErrorOut}, summary="一个服务事项的全部要素")
def item_detail(request, no: int, county: str | None = None):
    key = (county, no, *selectors.item_stamp(county=county, no=no))
    body = _ITEM_JSON.get(key)
    if body is None:
        item = selectors.get_item(county=county, no=no)
        channels = {c.code: c for c in selectors.list_channels(county=item.county)}
        body = ItemOut.model_validate(item_payload(item, channels)).model_dump_json().encode("utf-8")
        _ITEM_JSON[key] = body
        if len(_ITEM_JSON) > _ITEM_JSON_MAX:
            _ITEM_JSON.popitem(last=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/tolerance", response=list[dict[str, Any]], summary="容缺办事项清单")
def tolerance(request, county: str | None = None):
    return selectors.tolerance_list(county=county)
