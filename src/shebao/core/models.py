"""Tenancy (the county) and the append-only audit trail shared by every context."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class County(models.Model):
    """A county social insurance center: the tenant that owns a catalog, staff and cases."""

    code = models.CharField("行政区划代码", max_length=12, unique=True)
    name = models.CharField("县（区）名称", max_length=50)
    agency = models.CharField("经办机构", max_length=100)
    province = models.CharField("省", max_length=20, blank=True)
    city = models.CharField("市", max_length=20, blank=True)

    class Meta:
        verbose_name = "县（区）"
        verbose_name_plural = "县（区）"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class AuditChainHead(models.Model):
    """One row holding the latest hash, locked while appending so the chain stays linear."""

    key = models.CharField("审计链", max_length=20, unique=True, default="main")
    last_hash = models.CharField("最新哈希", max_length=64, default="")
    count = models.BigIntegerField("事件数", default=0)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.key}: {self.count} events"


class AuditEvent(models.Model):
    """An append-only record of one change: who, when, what, before and after.

    Each event stores the hash of its predecessor, so editing or deleting any event breaks the
    chain and ``shebao audit verify`` reports where.
    """

    county = models.ForeignKey(County, verbose_name="县（区）", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人账号", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=60)  # indexed as (object_type, object_id, id)
    object_id = models.CharField("对象编号", max_length=80, db_index=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)
    prev_hash = models.CharField("前一事件哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"
