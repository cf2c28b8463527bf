"""Reads of the reports context: the director's statistics.

Every figure is an aggregate query (``COUNT`` with ``FILTER``/``CASE``, ``GROUP BY`` a dimension)
over the cases of one county, optionally one department, in one date range; nothing loops over
cases in Python. Handling times come from the working-day index (``reports.WorkdayIndex``):
``n(办结日) − n(受理日) − 挂起工作日`` per case, grouped into a histogram by the database, from
which the average and the 90th percentile are read.

Definitions (also printed on the page and in the report)
--------------------------------------------------------
* Dates are Beijing dates; a range ``start … end`` includes both days.
* 收件: every application recorded in the range (including 不予受理). 受理: 收件 except 不予受理.
* The status columns (办理中, 已挂起, 已办结, 不予办理, 已终止) are the *current* status of the
  cases received in the range; 本期办结 counts cases whose 办结 falls in the range, whenever they
  were received.
* Handling time (办理用时) of a finished case: working days in (受理日, 办结日] minus the working
  days it was suspended (挂起); finished the day it was received = 0.
* On time against the promise: 办结日 ≤ the promised date moved by suspensions and by any approved
  extension (the date the yellow/red warnings use; items without a promise use their statutory
  date). On time against the statutory limit: 办结日 ≤ the statutory date moved by suspensions
  (extensions do not move it). Cases whose item has no such limit are left out of that rate.
* 90th percentile: nearest rank (the smallest value with at least 90 % of cases at or below it).
* 容缺: cases accepted under 容缺 in the range; 按期补齐 = every tolerated material supplied on or
  before the supplement date; 待补 = still awaiting and open; 未补齐 = the rest (terminated on
  expiry, or closed otherwise without the material).
* 好差评: ratings given in the range; 待回访差评: every 差评 without a follow-up, whenever given.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Case as CaseWhen
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseMaterial, Rating
from shebao.core.errors import DomainError
from shebao.reports.calendar import calendar_for
from shebao.reports.expressions import LocalDate, LocalHour, workday_number

# The scope's names stay part of this module, the reports' read API (hence names unused here).
from shebao.reports.scope import (  # noqa: F401
    DIM_FIELDS,
    DIMENSIONS,
    MAX_SPAN_DAYS,
    PERIODS,
    Labels,
    Scope,
    as_date,
    default_range,
    departments_for,
    dim_label,
    dim_sort_key,
    make_scope,
    month_range,
    parse_date,
    period_key,
    period_keys,
    period_label,
    scope_for_user,
)

#: Rows of the yellow/red and follow-up lists shown on the page (the exports have them all).
PAGE_LIST_LIMIT = 100

LEVELS = [(v, label) for v, label in Rating.Level.choices]
STATUS_COLUMNS = [
    (wf.IN_PROGRESS, "办理中"),
    (wf.SUSPENDED, "已挂起"),
    (wf.FINISHED, "已办结"),
    (wf.REFUSED, "不予办理"),
    (wf.TERMINATED, "已终止"),
]


# -- figures --------------------------------------------------------------------------------------
def _rate(ok: int, n: int) -> float | None:
    return ok / n if n else None


def percentile(hist: dict[int, int], q: float = 0.9) -> int | None:
    """Nearest-rank percentile of a histogram ``{value: count}``."""
    total = sum(hist.values())
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value
    return max(hist)  # pragma: no cover


def mean(hist: dict[int, int]) -> float | None:
    total = sum(hist.values())
    return sum(v * c for v, c in hist.items()) / total if total else None


@dataclass
class VolumeRow:
    key: object
    label: str
    applications: int = 0
    received: int = 0
    not_accepted: int = 0
    in_progress: int = 0
    suspended: int = 0
    finished: int = 0
    refused: int = 0
    terminated: int = 0
    finished_in_period: int = 0

    def add(self, other: VolumeRow) -> None:
        for f in VOLUME_FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))


VOLUME_FIELDS = ("applications", "received", "not_accepted", "in_progress", "suspended", "finished", "refused",
                 "terminated", "finished_in_period")


def _volume_aggregates() -> dict:
    return {
        "applications": Count("id"),
        "received": Count("id", filter=~Q(status=wf.NOT_ACCEPTED)),
        "not_accepted": Count("id", filter=Q(status=wf.NOT_ACCEPTED)),
        **{status: Count("id", filter=Q(status=status)) for status, _ in STATUS_COLUMNS},
    }


def _dim_key(dim: str, labels: Labels, row: dict):
    """The dimension's key of a row grouped by (item, department)."""
    if dim == "department":
        return row["department_id"]
    if dim == "item":
        return row["item_id"]
    item = labels.items.get(row["item_id"])
    return item.category_id if item else None


def volume_base(scope: Scope) -> tuple[list[dict], list[dict]]:
    """Two aggregates grouped by (item, department) — every non-period volume table is rolled up
    from them: the cases received in the range (with their current status) and those finished in it.
    Grouping by the pair keeps a case under its own department even if its item moved since."""
    recv = list(scope.received().values("item_id", "department_id").annotate(**_volume_aggregates()))
    fin = list(scope.finished().values("item_id", "department_id").annotate(c=Count("id")))
    return recv, fin


def _volume(scope: Scope, dim: str, labels: Labels, period: str = "day",
            base: tuple[list[dict], list[dict]] | None = None) -> list[VolumeRow]:
    if dim == "period":
        recv = (scope.received().annotate(k=LocalDate("received_at")).values("k")
                .annotate(**_volume_aggregates()))
        fin = scope.finished().annotate(k=LocalDate("closed_at")).values("k").annotate(c=Count("id"))
        rows = {k: VolumeRow(k, period_label(k, period)) for k in period_keys(scope.start, scope.end, period)}
        for r in recv:
            row = rows[period_key(as_date(r.pop("k")), period)]
            row.add(VolumeRow(None, "", **r, finished_in_period=0))
        for r in fin:
            rows[period_key(as_date(r["k"]), period)].finished_in_period += r["c"]
        return list(rows.values())
    if dim not in DIM_FIELDS:
        raise DomainError(f"维度“{dim}”无效，可选：{'、'.join(DIMENSIONS)}。")
    recv, fin = base if base is not None else volume_base(scope)
    rows: dict = {}
    for r in recv:
        pk = _dim_key(dim, labels, r)
        row = rows.setdefault(pk, VolumeRow(pk, dim_label(dim, labels, pk)))
        row.add(VolumeRow(None, "", **{f: r[f] for f in VOLUME_FIELDS if f in r}))
    for r in fin:
        pk = _dim_key(dim, labels, r)
        rows.setdefault(pk, VolumeRow(pk, dim_label(dim, labels, pk))).finished_in_period += r["c"]
    if dim == "department" and scope.department is None:
        for pk in labels.departments:  # every department, even with nothing this period
            rows.setdefault(pk, VolumeRow(pk, labels.department(pk)))
    elif dim == "department":
        rows.setdefault(scope.department.pk, VolumeRow(scope.department.pk, scope.department.short_name))
    order = dim_sort_key(dim, labels)
    return [rows[pk] for pk in sorted(rows, key=order)]


def _total(rows: Iterable, row_class=None):
    """The 合计 row of ``rows`` (a ``VolumeRow`` unless ``row_class`` says otherwise)."""
    total = (row_class or VolumeRow)(None, "合计")
    for r in rows:
        total.add(r)
    return total


@dataclass
class TimelinessRow:
    key: object
    label: str
    finished: int = 0
    promised_n: int = 0
    promised_ok: int = 0
    statutory_n: int = 0
    statutory_ok: int = 0
    hist: dict[int, int] = field(default_factory=dict)

    @property
    def promised_rate(self) -> float | None:
        return _rate(self.promised_ok, self.promised_n)

    @property
    def statutory_rate(self) -> float | None:
        return _rate(self.statutory_ok, self.statutory_n)

    @property
    def overdue(self) -> int:
        return self.promised_n - self.promised_ok

    @property
    def avg_days(self) -> float | None:
        return mean(self.hist)

    @property
    def p90_days(self) -> int | None:
        return percentile(self.hist, 0.9)

    def add(self, other: TimelinessRow) -> None:
        for f in ("finished", "promised_n", "promised_ok", "statutory_n", "statutory_ok"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        for v, c in other.hist.items():
            self.hist[v] = self.hist.get(v, 0) + c


def effective_due():
    """The date a case is judged against (as ``Case.effective_due``)."""
    return Coalesce("extended_due", "promised_due", "statutory_due")


def finished_with_days(scope: Scope) -> QuerySet[Case]:
    """Cases finished in the scope, annotated with ``cd`` (办结日), ``due`` and ``wd`` (办理用时).

    ``wd`` is ``NULL`` only for a date outside the working-day table (2000–2099).
    """
    return (
        scope.finished()
        .annotate(cd=LocalDate("closed_at"), rd=LocalDate("received_at"), due=effective_due())
        .annotate(wd=Greatest(workday_number("cd") - workday_number("rd") - F("suspended_days"), Value(0)))
    )


def timeliness_base(scope: Scope) -> tuple[list[dict], list[dict]]:
    """On-time counts and the handling-time histogram of the cases finished in the range, grouped
    by (item, department); the department and item tables are rolled up from them."""
    base = scope.finished().annotate(cd=LocalDate("closed_at"), due=effective_due())
    counts = list(base.values("item_id", "department_id").annotate(
        finished=Count("id"),
        promised_n=Count("id", filter=Q(due__isnull=False)),
        promised_ok=Count("id", filter=Q(due__gte=F("cd"))),
        statutory_n=Count("id", filter=Q(statutory_due__isnull=False)),
        statutory_ok=Count("id", filter=Q(statutory_due__gte=F("cd"))),
    ))
    hist = list(finished_with_days(scope).values("item_id", "department_id", "wd").annotate(c=Count("id")))
    return counts, hist


def _timeliness(scope: Scope, dim: str, labels: Labels,
                base: tuple[list[dict], list[dict]] | None = None) -> list[TimelinessRow]:
    counts, hist = base if base is not None else timeliness_base(scope)
    rows: dict = {}
    for r in counts:
        pk = _dim_key(dim, labels, r)
        row = rows.setdefault(pk, TimelinessRow(pk, dim_label(dim, labels, pk)))
        row.add(TimelinessRow(None, "", **{f: r[f] for f in ("finished", "promised_n", "promised_ok",
                                                              "statutory_n", "statutory_ok")}))
    for r in hist:
        row = rows.get(_dim_key(dim, labels, r))
        if row is not None and r["wd"] is not None:
            row.hist[r["wd"]] = row.hist.get(r["wd"], 0) + r["c"]
    order = dim_sort_key(dim, labels)
    return [rows[pk] for pk in sorted(rows, key=order)]


@dataclass
class ToleranceRow:
    key: object
    label: str
    total: int = 0
    in_time: int = 0
    late: int = 0
    pending: int = 0

    @property
    def not_supplied(self) -> int:
        return self.total - self.in_time - self.late - self.pending

    @property
    def in_time_rate(self) -> float | None:
        done = self.total - self.pending
        return _rate(self.in_time, done)

    def add(self, other: ToleranceRow) -> None:
        for f in ("total", "in_time", "late", "pending"):
            setattr(self, f, getattr(self, f) + getattr(other, f))


def _tolerance(scope: Scope, labels: Labels) -> list[ToleranceRow]:
    tolerated = CaseMaterial.objects.using(scope.using).filter(case=OuterRef("pk"), tolerated=True)
    missing = tolerated.filter(supplied_at__isnull=True)
    late = tolerated.annotate(sd=LocalDate("supplied_at")).filter(supplied_at__isnull=False,
                                                                   sd__gt=OuterRef("supplement_due"))
    qs = (
        scope.received().filter(tolerance=True)
        .annotate(has_missing=Exists(missing), has_late=Exists(late))
        .values("department_id")
        .annotate(
            total=Count("id"),
            pending=Count("id", filter=Q(awaiting_supplement=True, status__in=wf.OPEN_STATUSES)),
            in_time=Count("id", filter=Q(awaiting_supplement=False, has_missing=False, has_late=False)),
            late=Count("id", filter=Q(awaiting_supplement=False, has_missing=False, has_late=True)),
        )
    )
    rows = []
    for r in qs:
        pk = r.pop("department_id")
        rows.append(ToleranceRow(pk, labels.department(pk), **r))
    return sorted(rows, key=lambda r: r.key)


@dataclass
class RatingRow:
    key: object
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    followed_up: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def bad(self) -> int:
        return sum(self.counts.get(level, 0) for level in Rating.BAD_LEVELS)

    @property
    def good_rate(self) -> float | None:
        return _rate(self.total - self.bad, self.total)

    @property
    def open_bad(self) -> int:
        return self.bad - self.followed_up

    def add(self, other: RatingRow) -> None:
        for level, c in other.counts.items():
            self.counts[level] = self.counts.get(level, 0) + c
        self.followed_up += other.followed_up


def _ratings_scope(scope: Scope) -> QuerySet[Rating]:
    qs = Rating.objects.using(scope.using).filter(case__county_id=scope.county.pk)
    if scope.department is not None:
        qs = qs.filter(case__department_id=scope.department.pk)
    return qs.order_by()


def _ratings(scope: Scope, labels: Labels) -> list[RatingRow]:
    qs = (
        _ratings_scope(scope).filter(created_at__gte=scope.lo, created_at__lt=scope.hi)
        .values("case__department_id")
        .annotate(
            followed_up=Count("id", filter=Q(is_bad=True) & ~Q(follow_up="")),
            **{f"n_{level}": Count("id", filter=Q(level=level)) for level, _ in LEVELS},
        )
    )
    rows = []
    for r in qs:
        pk = r["case__department_id"]
        rows.append(RatingRow(pk, labels.department(pk), {level: r[f"n_{level}"] for level, _ in LEVELS},
                              r["followed_up"]))
    return sorted(rows, key=lambda r: r.key)


@dataclass
class Snapshot:
    """The cases open right now (not bound to the date range)."""

    in_progress: int = 0
    suspended: int = 0
    yellow: int = 0
    red: int = 0
    awaiting_supplement: int = 0
    open_bad_ratings: int = 0

    @property
    def open(self) -> int:
        return self.in_progress + self.suspended


def _snapshot(scope: Scope) -> Snapshot:
    agg = scope.cases().filter(status__in=wf.OPEN_STATUSES).aggregate(
        in_progress=Count("id", filter=Q(status=wf.IN_PROGRESS)),
        suspended=Count("id", filter=Q(status=wf.SUSPENDED)),
        yellow=Count("id", filter=Q(warning=wf.YELLOW)),
        red=Count("id", filter=Q(warning=wf.RED)),
        awaiting_supplement=Count("id", filter=Q(awaiting_supplement=True)),
    )
    open_bad = _ratings_scope(scope).filter(is_bad=True, follow_up="").count()
    return Snapshot(**agg, open_bad_ratings=open_bad)


def warning_cases(scope: Scope, *, limit: int | None = None) -> QuerySet[Case]:
    """Open cases with a yellow or red warning now, red first, then by due date."""
    qs = (
        scope.cases().filter(status__in=wf.OPEN_STATUSES, warning__in=(wf.YELLOW, wf.RED))
        .select_related("department", "item")
        .annotate(due=effective_due(),
                  urgency=CaseWhen(When(warning=wf.RED, then=Value(0)), default=Value(1),
                                   output_field=IntegerField()))
        .order_by("urgency", "due", "received_at", "id")
    )
    return qs[:limit] if limit else qs


def overdue_finished(scope: Scope, *, limit: int | None = None) -> QuerySet[Case]:
    """Cases finished in the range after the date they were judged against."""
    qs = (
        scope.finished().annotate(cd=LocalDate("closed_at"), due=effective_due())
        .filter(due__lt=F("cd")).select_related("department", "item")
        .order_by("closed_at", "id")
    )
    return qs[:limit] if limit else qs


def open_bad_ratings(scope: Scope, *, limit: int | None = None) -> QuerySet[Rating]:
    qs = (
        _ratings_scope(scope).filter(is_bad=True, follow_up="")
        .select_related("case", "case__department", "case__item").order_by("created_at", "id")
    )
    return qs[:limit] if limit else qs


def busiest_items(scope: Scope, labels: Labels, *, top: int = 10) -> list[tuple[str, int]]:
    rows = scope.received().values("item_id", "item__no").annotate(c=Count("id")).order_by("-c", "item__no")[:top]
    return [(labels.item(r["item_id"]), r["c"]) for r in rows]


def busiest_hours(scope: Scope) -> list[tuple[int, int]]:
    """Applications per hour of the day (0–23), every hour listed."""
    counts = {r["h"]: r["c"] for r in scope.received().annotate(h=LocalHour("received_at"))
              .values("h").annotate(c=Count("id"))}
    return [(h, counts.get(h, 0)) for h in range(24)]


def overdue_working_days(cal, due: dt.date | None, today: dt.date) -> int | None:
    """Working days past ``due`` as of ``today`` (for the few listed red cases)."""
    if due is None or today <= due:
        return 0 if due is not None else None
    return cal.working_days_between(due, today)


# -- the dashboard ---------------------------------------------------------------------------------
@dataclass
class Dashboard:
    """Every figure of the page, the exports and the monthly report for one scope."""

    scope: Scope
    period: str = "day"
    list_limit: int | None = PAGE_LIST_LIMIT
    #: "Today" for the working days overdue of the listed red cases (default: the real today).
    today: dt.date | None = None

    def __post_init__(self) -> None:
        self.today = self.today or timezone.localdate()
        if self.period not in PERIODS:
            raise DomainError(f"时段“{self.period}”无效，可选：{'、'.join(PERIODS)}。")
        from shebao.reports.services import sync_workday_index

        sync_workday_index(using=self.scope.using)

    @cached_property
    def labels(self) -> Labels:
        return Labels.load(self.scope)

    @cached_property
    def calendar(self):
        return calendar_for(self.scope.using)

    @cached_property
    def _volume_base(self):
        return volume_base(self.scope)

    @cached_property
    def _timeliness_base(self):
        return timeliness_base(self.scope)

    def volume(self, dim: str) -> list[VolumeRow]:
        cache = self.__dict__.setdefault("_vol", {})
        if dim not in cache:
            base = None if dim == "period" else self._volume_base
            cache[dim] = _volume(self.scope, dim, self.labels, self.period, base)
        return cache[dim]

    @cached_property
    def volume_total(self) -> VolumeRow:
        return _total(self.volume("department"))

    def timeliness(self, dim: str) -> list[TimelinessRow]:
        cache = self.__dict__.setdefault("_time", {})
        if dim not in cache:
            cache[dim] = _timeliness(self.scope, dim, self.labels, self._timeliness_base)
        return cache[dim]

    @cached_property
    def timeliness_total(self) -> TimelinessRow:
        return _total(self.timeliness("department"), TimelinessRow)

    @cached_property
    def tolerance(self) -> list[ToleranceRow]:
        return _tolerance(self.scope, self.labels)

    @cached_property
    def tolerance_total(self) -> ToleranceRow:
        return _total(self.tolerance, ToleranceRow)

    @cached_property
    def ratings(self) -> list[RatingRow]:
        return _ratings(self.scope, self.labels)

    @cached_property
    def ratings_total(self) -> RatingRow:
        return _total(self.ratings, RatingRow)

    @cached_property
    def snapshot(self) -> Snapshot:
        return _snapshot(self.scope)

    @cached_property
    def warnings(self) -> list[Case]:
        rows = list(warning_cases(self.scope, limit=self.list_limit))
        for c in rows:
            c.overdue_days = overdue_working_days(self.calendar, c.due, self.today) if c.warning == wf.RED else 0
        return rows

    @cached_property
    def overdue_finished(self) -> list[Case]:
        rows = list(overdue_finished(self.scope, limit=self.list_limit))
        for c in rows:
            c.late_days = self.calendar.working_days_between(c.due, c.cd)
        return rows

    @cached_property
    def open_bad_ratings(self) -> list[Rating]:
        return list(open_bad_ratings(self.scope, limit=self.list_limit))

    @cached_property
    def busiest_items(self) -> list[tuple[str, int]]:
        return busiest_items(self.scope, self.labels)

    @cached_property
    def busiest_hours(self) -> list[tuple[int, int]]:
        return busiest_hours(self.scope)
