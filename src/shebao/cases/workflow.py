"""The case workflow as plain Python: steps, statuses, transitions, clocks and warnings.

No Django here: services load a case, ask this module what an action does, and write the answer.

Steps
-----
An item's ``procedure.steps`` (from the catalog) become the workflow. Each step name is classified
(:func:`classify_step`) into a *kind* that decides which role may act on it
(see ``shebao.accounts.permissions``):

* ``intake``   受理类: 申报, 受理, 窗口受理, 提出…申请, 携带…材料, 到县经办机构办理 — the window clerk.
  The leading run of intake steps is completed by intake itself.
* ``review``   审核类: 审核, 初审, 复核 — the reviewer.
* ``decision`` 审批/决定类: 审批, 决定, 负责人审核 — the approver.
* ``external`` waiting for another body: 报送…审批, 市…审批, 公示 — reviewer or approver record it
  (usually suspending the case while the city bureau decides).
* ``handle``   经办类: 征收, 给付, 登记, 制单, 银行制卡, 录入, 基金划转… — clerk or reviewer.
* ``end``      办结 / 结束 — not a working step: reaching it is the ``finish`` action.

A case whose intake consumed every working step (e.g. item 16, one step) stays on its intake step
and the clerk finishes it at the window (即办).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from shebao.domain.deadlines import DeadlineError, DueDate, due_date, local_date, schedule_answer
from shebao.domain.workdays import WorkCalendar

# -- step kinds ---------------------------------------------------------------------------------
INTAKE, REVIEW, DECISION, EXTERNAL, HANDLE, END = "intake", "review", "decision", "external", "handle", "end"
STEP_KIND_LABELS = {
    INTAKE: "受理",
    REVIEW: "审核",
    DECISION: "审批/决定",
    EXTERNAL: "外部审批/公示",
    HANDLE: "经办",
    END: "办结",
}

_END_NAMES = {"办结", "结束", "完成"}


def classify_step(name: str) -> str:
    """The kind of one procedure step (see the module docstring)."""
    n = (name or "").strip()
    if n in _END_NAMES:
        return END
    if "公示" in n or "报送" in n or (n.startswith("市") and "审批" in n):
        return EXTERNAL
    if "审批" in n or "决定" in n or "负责人" in n:
        return DECISION
    if "审核" in n or "初审" in n or "复核" in n:
        return REVIEW
    if any(k in n for k in ("受理", "申报", "提出", "携带", "到县经办机构")):
        return INTAKE
    return HANDLE


@dataclass(frozen=True)
class Step:
    index: int
    name: str
    kind: str

    @property
    def kind_label(self) -> str:
        return STEP_KIND_LABELS[self.kind]

    def as_dict(self) -> dict:
        return {"index": self.index, "name": self.name, "kind": self.kind}


def build_steps(names: Sequence[str]) -> list[Step]:
    """The working steps of a procedure: every step except the trailing 办结/结束 ones."""
    steps = [Step(i, n, classify_step(n)) for i, n in enumerate(names)]
    while len(steps) > 1 and steps[-1].kind == END:
        steps.pop()
    if not steps:
        steps = [Step(0, "受理", INTAKE)]
    return steps


def steps_from_dicts(rows: Iterable[Mapping]) -> list[Step]:
    return [Step(int(r["index"]), str(r["name"]), str(r["kind"])) for r in rows]


def intake_index(steps: Sequence[Step]) -> int:
    """Index of the last step of the leading run of intake steps (0 when the first is not one)."""
    i = 0
    while i + 1 < len(steps) and steps[i + 1].kind == INTAKE:
        i += 1
    return i


def first_step_after_intake(steps: Sequence[Step]) -> int:
    i = intake_index(steps)
    return i + 1 if i + 1 < len(steps) else i


# -- statuses and actions -----------------------------------------------------------------------
IN_PROGRESS, SUSPENDED, FINISHED, REFUSED, NOT_ACCEPTED, TERMINATED = (
    "in_progress", "suspended", "finished", "refused", "not_accepted", "terminated",
)
STATUS_LABELS = {
    IN_PROGRESS: "办理中",
    SUSPENDED: "已挂起",
    FINISHED: "已办结",
    REFUSED: "不予办理",
    NOT_ACCEPTED: "不予受理",
    TERMINATED: "已终止",
}
OPEN_STATUSES = (IN_PROGRESS, SUSPENDED)
CLOSED_STATUSES = (FINISHED, REFUSED, NOT_ACCEPTED, TERMINATED)

ACTIONS = ("advance", "return", "refuse", "suspend", "resume", "supplement", "extend", "finish")
ACTION_LABELS = {
    "advance": "提交下一环节",
    "return": "退回",
    "refuse": "不予办理",
    "suspend": "挂起",
    "resume": "恢复办理",
    "supplement": "容缺材料补齐",
    "extend": "延期",
    "finish": "办结",
}
#: What a case's timeline calls each of its rows: the clerk's actions and what the system did.
TIMELINE_LABELS = {
    **ACTION_LABELS,
    "accept": "受理",
    "accept_tolerance": "容缺受理",
    "not_accepted": "不予受理",
    "remind": "容缺补正提醒",
    "terminate": "容缺逾期终止",
    "recompute": "节假日调整，重算期限",
    "handover": "移交股室",
}
#: Actions that need a written reason (``finish`` needs its result instead).
NEEDS_REASON = {"return", "refuse", "suspend", "extend"}

NORMAL, YELLOW, RED = "normal", "yellow", "red"
WARNING_LABELS = {NORMAL: "正常", YELLOW: "黄牌预警", RED: "红牌超期"}
WARNING_ORDER = {RED: 0, YELLOW: 1, NORMAL: 2}


class WorkflowError(ValueError):
    """An action that is not a valid transition for the case; the message is in Chinese."""


@dataclass(frozen=True)
class CaseState:
    """What the workflow needs to know about a case."""

    status: str
    step_index: int
    steps: tuple[Step, ...]
    awaiting_supplement: bool = False
    has_due_date: bool = True

    @property
    def step(self) -> Step:
        return self.steps[self.step_index]

    @property
    def last_index(self) -> int:
        return len(self.steps) - 1

    @property
    def min_return_index(self) -> int:
        return intake_index(self.steps)


@dataclass(frozen=True)
class Transition:
    action: str
    status: str
    step_index: int
    closes: bool = False


def plan(state: CaseState, action: str, *, target_index: int | None = None) -> Transition:
    """What ``action`` does to a case in ``state``; :class:`WorkflowError` when it may not happen."""
    if action not in ACTIONS:
        raise WorkflowError(f"未知的操作“{action}”，可选：{'、'.join(ACTIONS)}。")
    label = ACTION_LABELS[action]
    if state.status in CLOSED_STATUSES:
        raise WorkflowError(f"办件已{STATUS_LABELS[state.status].removeprefix('已')}，不能再{label}。")
    s = state.status
    if action == "resume":
        if s != SUSPENDED:
            raise WorkflowError("办件未挂起，无需恢复办理。")
        return Transition(action, IN_PROGRESS, state.step_index)
    if action == "supplement":
        if not state.awaiting_supplement:
            raise WorkflowError("该办件没有待补齐的容缺材料。")
        return Transition(action, s, state.step_index)
    if action == "extend":
        if not state.has_due_date:
            raise WorkflowError("本事项没有办理时限，无需延期。")
        return Transition(action, s, state.step_index)
    if s == SUSPENDED:
        raise WorkflowError(f"办件已挂起，请先恢复办理再{label}。")
    if action == "suspend":
        return Transition(action, SUSPENDED, state.step_index)
    if action == "refuse":
        return Transition(action, REFUSED, state.step_index, closes=True)
    if action == "advance":
        if state.step_index >= state.last_index:
            raise WorkflowError(f"“{state.step.name}”已是最后一个办理环节，请执行“办结”。")
        return Transition(action, s, state.step_index + 1)
    if action == "return":
        lowest = state.min_return_index
        if state.step_index <= lowest:
            raise WorkflowError(f"“{state.step.name}”之前没有可退回的环节。")
        target = state.step_index - 1 if target_index is None else target_index
        if not (lowest <= target < state.step_index):
            names = "、".join(f"{st.index}={st.name}" for st in state.steps[lowest : state.step_index])
            raise WorkflowError(f"只能退回到之前的环节（{names}）。")
        return Transition(action, s, target)
    # finish
    if state.step_index < state.last_index:
        rest = "→".join(st.name for st in state.steps[state.step_index + 1 :])
        raise WorkflowError(f"还有未完成的环节（{rest}），不能办结。")
    if state.awaiting_supplement:
        raise WorkflowError("容缺材料尚未补齐，办理结果暂缓出具，不能办结。")
    return Transition(action, FINISHED, state.step_index, closes=True)


# -- clocks -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clock:
    """Due dates of a case: base dates moved by suspensions, plus extension and 容缺 period."""

    statutory_due: dt.date | None
    promised_due: dt.date | None
    extended_due: dt.date | None
    supplement_due: dt.date | None
    provisional: bool
    notes: dict = field(default_factory=dict)

    @property
    def effective_due(self) -> dt.date | None:
        """The date the case is judged against: the extension, else promised, else statutory."""
        return self.extended_due or self.promised_due or self.statutory_due

    def as_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "statutory_due": iso(self.statutory_due),
            "promised_due": iso(self.promised_due),
            "extended_due": iso(self.extended_due),
            "supplement_due": iso(self.supplement_due),
            "provisional": self.provisional,
        }


def _shift(cal: WorkCalendar, base: DueDate | None, days: int) -> tuple[dt.date | None, bool]:
    if base is None or base.due is None:
        return None, False
    if days <= 0:
        return base.due, base.provisional
    moved = cal.add_working_days(base.due, days)
    return moved, base.provisional or bool(cal.provisional_years(base.due, moved))


def suspension_working_days(cal: WorkCalendar, start: dt.date, end: dt.date) -> int:
    """Working days a suspension from ``start`` to ``end`` paused the clock: those in ``(start, end]``.

    Suspending and resuming on the same day pauses nothing; suspending on a Wednesday and resuming
    the next Monday pauses Thursday, Friday and Monday (3), unless some of them are holidays.
    """
    return max(0, cal.working_days_between(start, end))


def compute_clock(
    cal: WorkCalendar,
    item: Mapping,
    received: dt.datetime | dt.date,
    *,
    suspended_days: int = 0,
    extension_days: int = 0,
    tolerance_days: int | None = None,
) -> Clock:
    """Due dates of a case received at ``received`` for catalog ``item`` (an item data dict).

    Suspensions move the statutory and promised dates by the working days they paused; an
    extension of N working days adds N working days to the (moved) promised date — or to the
    statutory date when the item promises none. The 容缺 supplement date counts ``tolerance_days``
    working days from the day of receipt and is not moved by suspensions (it is the applicant's
    period, not the office's).
    """
    day = local_date(received)
    try:
        statutory = due_date(cal, item.get("statutory_limit"), day)
        promised = due_date(cal, item.get("promised_limit"), day)
    except DeadlineError as exc:
        raise WorkflowError(str(exc)) from None
    s_due, s_prov = _shift(cal, statutory, suspended_days)
    p_due, p_prov = _shift(cal, promised, suspended_days)
    provisional = s_prov or p_prov
    extended = None
    if extension_days > 0:
        base = p_due or s_due
        if base is not None:
            extended = cal.add_working_days(base, extension_days)
            provisional = provisional or bool(cal.provisional_years(base, extended))
    supplement = None
    notes = {
        "statutory": statutory.explanation if statutory else "",
        "promised": promised.explanation if promised else "",
        "suspended_working_days": suspended_days,
        "extension_working_days": extension_days,
    }
    if tolerance_days:
        supplement = cal.add_working_days(day, tolerance_days)
        provisional = provisional or bool(cal.provisional_years(day, supplement))
        # The result is issued only once the tolerated materials arrive, and the applicant has until
        # the supplement date: the office cannot be due before it (a 即办 item accepted under 容缺
        # would otherwise be late the next morning, and its receipt would promise a day already past).
        for key, due in (("statutory", s_due), ("promised", p_due)):
            if due is not None and due < supplement:
                notes[key] += f"；容缺受理：申请人最迟可在 {supplement.isoformat()} 补交，办结期限不早于该日。"
        s_due = max(s_due, supplement) if s_due else s_due
        p_due = max(p_due, supplement) if p_due else p_due
    schedules = []
    for sched in item.get("schedules") or []:
        try:
            schedules.append(schedule_answer(cal, sched, day).as_dict())
        except DeadlineError as exc:
            schedules.append({"kind": sched.get("kind"), "explanation": str(exc)})
    if schedules:
        notes["schedules"] = schedules
    return Clock(s_due, p_due, extended, supplement, provisional, notes)


def warning_level(cal: WorkCalendar, today: dt.date, due: dt.date | None, *, warning_days: int) -> str:
    """Yellow when ``due`` is at most ``warning_days`` working days away, red once it has passed."""
    if due is None:
        return NORMAL
    if today > due:
        return RED
    if cal.working_days_between(today, due) <= warning_days:
        return YELLOW
    return NORMAL


def reminder_day(cal: WorkCalendar, supplement_due: dt.date) -> dt.date:
    """The 容缺 reminder goes out one working day before the supplement date."""
    return cal.previous_working_day(supplement_due, include_self=False)


# -- intake -------------------------------------------------------------------------------------


def titled(name: str) -> str:
    """A material's name in title marks for a message: ``《社会保险登记表》``; a name that carries its
    own (``《退休审批表》或《信息确认表》``) is left as it is, not doubled."""
    return name if "《" in name else f"《{name}》"

RECEIVED, MISSING, PROMISED = "received", "missing", "promised"
MATERIAL_STATUS_LABELS = {RECEIVED: "已收", MISSING: "缺", PROMISED: "告知承诺"}


@dataclass(frozen=True)
class MaterialLine:
    name: str
    status: str
    required: bool
    tolerable: bool
    tolerance_days: int | None
    text: str = ""
    optional_when: str | None = None
    not_when: str | None = None

    def with_status(self, status: str) -> MaterialLine:
        return replace(self, status=status)


@dataclass
class IntakeCheck:
    """The outcome of checking an intake form against the catalog (no side effects)."""

    scenario_code: str | None
    scenario_name: str | None
    materials: list[MaterialLine]
    problems: list[str]
    tolerated: list[MaterialLine]
    missing_required: list[MaterialLine]

    @property
    def tolerance_days(self) -> int | None:
        days = [m.tolerance_days for m in self.tolerated if m.tolerance_days]
        return max(days) if days else None


def check_materials(
    item: Mapping,
    *,
    scenario: str | None,
    given: Sequence[tuple[str, str]],
    tolerance: bool,
    refuse: bool,
) -> IntakeCheck:
    """Check the 情形 and the materials checklist of an intake against catalog ``item``.

    ``given`` is ``[(material name, status)]``; a checklist material the form does not mention
    counts as missing. Problems name each fault; an empty list means the intake may proceed.
    """
    problems: list[str] = []
    groups = list(item.get("material_groups") or [])
    group: Mapping | None = None
    codes = [g.get("scenario_code") for g in groups if g.get("scenario_code")]
    scenario = (scenario or "").strip() or None
    if not groups:
        if scenario:
            problems.append(f"事项 {item.get('no')} 不区分情形，不能选择情形“{scenario}”。")
    elif len(groups) == 1 and not groups[0].get("scenario_code"):
        group = groups[0]
        if scenario:
            problems.append(f"事项 {item.get('no')} 不区分情形，不能选择情形“{scenario}”。")
    elif scenario is None:
        opts = "、".join(f"{g.get('scenario_code')}（{g.get('scenario')}）" for g in groups)
        problems.append(f"请选择情形：{opts}。")
    else:
        group = next((g for g in groups if g.get("scenario_code") == scenario), None)
        if group is None:
            problems.append(f"未知的情形“{scenario}”，本事项的情形有：{'、'.join(codes)}。")

    lines: list[MaterialLine] = []
    promise_supported = False
    if group is not None:
        promise_supported = any(m.get("promise") for m in group.get("materials") or [])
        for m in group.get("materials") or []:
            tol = m.get("tolerance") or None
            lines.append(
                MaterialLine(
                    name=m["name"],
                    status=MISSING,
                    required=not m.get("optional_when"),
                    tolerable=tol is not None,
                    tolerance_days=int(tol["working_days"]) if tol else None,
                    text=m.get("text") or m["name"],
                    optional_when=m.get("optional_when"),
                    not_when=m.get("not_when"),
                )
            )
    by_name = {m.name: i for i, m in enumerate(lines)}
    seen: set[str] = set()
    for name, status in given:
        name = (name or "").strip()
        if status not in MATERIAL_STATUS_LABELS:
            problems.append(f"材料{titled(name)}的状态“{status}”无效，应为 received、missing 或 promised。")
            continue
        if name in seen:
            problems.append(f"材料{titled(name)}重复填写。")
            continue
        seen.add(name)
        if group is None:
            if groups:
                continue  # the scenario problem above already explains it
            problems.append(f"事项 {item.get('no')} 没有申报材料清单，不应填写材料{titled(name)}。")
            continue
        if name not in by_name:
            problems.append(f"材料{titled(name)}不在本情形的材料清单中。")
            continue
        line = lines[by_name[name]]
        if status == PROMISED:
            cat = next(m for m in group.get("materials") or [] if m["name"] == name)
            if cat.get("promise"):
                problems.append(f"材料{titled(name)}本身就是承诺书，须收取原件，不能再以告知承诺代替。")
                continue
            if not promise_supported:
                problems.append(f"本事项（情形）未实行告知承诺制，材料{titled(name)}不能以告知承诺代替。")
                continue
        lines[by_name[name]] = line.with_status(status)

    # A material another one replaces (not_when: 火化证 unless 未火化的) is not required once the
    # replacement, whose optional_when names that condition, has been handed in.
    replaced = {m.optional_when for m in lines if m.optional_when and m.status in (RECEIVED, PROMISED)}
    lines = [replace(m, required=False) if m.not_when and m.not_when in replaced else m for m in lines]
    missing = [m for m in lines if m.status == MISSING]
    tolerated: list[MaterialLine] = []
    missing_required: list[MaterialLine] = []
    if not refuse:
        for m in missing:
            if not m.required:
                continue  # conditional material (e.g. 属于五保、低保…): not every applicant has it
            if tolerance and m.tolerable:
                tolerated.append(m)
            elif tolerance:
                problems.append(f"材料{titled(m.name)}不在容缺受理清单内，不能容缺，须当场提交或不予受理。")
                missing_required.append(m)
            elif m.tolerable:
                problems.append(
                    f"缺少材料{titled(m.name)}：该材料可容缺后补（{m.tolerance_days} 个工作日内），"
                    "如申请人同意容缺受理请选择容缺，否则请不予受理并一次性告知。"
                )
                missing_required.append(m)
            else:
                problems.append(f"缺少材料{titled(m.name)}且该材料不可容缺：请补齐后受理，或不予受理并一次性告知。")
                missing_required.append(m)
    scen_name = group.get("scenario") if group is not None else None
    return IntakeCheck(
        scenario_code=group.get("scenario_code") if group is not None else None,
        scenario_name=scen_name,
        materials=lines,
        problems=problems,
        tolerated=tolerated,
        missing_required=missing_required,
    )
