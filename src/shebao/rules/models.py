"""Models of the rules context: loaded holiday schedules and dated benefit parameters.

Only :mod:`shebao.rules.services` writes them (the admin goes through the services too).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HolidaySchedule(models.Model):
    """One year's official holiday arrangement (国务院办公厅关于某年部分节假日安排的通知).

    Overrides ``chinesecalendar`` for that year; years with no schedule at all are counted
    Monday–Friday less the statutory holidays of 《全国年节及纪念日放假办法》 art. 2, and flagged
    provisional. ``revision`` grows on every save so that every worker
    process notices the change cheaply (see ``shebao.rules.selectors.get_calendar``).
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    holidays = models.JSONField("放假日期", default=list, help_text="YYYY-MM-DD 字符串列表（含落在周末的放假日）")
    workdays = models.JSONField("调休上班日期", default=list, help_text="YYYY-MM-DD 字符串列表（周六、周日上班）")
    source = models.CharField("依据（通知名称与文号）", max_length=300)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    loaded_by_label = models.CharField("录入人（名称）", max_length=150, blank=True)
    loaded_at = models.DateTimeField("录入时间", auto_now=True)
    revision = models.PositiveIntegerField("修订次数", default=0, editable=False)

    class Meta:
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"

    def save(self, *args, **kwargs):
        self.revision = (self.revision or 0) + 1
        super().save(*args, **kwargs)


class BenefitParameter(models.Model):
    """A dated figure used by the benefit estimates (average wage, minimum basic pension …).

    ``confirmed`` is set only when ``source`` names where the figure was verified; estimates
    label every other parameter 估算参数.
    """

    key = models.SlugField("参数键", max_length=80)
    label = models.CharField("参数名称", max_length=120)
    value = models.DecimalField("数值", max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    effective_from = models.DateField("生效日期")
    source = models.CharField("出处", max_length=300, blank=True)
    confirmed = models.BooleanField("出处已确认", default=False)
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "待遇计算参数"
        verbose_name_plural = "待遇计算参数"
        ordering = ["key", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["key", "effective_from"], name="rules_param_key_date_unique")]

    def __str__(self) -> str:
        return f"{self.label}（{self.effective_from:%Y-%m-%d} 起）"
