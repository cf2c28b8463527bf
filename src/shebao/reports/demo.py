"""``shebao demo generate --cases N --database demo``: realistic, clearly labelled demo cases.

* Written only into a separate database: the ``demo`` alias (``SHEBAO_DEMO_DATABASE_URL``, default
  ``var/demo.sqlite3``) or any other configured alias — never the default database unless that is
  explicitly a demo database (``SHEBAO_DATABASE_IS_DEMO=1``), and never a database that holds
  cases of a real county.
* Labelled: every case belongs to the county 演示县 (code 999999, agency “演示县社会保险中心（演示数据）”),
  every applicant's name starts with 演示, every result says 演示数据.
* Realistic: the county's real catalog (40 items, their procedures, limits and 容缺 list) under the
  demo county; more cases for popular items; office hours with the morning peak; working days of
  the official calendar; due dates from the catalog limits (``workflow.compute_clock``); about 95 %
  finished within the promise, a few suspended, extended, refused, not accepted; 容缺 cases that
  are supplied in time, pending or terminated; 好差评 on about a third of finished cases with
  follow-ups; yellow/red warnings on open cases as the tick would set them.
* Fast: cases go in with one ``executemany`` per batch of 2,000 (explicit ids, values adapted once
  per field type), their related rows with ``bulk_create``, one transaction per 20,000 cases; a
  million cases take about three minutes on SQLite. Timelines, notifications and the full material checklists are not generated (the
  dashboard does not read them); 容缺 cases get their tolerated material rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max
from django.utils import timezone

from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseCounter, CaseMaterial, Extension, Rating, Suspension
from shebao.catalog.models import CatalogVersion, Category, Department, Item, ItemVersion
from shebao.core.errors import DomainError
from shebao.core.models import County
from shebao.domain.deadlines import LOCAL_TZ
from shebao.domain.identifiers import id_check_char, uscc_check_char

DEMO_COUNTY = {"code": "999999", "name": "演示县", "agency": "演示县社会保险中心（演示数据）",
               "province": "演示省", "city": "演示市"}
MAX_CASES = 5_000_000
CHUNK = 20_000
BATCH = 2_000

#: relative popularity of the catalog's items (others: 1)
ITEM_WEIGHTS = {
    39: 12, 40: 12, 11: 10, 2: 8, 13: 6, 18: 6, 3: 6, 31: 3, 37: 3, 4: 3, 7: 3, 14: 3, 1: 2, 12: 2, 15: 2,
    24: 2, 34: 2, 36: 1.5, 5: 0.5, 6: 0.3, 8: 0.5, 9: 0.5, 22: 0.5, 23: 0.5, 26: 0.5, 27: 0.3, 32: 0.5,
    33: 0.3, 35: 0.5, 38: 0.5, 28: 0.8,
}
#: (hour, weight) of window arrivals; online applications come at any hour
HOURS = [(8, 6), (9, 16), (10, 15), (11, 9), (14, 7), (15, 10), (16, 8), (17, 2)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅鹏飞晓东海燕文彬俊杰宇浩然子涵欣怡"
TOWNS = ["城关", "北留", "润城", "町店", "芹池", "次营", "横河", "河北", "蟒河", "东冶", "西河", "演礼", "固隆", "白桑"]
TRADES = ["煤业有限公司", "建材有限公司", "商贸有限公司", "农业专业合作社", "运输有限公司", "陶瓷有限公司", "物业服务有限公司"]
LEVEL_WEIGHTS = [("very_satisfied", 80), ("satisfied", 12), ("basically_satisfied", 5), ("dissatisfied", 2),
                 ("very_dissatisfied", 1)]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
QUERY_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_HOUR_VALUES = [h for h, _ in HOURS]
_HOUR_CUM = [sum(w for _, w in HOURS[: i + 1]) for i in range(len(HOURS))]
_LEVEL_VALUES = [lv for lv, _ in LEVEL_WEIGHTS]
_LEVEL_CUM = [sum(w for _, w in LEVEL_WEIGHTS[: i + 1]) for i in range(len(LEVEL_WEIGHTS))]


class DemoDataError(DomainError, CommandError):
    """A refusal of the generator: a domain error (422 in the API) that management commands print
    as a plain message instead of a traceback."""


# -- the database ---------------------------------------------------------------------------------
def ensure_alias(alias: str) -> None:
    """Make sure ``alias`` is a configured database; ``demo`` is added from the environment if
    settings.py does not define it (see ``shebao.reports.dbsettings``)."""
    if alias in connections.settings:
        return
    if alias != "demo":
        raise DemoDataError(f"未配置数据库别名“{alias}”（settings.DATABASES 中没有）。")
    from shebao.reports.dbsettings import demo_database

    add_alias(alias, demo_database(settings.VAR_DIR))


def add_alias(alias: str, config: dict) -> None:
    """Register a database alias at run time (the defaults Django fills in are added)."""
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS],
                                                 alias: dict(config)})
    connections.settings[alias] = configured[alias]


def remove_alias(alias: str) -> None:
    if alias in connections.settings:
        try:
            connections[alias].close()
        finally:
            del connections[alias]
            del connections.settings[alias]


def _same_database(a: dict, b: dict) -> bool:
    keys = ("ENGINE", "NAME", "HOST", "PORT")
    return all(str(a.get(k) or "") == str(b.get(k) or "") for k in keys)


def default_is_demo() -> bool:
    return bool(getattr(settings, "SHEBAO_DATABASE_IS_DEMO", False)) or os.environ.get("SHEBAO_DATABASE_IS_DEMO") == "1"


def check_target(alias: str) -> None:
    """Refuse the default database (unless explicitly a demo one) and databases with real cases."""
    target = connections.settings[alias]
    default = connections.settings[DEFAULT_DB_ALIAS]
    if (alias == DEFAULT_DB_ALIAS or _same_database(target, default)) and not default_is_demo():
        raise DemoDataError(
            "拒绝向默认数据库写入演示数据：演示数据只能写入单独的数据库（--database demo，"
            "由 SHEBAO_DEMO_DATABASE_URL 指定，默认 var/demo.sqlite3）。如默认数据库本身就是演示库，"
            "请设置环境变量 SHEBAO_DATABASE_IS_DEMO=1。"
        )


def check_no_real_cases(alias: str) -> None:
    real = Case.objects.using(alias).exclude(county__code=DEMO_COUNTY["code"])
    if real.exists():
        raise DemoDataError(f"数据库“{alias}”中已有真实县（区）的办件，拒绝写入演示数据。")


# -- the demo county's catalog ---------------------------------------------------------------------
def ensure_demo_catalog(alias: str) -> County:
    """The county 演示县 with the real catalog's departments, categories and items (idempotent)."""
    from shebao.catalog.loader import parse_catalog
    from shebao.catalog.services import checksum_of

    county, _ = County.objects.using(alias).get_or_create(code=DEMO_COUNTY["code"], defaults=DEMO_COUNTY)
    if Item.objects.using(alias).filter(county=county, current_version__isnull=False).exists():
        return county
    loaded = parse_catalog(settings.SHEBAO_CATALOG_FILE)
    cat = loaded.catalog
    real_name = cat.county.name

    def demo(text: str) -> str:
        return (text or "").replace(real_name, DEMO_COUNTY["name"])

    with transaction.atomic(using=alias):
        version = CatalogVersion.objects.using(alias).create(
            county=county, version=f"{cat.version}（演示）", checksum=loaded.checksum, source_path=loaded.path,
            data=loaded.data, is_current=True,
        )
        depts = {
            d.code: Department.objects.using(alias).get_or_create(
                county=county, code=d.code,
                defaults={"name": demo(d.name), "short_name": d.short_name, "location": demo(d.location)})[0]
            for d in cat.departments
        }
        cats = {
            c.code: Category.objects.using(alias).get_or_create(
                county=county, code=c.code, defaults={"name": c.name, "path_title": c.path_title, "order": i})[0]
            for i, c in enumerate(cat.categories, start=1)
        }
        for data in loaded.data["items"]:
            item, _ = Item.objects.using(alias).get_or_create(
                county=county, no=data["no"],
                defaults={"name": data["name"], "list_name": data["list_name"], "category": cats[data["category"]],
                          "department": depts[data["department"]], "data": data},
            )
            iv = ItemVersion.objects.using(alias).create(item=item, checksum=checksum_of(data), data=data,
                                                         catalog_version=version)
            Item.objects.using(alias).filter(pk=item.pk).update(current_version=iv)
    return county


# -- generation -----------------------------------------------------------------------------------
class _ItemPlan:
    """What the generator needs to know about one item."""

    def __init__(self, item: Item, version: ItemVersion, cal):
        self.item = item
        self.version = version
        self.data = version.data
        self.steps = wf.build_steps(self.data.get("procedure", {}).get("steps") or [])
        self.step_dicts = [s.as_dict() for s in self.steps]
        self.first_open = wf.first_step_after_intake(self.steps)
        self.intake_index = wf.intake_index(self.steps)
        groups = self.data.get("material_groups") or []
        self.scenario = (groups[0].get("scenario_code") or "", groups[0].get("scenario") or "") if groups else ("", "")
        self.tolerable = []
        for g in groups[:1]:
            for m in g.get("materials") or []:
                if m.get("tolerance"):
                    self.tolerable.append((m["name"], int(m["tolerance"]["working_days"]), m.get("text") or m["name"]))
        self.unit = self.data.get("applicant_kind") == "unit" or item.no in (1, 2, 23, 25, 30, 31, 32, 33, 36)
        self.cal = cal

        @lru_cache(maxsize=4096)
        def clock(day: dt.date, suspended: int, extension: int, tolerance: int | None) -> wf.Clock | None:
            try:
                return wf.compute_clock(cal, self.data, day, suspended_days=suspended, extension_days=extension,
                                        tolerance_days=tolerance)
            except wf.WorkflowError:
                return None

        self.clock = clock


def _day_weights(days: list[dt.date], cal) -> list[float]:
    out = []
    for d in days:
        if cal.is_working_day(d):
            out.append({0: 1.25, 4: 0.9}.get(d.weekday(), 1.0))
        else:
            out.append(0.04)  # online applications at weekends and on holidays
    return out


def _spread(count: int, weights: list[float], rng: random.Random) -> list[int]:
    total = sum(weights)
    per = [int(count * w / total) for w in weights]
    rest = count - sum(per)
    for i in rng.choices(range(len(weights)), weights=weights, k=rest):
        per[i] += 1
    return per


def _person(rng: random.Random) -> tuple[str, str]:
    name = "演示" + rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    first17 = f"999999{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return name, first17 + id_check_char(first17)


def _unit(rng: random.Random) -> tuple[str, str]:
    name = f"演示{rng.choice(TOWNS)}{rng.choice(TRADES)}"
    first17 = "919999990" + "".join(rng.choice(USCC_CHARS) for _ in range(8))
    return name, first17 + uscc_check_char(first17)


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def _office_time(rng: random.Random, day: dt.date, working: bool) -> dt.datetime:
    if not working or rng.random() < 0.04:
        return _at(day, rng.randrange(24), rng.randrange(60))
    hour = rng.choices(_HOUR_VALUES, cum_weights=_HOUR_CUM)[0]
    minute = rng.randrange(30, 60) if hour in (8, 14) else rng.randrange(0, 30 if hour == 17 else 60)
    return _at(day, hour, minute)


def generate(*, count: int, database: str = "demo", seed: int = 20261128, end: dt.date | None = None,
             days: int | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Write ``count`` demo cases into ``database``; returns the number written."""
    if not isinstance(count, int) or count < 1 or count > MAX_CASES:
        raise DemoDataError(f"演示办件数量应在 1 到 {MAX_CASES} 之间。")
    ensure_alias(database)
    check_target(database)
    call_command("migrate", database=database, interactive=False, verbosity=0)
    check_no_real_cases(database)
    county = ensure_demo_catalog(database)

    from shebao.reports.calendar import calendar_for
    from shebao.reports.services import sync_workday_index

    cal = calendar_for(database)
    rng = random.Random(seed)
    today = end or timezone.localdate()
    now = timezone.now() if end is None else _at(end, 18, 0)
    span = days or min(3 * 365, max(90, count // 100))
    day_list = [today - dt.timedelta(days=i) for i in range(span - 1, -1, -1)]
    per_day = _spread(count, _day_weights(day_list, cal), rng)

    items = list(Item.objects.using(database).filter(county=county, is_active=True)
                 .select_related("department", "current_version"))
    plans = [_ItemPlan(i, i.current_version, cal) for i in items]
    weights = [ITEM_WEIGHTS.get(p.item.no, 1.0) for p in plans]
    cum = [sum(weights[: i + 1]) for i in range(len(weights))]
    counters: dict[tuple[int, int], int] = {
        (c.department_id, c.year): c.last for c in CaseCounter.objects.using(database).filter(county=county)
    }
    warn_days = int(getattr(settings, "SHEBAO_WARNING_DAYS", 2))

    written = 0
    writer = _CaseWriter(database)
    buffer: list[tuple] = []
    for day, n in zip(day_list, per_day, strict=True):
        if not n:
            continue
        working = cal.is_working_day(day)
        times = sorted(_office_time(rng, day, working) for _ in range(n))
        for received in times:
            plan = rng.choices(plans, cum_weights=cum)[0]
            buffer.append(_one(rng, plan, received, today, now, cal, warn_days, counters))
            if len(buffer) >= CHUNK:
                written += _flush(writer, buffer)
                buffer = []
                if progress:
                    progress(written, count)
    if buffer:
        written += _flush(writer, buffer)
        if progress:
            progress(written, count)
    writer.reset_sequences()
    with transaction.atomic(using=database):
        for (dept_id, year), last in counters.items():
            CaseCounter.objects.using(database).update_or_create(
                county=county, department_id=dept_id, year=year, defaults={"last": last})
    sync_workday_index(using=database)
    with connections[database].cursor() as cursor:
        cursor.execute("ANALYZE")
    return written


def _one(rng, plan: _ItemPlan, received: dt.datetime, today: dt.date, now: dt.datetime, cal, warn_days, counters):
    """One case as (Case, [materials], rating|None, [suspensions], [extensions])."""
    day = received.date()
    item = plan.item
    key = (item.department_id, day.year)
    counters[key] = counters.get(key, 0) + 1
    case_no = f"{item.department.code}-{day.year}-{counters[key]:06d}"
    if plan.unit:
        name, ident = _unit(rng)
        kind = "unit"
    else:
        name, ident = _person(rng)
        kind = "person"
    case = Case(
        county_id=item.county_id, department_id=item.department_id, item_id=item.pk, item_version_id=plan.version.pk,
        case_no=case_no, query_code="".join(rng.choices(QUERY_CHARS, k=8)),
        scenario_code=plan.scenario[0], scenario_name=plan.scenario[1], applicant_kind=kind, applicant_name=name,
        applicant_id=ident, phone=f"1380000{rng.randrange(10000):04d}", steps=plan.step_dicts, received_at=received,
        current_step=plan.steps[plan.first_open].name, step_index=plan.first_open, status=wf.IN_PROGRESS,
    )
    materials, suspensions, extensions, rating = [], [], [], None
    r = rng.random()
    if r < 0.02:  # 不予受理 at the window
        case.status, case.step_index = wf.NOT_ACCEPTED, plan.intake_index
        case.current_step = plan.steps[plan.intake_index].name
        case.closed_at = received
        case.refusal_reasons = ["材料不齐全，已一次性告知（演示数据）"]
        return case, materials, rating, suspensions, extensions

    tolerance = None
    if plan.tolerable and rng.random() < 0.3:
        tname, tdays, ttext = rng.choice(plan.tolerable)
        tolerance = tdays
    clock0 = plan.clock(day, 0, 0, tolerance)
    promised_wd = cal.working_days_between(day, clock0.promised_due) if clock0 and clock0.promised_due else None
    statutory_wd = cal.working_days_between(day, clock0.statutory_due) if clock0 and clock0.statutory_due else None
    p = max(0, promised_wd if promised_wd is not None else (statutory_wd if statutory_wd is not None else 3))
    s = max(p, statutory_wd if statutory_wd is not None else p + 5)
    x = rng.random()
    if x < 0.95:
        handle = rng.randint(0, p) if p else (0 if rng.random() < 0.98 else 1)
    elif x < 0.985:
        handle = rng.randint(p + 1, max(s, p + 1))
    else:
        handle = rng.randint(s + 1, s + 5)
    suspended = rng.randint(1, 10) if p >= 5 and rng.random() < 0.05 else 0
    extension = rng.choice((5, 10, 15)) if p >= 5 and rng.random() < 0.02 else 0
    if extension:
        handle = rng.randint(p + 1, p + extension)
    clock = plan.clock(day, suspended, extension, tolerance)
    if clock is not None:
        case.statutory_due, case.promised_due, case.extended_due = clock.statutory_due, clock.promised_due, clock.extended_due
        case.supplement_due, case.provisional, case.clock_notes = clock.supplement_due, clock.provisional, clock.notes
    case.suspended_days, case.extension_days = suspended, extension
    due = case.effective_due
    close_day = cal.add_working_days(day, handle + suspended)

    # 容缺: supplied in time (most), never (terminated by the tick), or still pending
    tolerance_fate = None
    if tolerance:
        case.tolerance = True
        tolerance_fate = "in_time" if rng.random() < 0.88 else "never"
        supply_day = cal.add_working_days(day, rng.randint(0, tolerance))
        if tolerance_fate == "in_time" and supply_day > today:
            tolerance_fate = "pending"
        materials.append(CaseMaterial(
            order=0, name=tname, text=ttext[:500], status=wf.RECEIVED if tolerance_fate == "in_time" else wf.MISSING,
            required=True, tolerable=True, tolerance_days=tolerance, tolerated=True,
            supplied_at=_at(supply_day, 9, rng.randrange(60)) if tolerance_fate == "in_time" else None,
        ))
        case.awaiting_supplement = tolerance_fate != "in_time"
        if tolerance_fate == "never" and case.supplement_due and case.supplement_due < today:
            case.status, case.closed_at, case.awaiting_supplement = wf.TERMINATED, _at(
                cal.next_working_day(case.supplement_due, include_self=False), 0, 10), False
            case.result = "容缺材料未按期补齐，办件终止（演示数据）"
            return case, materials, rating, suspensions, extensions
        if tolerance_fate != "in_time":
            close_day = max(close_day, today + dt.timedelta(days=1))  # cannot finish while awaiting

    refused = rng.random() < 0.015
    if close_day <= today:
        closed = _at(close_day, *(rng.choice(((9, 30), (10, 40), (11, 20), (15, 10), (16, 30), (17, 0)))))
        if closed <= received:
            closed = received + dt.timedelta(minutes=rng.randint(10, 90))
        case.closed_at = closed
        case.step_index = len(plan.steps) - 1 if not refused else rng.randint(plan.first_open, len(plan.steps) - 1)
        case.current_step = plan.steps[case.step_index].name
        if refused:
            case.status, case.result = wf.REFUSED, "经审核不符合办理条件（演示数据）"
            case.refusal_reasons = [case.result]
        else:
            case.status, case.result = wf.FINISHED, "已办结（演示数据）"
            case.warning = wf.warning_level(cal, closed.astimezone(LOCAL_TZ).date(), due, warning_days=warn_days)
            if rng.random() < 0.35:
                level = rng.choices(_LEVEL_VALUES, cum_weights=_LEVEL_CUM)[0]
                rated = closed + dt.timedelta(hours=rng.randint(1, 72))
                if rated <= now:
                    is_bad = level in Rating.BAD_LEVELS
                    follow = rated + dt.timedelta(days=rng.randint(1, 5))
                    done = is_bad and follow <= now and rng.random() < 0.85
                    rating = Rating(level=level, is_bad=is_bad, created_at=rated,
                                    comment="演示数据" if not is_bad else "等待时间较长（演示数据）",
                                    follow_up="已电话回访并整改（演示数据）" if done else "",
                                    follow_up_at=follow if done else None)
        if suspended:
            start = cal.add_working_days(day, max(1, handle // 2))
            end_ = cal.add_working_days(start, suspended)
            suspensions.append(Suspension(reason="等待外部审批结果（演示数据）", started_at=_at(start, 16, 0),
                                          ended_at=_at(end_, 9, 0), working_days=suspended))
    else:
        case.step_index = rng.randint(plan.first_open, len(plan.steps) - 1)
        case.current_step = plan.steps[case.step_index].name
        ref = today
        if suspended:
            start = cal.add_working_days(day, max(1, min(handle // 2, cal.working_days_between(day, today))))
            if start <= today:
                case.status, case.suspended_at = wf.SUSPENDED, _at(start, 16, 0)
                ref = start
                suspensions.append(Suspension(reason="等待外部审批结果（演示数据）", started_at=case.suspended_at))
                # the clock has not moved yet: the pause is counted on resumption
                base = plan.clock(day, 0, extension, tolerance)
                if base is not None:
                    case.statutory_due, case.promised_due = base.statutory_due, base.promised_due
                    case.extended_due = base.extended_due
                case.suspended_days = 0
                due = case.effective_due
        case.warning = wf.warning_level(cal, ref, due, warning_days=warn_days)
    if extension:
        before = plan.clock(day, suspended, 0, tolerance)
        extensions.append(Extension(days=extension, reason="情况复杂，经批准延期（演示数据）",
                                    due_before=before.promised_due if before else None,
                                    due_after=case.extended_due, created_at=_at(cal.add_working_days(day, 1), 11, 0)))
    return case, materials, rating, suspensions, extensions


class _CaseWriter:
    """Inserts cases with one ``executemany`` per batch and explicit ids (so that the related rows
    know their case without a round trip); values are adapted once per field type."""

    def __init__(self, alias: str):
        self.alias = alias
        self.conn = connections[alias]
        self.fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
        self.now = timezone.now()
        ops = self.conn.ops
        self._json: dict[int, tuple[object, str]] = {}
        convs = []
        for f in self.fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                convs.append(ops.adapt_datetimefield_value)
            elif kind == "DateField":
                convs.append(ops.adapt_datefield_value)
            elif kind == "JSONField":
                convs.append(self._dump_json)
            else:
                convs.append(None)
        self.convs = convs
        table = ops.quote_name(Case._meta.db_table)
        cols = ", ".join(ops.quote_name(f.column) for f in [Case._meta.pk, *self.fields])
        marks = ", ".join(["%s"] * (len(self.fields) + 1))
        self.sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"

    def _dump_json(self, value) -> str:
        # steps and clock notes are shared objects (one per item / per cached clock): dump them once;
        # the cache keeps a reference so that an id is never reused by another object.
        hit = self._json.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        if isinstance(value, list | dict) and value:
            self._json[id(value)] = (value, text)
        return text

    def insert(self, cases: list[Case]) -> None:
        first = (Case.objects.using(self.alias).aggregate(m=Max("id"))["m"] or 0) + 1
        rows = []
        attnames = [f.attname for f in self.fields]
        convs = self.convs
        for i, case in enumerate(cases):
            case.pk = first + i
            case.updated_at = self.now  # auto_now: not set by a raw insert
            row = [case.pk]
            for name, conv in zip(attnames, convs, strict=True):
                value = getattr(case, name)
                row.append(conv(value) if conv is not None and value is not None else value)
            rows.append(row)
        with self.conn.cursor() as cursor:
            for i in range(0, len(rows), BATCH):
                cursor.executemany(self.sql, rows[i : i + BATCH])

    def reset_sequences(self) -> None:
        statements = self.conn.ops.sequence_reset_sql(no_style(), [Case])
        if statements:
            with self.conn.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _flush(writer: _CaseWriter, rows: list[tuple]) -> int:
    alias = writer.alias
    with transaction.atomic(using=alias):
        cases = [r[0] for r in rows]
        writer.insert(cases)
        mats, ratings, susps, exts = [], [], [], []
        for case, (_, m, rating, s, e) in zip(cases, rows, strict=True):
            for x in m:
                x.case_id = case.pk
                mats.append(x)
            if rating is not None:
                rating.case_id = case.pk
                ratings.append(rating)
            for x in s:
                x.case_id = case.pk
                susps.append(x)
            for x in e:
                x.case_id = case.pk
                exts.append(x)
        CaseMaterial.objects.using(alias).bulk_create(mats, batch_size=BATCH)
        Rating.objects.using(alias).bulk_create(ratings, batch_size=BATCH)
        Suspension.objects.using(alias).bulk_create(susps, batch_size=BATCH)
        Extension.objects.using(alias).bulk_create(exts, batch_size=BATCH)
    return len(cases)


def summary(alias: str) -> dict:
    """Counts by status in ``alias`` (for the command's output and the tests)."""
    from django.db.models import Count

    rows = Case.objects.using(alias).values("status").annotate(c=Count("id")).order_by()
    out = defaultdict(int, {r["status"]: r["c"] for r in rows})
    return dict(out)
