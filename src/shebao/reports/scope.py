"""What a statistic of the reports context covers and how it is grouped: the scope (one county,
all or one department, a date range), the labels of the dimensions (股室, 事项, 业务领域) and the
periods (day, week, month, year).

``shebao.reports.selectors`` re-exports these names; callers use them from there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.utils import timezone

from shebao.accounts.models import Role
from shebao.cases import workflow as wf
from shebao.cases.models import Case
from shebao.catalog.models import Category, Department, Item
from shebao.core.errors import DomainError, PermissionDenied
from shebao.core.models import County
from shebao.domain.deadlines import LOCAL_TZ

PERIODS = {"day": "按日", "week": "按周", "month": "按月", "year": "按年"}
DIMENSIONS = {"department": "股室", "item": "事项", "area": "业务领域", "period": "时段"}
MAX_SPAN_DAYS = 366 * 10


# -- scope ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """What a statistic covers: one county, all or one department, a date range (inclusive)."""

    county: County
    start: dt.date
    end: dt.date
    department: Department | None = None
    using: str = DEFAULT_DB_ALIAS

    @property
    def lo(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=LOCAL_TZ)

    @property
    def hi(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)

    @property
    def label(self) -> str:
        who = self.department.short_name if self.department else "全部股室"
        return f"{self.county.name} · {who} · {self.start.isoformat()} 至 {self.end.isoformat()}"

    def cases(self) -> QuerySet[Case]:
        qs = Case.objects.using(self.using).filter(county_id=self.county.pk)
        if self.department is not None:
            qs = qs.filter(department_id=self.department.pk)
        return qs.order_by()

    def received(self) -> QuerySet[Case]:
        return self.cases().filter(received_at__gte=self.lo, received_at__lt=self.hi)

    def closed(self) -> QuerySet[Case]:
        return self.cases().filter(closed_at__gte=self.lo, closed_at__lt=self.hi)

    def finished(self) -> QuerySet[Case]:
        return self.closed().filter(status=wf.FINISHED)


def parse_date(value, what: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(f"{what}“{value}”格式不正确，应为 YYYY-MM-DD。") from None


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``'2026-11'`` → (2026-11-01, 2026-11-30)."""
    try:
        year, mon = (int(p) for p in str(month).strip().split("-"))
        first = dt.date(year, mon, 1)
    except (ValueError, TypeError):
        raise DomainError(f"月份“{month}”格式不正确，应为 YYYY-MM，如 2026-11。") from None
    nxt = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This month so far."""
    today = today or timezone.localdate()
    return today.replace(day=1), today


def make_scope(*, county: County, start=None, end=None, department: str | None = None,
               using: str = DEFAULT_DB_ALIAS) -> Scope:
    """A scope without a user (the monthly report command); validates the dates and department."""
    d_start, d_end = default_range()
    start = parse_date(start, "开始日期") or d_start
    end = parse_date(end, "结束日期") or (d_end if start <= d_end else start)
    if end < start:
        raise DomainError(f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}。")
    if (end - start).days > MAX_SPAN_DAYS:
        raise DomainError("统计区间最长 10 年。")
    dept = None
    if department:
        dept = Department.objects.using(using).filter(county=county, code=str(department).strip().upper()).first()
        if dept is None:
            raise DomainError(f"未知的股室“{department}”。")
    return Scope(county=county, start=start, end=end, department=dept, using=using)


def scope_for_user(user, *, start=None, end=None, department: str | None = None,
                   using: str = DEFAULT_DB_ALIAS) -> Scope:
    """The scope ``user`` may see: the director any department of the county (or all), a section
    head their own department only; everyone else is refused (403)."""
    from shebao.accounts.selectors import profile_of

    profile = profile_of(user)
    if profile is None:
        raise PermissionDenied("统计报表仅供中心主任和股长查看。")
    if profile.role == Role.SECTION_HEAD:
        own = profile.department
        if department and str(department).strip().upper() != own.code:
            raise PermissionDenied(f"您只能查看本股室（{own.short_name}）的统计。")
        department = own.code
    elif profile.role != Role.DIRECTOR:
        raise PermissionDenied("统计报表仅供中心主任和股长查看。")
    return make_scope(county=profile.county, start=start, end=end, department=department, using=using)


def departments_for(user) -> list[Department]:
    """The departments ``user`` may choose on the dashboard."""
    from shebao.accounts.selectors import profile_of

    profile = profile_of(user)
    if profile is None:
        return []
    if profile.role == Role.SECTION_HEAD:
        return [profile.department]
    return list(Department.objects.filter(county_id=profile.county_id).order_by("id"))


# -- labels ---------------------------------------------------------------------------------------
@dataclass
class Labels:
    departments: dict[int, Department]
    items: dict[int, Item]
    categories: dict[int, Category]

    @classmethod
    def load(cls, scope: Scope) -> Labels:
        using, county = scope.using, scope.county
        return cls(
            departments={d.pk: d for d in Department.objects.using(using).filter(county=county)},
            items={i.pk: i for i in Item.objects.using(using).filter(county=county)},
            categories={c.pk: c for c in Category.objects.using(using).filter(county=county)},
        )

    def department(self, pk) -> str:
        d = self.departments.get(pk)
        return d.short_name if d else "—"

    def item(self, pk) -> str:
        i = self.items.get(pk)
        return f"{i.no}. {i.name}" if i else "—"

    def category(self, pk) -> str:
        c = self.categories.get(pk)
        return c.name if c else "—"


# -- dimensions and periods ------------------------------------------------------------------------
#: the dimensions rolled up from the (item, department) aggregates
DIM_FIELDS = {"department": "department_id", "item": "item_id", "area": "item__category_id"}


def dim_sort_key(dim: str, labels: Labels):
    if dim == "department":
        return lambda pk: (pk is None, pk or 0)
    if dim == "item":
        return lambda pk: (labels.items[pk].no if pk in labels.items else 9999, pk or 0)
    return lambda pk: (labels.categories[pk].order if pk in labels.categories else 9999, pk or 0)


def dim_label(dim: str, labels: Labels, pk) -> str:
    return {"department": labels.department, "item": labels.item, "area": labels.category}[dim](pk)


def period_key(day: dt.date, period: str) -> dt.date:
    """The first day of the period containing ``day`` (weeks start on Monday)."""
    if period == "day":
        return day
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    raise DomainError(f"时段“{period}”无效，可选：{'、'.join(PERIODS)}。")


def period_label(key: dt.date, period: str) -> str:
    if period == "day":
        return key.isoformat()
    if period == "week":
        iso = key.isocalendar()
        return f"{iso.year}年第{iso.week}周（{key:%m-%d}起）"
    if period == "month":
        return f"{key.year}-{key.month:02d}"
    return f"{key.year}年"


def period_keys(start: dt.date, end: dt.date, period: str) -> list[dt.date]:
    """Every period from ``start`` to ``end`` (so that empty periods show as zero)."""
    keys, day = [], period_key(start, period)
    while day <= end:
        keys.append(day)
        if period == "day":
            day += dt.timedelta(days=1)
        elif period == "week":
            day += dt.timedelta(days=7)
        elif period == "month":
            day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        else:
            day = dt.date(day.year + 1, 1, 1)
    return keys


def as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

