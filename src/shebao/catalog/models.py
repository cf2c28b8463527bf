"""The catalog (事项库) of a county, loaded from its reviewed YAML.

``Item.data`` holds the validated item exactly as the schema shapes it; the columns beside it
are what lists, joins and the admin need. Every change makes a new ``ItemVersion``, so a case
keeps pointing at the version it was accepted under.
"""

from __future__ import annotations

from django.db import models

from shebao.core.models import County


class CatalogVersion(models.Model):
    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="catalog_versions")
    version = models.CharField("版本", max_length=40)
    checksum = models.CharField("校验和", max_length=64)
    source_path = models.CharField("来源文件", max_length=300, blank=True)
    data = models.JSONField("完整事项库")
    is_current = models.BooleanField("当前版本", default=True)
    loaded_at = models.DateTimeField("加载时间", auto_now_add=True)

    class Meta:
        verbose_name = "事项库版本"
        verbose_name_plural = "事项库版本"
        constraints = [models.UniqueConstraint(fields=["county", "checksum"], name="uniq_catalog_checksum")]
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.version} ({self.checksum[:8]})"


class Department(models.Model):
    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="departments")
    code = models.CharField("编码", max_length=4)
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=30)
    location = models.CharField("窗口位置", max_length=100, blank=True)

    class Meta:
        verbose_name = "办理部门"
        verbose_name_plural = "办理部门"
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="uniq_department_code")]
        ordering = ["county", "id"]

    def __str__(self) -> str:
        return self.short_name


class Category(models.Model):
    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="categories")
    code = models.CharField("编码", max_length=40)
    name = models.CharField("名称", max_length=40)
    path_title = models.CharField("办事路径标题", max_length=60)
    order = models.PositiveSmallIntegerField("顺序")

    class Meta:
        verbose_name = "业务领域"
        verbose_name_plural = "业务领域"
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="uniq_category_code")]
        ordering = ["county", "order"]

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="channels")
    code = models.CharField("编码", max_length=40)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=20)
    url = models.CharField("网址", max_length=200, blank=True)
    description = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "自助渠道"
        verbose_name_plural = "自助渠道"
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="uniq_channel_code")]
        ordering = ["county", "id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="items")
    no = models.PositiveSmallIntegerField("序号")
    name = models.CharField("事项名称", max_length=100)
    list_name = models.CharField("清单名称", max_length=100)
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT, related_name="items")
    department = models.ForeignKey(Department, verbose_name="承办股室", on_delete=models.PROTECT, related_name="items")
    data = models.JSONField("事项内容")
    current_version = models.ForeignKey(
        "ItemVersion", verbose_name="当前版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField("在用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        constraints = [models.UniqueConstraint(fields=["county", "no"], name="uniq_item_no")]
        ordering = ["county", "no"]

    def __str__(self) -> str:
        return f"{self.no}. {self.name}"


class ItemVersion(models.Model):
    """An immutable snapshot of one item as some catalog version defined it."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT, related_name="versions")
    catalog_version = models.ForeignKey(
        CatalogVersion, verbose_name="事项库版本", null=True, blank=True, on_delete=models.PROTECT
    )
    checksum = models.CharField("校验和", max_length=64)
    data = models.JSONField("事项内容")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        constraints = [models.UniqueConstraint(fields=["item", "checksum"], name="uniq_item_version")]
        ordering = ["item", "-id"]

    def __str__(self) -> str:
        return f"{self.item} @ {self.checksum[:8]}"
