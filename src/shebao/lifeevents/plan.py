"""Planning one life event (一件事): the questions, the steps that apply, and ONE merged 一次性告知单.

Input is a bundle (``shebao.catalog.schema.LifeEvent``), the applicant's answers
(``{question code: option code}``) and the catalog items it names (``Item.data`` dicts). Each
applicable step is turned into the single-item notice of the portal
(:func:`shebao.portal.notice.build_notice`, same material formatting, 容缺 dates and promised
dates), and the materials of all steps are merged: a material needed by several items appears
once, listing every item that needs it in that item's own wording, and the copies summed only
where the guide states them for every item (we never invent a count the guide does not give).

No Django request and no database here; :mod:`shebao.lifeevents.selectors` feeds it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from shebao.catalog.schema import LifeEvent, LifeEventStep
from shebao.core.errors import DomainError
from shebao.domain.deadlines import DueDate, local_date
from shebao.domain.workdays import WorkCalendar
from shebao.portal.notice import Line, Notice, build_notice, cn_date, phone_display


class AnswerError(DomainError):
    """Answers that do not fit the bundle's questions; ``problems`` name each question."""

    def __init__(self, message: str, *, problems: list[str] | None = None):
        super().__init__(message, status=400, problems=problems)


# --------------------------------------------------------------------------------------------
# Questions and steps
# --------------------------------------------------------------------------------------------


def matches(condition: Mapping[str, list[str]], answers: Mapping[str, str]) -> bool:
    """True when every question of ``condition`` was answered with one of its options."""
    return all(answers.get(q) in opts for q, opts in condition.items())


@dataclass(frozen=True)
class AskedQuestion:
    code: str
    text: str
    help: str
    options: list[tuple[str, str]]  # (code, label)
    answer: str | None

    @property
    def answer_label(self) -> str:
        return dict(self.options).get(self.answer or "", "")


def _str(value) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def visible_questions(event: LifeEvent, raw: Mapping | None) -> list[AskedQuestion]:
    """The questions to ask now, in order: those whose ``when`` the (valid) earlier answers meet.

    An answer counts only when its question is visible and the option exists, so changing an
    earlier answer hides the follow-up questions it no longer leads to.
    """
    raw = raw or {}
    valid: dict[str, str] = {}
    out: list[AskedQuestion] = []
    for q in event.questions:
        if not matches(q.when, valid):
            continue
        options = [(o.code, o.label) for o in q.options]
        value = _str(raw.get(q.code))
        answer = value if value in dict(options) else None
        if answer is not None:
            valid[q.code] = answer
        out.append(AskedQuestion(q.code, q.text, q.help, options, answer))
    return out


def clean_answers(
    event: LifeEvent, raw: Mapping | None, *, complete: bool = True, strict: bool = False
) -> dict[str, str]:
    """The valid answers to the visible questions; :class:`AnswerError` for a wrong or missing one.

    With ``complete=False`` unanswered questions are allowed (the form is still being filled);
    with ``strict=True`` (the JSON API) keys that are no question of the bundle are an error too.
    """
    raw = raw or {}
    problems: list[str] = []
    asked = visible_questions(event, raw)
    for q in asked:
        value = _str(raw.get(q.code))
        if value and q.answer is None:
            labels = "、".join(f"{c}（{lbl}）" for c, lbl in q.options)
            problems.append(f"“{q.text}”没有“{value[:30]}”这个选项，可选：{labels}")
        elif q.answer is None and complete:
            problems.append(f"请回答：{q.text}")
    known = {q.code for q in event.questions}
    unknown = sorted(k for k in raw if k not in known and k not in _IGNORED_KEYS)
    if unknown and strict:
        problems.append("“" + event.name + "”没有这些问题：" + "、".join(u[:30] for u in unknown[:5]))
    if problems:
        raise AnswerError("回答不完整或有误：" + "；".join(problems), problems=problems)
    return {q.code: q.answer for q in asked if q.answer is not None}


#: Query/form keys that are not answers (CSRF token, the htmx flag, the county switch …).
_IGNORED_KEYS = frozenset({"csrfmiddlewaretoken", "county", "format", "partial", "lang"})


def applicable_steps(event: LifeEvent, answers: Mapping[str, str]) -> list[LifeEventStep]:
    return [s for s in event.steps if matches(s.when, answers)]


# --------------------------------------------------------------------------------------------
# Copies: read what the guide states, never invent
# --------------------------------------------------------------------------------------------

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_COPIES = re.compile(r"^(?:一式)?\s*([0-9]+|[一二两三四五六七八九十])\s*(份|张)$")


def parse_copies(text: str | None) -> tuple[int, str] | None:
    """``一式三份`` → (3, 份), ``2张`` → (2, 张), ``一份`` → (1, 份); None when no count is stated."""
    if not text:
        return None
    m = _COPIES.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    n = m.group(1)
    return (int(n) if n.isdigit() else _CN_DIGITS[n]), m.group(2)


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStep:
    order: int
    item_no: int
    item_name: str
    scenario_code: str | None
    scenario_label: str | None
    title: str
    note: str
    who: str
    department: str
    location: str | None
    phone: str | None
    online: bool
    notice: Notice
    repeated: bool = False  # the same item appears in several steps (with different 情形)
    #: For a step applied for only after the previous one is finished: the day it is counted from
    #: (the previous step's promised date), or ``None`` when that step has no fixed date.
    after_previous: bool = False
    counted_from: dt.date | None = None

    @property
    def label(self) -> str:
        """``事项7``, or ``事项34（工亡待遇）`` when item 34 appears more than once in the plan."""
        return f"事项{self.item_no}" + (f"（{self.scenario_label}）" if self.repeated and self.scenario_label else "")

    @property
    def full_name(self) -> str:
        return self.item_name + (f"（{self.scenario_label}）" if self.scenario_label else "")

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)

    @property
    def promised(self) -> DueDate | None:
        return self.notice.promised


@dataclass(frozen=True)
class Source:
    """One item's need for a merged material, in that item's own words."""

    step: PlanStep
    line: Line

    @property
    def copies(self) -> tuple[int, str] | None:
        return parse_copies(self.line.copies)


@dataclass
class MergedMaterial:
    no: int
    name: str
    sources: list[Source] = field(default_factory=list)

    @property
    def items_text(self) -> str:
        return "、".join(s.step.label for s in self.sources)

    @property
    def shared(self) -> bool:
        return len(self.sources) > 1

    @property
    def copies_total(self) -> tuple[int, str] | None:
        """The summed count when every source states one in the same unit; else None."""
        counts = [s.copies for s in self.sources]
        if not counts or any(c is None for c in counts) or len({c[1] for c in counts}) != 1:
            return None
        return sum(c[0] for c in counts), counts[0][1]

    @property
    def copies_text(self) -> str:
        """``共3张（事项4：1张；事项7：2张）``; unknown counts are said to be unknown."""
        if not self.shared:
            return self.sources[0].line.copies or "指南未注明份数"
        if not any(s.line.copies for s in self.sources):
            return "指南均未注明份数"
        parts = [f"{s.step.label}：{s.line.copies or '未注明份数'}" for s in self.sources]
        total = self.copies_total
        if total:
            return f"共{total[0]}{total[1]}（" + "；".join(parts) + "）"
        stated = [s.copies for s in self.sources if s.copies]
        if stated and len({c[1] for c in stated}) == 1 and len(stated) < len(self.sources):
            n = sum(c[0] for c in stated)
            return "；".join(parts) + f"。已注明的合计{n}{stated[0][1]}，未注明份数的请按窗口要求准备"
        return "；".join(parts)

    @property
    def conditional(self) -> bool:
        """Needed only under conditions the applicant has not answered (for every source)."""
        return all(s.line.condition for s in self.sources)

    @property
    def remarks(self) -> list[str]:
        """Form, copies, seal, signature, condition and 容缺 per source; once when all agree."""
        per = []
        for s in self.sources:
            bits = [s.line.forms_text, *s.line.requirements]
            if s.line.condition_text:
                bits.append(s.line.condition_text)
            if s.line.tolerance_text:
                bits.append(s.line.tolerance_text)
            per.append((s.step.label, "，".join(bits)))
        if len({text for _, text in per}) == 1:
            return [per[0][1]]
        return [f"{label}：{text}" for label, text in per]

    @property
    def tolerance_texts(self) -> list[str]:
        return [f"{s.step.label}：{s.line.tolerance_text}" for s in self.sources if s.line.tolerance_text]


@dataclass(frozen=True)
class NotNeeded:
    step: PlanStep
    material: str
    condition: str


@dataclass
class Stop:
    """One window on the route; consecutive steps at the same place share a stop."""

    no: int
    location: str
    department: str
    steps: list[PlanStep]

    @property
    def phones(self) -> list[str]:
        out: list[str] = []
        for s in self.steps:
            if s.phone_display and s.phone_display not in out:
                out.append(s.phone_display)
        return out

    @property
    def online_only_possible(self) -> bool:
        return all(s.online for s in self.steps)


@dataclass
class Plan:
    event: LifeEvent
    answers: dict[str, str]
    questions: list[AskedQuestion]
    steps: list[PlanStep]
    materials: list[MergedMaterial]
    not_needed: list[NotNeeded]
    stops: list[Stop]
    today: dt.date

    @property
    def answer_summary(self) -> list[tuple[str, str]]:
        return [(q.text, q.answer_label) for q in self.questions if q.answer]

    @property
    def latest_due(self) -> dt.date | None:
        """The latest promised date of the steps, applied for today, or (a step that waits for the
        previous one) on the day the previous one is promised; ``None`` once a chain has no date."""
        if any(s.after_previous and s.counted_from is None for s in self.steps):
            return None
        dues = [s.promised.due for s in self.steps if s.promised and s.promised.due]
        return max(dues) if dues else None

    @property
    def undated_steps(self) -> list[PlanStep]:
        return [s for s in self.steps if not (s.promised and s.promised.due)]

    @property
    def chained_steps(self) -> list[PlanStep]:
        return [s for s in self.steps if s.after_previous]

    @property
    def provisional(self) -> bool:
        return any(s.notice.provisional for s in self.steps)

    @property
    def departments(self) -> list[str]:
        out: list[str] = []
        for s in self.steps:
            if s.department not in out:
                out.append(s.department)
        return out

    @property
    def shared_materials(self) -> list[MergedMaterial]:
        return [m for m in self.materials if m.shared]

    @property
    def steps_without_materials(self) -> list[PlanStep]:
        return [s for s in self.steps if not s.notice.lines]

    @property
    def latest_due_sentence(self) -> str:
        due = self.latest_due
        chained = "、".join(s.label for s in self.chained_steps)
        if due is None:
            if chained and any(s.promised and s.promised.due for s in self.steps):
                return (f"{chained} 须在前一项办结后申请，而前一项没有固定的办结日期，"
                        "全部办结的日期请以窗口告知为准。")
            return "各事项均无固定的承诺办结日期，请以窗口告知为准。"
        mark = "（暂定）" if self.provisional else ""
        if chained:
            text = (f"如果今天开始申请，并在前一项办结当天申请下一项（{chained} 须在前一项办结后申请），"
                    f"按各事项的承诺时限推算，最晚于 {cn_date(due)}{mark}前全部办结")
        else:
            text = f"如果今天把各项一并申请，按各事项的承诺时限，最晚于 {cn_date(due)}{mark}前全部办结"
        if self.undated_steps:
            text += "（" + "、".join(s.label for s in self.undated_steps) + " 没有固定的办结日期）"
        return text + "。"


def _norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    return re.sub(r"[\s《》〈〉<>]", "", text)


def _group_of(item: Mapping, scenario_code: str | None) -> Mapping | None:
    groups = item.get("material_groups") or []
    if scenario_code:
        return next((g for g in groups if g.get("scenario_code") == scenario_code), None)
    return groups[0] if groups else None


def material_answers(step: LifeEventStep, item: Mapping, answers: Mapping[str, str]) -> dict[str, str]:
    """The single-item notice's yes/no answers (``q<index>``) implied by the bundle's answers."""
    group = _group_of(item, step.scenario_code) or {}
    out: dict[str, str] = {}
    for i, m in enumerate(group.get("materials") or []):
        cond = step.materials_when.get(m["name"])
        if cond is not None:
            out[f"q{i}"] = "yes" if matches(cond, answers) else "no"
    return out


def chained_promise_sentence(notice: Notice, previous: PlanStep, counted_from: dt.date | None) -> str:
    """The promise of a step that waits for ``previous``: counted from the day that one is
    promised, not from today (an application cannot be made before the approval it rests on)."""
    wait = f"须在{previous.label}办结后申请"
    due = notice.promised
    if counted_from is None or due is None or due.due is None:
        limit = f"承诺时限为{due.text}，从申请之日起计算" if due is not None and due.text else "指南未规定承诺时限"
        return f"{wait}；{limit}。"
    mark = "（暂定）" if due.provisional else ""
    if due.kind == "same_day":
        # The day is the previous step's promised date: 暂定 when that one is.
        same = mark or ("（暂定）" if previous.promised is not None and previous.promised.provisional else "")
        return f"{wait}：如在其承诺办结日 {cn_date(counted_from)}{same}申请，承诺当日办结。"
    return f"{wait}：如在其承诺办结日 {cn_date(counted_from)}申请，承诺于 {cn_date(due.due)}{mark}前办结。"


def build_plan(
    event: LifeEvent,
    raw_answers: Mapping | None,
    *,
    items: Mapping[int, Mapping],
    departments: Mapping[int, str],
    cal: WorkCalendar,
    today: dt.date | dt.datetime,
    channels: Mapping[str, Mapping] | None = None,
    strict: bool = False,
) -> Plan:
    """The whole plan for complete answers (:class:`AnswerError` otherwise).

    ``items`` maps item numbers to ``Item.data``; ``departments`` maps them to the 办理部门 name.
    """
    answers = clean_answers(event, raw_answers, strict=strict)
    today = local_date(today)
    steps: list[PlanStep] = []
    for order, step in enumerate(applicable_steps(event, answers), start=1):
        item = items.get(step.item_no)
        if item is None:
            raise DomainError(f"事项 {step.item_no} 已停用，暂时无法生成“{event.name}”的告知单。", status=404)
        chained = step.after_previous and bool(steps)
        previous = steps[-1] if chained else None
        counted_from = previous.promised.due if previous and previous.promised and previous.promised.due else None
        if previous is not None and previous.after_previous and previous.counted_from is None:
            counted_from = None  # the chain lost its date further up
        notice = build_notice(
            item, item_no=step.item_no, department=departments.get(step.item_no, ""),
            scenario=step.scenario_code, answers=material_answers(step, item, answers),
            cal=cal, today=counted_from or today, channels=channels,
        )
        if chained:
            notice = replace(notice, promised_sentence=chained_promise_sentence(notice, previous, counted_from))
        steps.append(PlanStep(
            order=order, item_no=step.item_no, item_name=item["name"], scenario_code=step.scenario_code,
            scenario_label=notice.scenario.label if notice.scenario else (
                (_group_of(item, step.scenario_code) or {}).get("scenario") if step.scenario_code else None),
            title=step.title or item["name"], note=step.note, who=step.who,
            department=departments.get(step.item_no, ""), location=item.get("location"),
            phone=item.get("phone"), online=bool(item.get("online")), notice=notice,
            after_previous=chained, counted_from=counted_from if chained else None,
        ))

    counts: dict[int, int] = {}
    for ps in steps:
        counts[ps.item_no] = counts.get(ps.item_no, 0) + 1
    steps = [replace(ps, repeated=True) if counts[ps.item_no] > 1 else ps for ps in steps]

    alias = {_norm_name(n): same.name for same in event.same_materials for n in same.materials}
    merged: dict[str, MergedMaterial] = {}
    not_needed: list[NotNeeded] = []
    for ps in steps:
        for line in ps.notice.lines:
            key = alias.get(_norm_name(line.name), _norm_name(line.name))
            if key not in merged:
                merged[key] = MergedMaterial(no=len(merged) + 1, name=alias.get(_norm_name(line.name), line.name))
            merged[key].sources.append(Source(ps, line))
        for name, cond in ps.notice.not_needed:
            not_needed.append(NotNeeded(ps, name, cond))

    stops: list[Stop] = []
    for ps in steps:
        place = ps.location or "见办理渠道"
        if stops and stops[-1].location == place:
            stops[-1].steps.append(ps)
        else:
            stops.append(Stop(no=len(stops) + 1, location=place, department=ps.department, steps=[ps]))

    return Plan(
        event=event, answers=answers, questions=visible_questions(event, answers), steps=steps,
        materials=list(merged.values()), not_needed=not_needed, stops=stops, today=today,
    )


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _p(text: str, style: str = "body"):
    from shebao.core import pdf

    return pdf.para(text, style)


def _table(rows: list[list[str]], widths: list[float], *, header: bool = True):
    from shebao.core import pdf

    return pdf.table([[_p(c, "cell") for c in row] for row in rows], col_widths=widths, header=header)


def render_plan_pdf(plan: Plan, *, url: str, agency: str = "") -> bytes:
    """The merged notice as an A4 PDF (embedded CJK font) with a QR code linking to ``url``."""
    from shebao.core import pdf

    doc = pdf.PdfDocument(title="一次性告知单", subtitle=agency or "")
    doc.add(_p(f"一件事：{plan.event.name}", "h2"))
    doc.add(_p(f"告知日期：{cn_date(plan.today)}", "small"))
    if plan.answer_summary:
        doc.heading("您的情况")
        doc.add(_table([[q, a] for q, a in plan.answer_summary], [84, 90], header=False))
    if not plan.steps:
        doc.heading("需要办理的事项")
        doc.add(_p("按您的回答，这件事不需要到社保中心办理任何事项。如情况有变，请重新填写或致电咨询。"))
        return _finish(doc, plan, url)

    doc.add(_p(f"需要办理的事项（共{len(plan.steps)}项，按先后顺序）", "h2"))
    rows = [["顺序", "事项", "办理部门", "承诺时限"]]
    for s in plan.steps:
        extra = [x for x in (s.who, s.note) if x]
        rows.append([str(s.order), f"{s.title}\n事项{s.item_no}：{s.full_name}" + ("\n" + "；".join(extra) if extra else ""),
                     s.department, s.notice.promised_sentence])
    doc.add(_table(rows, [12, 80, 32, 50]))
    doc.add(_p(plan.latest_due_sentence, "small"))

    doc.add(_p(f"请带齐以下材料（合并后共{len(plan.materials)}种）", "h2"))
    if plan.materials:
        rows = [["序号", "材料", "哪些事项需要（指南原文）", "份数", "说明"]]
        for m in plan.materials:
            need = "\n".join(f"{s.step.label}：{s.line.text}" for s in m.sources)
            rows.append([str(m.no), m.name, need, m.copies_text, "\n".join(m.remarks)])
        doc.add(_table(rows, [10, 30, 58, 34, 42]))
    for s in plan.steps_without_materials:
        doc.add(_p(f"{s.label}：{s.notice.materials_note or '指南未列出需提交的材料，请按办理渠道办理或致电咨询。'}",
                   "small"))
    if plan.not_needed:
        doc.add(_p("按您的回答无需提供：" + "；".join(f"{n.step.label} {n.material}（{n.condition}）"
                                                for n in plan.not_needed), "small"))

    doc.heading("要去的窗口（按顺序）")
    rows = [["顺序", "地点", "办理的事项", "电话"]]
    for stop in plan.stops:
        names = "\n".join(f"{s.label} {s.title}" + ("（也可网上办理）" if s.online else "") for s in stop.steps)
        rows.append([f"第{stop.no}站", f"{stop.location}\n{stop.department}", names, "\n".join(stop.phones)])
    doc.add(_table(rows, [14, 60, 70, 30]))
    for note in plan.event.notes:
        doc.add(_p(f"说明：{note}", "small"))
    return _finish(doc, plan, url)


def _finish(doc, plan: Plan, url: str) -> bytes:
    from shebao.core import pdf
    from shebao.portal.notice import HOURS_TEXT

    doc.add(_p(f"办公时间：{HOURS_TEXT}。", "small"))
    if plan.provisional:
        doc.add(_p("注：标“暂定”的日期所在年度的放假安排尚未公布，已扣除法定节假日和周六、周日，补假、调休尚未计入，公布后以实际为准。", "small"))
    doc.space(4)
    doc.add(pdf.table([[pdf.qr_image(url, 26), _p(f"扫码查看本告知单的最新版本：\n{url}", "small")]],
                      col_widths=[32, 142], header=False))
    return doc.render()
