"""Writers of the catalog: loading a county's YAML and editing items in the admin."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from pydantic import ValidationError

from shebao.catalog import schema
from shebao.catalog.loader import LoadedCatalog, checksum_of, parse_catalog
from shebao.catalog.models import CatalogVersion, Category, Channel, Department, Item, ItemVersion
from shebao.catalog.schema import Item as ItemSchema
from shebao.catalog.schema import ToleranceEntry
from shebao.core.audit import record_event
from shebao.core.errors import DomainError, describe_validation_errors, problems_message
from shebao.core.models import County


@dataclass
class LoadReport:
    county: str
    version: str
    checksum: str
    unchanged: bool = False
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.county} 事项库 {self.version} 未变化（校验和 {self.checksum[:12]}）。"
        return (
            f"{self.county} 事项库 {self.version} 已加载（校验和 {self.checksum[:12]}）："
            f"新增 {len(self.created)} 项，更新 {len(self.updated)} 项，停用 {len(self.retired)} 项。"
        )


def load_catalog_file(*, path: str, actor=None) -> LoadReport:
    return load_catalog(loaded=parse_catalog(path), actor=actor)


def _upsert(model, *, county: County, code: str, values: dict):
    obj, _ = model.objects.update_or_create(county=county, code=code, defaults=values)
    return obj


@transaction.atomic
def load_catalog(*, loaded: LoadedCatalog, actor=None) -> LoadReport:
    """Load a validated catalog; idempotent, and never touches cases of older item versions."""
    cat = loaded.catalog
    county, _ = County.objects.update_or_create(
        code=cat.county.code,
        defaults={"name": cat.county.name, "agency": cat.county.agency,
                  "province": cat.county.province, "city": cat.county.city},
    )
    report = LoadReport(county=county.name, version=cat.version, checksum=loaded.checksum)
    existing = CatalogVersion.objects.filter(county=county, checksum=loaded.checksum).first()
    if existing and existing.is_current and county.items.filter(is_active=True).count() == len(cat.items):
        report.unchanged = True
        return report

    CatalogVersion.objects.filter(county=county, is_current=True).update(is_current=False)
    if existing:
        existing.is_current = True
        existing.save(update_fields=["is_current"])
        version = existing
    else:
        version = CatalogVersion.objects.create(
            county=county, version=cat.version, checksum=loaded.checksum,
            source_path=loaded.path, data=loaded.data, is_current=True,
        )

    departments = {
        d.code: _upsert(Department, county=county, code=d.code,
                        values={"name": d.name, "short_name": d.short_name, "location": d.location})
        for d in cat.departments
    }
    categories = {}
    for order, c in enumerate(cat.categories, start=1):
        categories[c.code] = _upsert(Category, county=county, code=c.code,
                                     values={"name": c.name, "path_title": c.path_title, "order": order})
    for ch in cat.channels:
        _upsert(Channel, county=county, code=ch.code,
                values={"name": ch.name, "kind": ch.kind, "url": ch.url, "description": ch.description})

    items_data = {d["no"]: d for d in loaded.data["items"]}
    for no, data in items_data.items():
        checksum = checksum_of(data)
        values = {
            "name": data["name"], "list_name": data["list_name"],
            "category": categories[data["category"]], "department": departments[data["department"]],
            "is_active": True,
        }
        item = Item.objects.filter(county=county, no=no).first()
        if item is None:
            item = Item.objects.create(county=county, no=no, data=data, **values)
            report.created.append(no)
        elif item.data != data or not item.is_active or item.name != data["name"]:
            for key, value in values.items():
                setattr(item, key, value)
            item.data = data
            report.updated.append(no)
        else:
            if item.current_version and item.current_version.checksum == checksum:
                continue
        iv, _ = ItemVersion.objects.get_or_create(
            item=item, checksum=checksum, defaults={"data": data, "catalog_version": version}
        )
        item.current_version = iv
        item.save()

    for item in Item.objects.filter(county=county, is_active=True).exclude(no__in=items_data):
        item.is_active = False
        item.save(update_fields=["is_active"])
        report.retired.append(item.no)

    record_event(
        action="catalog.load", object_type="catalog", object_id=loaded.checksum[:16], actor=actor,
        county=county, summary=report.summary(),
        after={"version": cat.version, "created": report.created, "updated": report.updated,
               "retired": report.retired},
    )
    return report


def schema_problems(exc: ValidationError) -> list[str]:
    """A pydantic error of an item's content in Chinese, each naming its field (promised_limit.kind)."""
    return describe_validation_errors([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])


def _tolerance_list(county: County) -> list[ToleranceEntry]:
    """The county's 容缺办事项清单, as its current catalog version holds it."""
    version = CatalogVersion.objects.filter(county=county, is_current=True).first()
    rows = version.data.get("tolerance_list", []) if version else []
    return [ToleranceEntry.model_validate(r) for r in rows]


@transaction.atomic
def check_item_update(*, item: Item, data: dict) -> tuple[dict, Department, Category]:
    """The validated content, department and category of an edit of ``item``, or ``DomainError``
    listing everything that is wrong. Writes nothing: the admin form asks it first, so that a
    refused edit stays on the form with its message instead of being reported as saved.

    Besides the schema, an edit keeps the rules the loaded catalog keeps (schema.Catalog): a
    material is 容缺 only where the county's 容缺办事项清单 lists it for this item (intake lets
    exactly the ``tolerance`` materials be handed in later), and the typed time limits say what
    their text says, the promise no longer than the statutory limit. The phone number must be one
    a citizen can dial."""
    try:
        parsed = ItemSchema.model_validate(data)
    except ValidationError as exc:
        problems = schema_problems(exc)
        raise DomainError(problems_message("事项内容不符合规范", problems), problems=problems) from exc
    validated = parsed.model_dump(mode="json")
    problems: list[str] = []
    if validated["no"] != item.no:
        problems.append(f"不能修改事项序号（本事项为 {item.no}）")
    department = Department.objects.filter(county=item.county, code=validated["department"]).first()
    category = Category.objects.filter(county=item.county, code=validated["category"]).first()
    if department is None:
        codes = "、".join(Department.objects.filter(county=item.county).values_list("code", flat=True))
        problems.append(f"办理部门编码“{validated['department']}”不存在（可用：{codes}）")
    if category is None:
        codes = "、".join(Category.objects.filter(county=item.county).values_list("code", flat=True))
        problems.append(f"业务领域编码“{validated['category']}”不存在（可用：{codes}）")
    tolerance_list = _tolerance_list(item.county)
    problems.extend(schema.tolerance_problems(parsed, tolerance_list))
    problems.extend(schema.listed_tolerance_problems(parsed, tolerance_list))
    problems.extend(schema.item_limit_problems(parsed))
    problems.extend(schema.phone_problems(parsed.phone))
    if problems:
        raise DomainError(problems_message(f"事项 {item.no} 的修改未保存", problems), problems=problems)
    return validated, department, category


def update_item(*, item: Item, data: dict, actor) -> Item:
    """Replace an item's content (admin editing); validated, versioned and audited."""
    validated, department, category = check_item_update(item=item, data=data)
    before = item.data
    checksum = checksum_of(validated)
    iv, _ = ItemVersion.objects.get_or_create(item=item, checksum=checksum, defaults={"data": validated})
    item.data = validated
    item.name = validated["name"]
    item.list_name = validated["list_name"]
    item.department = department
    item.category = category
    item.current_version = iv
    item.save()
    changed = sorted(k for k in set(before) | set(validated) if before.get(k) != validated.get(k))
    record_event(
        action="catalog.item.update", object_type="item", object_id=f"{item.county.code}-{item.no}",
        actor=actor, county=item.county, summary=f"修改事项 {item.no}：{', '.join(changed)}",
        before={k: before.get(k) for k in changed}, after={k: validated.get(k) for k in changed},
    )
    return item
