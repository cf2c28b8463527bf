"""The schema of a county catalog YAML (``data/catalog/<county>.yaml``).

Plain pydantic, no Django: ``shebao catalog validate`` and the loader both use it, and its
errors name the file, the item and the field. Text fields keep the guide's wording exactly
(only whitespace and full/half-width punctuation may differ); fields marked *derived* below
are our structured reading of that text (codes, parsed limits, flags) and are not quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shebao.domain.identifiers import validate_phone


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class County(_Strict):
    code: str = Field(pattern=r"^\d{6}$", description="行政区划代码 (derived)")
    name: str
    agency: str
    province: str = ""
    city: str = ""


class Department(_Strict):
    code: str = Field(pattern=r"^[A-Z]{2,4}$", description="case-number prefix (derived)")
    name: str = Field(description="办理部门 as the guide writes it")
    short_name: str
    location: str = ""


class Category(_Strict):
    code: str = Field(pattern=r"^[a-z_]+$")
    name: str = Field(description="the area, e.g. 企业养老保险")
    path_title: str = Field(description="heading of its 办事不求人路径 page")
    items: list[int]


ChannelKind = Literal["app", "website", "bank", "home_visit", "village", "window", "mini_program"]


class Channel(_Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    kind: ChannelKind
    url: str = ""
    description: str = ""


class Document(_Strict):
    """One document in 事项依据."""

    text: str = Field(description="the entry as written, without its list number")
    title: str = Field(description="the document's title as written")
    doc_no: str | None = Field(default=None, description="文号 as written, e.g. 国发〔2005〕38号")


LimitKind = Literal["same_day", "working_days", "monthly_cutoff", "none", "on_complete"]


class Limit(_Strict):
    """法定时限 / 承诺时限: the original text and its parsed, typed form."""

    label: str = Field(description="the heading the guide uses: 法定时限, 办理时限, 承诺时限")
    text: str
    kind: LimitKind
    days: int | None = Field(default=None, ge=0, description="working days, for kind=working_days")
    day_of_month: int | None = Field(default=None, ge=1, le=31, description="for kind=monthly_cutoff")
    holiday_deferral: bool = Field(default=False, description="节假日顺延")

    @model_validator(mode="after")
    def _check_kind_fields(self) -> Limit:
        if self.kind == "working_days" and not self.days:
            raise ValueError("kind=working_days 需要 days（工作日数）")
        if self.kind == "monthly_cutoff" and not self.day_of_month:
            raise ValueError("kind=monthly_cutoff 需要 day_of_month")
        if self.kind not in ("working_days",) and self.days is not None:
            raise ValueError(f"kind={self.kind} 不应有 days")
        return self


class Tolerance(_Strict):
    """容缺: the material may be handed in later, within ``working_days``."""

    period_text: str = Field(description="补正时间 as written, e.g. 3个工作日")
    working_days: int = Field(ge=1)


MaterialForm = Literal["原件", "复印件", "电子版", "纸质版", "原件及复印件", "原件或复印件"]


class Material(_Strict):
    name: str = Field(description="the material as the guide names it, without list number")
    text: str = Field(description="the whole entry as written, incl. remarks in brackets")
    forms: list[MaterialForm] = Field(default_factory=list, description="derived from text")
    copies: str | None = Field(default=None, description="e.g. 一式三份, 1份, 两份 (as written)")
    seal: str | None = Field(default=None, description="e.g. 加盖单位公章 (as written)")
    signature: str | None = Field(default=None, description="e.g. 本人签字确认 (as written)")
    promise: bool = Field(default=False, description=(
        "the 证明事项告知承诺书 of the 证明事项告知承诺制: with it, the applicant may promise instead of handing "
        "in the other materials. Not a declaration the item asks for (缴费申报承诺书 and the like)"))
    optional_when: str | None = Field(default=None, description="condition under which it is needed, as written")
    ask: str | None = Field(default=None, description=(
        "our plain-words yes/no question for optional_when, where the guide's words make a poor question "
        "(“18年<含18年>之前有缴费的”); the guide's wording stays in optional_when and is shown beside it"))
    not_when: str | None = Field(default=None, description=(
        "condition under which it is not needed, as written: another material of the group whose optional_when "
        "is this text replaces it (item 34: 火化证, unless 未火化的)"))
    tolerance: Tolerance | None = None


class MaterialGroup(_Strict):
    scenario: str | None = Field(description="情形 as written; null when the item is not split")
    scenario_code: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")
    materials: list[Material]
    note: str | None = None


class Route(_Strict):
    """A sub-route of 办理程序, e.g. 户籍在乡镇的城乡居民: 村协办员受理→…"""

    name: str
    text: str
    steps: list[str] = Field(default_factory=list, description="derived from text")
    channel: str | None = Field(default=None, description="channel code (derived)")


class Procedure(_Strict):
    text: str = Field(description="办理程序 as written")
    steps: list[str] = Field(min_length=1, description="the ordered step names (derived)")
    routes: list[Route] = Field(default_factory=list)
    detail: str | None = Field(default=None, description="further procedure text, as written")


ScheduleKind = Literal["quarterly_cutoff", "yearly_window", "not_before_in_year", "certification_cycle"]


class Schedule(_Strict):
    """A calendar rule the guide states besides the time limits."""

    kind: ScheduleKind
    text: str = Field(description="the sentence of the guide that states it")
    day: int | None = Field(default=None, ge=1, le=31, description="quarterly_cutoff: before this day")
    start: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$", description="MM-DD")
    end: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$", description="MM-DD")
    months: int | None = Field(default=None, ge=1, description="certification_cycle length")


class Item(_Strict):
    no: int = Field(ge=1)
    name: str = Field(description="heading in 合规办业务指南")
    list_name: str = Field(description="name in 依申请事项清单 (业务办理项), whitespace-normalised")
    category: str
    department: str
    basis: list[Document]
    conditions: str | None = Field(description="申请条件 as written")
    material_groups: list[MaterialGroup]
    materials_note: str | None = Field(default=None, description="e.g. 和基本险注销使用同一份材料")
    fee: str | None
    procedure: Procedure
    statutory_limit: Limit | None
    promised_limit: Limit | None
    quantity_limit: str | None
    location: str | None
    phone: str | None
    channels: list[str] = Field(default_factory=list, description="channel codes (derived)")
    online: bool = Field(default=False, description="can be done entirely online (derived)")
    schedules: list[Schedule] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="search synonyms (ours, not quoted)")
    summary: str = Field(default="", description="plain-words purpose (ours, not quoted)")
    notes: list[str] = Field(default_factory=list, description="our notes on the guide's inconsistencies")

    @model_validator(mode="after")
    def _check_groups(self) -> Item:
        if len(self.material_groups) > 1 and any(g.scenario is None for g in self.material_groups):
            raise ValueError("有多个材料分组时，每组都要写明情形（scenario）")
        codes = [g.scenario_code for g in self.material_groups if g.scenario_code]
        if len(codes) != len(set(codes)):
            raise ValueError("情形编码（scenario_code）重复")
        return self


class ToleranceEntry(_Strict):
    """One row of 容缺办事项清单."""

    row: int
    item_no: int
    item_name: str
    material: str
    period_text: str
    working_days: int = Field(ge=1)


# ------------------------------------------------------------------------------------------------
# Consistency rules of one item: checked when a catalog is loaded and when an item is edited
# ------------------------------------------------------------------------------------------------

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_NUM = r"[0-9０-９]+|[零〇一二两三四五六七八九十百]+"
_NOT_AFTER_NUM = r"(?<![0-9０-９零〇一二两三四五六七八九十百])"
_WORKING_DAYS_RE = re.compile(rf"{_NOT_AFTER_NUM}({_NUM})\s*个?\s*工作日")
_MONTHLY_RE = re.compile(rf"每月\s*({_NUM})\s*[日号]")
#: A count of calendar days (“30 天”, “30日内”, “15 个自然日”), read once working days and “每月 25 日”
#: have been taken out of the text; a date (“5月1日”) is not a count.
_CALENDAR_DAYS_RE = re.compile(rf"(?<!月){_NOT_AFTER_NUM}({_NUM})\s*个?\s*(?:自然日|日历日|天|日(?![前后]))")
_SAME_DAY_RE = re.compile(r"即办|即时|当场办结|当日办结")


def _number(text: str) -> int:
    """20, ２０, 二十, 十五, 一百二十 → int."""
    text = text.translate(_FULLWIDTH_DIGITS)
    if text.isdigit():
        return int(text)
    total = current = 0
    for ch in text:
        if ch == "百":
            total, current = total + (current or 1) * 100, 0
        elif ch == "十":
            total, current = total + (current or 1) * 10, 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


def stated_working_days(text: str) -> list[int]:
    """The working-day counts a limit's text states (“20 个工作日” → [20]), in order, each once."""
    return list(dict.fromkeys(_number(m) for m in _WORKING_DAYS_RE.findall(text or "")))


def _stated_calendar_days(text: str) -> list[int]:
    rest = _MONTHLY_RE.sub(" ", _WORKING_DAYS_RE.sub(" ", text or ""))
    return list(dict.fromkeys(_number(m) for m in _CALENDAR_DAYS_RE.findall(rest)))


def _days_words(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers)


def limit_problems(limit: Limit | None, field: str) -> list[str]:
    """Problems of one 法定时限/承诺时限: its typed form must say what its text says."""
    if limit is None:
        return []
    where = f"{limit.label}（{field}）"
    text = limit.text
    problems: list[str] = []
    working = stated_working_days(text)
    if limit.kind == "working_days":
        calendar = _stated_calendar_days(text)
        if working and limit.days not in working:
            problems.append(f"{where}的工作日数（days）为 {limit.days}，与文字“{text}”中的 "
                            f"{_days_words(working)} 个工作日不一致")
        elif not working and calendar:
            problems.append(f"{where}的文字“{text}”写的是 {_days_words(calendar)} 天（自然日），不是工作日，"
                            f"不能按 {limit.days} 个工作日（kind=working_days）计算")
        elif not working and _SAME_DAY_RE.search(text):
            problems.append(f"{where}的文字“{text}”是即办，时限类型（kind）应为 same_day，不应为 {limit.days} 个工作日")
    elif working:
        problems.append(f"{where}的文字“{text}”写明 {_days_words(working)} 个工作日，时限类型（kind）应为 "
                        f"working_days 并填写 days，当前为 {limit.kind}")
    if limit.kind == "monthly_cutoff":
        monthly = list(dict.fromkeys(_number(m) for m in _MONTHLY_RE.findall(text)))
        if monthly and limit.day_of_month not in monthly:
            problems.append(f"{where}的每月截止日（day_of_month）为 {limit.day_of_month}，与文字“{text}”中的"
                            f"每月 {_days_words(monthly)} 日不一致")
    return problems


def limits_order_problems(statutory: Limit | None, promised: Limit | None) -> list[str]:
    """承诺时限 may not be longer than 法定时限, where the two can be compared: both counts of working
    days, or a 法定时限 of 即办 (no working day at all) against a promise of working days. Limits of
    other kinds (每月某日前, 材料齐全及时受理, 无) are not counts of working days and are not compared."""
    if statutory is None or promised is None or promised.kind != "working_days":
        return []
    if statutory.kind == "working_days" and promised.days > statutory.days:
        return [f"{promised.label} {promised.days} 个工作日超过了{statutory.label} {statutory.days} 个工作日："
                "承诺时限不能长于法定时限"]
    if statutory.kind == "same_day":
        return [f"{statutory.label}为即办（“{statutory.text}”），{promised.label}不能为 {promised.days} 个工作日："
                "承诺时限不能长于法定时限"]
    return []


def item_limit_problems(item: Item) -> list[str]:
    return [
        *limit_problems(item.statutory_limit, "statutory_limit"),
        *limit_problems(item.promised_limit, "promised_limit"),
        *limits_order_problems(item.statutory_limit, item.promised_limit),
    ]


def _titled(name: str) -> str:
    return name if "《" in name else f"《{name}》"


def _same_text(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a or "") == re.sub(r"\s+", "", b or "")


def tolerance_problems(item: Item, tolerance_list: Iterable[ToleranceEntry]) -> list[str]:
    """Only a material the county's 容缺办事项清单 lists for this item, by the same name, may carry
    ``tolerance`` (intake lets exactly those materials be handed in later), with the list's period."""
    rows = [r for r in tolerance_list if r.item_no == item.no]
    listed = "、".join(dict.fromkeys(_titled(r.material) for r in rows))
    problems: list[str] = []
    for group in item.material_groups:
        for m in group.materials:
            if m.tolerance is None:
                continue
            row = next((r for r in rows if r.material == m.name), None)
            if row is None:
                allowed = f"清单中本事项可容缺的材料只有{listed}" if rows else "清单中没有本事项"
                problems.append(f"材料{_titled(m.name)}不在本县容缺办事项清单内，不能设置容缺（tolerance）：{allowed}")
            elif m.tolerance.working_days != row.working_days or not _same_text(m.tolerance.period_text,
                                                                                row.period_text):
                problems.append(
                    f"材料{_titled(m.name)}的容缺补正期限“{m.tolerance.period_text}”（{m.tolerance.working_days} 个"
                    f"工作日）与容缺办事项清单第 {row.row} 行的“{row.period_text}”（{row.working_days} 个工作日）不一致"
                )
    return problems


def listed_tolerance_problems(item: Item, tolerance_list: Iterable[ToleranceEntry]) -> list[str]:
    """Each row of the 容缺办事项清单 for this item names one of its materials, marked ``tolerance``."""
    problems: list[str] = []
    materials = [m for g in item.material_groups for m in g.materials]
    for row in tolerance_list:
        if row.item_no != item.no:
            continue
        named = [m for m in materials if m.name == row.material]
        if not named:
            problems.append(f"容缺办事项清单第 {row.row} 行列明的材料{_titled(row.material)}不在本事项的材料中"
                            "（材料名称须与清单一致）")
        elif not any(m.tolerance for m in named):
            problems.append(f"容缺办事项清单第 {row.row} 行列明材料{_titled(row.material)}可容缺"
                            f"（{row.period_text}），该材料须保留容缺（tolerance）")
    return problems


_PHONE_SEPARATORS = re.compile(r"[、，,；;/]|或")


def phone_problems(phone: str | None) -> list[str]:
    """咨询电话: each number a mainland fixed-line number with area code (0356-3201035, 0356—3201061,
    0356 - 4227691), a mobile number, or a public service number (12333); several may be listed."""
    if phone is None:
        return []
    parts = [p.strip() for p in _PHONE_SEPARATORS.split(phone)]
    if not any(parts):
        return ["咨询电话（phone）为空：请填写电话号码（如 0356-3201035），指南未写电话时填 null"]
    problems: list[str] = []
    for part in (p for p in parts if p):
        check = validate_phone(part)
        if not check.valid:
            problems.append(f"咨询电话（phone）“{part}”格式不正确：{check.message.rstrip('。')}"
                            "（应为带区号的固定电话如 0356-3201035，或 11 位手机号码）")
    return problems


# ------------------------------------------------------------------------------------------------
# 一件事一次办: life-event bundles (ours, not quoted from the guide; see shebao.lifeevents)
# ------------------------------------------------------------------------------------------------

#: Query parameters the life-event pages use themselves; a question code may not take one of them.
_RESERVED_QUESTION_CODES = frozenset({"county", "format", "page", "csrfmiddlewaretoken", "next", "lang"})

#: ``{question code: [option codes]}``: true when every named question has one of the options.
Condition = dict[str, list[str]]


class LifeEventOption(_Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    help: str = ""


class LifeEventQuestion(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    help: str = ""
    options: list[LifeEventOption] = Field(min_length=2)
    when: Condition = Field(default_factory=dict, description="asked only when earlier answers match")


class LifeEventStep(_Strict):
    """One item (and 情形) of the bundle: one case at its department when the citizen applies."""

    item_no: int = Field(ge=1)
    scenario_code: str | None = Field(default=None, description="the item's 情形; required when it has several")
    when: Condition = Field(default_factory=dict, description="the step applies when the answers match")
    materials_when: dict[str, Condition] = Field(
        default_factory=dict,
        description="conditional material (by name) → the answers under which it is needed",
    )
    title: str = Field(default="", description="what this step achieves, in plain words")
    note: str = ""
    who: str = Field(default="", description="who usually does this step, e.g. 单位经办人")
    after_previous: bool = Field(
        default=False,
        description="applied for only once the previous applicable step is finished (退休审批 → 待遇核定): "
                    "its promised date is counted from the previous step's",
    )


class LifeEventSameMaterial(_Strict):
    """Materials named differently by different items that are one and the same document."""

    name: str = Field(description="the name shown in the merged list")
    materials: list[str] = Field(min_length=2, description="material names as the items write them")


class LifeEvent(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    short_name: str
    summary: str
    keywords: list[str] = Field(default_factory=list)
    questions: list[LifeEventQuestion] = Field(default_factory=list)
    steps: list[LifeEventStep] = Field(min_length=1)
    same_materials: list[LifeEventSameMaterial] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def item_nos(self) -> list[int]:
        """The items its steps may involve, each once, in the order of their first step."""
        return list(dict.fromkeys(s.item_no for s in self.steps))

    @model_validator(mode="after")
    def _check_questions(self) -> LifeEvent:
        problems: list[str] = []
        seen: dict[str, set[str]] = {}

        def check(cond: dict, where: str, known: dict[str, set[str]]) -> None:
            for q, opts in cond.items():
                if q not in known:
                    problems.append(f"{where}：条件引用了未定义（或不在其之前）的问题 {q!r}")
                    continue
                if not opts:
                    problems.append(f"{where}：问题 {q!r} 的条件没有列出选项")
                for o in opts:
                    if o not in known[q]:
                        problems.append(f"{where}：问题 {q!r} 没有选项 {o!r}")

        for q in self.questions:
            if q.code in seen:
                problems.append(f"问题编码 {q.code!r} 重复")
            if q.code in _RESERVED_QUESTION_CODES:
                problems.append(f"问题编码 {q.code!r} 是保留字")
            check(q.when, f"问题 {q.code}", seen)
            codes = [o.code for o in q.options]
            if len(codes) != len(set(codes)):
                problems.append(f"问题 {q.code}：选项编码重复")
            seen[q.code] = set(codes)
        for n, step in enumerate(self.steps, start=1):
            check(step.when, f"第 {n} 步（事项 {step.item_no}）", seen)
            for material, cond in step.materials_when.items():
                check(cond, f"第 {n} 步（事项 {step.item_no}）材料《{material}》", seen)
        if problems:
            raise ValueError("；".join(f"一件事 {self.code}：{p}" for p in problems))
        return self

    def cross_reference(self, items: dict[int, Item]) -> list[str]:
        """Problems with the items this bundle names (numbers, 情形 codes, material names)."""
        problems: list[str] = []
        names_in_steps: set[str] = set()
        for n, step in enumerate(self.steps, start=1):
            where = f"一件事 {self.code} 第 {n} 步"
            item = items.get(step.item_no)
            if item is None:
                problems.append(f"{where}：事项 {step.item_no} 不存在")
                continue
            groups = item.material_groups
            codes = [g.scenario_code for g in groups if g.scenario_code]
            if step.scenario_code is not None and step.scenario_code not in codes:
                problems.append(f"{where}：事项 {step.item_no} 没有情形 {step.scenario_code!r}")
                continue
            if step.scenario_code is None and len(groups) > 1:
                problems.append(f"{where}：事项 {step.item_no} 分多种情形，须写明 scenario_code")
                continue
            group = next((g for g in groups if g.scenario_code == step.scenario_code), None) if step.scenario_code \
                else (groups[0] if groups else None)
            materials = {m.name: m for m in (group.materials if group else [])}
            names_in_steps.update(materials)
            for name in step.materials_when:
                if name not in materials:
                    problems.append(f"{where}：事项 {step.item_no} 的该情形没有材料《{name}》")
                elif not (materials[name].optional_when or materials[name].not_when):
                    problems.append(f"{where}：事项 {step.item_no} 的材料《{name}》不是视情况提供的材料")
        for same in self.same_materials:
            for name in same.materials:
                if name not in names_in_steps:
                    problems.append(f"一件事 {self.code}：same_materials《{same.name}》中的《{name}》不是任何一步的材料")
        return problems


class Catalog(_Strict):
    schema_version: Literal[1] = 1
    version: str = Field(description="catalog version, e.g. 2026.1")
    source: str
    county: County
    departments: list[Department]
    categories: list[Category]
    channels: list[Channel]
    items: list[Item]
    tolerance_list: list[ToleranceEntry] = Field(default_factory=list)
    life_events: list[LifeEvent] = Field(default_factory=list, description="一件事 bundles (ours, not quoted)")

    @model_validator(mode="after")
    def _cross_references(self) -> Catalog:
        problems: list[str] = []
        nos = [i.no for i in self.items]
        if len(nos) != len(set(nos)):
            problems.append("事项序号重复")
        dept_codes = {d.code for d in self.departments}
        cat_codes = {c.code for c in self.categories}
        channel_codes = {c.code for c in self.channels}
        for item in self.items:
            if item.department not in dept_codes:
                problems.append(f"事项 {item.no}：department {item.department!r} 未在 departments 中定义")
            if item.category not in cat_codes:
                problems.append(f"事项 {item.no}：category {item.category!r} 未在 categories 中定义")
            for code in item.channels:
                if code not in channel_codes:
                    problems.append(f"事项 {item.no}：channel {code!r} 未在 channels 中定义")
            for route in item.procedure.routes:
                if route.channel and route.channel not in channel_codes:
                    problems.append(f"事项 {item.no}：route channel {route.channel!r} 未定义")
        listed = [n for c in self.categories for n in c.items]
        if sorted(listed) != sorted(nos):
            problems.append("categories 中列出的事项与 items 不一致")
        for row in self.tolerance_list:
            item = next((i for i in self.items if i.no == row.item_no), None)
            if item is None:
                problems.append(f"容缺清单第 {row.row} 行：事项 {row.item_no} 不存在")
                continue
            names = {m.name for g in item.material_groups for m in g.materials if m.tolerance}
            if row.material not in names:
                problems.append(
                    f"容缺清单第 {row.row} 行：事项 {row.item_no} 的材料中没有标记容缺的《{row.material}》"
                )
        for item in self.items:
            problems.extend(f"事项 {item.no}：{p}" for p in tolerance_problems(item, self.tolerance_list))
            problems.extend(f"事项 {item.no}：{p}" for p in item_limit_problems(item))
        event_codes = [e.code for e in self.life_events]
        if len(event_codes) != len(set(event_codes)):
            problems.append("一件事编码（life_events.code）重复")
        items_by_no = {i.no: i for i in self.items}
        for event in self.life_events:
            problems.extend(event.cross_reference(items_by_no))
        if problems:
            raise ValueError("；".join(problems))
        return self
