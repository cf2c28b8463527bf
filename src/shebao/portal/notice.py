"""The 一次性告知单: one complete list of what to bring, for one item and one situation (情形).

Input is a catalog item's data (``Item.data``, shaped like ``shebao.catalog.schema.Item``), the
chosen ``scenario`` (a group's ``scenario_code``, or ``s1``, ``s2`` … by position) and the
applicant's yes/no answers to the conditional materials (``optional_when``). The result says, for
every material: form (原件/复印件 …), copies, seal, signature, whether it is a 告知承诺 document,
and whether it may come later (容缺) and by which date. It also carries the place, phone, hours
and the promised completion date computed on official working days (rules engineer's
``shebao.domain.deadlines``) — never a rule of our own.

No Django request here: views and tests call :func:`build_notice`; :func:`render_notice_pdf`
turns the result into a PDF through ``shebao.core.pdf``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shebao.core.errors import DomainError
from shebao.domain.deadlines import (
    DeadlineError,
    DueDate,
    ScheduleAnswer,
    closed_window,
    due_date,
    local_date,
    schedule_answer,
)
from shebao.domain.workdays import CalendarError, WorkCalendar

#: The guide names no opening hours; we say only what it implies (working days) and where to ask.
HOURS_TEXT = "法定工作日办理（周六、周日及法定节假日休息），具体办公时间请致电咨询"

WEEKDAYS = "一二三四五六日"


class NoticeError(DomainError):
    """A scenario or answer the item does not have; shown to the citizen as a 400 page."""

    def __init__(self, message: str, *, choices: list[tuple[str, str]] | None = None):
        super().__init__(message, status=400)
        self.choices = choices or []


def cn_date(d: dt.date | None) -> str:
    """``2026年5月6日（周三）``."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


def phone_digits(phone: str | None) -> str:
    """The dialable number of a phone as the guide writes it (``0356 - 3201060`` → ``03563201060``)."""
    return re.sub(r"\D", "", phone or "")


def phone_display(phone: str | None) -> str:
    """A phone in one clean form (``0356—3201061`` → ``0356-3201061``); other shapes unchanged."""
    digits = phone_digits(phone)
    if len(digits) == 11 and digits.startswith("0356"):
        return f"{digits[:4]}-{digits[4:]}"
    return (phone or "").strip()


# --------------------------------------------------------------------------------------------
# Scenarios and questions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    code: str
    label: str
    index: int
    count: int  # number of materials


def scenarios(item: Mapping) -> list[Scenario]:
    """The situations an applicant chooses from; empty when the item has a single, unnamed list."""
    groups = item.get("material_groups") or []
    out = []
    for i, g in enumerate(groups):
        if g.get("scenario") is None:
            continue
        out.append(Scenario(g.get("scenario_code") or f"s{i + 1}", g["scenario"], i, len(g.get("materials") or [])))
    # A single named group is no choice at all.
    return out if len(groups) > 1 else []


def has_questions(item: Mapping) -> bool:
    return any(m.get("optional_when") for g in item.get("material_groups") or [] for m in g.get("materials") or [])


def needs_wizard(item: Mapping) -> bool:
    """True when the list depends on the situation: several 情形 or conditional materials."""
    return bool(scenarios(item)) or has_questions(item)


def resolve_group(item: Mapping, scenario: str | None) -> tuple[Scenario | None, Mapping | None]:
    """The chosen group. Raises :class:`NoticeError` for an unknown or missing scenario."""
    groups = item.get("material_groups") or []
    choices = scenarios(item)
    code = (scenario or "").strip()
    if not groups:
        return None, None
    if not choices:
        if code and code not in ("", "all", "s1") and code != (groups[0].get("scenario_code") or ""):
            raise NoticeError(f"本事项不区分情形，没有“{code}”这种情形。请直接查看告知单。")
        return None, groups[0]
    if not code:
        raise NoticeError(
            "请先选择您的情形：" + "、".join(c.label for c in choices) + "。",
            choices=[(c.code, c.label) for c in choices],
        )
    for c in choices:
        if code == c.code:
            return c, groups[c.index]
    raise NoticeError(
        f"本事项没有“{code[:40]}”这种情形。可选的情形有：" + "、".join(c.label for c in choices) + "。",
        choices=[(c.code, c.label) for c in choices],
    )


@dataclass(frozen=True)
class Question:
    key: str  # the query parameter, e.g. "q3"
    material: str
    condition: str
    answer: bool | None
    ask: str = ""  # the catalog's own plain-words question, where the guide's condition reads badly

    @property
    def prompt(self) -> str:
        """“您的情况是否属于：转往市以外就医？” from the guide's “若有转往市以外就医的”, or the
        catalog's ``ask`` (“2018年（含）以前有缴费吗？” for the guide's “18年<含18年>之前有缴费的”)."""
        if self.ask:
            return self.ask
        cond = self.condition.strip().rstrip("，,。；; ")
        for prefix in ("若有", "属于", "属", "对"):
            if cond.startswith(prefix) and len(cond) > len(prefix) + 1:
                cond = cond[len(prefix):]
                break
        for suffix in ("提供", "的"):
            if cond.endswith(suffix) and len(cond) > len(suffix) + 1:
                cond = cond[: -len(suffix)]
        return f"您的情况是否属于：{cond}？"


def _answer(value) -> bool | None:
    v = str(value or "").strip().lower()
    if v in ("yes", "y", "1", "true", "是"):
        return True
    if v in ("no", "n", "0", "false", "否"):
        return False
    return None


def questions(group: Mapping | None, answers: Mapping | None = None) -> list[Question]:
    """One yes/no question per conditional material of ``group`` (key ``q<index>``)."""
    answers = answers or {}
    out = []
    for i, m in enumerate((group or {}).get("materials") or []):
        if m.get("optional_when"):
            key = f"q{i}"
            out.append(Question(key, m["name"], m["optional_when"], _answer(answers.get(key)), m.get("ask") or ""))
    return out


# --------------------------------------------------------------------------------------------
# The notice
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    no: int
    name: str
    text: str
    forms: str
    copies: str | None
    seal: str | None
    signature: str | None
    promise: bool
    condition: str | None  # optional_when, when the applicant has not answered yet
    tolerance_period: str | None
    tolerance_days: int | None
    tolerance_due: dt.date | None
    tolerance_provisional: bool
    unless: str | None = None  # not_when, when the applicant has not answered its question yet

    @property
    def forms_text(self) -> str:
        return self.forms or "指南未注明原件或复印件"

    @property
    def requirements(self) -> list[str]:
        """Short, printable requirements: copies, seal, signature, 告知承诺."""
        parts = []
        if self.copies:
            parts.append(self.copies)
        if self.seal:
            parts.append(self.seal)
        if self.signature:
            parts.append(self.signature)
        if self.promise:
            parts.append("告知承诺制（签署承诺书）")
        return parts

    @property
    def tolerance_text(self) -> str:
        if not self.tolerance_days:
            return ""
        text = f"可容缺：受理后 {self.tolerance_period or f'{self.tolerance_days}个工作日'}内补交"
        if self.tolerance_due:
            text += f"，今天受理的最迟须在 {cn_date(self.tolerance_due)}补交"
            if self.tolerance_provisional:
                text += "（暂定）"
        return text

    @property
    def condition_text(self) -> str:
        if self.unless:
            return f"“{self.unless}”不需要，改交相应材料"
        return f"仅当“{self.condition}”时需要" if self.condition else ""


@dataclass(frozen=True)
class Notice:
    item_no: int
    item_name: str
    scenario: Scenario | None
    lines: list[Line]
    not_needed: list[tuple[str, str]]  # (material, condition) answered "no"
    questions: list[Question]
    materials_note: str | None
    group_note: str | None
    department: str
    location: str | None
    phone: str | None
    hours: str
    fee: str | None
    today: dt.date
    promised: DueDate | None
    promised_sentence: str
    statutory_label: str
    statutory_text: str
    online_channels: list[dict] = field(default_factory=list)

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)

    @property
    def phone_digits(self) -> str:
        return phone_digits(self.phone)

    @property
    def provisional(self) -> bool:
        return bool(self.promised and self.promised.provisional) or any(
            ln.tolerance_provisional for ln in self.lines
        )

    @property
    def tolerance_lines(self) -> list[Line]:
        return [ln for ln in self.lines if ln.tolerance_days]

    @property
    def unanswered(self) -> list[Question]:
        return [q for q in self.questions if q.answer is None]

    @property
    def title(self) -> str:
        return f"{self.item_name}（{self.scenario.label}）" if self.scenario else self.item_name


def promise_sentence(due: DueDate | None, today: dt.date, *, schedules: Sequence[ScheduleAnswer] = ()) -> str:
    """“如果今天申请，承诺于 … 前办结” for one promised limit (or what the guide says instead).

    Outside an item's yearly filing window nothing can be applied for today, so nothing is promised
    for today: the sentence says when the window opens and what is promised within it."""
    window = closed_window(schedules)
    if window is not None:
        when = "本年度申报期已结束" if window.status == "closed" else "本年度申报期尚未开始"
        within = f"申报期内申请的，承诺时限为{due.text}" if due is not None and due.text else "请在申报期内申请"
        return (f"今天不能申报：{when}，下一申报期为 {cn_date(window.window_start)}至{cn_date(window.window_end)}。"
                f"{within}。")
    if due is None:
        return "指南未规定承诺时限。"
    mark = "（暂定）" if due.provisional else ""
    if due.due is None:
        if due.kind == "on_complete":
            return f"承诺时限：{due.text}（材料齐全后即时受理办理，没有固定的办结日期）。"
        return f"承诺时限：{due.text}。"
    if due.kind == "same_day":
        if due.due == today:
            # The guide states no office hours; a same-day promise only holds within them.
            return f"如果今天在工作时间内申请，承诺当日办结：{cn_date(due.due)}{mark}。"
        return f"如果今天申请，承诺于 {cn_date(due.due)}{mark}办结（今天是休息日，顺延至下一个工作日）。"
    return f"如果今天申请，承诺于 {cn_date(due.due)}{mark}前办结。"


def promised_due(cal: WorkCalendar, item: Mapping, today: dt.date) -> DueDate | None:
    """The promised limit's due date for an application received ``today`` (rules engineer's rule)."""
    try:
        return due_date(cal, item.get("promised_limit"), today)
    except DeadlineError:
        return None


def _windows(cal: WorkCalendar, item: Mapping, today: dt.date) -> list[ScheduleAnswer]:
    out = []
    for sched in item.get("schedules") or ():
        if sched.get("kind") == "yearly_window":
            try:
                out.append(schedule_answer(cal, sched, today))
            except DeadlineError:
                continue
    return out


def build_notice(
    item: Mapping,
    *,
    item_no: int,
    department: str,
    scenario: str | None,
    answers: Mapping | None,
    cal: WorkCalendar,
    today: dt.date | dt.datetime,
    channels: Mapping[str, Mapping] | None = None,
) -> Notice:
    """The 一次性告知单 of ``item`` for ``scenario`` and ``answers`` (see the module docstring)."""
    today = local_date(today)
    chosen, group = resolve_group(item, scenario)
    qs = questions(group, answers)
    by_index = {int(q.key[1:]): q for q in qs}
    lines: list[Line] = []
    not_needed: list[tuple[str, str]] = []
    # A material another one replaces (not_when) follows the answer to that one's question.
    by_condition = {q.condition: q for q in qs}
    for i, m in enumerate((group or {}).get("materials") or []):
        q = by_index.get(i)
        if q is not None and q.answer is False:
            not_needed.append((m["name"], m["optional_when"]))
            continue
        replaced_by = by_condition.get(m.get("not_when")) if m.get("not_when") else None
        if replaced_by is not None and replaced_by.answer is True:
            not_needed.append((m["name"], f"属于“{m['not_when']}”"))
            continue
        tol = m.get("tolerance") or None
        tol_due, tol_prov = None, False
        if tol:
            try:
                tol_due = cal.add_working_days(today, int(tol["working_days"]))
                tol_prov = cal.is_provisional(tol_due)
            except CalendarError:
                tol_due = None
        lines.append(
            Line(
                no=len(lines) + 1,
                name=m["name"],
                text=m.get("text") or m["name"],
                forms="、".join(m.get("forms") or []),
                copies=m.get("copies"),
                seal=m.get("seal"),
                signature=m.get("signature"),
                promise=bool(m.get("promise")),
                condition=m.get("optional_when") if q is not None and q.answer is None else None,
                tolerance_period=(tol or {}).get("period_text"),
                tolerance_days=(tol or {}).get("working_days"),
                tolerance_due=tol_due,
                tolerance_provisional=tol_prov,
                unless=m["not_when"] if replaced_by is not None and replaced_by.answer is None else None,
            )
        )
    promised = promised_due(cal, item, today)
    statutory = item.get("statutory_limit") or {}
    online = []
    for code in item.get("channels") or []:
        ch = (channels or {}).get(code)
        if ch and ch.get("kind") in ("app", "website", "mini_program"):
            online.append(ch)
    return Notice(
        item_no=item_no,
        item_name=item["name"],
        scenario=chosen,
        lines=lines,
        not_needed=not_needed,
        questions=qs,
        materials_note=item.get("materials_note"),
        group_note=(group or {}).get("note"),
        department=department,
        location=item.get("location"),
        phone=item.get("phone"),
        hours=HOURS_TEXT,
        fee=item.get("fee"),
        today=today,
        promised=promised,
        promised_sentence=promise_sentence(promised, today, schedules=_windows(cal, item, today)),
        statutory_label=statutory.get("label") or "法定时限",
        statutory_text=statutory.get("text") or "",
        online_channels=online,
    )


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _p(text: str, style: str = "body"):
    from shebao.core import pdf

    return pdf.para(text, style)


def render_notice_pdf(notice: Notice, *, url: str, agency: str = "") -> bytes:
    """The notice as an A4 PDF with embedded CJK font and a QR code linking to ``url``."""
    from shebao.core import pdf

    subtitle = f"{agency}　{notice.department}" if agency else notice.department
    doc = pdf.PdfDocument(title="一次性告知单", subtitle=subtitle)
    doc.add(_p(f"事项：{notice.item_no}. {notice.item_name}", "h2"))
    if notice.scenario:
        doc.add(_p(f"您的情形：{notice.scenario.label}"))
    doc.add(_p(f"告知日期：{cn_date(notice.today)}", "small"))
    doc.space(2)
    doc.heading("请带齐以下材料")
    if notice.lines:
        rows = [[_p(h, "cell") for h in ("序号", "材料", "原件/复印件", "份数、盖章、签字", "说明")]]
        for ln in notice.lines:
            remarks = [x for x in (ln.condition_text, ln.tolerance_text) if x]
            if ln.text != ln.name:
                remarks.insert(0, f"指南原文：{ln.text}")
            cells = [str(ln.no), ln.name, ln.forms_text, "；".join(ln.requirements) or "—", "；".join(remarks) or "—"]
            rows.append([_p(c, "cell") for c in cells])
        doc.add(pdf.table(rows, col_widths=[11, 48, 30, 33, 52]))
    else:
        doc.add(_p(notice.materials_note or "指南未列出需提交的申报材料，请按下方渠道办理或致电咨询。"))
    if notice.materials_note and notice.lines:
        doc.add(_p(f"说明：{notice.materials_note}", "small"))
    if notice.group_note:
        doc.add(_p(f"说明：{notice.group_note}", "small"))
    if notice.not_needed:
        doc.space(2)
        doc.add(_p("按您的回答无需提供：" + "；".join(f"{name}（{cond}）" for name, cond in notice.not_needed), "small"))
    if notice.tolerance_lines:
        doc.space(2)
        doc.add(_p("容缺受理：标明“可容缺”的材料暂缺时，可申请先受理，在规定的工作日内补交；逾期未补交的，不予办结。",
                   "small"))
    doc.heading("办理时间与地点")
    info = [
        ["承诺时限", notice.promised_sentence],
        ["办理地点", notice.location or "见下方办理渠道"],
        ["办理部门", notice.department],
        ["联系电话", notice.phone_display or "—"],
        ["办公时间", notice.hours],
        ["收费标准", notice.fee or "指南未写明"],
    ]
    if notice.statutory_text:
        info.insert(1, [notice.statutory_label, notice.statutory_text])
    if notice.online_channels:
        info.append(["网上自助", "、".join(c["name"] for c in notice.online_channels)])
    doc.add(pdf.table([[_p(a, "cell"), _p(b, "cell")] for a, b in info], col_widths=[28, 146], header=False))
    if notice.provisional:
        doc.add(_p("注：标“暂定”的日期所在年度的放假安排尚未公布，已扣除法定节假日和周六、周日，补假、调休尚未计入，公布后以实际为准。", "small"))
    doc.space(4)
    doc.add(pdf.table([[pdf.qr_image(url, 26), _p(f"扫码查看本事项的最新办事指南：\n{url}", "small")]],
                      col_widths=[32, 142], header=False))
    return doc.render()
