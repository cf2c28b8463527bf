"""Reads of the catalog."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from shebao.catalog.models import CatalogVersion, Category, Channel, Department, Item
from shebao.core.errors import NotFound
from shebao.core.models import County


def resolve_county(county: County | str | None) -> County:
    if isinstance(county, County):
        return county
    code = county or settings.SHEBAO_DEFAULT_COUNTY
    found = County.objects.filter(code=code).first()
    if found is None:
        raise NotFound(f"未找到县（区）{code} 的事项库，请先运行 shebao catalog load。")
    return found


def list_categories(*, county: County | str | None = None) -> QuerySet[Category]:
    return Category.objects.filter(county=resolve_county(county)).prefetch_related("items").order_by("order")


def list_items(*, county: County | str | None = None) -> QuerySet[Item]:
    return (
        Item.objects.filter(county=resolve_county(county), is_active=True)
        .select_related("category", "department")
        .order_by("no")
    )


#: Item numbers are small integers; larger ones cannot exist and would overflow SQLite's binding.
MAX_ITEM_NO = 32767


def get_item(*, county: County | str | None = None, no: int) -> Item:
    if not 0 < no <= MAX_ITEM_NO:
        raise NotFound(f"未找到序号为 {no} 的服务事项（本中心共有 1–40 号事项）。")
    item = list_items(county=county).filter(no=no).first()
    if item is None:
        raise NotFound(f"未找到序号为 {no} 的服务事项（本中心共有 1–40 号事项）。")
    return item


def list_channels(*, county: County | str | None = None) -> QuerySet[Channel]:
    return Channel.objects.filter(county=resolve_county(county)).order_by("id")


def channels_by_code(*, county: County | str | None = None) -> dict[str, Channel]:
    return {c.code: c for c in list_channels(county=county)}


def tolerance_list(*, county: County | str | None = None) -> list[dict]:
    c = resolve_county(county)
    version = c.catalog_versions.filter(is_current=True).first()
    return list(version.data.get("tolerance_list", [])) if version else []


def _stamp_row(*, county_where: str, county_value, no: int) -> tuple | None:
    """One active item's stamp in one hand-written query (it runs on every item request and every
    intake, and the ORM's query building costs several times the query itself; see
    bench/bench_http.py): item id, item version id, current catalog version id, then the item's
    department and county as the database holds them now.

    Anything that changes what an item's page, API answer or intake shows changes the stamp: an
    admin edit (new item version), a catalog load (new catalog version), and a department or county
    whose names were changed in the database by any other route.
    """
    sql = (
        f"SELECT i.id, i.current_version_id, (SELECT cv.id FROM {CatalogVersion._meta.db_table} cv"
        f" WHERE cv.county_id = i.county_id AND cv.is_current = %s ORDER BY cv.id DESC LIMIT 1),"
        f" d.code, d.name, d.short_name, d.location, c.code, c.name, c.agency"
        f" FROM {Item._meta.db_table} i"
        f" JOIN {Department._meta.db_table} d ON d.id = i.department_id"
        f" JOIN {County._meta.db_table} c ON c.id = i.county_id"
        f" WHERE {county_where} = %s AND i.no = %s AND i.is_active = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, county_value, no, True])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def item_stamp(*, county: County | str | None = None, no: int) -> tuple:
    """The item's stamp (see :func:`_stamp_row`), for caches keyed by it; 404 when unknown."""
    if not 0 < no <= MAX_ITEM_NO:
        raise NotFound(f"未找到序号为 {no} 的服务事项（本中心共有 1–40 号事项）。")
    code = county.code if isinstance(county, County) else (county or settings.SHEBAO_DEFAULT_COUNTY)
    row = _stamp_row(county_where="c.code", county_value=code, no=no)
    if row is None:
        resolve_county(county)  # the county's own 404 message when the county is unknown
        raise NotFound(f"未找到序号为 {no} 的服务事项（本中心共有 1–40 号事项）。")
    return row


_current_items: OrderedDict[tuple[int, int], tuple[tuple, Item]] = OrderedDict()
_current_items_lock = threading.Lock()
#: Items kept per process; a province's counties share a worker, and an item's document is large.
CURRENT_ITEMS_KEPT = 256


def current_item(*, county_id: int, no: int) -> Item | None:
    """The county's active item ``no`` with its department, county and current version loaded, or
    ``None``: what an intake reads on every case.

    Each process keeps the last items it loaded and trusts one only while the item's stamp
    (:func:`_stamp_row`) still matches, so an admin edit or a catalog load in another worker is
    seen on the next call. ``Item.data`` is left out: intake works from the version's document.
    """
    if not 0 < no <= MAX_ITEM_NO:
        return None
    stamp = _stamp_row(county_where="i.county_id", county_value=county_id, no=no)
    if stamp is None:
        return None
    key = (county_id, no)
    kept = _current_items.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    item = (
        Item.objects.select_related("department", "county", "current_version")
        .defer("data")
        .filter(pk=stamp[0])
        .first()
    )
    if item is None:
        return None
    with _current_items_lock:
        _current_items[key] = (stamp, item)
        _current_items.move_to_end(key)
        while len(_current_items) > CURRENT_ITEMS_KEPT:
            _current_items.popitem(last=False)
    return item
