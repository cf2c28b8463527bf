"""Staff of a county center: department, role, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from shebao.core.models import County


class Role(models.TextChoices):
    CLERK = "clerk", "窗口受理员"
    FRONT_DESK = "front_desk", "综合受理窗口"
    REVIEWER = "reviewer", "审核员"
    APPROVER = "approver", "审批员"
    SECTION_HEAD = "section_head", "股长"
    DIRECTOR = "director", "中心主任"
    ADMIN = "admin", "系统管理员"


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.CASCADE,
                                related_name="staff_profile")
    county = models.ForeignKey(County, verbose_name="县（区）", on_delete=models.PROTECT, related_name="staff")
    department = models.ForeignKey(
        "catalog.Department", verbose_name="股室", null=True, blank=True, on_delete=models.PROTECT,
        related_name="staff",
        help_text="中心主任、系统管理员、综合受理窗口不属于任何股室",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return f"{self.display_name or self.user.get_username()}（{self.get_role_display()}）"

    def clean(self) -> None:
        """The admin's form checks what ``create_staff`` checks (a clerk without a 股室 could take
        in nothing and would see an empty queue)."""
        from shebao.accounts.permissions import assignment_problem

        department = self.department if self.department_id else None
        problem = assignment_problem(role=self.role, county_id=self.county_id, department_id=self.department_id,
                                     department_county_id=getattr(department, "county_id", None))
        if problem:
            field = "department" if "股室" in problem else "role"
            raise ValidationError({field: problem})


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("用途", max_length=60, blank=True)
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
