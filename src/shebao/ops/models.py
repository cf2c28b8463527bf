"""Models of the ops context."""

from __future__ import annotations

from django.db import models


class ThrottleEvent(models.Model):
    """One counted event (a failed login, a progress query) for a hashed key.

    The key is an HMAC of e.g. ``username|address``, so the table holds no personal data; rows
    older than a day are deleted by the periodic job. Counting in the database makes the limit
    hold across every worker process and machine.
    """

    scope = models.CharField("类别", max_length=30)
    key = models.CharField("键（HMAC）", max_length=64)
    created_at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"
        indexes = [models.Index(fields=["scope", "key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}… {self.created_at:%Y-%m-%d %H:%M:%S}"
