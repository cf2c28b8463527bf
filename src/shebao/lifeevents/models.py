"""一件事 applications: one bundle number linking one case per step, in each department.

A bundle is started at the first window the applicant visits. At the 综合受理窗口 (one-window
intake) one application accepts every part at once, creating the linked case in each department;
at a department's window that clerk accepts the parts of their own department, and every other
department's clerk accepts theirs with the same bundle number (cases are created only through
``shebao.cases.services.intake_case``). The bundle's
status and due date are derived from its cases; only ``shebao.lifeevents.services`` writes here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shebao.catalog.models import Department
from shebao.core.models import County
from shebao.domain.privacy import MaskedApplicant


class BundleCounter(models.Model):
    """The last bundle sequence number per county and year (locked while a bundle is started)."""

    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "一件事编号计数器"
        verbose_name_plural = "一件事编号计数器"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="uniq_bundle_counter")]

    def __str__(self) -> str:
        return f"YJS-{self.year}: {self.last}"


class Bundle(MaskedApplicant, models.Model):
    class ApplicantKind(models.TextChoices):
        PERSON = "person", "个人"
        UNIT = "unit", "单位"

    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="bundles")
    number = models.CharField("一件事编号", max_length=20, unique=True)
    event_code = models.CharField("一件事", max_length=60, db_index=True)
    event_name = models.CharField("一件事名称", max_length=100)
    answers = models.JSONField("情况回答", default=dict)
    catalog_checksum = models.CharField("事项库校验和", max_length=64, blank=True)

    applicant_kind = models.CharField("申请人类型", max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id = models.CharField("身份证号码/统一社会信用代码", max_length=18)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人账号", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("申请时间")

    class Meta:
        verbose_name = "一件事申请"
        verbose_name_plural = "一件事申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class BundlePart(models.Model):
    """One step of the bundle: an item (and 情形) at its department, and the case once accepted."""

    bundle = models.ForeignKey(Bundle, verbose_name="一件事申请", on_delete=models.CASCADE, related_name="parts")
    order = models.PositiveSmallIntegerField("顺序")
    item_no = models.PositiveSmallIntegerField("事项序号")
    item_name = models.CharField("事项名称", max_length=100)
    scenario_code = models.CharField("情形编码", max_length=60, blank=True)
    scenario_name = models.CharField("情形", max_length=200, blank=True)
    title = models.CharField("这一步", max_length=100)
    department = models.ForeignKey(Department, verbose_name="股室", on_delete=models.PROTECT, related_name="+")
    location = models.CharField("办理地点", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.PROTECT,
        related_name="bundle_part",
    )
    earlier_cases = models.JSONField("此前的办件编号（不予受理后重新受理）", default=list, blank=True)
    #: Accepted only once the previous part is finished (its result is one of this part's materials:
    #: 待遇核定 needs the approved 退休审批表); the bundle's steps say so (``after_previous``).
    after_previous = models.BooleanField("须在前一项办结后受理", default=False)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)

    class Meta:
        verbose_name = "一件事中的事项"
        verbose_name_plural = "一件事中的事项"
        ordering = ["bundle", "order"]
        constraints = [models.UniqueConstraint(fields=["bundle", "order"], name="uniq_bundle_part_order")]

    def __str__(self) -> str:
        return f"{self.bundle.number} #{self.order} 事项{self.item_no}"

    @property
    def label(self) -> str:
        return f"事项{self.item_no}" + (f"（{self.scenario_name}）" if self.scenario_name else "")

