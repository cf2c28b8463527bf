"""Admin for the rules context. Saves and deletes go through :mod:`shebao.rules.services`, so they
are validated and audited like every other change."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from shebao.core.admin import BoundedLookupValues
from shebao.core.errors import DomainError
from shebao.rules import services
from shebao.rules.models import BenefitParameter, HolidaySchedule


def _dates(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,，、;；]+", text or "") if t]


class HolidayScheduleForm(forms.ModelForm):
    holidays_text = forms.CharField(
        label="放假日期",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一个日期 YYYY-MM-DD，含落在周末的放假日。",
    )
    workdays_text = forms.CharField(
        label="调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个日期 YYYY-MM-DD（周六或周日上班的日期）。",
    )

    class Meta:
        model = HolidaySchedule
        fields = ["year", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["holidays_text"].initial = "\n".join(self.instance.holidays)
            self.fields["workdays_text"].initial = "\n".join(self.instance.workdays)

    def clean(self):
        data = super().clean()
        year = data.get("year") or (self.instance.year if self.instance and self.instance.pk else None)
        if year:
            # The service's own checks (built-in years, statutory holidays of art. 2), so that a
            # refused schedule stays on the form: nothing saved, no audit event, no recomputation.
            try:
                services.validate_year_schedule(
                    year=year,
                    holidays=_dates(data.get("holidays_text", "")),
                    workdays=_dates(data.get("workdays_text", "")),
                )
            except DomainError as exc:
                raise ValidationError(exc.message) from None
        return data

    def validate_unique(self):
        # Replacing an existing year is allowed: the service updates it in place.
        pass


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(BoundedLookupValues, admin.ModelAdmin):
    form = HolidayScheduleForm
    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_by_label", "loaded_at"]
    readonly_fields = ["loaded_by_label", "loaded_at", "revision"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    @admin.display(description="放假天数")
    def holiday_count(self, obj):
        return len(obj.holidays)

    @admin.display(description="调休上班天数")
    def workday_count(self, obj):
        return len(obj.workdays)

    def save_model(self, request, obj, form, change):
        try:
            result = services.load_year_schedule(
                year=form.cleaned_data.get("year") or obj.year,
                holidays=_dates(form.cleaned_data["holidays_text"]),
                workdays=_dates(form.cleaned_data.get("workdays_text", "")),
                source=form.cleaned_data["source"],
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        saved = HolidaySchedule.objects.get(year=result.year)
        obj.pk, obj.revision, obj.loaded_at = saved.pk, saved.revision, saved.loaded_at
        messages.info(request, result.describe())
        _recompute(request, [result.year])

    def delete_model(self, request, obj):
        services.delete_year_schedule(year=obj.year, actor=request.user)
        _recompute(request, [obj.year])

    def delete_queryset(self, request, queryset):
        years = [obj.year for obj in queryset]
        for year in years:
            services.delete_year_schedule(year=year, actor=request.user)
        _recompute(request, years)


def _recompute(request, years: list[int]) -> None:
    """Move the open cases' due dates to the calendar just changed, and say which moved."""
    try:
        from shebao.cases.services import recompute_provisional_cases  # provided by the cases context
    except (ImportError, AttributeError):
        return
    changed = recompute_provisional_cases(actor=request.user, years=years)
    if changed:
        messages.info(request, f"已按新的节假日安排重算 {len(changed)} 件在办办件的期限：" + "、".join(changed))
    else:
        messages.info(request, "在办办件的期限均无变化。")


class BenefitParameterForm(forms.ModelForm):
    class Meta:
        model = BenefitParameter
        fields = ["key", "label", "value", "unit", "effective_from", "source", "confirmed", "note"]

    def clean(self):
        data = super().clean()
        if data.get("confirmed") and not (data.get("source") or "").strip():
            raise ValidationError("标记为“出处已确认”的参数必须填写出处。")
        return data


@admin.register(BenefitParameter)
class BenefitParameterAdmin(BoundedLookupValues, admin.ModelAdmin):
    form = BenefitParameterForm
    list_display = ["key", "label", "value", "unit", "effective_from", "confirmed", "source"]
    list_filter = ["confirmed", "key"]
    search_fields = ["key", "label", "source"]
    readonly_fields = ["updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # key and date identify the row; a new date is a new row (the old value stays on record).
        return [*self.readonly_fields, "key", "effective_from"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = services.set_benefit_parameter(
                key=data.get("key") or obj.key,
                label=data["label"],
                value=data.get("value"),
                effective_from=data.get("effective_from") or obj.effective_from,
                source=data.get("source", ""),
                confirmed=data.get("confirmed", False),
                unit=data.get("unit", ""),
                note=data.get("note", ""),
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_benefit_parameter(key=obj.key, effective_from=obj.effective_from, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_benefit_parameter(key=obj.key, effective_from=obj.effective_from, actor=request.user)
