"""Reads of the catalog."""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from shebao.catalog.models import CatalogVersion, Category, Channel, Item
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


def get_item(*, county: County | str | None = None, no: int) -> Item:
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


def item_stamp(*, county: County | str | None = None, no: int) -> tuple[int, int | None, int | None]:
    """(item id, item version id, current catalog version id) in one query; 404 when unknown.

    Anything that changes what an item's page or API shows (an admin edit, a catalog load that
    renames a department or a channel) changes one of the two version ids, so a cache keyed by
    this stamp is never stale, in any worker.
    """
    code = county.code if isinstance(county, County) else (county or settings.SHEBAO_DEFAULT_COUNTY)
    current_catalog = CatalogVersion.objects.filter(county=OuterRef("county"), is_current=True).values("id")[:1]
    row = (
        Item.objects.filter(county__code=code, no=no, is_active=True)
        .annotate(catalog_version=Subquery(current_catalog))
        .values_list("id", "current_version_id", "catalog_version")
        .first()
    )
    if row is None:
        resolve_county(county)  # the county's own 404 message when the county is unknown
        raise NotFound(f"未找到序号为 {no} 的服务事项（本中心共有 1–40 号事项）。")
    return row
