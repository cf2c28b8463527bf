"""Catalog editing for the admin role; every change goes through services.update_item."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from pydantic import ValidationError

from shebao.catalog import services
from shebao.catalog.models import CatalogVersion, Category, Channel, Department, Item, ItemVersion
from shebao.catalog.schema import Item as ItemSchema
from shebao.core.admin import BoundedLookupValues
from shebao.core.errors import DomainError


class ItemForm(forms.ModelForm):
    content = forms.CharField(label="事项内容（JSON）", widget=forms.Textarea(attrs={"rows": 30, "cols": 120}))

    class Meta:
        model = Item
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["content"].initial = json.dumps(self.instance.data, ensure_ascii=False, indent=2)

    def clean_content(self):
        try:
            data = json.loads(self.cleaned_data["content"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}") from exc
        if not isinstance(data, dict):
            raise forms.ValidationError("事项内容应为 JSON 对象（{…}）。")
        try:
            ItemSchema.model_validate(data)
        except ValidationError as exc:
            raise forms.ValidationError(services.schema_problems(exc)) from exc
        if self.instance and self.instance.pk:
            # Every rule of the edit (容缺 only as the county's 容缺办事项清单 lists it, time limits, phone
            # number …): a refused edit stays on the form with all its problems, nothing is saved.
            try:
                services.check_item_update(item=self.instance, data=data)
            except DomainError as exc:
                raise forms.ValidationError(exc.problems or [exc.message]) from exc
        return data


@admin.register(Item)
class ItemAdmin(BoundedLookupValues, admin.ModelAdmin):
    form = ItemForm
    list_display = ("no", "name", "category", "department", "is_active", "updated_at")
    list_filter = ("county", "category", "department", "is_active")
    search_fields = ("name", "list_name")
    readonly_fields = ("county", "no", "name", "current_version")

    def has_add_permission(self, request):
        return False  # items come from the county's reviewed YAML

    def save_model(self, request, obj, form, change):
        try:
            services.update_item(item=obj, data=form.cleaned_data["content"], actor=request.user)
        except DomainError as exc:  # the form checked it already; the catalog changed in between
            request._shebao_item_refused = True
            messages.error(request, exc.message)

    def response_change(self, request, obj):
        if getattr(request, "_shebao_item_refused", False):
            return HttpResponseRedirect(request.path)  # not “成功修改”: the message says why not
        return super().response_change(request, obj)


@admin.register(ItemVersion)
class ItemVersionAdmin(BoundedLookupValues, admin.ModelAdmin):
    list_display = ("item", "checksum", "catalog_version", "created_at")
    readonly_fields = ("item", "checksum", "catalog_version", "data", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CatalogVersion)
class CatalogVersionAdmin(BoundedLookupValues, admin.ModelAdmin):
    list_display = ("county", "version", "checksum", "is_current", "loaded_at")
    readonly_fields = ("county", "version", "checksum", "source_path", "data", "is_current", "loaded_at")

    def has_add_permission(self, request):
        return False


class FromCatalogFileAdmin(BoundedLookupValues, admin.ModelAdmin):
    """Departments, categories and channels are read from the county's reviewed YAML by
    ``shebao catalog load``: an edit here would be unaudited, invisible to the item caches (which are
    keyed by item and catalog versions) and undone by the next load. Change the YAML instead."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(FromCatalogFileAdmin):
    list_display = ("code", "name", "short_name", "location", "county")
    list_filter = ("county",)


@admin.register(Category)
class CategoryAdmin(FromCatalogFileAdmin):
    list_display = ("code", "name", "county")
    list_filter = ("county",)


@admin.register(Channel)
class ChannelAdmin(FromCatalogFileAdmin):
    list_display = ("code", "name", "kind", "county")
    list_filter = ("county",)
