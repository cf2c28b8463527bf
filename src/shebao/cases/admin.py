"""Django admin for cases: read-only oversight for the system administrator.

Cases change only through ``shebao.cases.services`` (clocks, timeline, audit chain), so the admin
may not add, change or delete anything here — not a case, not a timeline row. Personal data is
shown masked (name, ID number, phone, agent); the e-mail address and the query code (the
applicant's secret for rating) are not shown at all. Searching is by case number only, and the
list filters only by its own filters (county, department, status, warning: see
``shebao.core.admin.DeclaredLookupsOnly``), so that the admin cannot look people up by name, ID
number or phone, not even through the query string.
"""

from __future__ import annotations

from django.contrib import admin

from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseAction
from shebao.core.admin import DeclaredLookupsOnly
from shebao.domain.privacy import mask_name


class ReadOnlyMixin:
    """No add, change or delete: the admin's pages show, the services write."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def status_label(code: str) -> str:
    return wf.STATUS_LABELS.get(code, code)


class CaseActionInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseAction
    verbose_name = "办理记录"
    verbose_name_plural = "办理记录（时间线）"
    fields = ("created_at", "action_name", "step_before", "step_after", "status_before_name",
              "status_after_name", "actor_label", "reason")
    readonly_fields = fields
    ordering = ("id",)
    extra = 0
    can_delete = False
    show_change_link = False

    @admin.display(description="操作")
    def action_name(self, obj: CaseAction) -> str:
        return str(obj)  # the row's Chinese name, as the workbench's timeline has it

    @admin.display(description="原状态")
    def status_before_name(self, obj: CaseAction) -> str:
        return status_label(obj.status_before) or self.get_empty_value_display()  # blank at intake

    @admin.display(description="新状态")
    def status_after_name(self, obj: CaseAction) -> str:
        return status_label(obj.status_after) or self.get_empty_value_display()


@admin.register(Case)
class CaseAdmin(DeclaredLookupsOnly, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case_no", "item_label", "department_name", "status", "warning", "masked_name",
                    "masked_id", "received_at", "due", "handed_over_at")
    list_filter = ("county", "department", "status", "warning")
    list_select_related = ("county", "department", "item")
    search_fields = ("=case_no",)
    search_help_text = "按办件编号查找（不支持按姓名、证件号码查找）"
    ordering = ("-received_at", "-id")
    list_per_page = 50
    show_full_result_count = False
    actions = None
    inlines = (CaseActionInline,)
    fieldsets = (
        ("办件", {"fields": ("case_no", "county", "department", "item", "item_version", "scenario_name",
                           "status", "current_step", "version")}),
        ("申请人（已脱敏）", {"fields": ("applicant_kind", "masked_name", "masked_id", "masked_phone",
                                   "masked_agent")}),
        ("时限", {"fields": ("received_at", "statutory_due", "promised_due", "extended_due", "provisional",
                           "warning", "suspended_at", "suspended_days", "extension_days", "tolerance",
                           "awaiting_supplement", "supplement_due")}),
        ("结果", {"fields": ("closed_at", "result", "refusal_reasons", "handed_over_at", "updated_at")}),
    )
    readonly_fields = tuple(f for _title, opts in fieldsets for f in opts["fields"])

    @admin.display(description="事项", ordering="item__no")
    def item_label(self, obj: Case) -> str:
        return f"{obj.item.no} {obj.item.name}"

    @admin.display(description="股室", ordering="department__code")
    def department_name(self, obj: Case) -> str:
        return obj.department.short_name

    @admin.display(description="申请人")
    def masked_name(self, obj: Case) -> str:
        return obj.masked_applicant_name

    @admin.display(description="证件号码")
    def masked_id(self, obj: Case) -> str:
        return obj.masked_applicant_id

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Case) -> str:
        return obj.masked_phone

    @admin.display(description="经办人/代理人")
    def masked_agent(self, obj: Case) -> str:
        return mask_name(obj.agent_name)

    @admin.display(description="办结日期", ordering="promised_due")
    def due(self, obj: Case):
        return obj.effective_due
