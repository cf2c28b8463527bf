"""Models of the reports context.

The statistics are aggregate queries over ``cases``; the only table of their own is the
working-day index: one row per calendar day with the number of working days from the start of
the calendar up to and including that day. ``n(closed day) − n(received day)`` is then the
working days a case took, computed by the database for every case in one aggregate query (no
Python loop over cases). The index is rebuilt whenever the official calendar changes (see
``shebao.reports.services.sync_workday_index``).
"""

from __future__ import annotations

from django.db import models


class WorkdayIndex(models.Model):
    day = models.DateField("日期", primary_key=True)
    n = models.IntegerField("累计工作日")
    working = models.BooleanField("工作日")

    class Meta:
        verbose_name = "工作日序号"
        verbose_name_plural = "工作日序号"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} #{self.n}"


class WorkdayIndexState(models.Model):
    """Fingerprint of the calendar the index was built from (one row, ``key='main'``)."""

    key = models.CharField(max_length=20, unique=True, default="main")
    stamp = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField()

    class Meta:
        verbose_name = "工作日序号版本"
        verbose_name_plural = "工作日序号版本"

    def __str__(self) -> str:
        return f"{self.key}: {self.stamp[:12]} ({self.rows})"
