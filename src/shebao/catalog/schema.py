"""The schema of a county catalog YAML (``data/catalog/<county>.yaml``).

Plain pydantic, no Django: ``shebao catalog validate`` and the loader both use it, and its
errors name the file, the item and the field. Text fields keep the guide's wording exactly
(only whitespace and full/half-width punctuation may differ); fields marked *derived* below
are our structured reading of that text (codes, parsed limits, flags) and are not quoted.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
        event_codes = [e.code for e in self.life_events]
        if len(event_codes) != len(set(event_codes)):
            problems.append("一件事编码（life_events.code）重复")
        items_by_no = {i.no: i for i in self.items}
        for event in self.life_events:
            problems.extend(event.cross_reference(items_by_no))
        if problems:
            raise ValueError("；".join(problems))
        return self
