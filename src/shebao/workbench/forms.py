"""Forms of the workbench pages.

They only parse what the browser sent (numbers, dates, lists); every rule about cases — valid
identifiers, materials, transitions, who may act — is checked by ``shebao.cases.services``, whose
Chinese messages the pages show next to the fields they concern (:func:`problems_by_field`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms

from shebao.cases import workflow as wf
from shebao.cases.services import Applicant, MaterialEntry
from shebao.workbench.selectors import STATUS_FILTERS


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=STATUS_FILTERS, required=False)
    warning = forms.ChoiceField(
        label="预警",
        choices=[("", "全部")] + [(k, wf.WARNING_LABELS[k]) for k in (wf.RED, wf.YELLOW, wf.NORMAL)],
        required=False,
    )
    item = forms.TypedChoiceField(label="事项", coerce=int, empty_value=None, required=False)
    department = forms.ChoiceField(label="股室", required=False)
    received_from = forms.DateField(label="受理日期从", required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}),
                                    error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    received_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    q = forms.CharField(label="办件编号", required=False, max_length=32)

    def __init__(self, *args, items=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "全部事项")] + [(i.no, f"{i.no}. {i.name}") for i in items]
        self.fields["department"].choices = [("", "全部股室")] + [(d.code, d.short_name) for d in departments]
        self.show_departments = bool(departments)
        for name in self.fields:
            self.fields[name].error_messages.setdefault("invalid_choice", "选项无效，请重新选择。")
            self.fields[name].error_messages["invalid_choice"] = "选项无效，请重新选择。"

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "结束日期不能早于开始日期。")
        return data

    def filters(self) -> dict:
        d = self.cleaned_data
        return {
            "status": d.get("status") or "open",
            "warning": d.get("warning") or "",
            "item_no": d.get("item"),
            "department": d.get("department") or "",
            "received_from": d.get("received_from"),
            "received_to": d.get("received_to"),
            "q": d.get("q") or "",
        }


class ActionForm(forms.Form):
    """One action on the case page; the fields an action does not use are ignored."""

    action = forms.ChoiceField(choices=[(a, wf.ACTION_LABELS[a]) for a in wf.ACTIONS])
    version = forms.IntegerField(min_value=1, error_messages={"required": "缺少办件版本号，请刷新后重试。",
                                                               "invalid": "办件版本号无效，请刷新后重试。"})
    reason = forms.CharField(required=False, max_length=2000, strip=True)
    result = forms.CharField(required=False, max_length=2000, strip=True)
    days = forms.IntegerField(required=False, error_messages={"invalid": "延长的工作日数应为整数。"})
    target_step = forms.IntegerField(required=False, error_messages={"invalid": "请选择退回到的环节。"})
    materials = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = [(m, m) for m in pending]
        self.fields["materials"].error_messages["invalid_choice"] = "材料《%(value)s》不是本件待补的容缺材料。"
        self.fields["action"].error_messages["invalid_choice"] = "未知的操作“%(value)s”。"


class FollowUpForm(forms.Form):
    text = forms.CharField(label="整改回访情况", max_length=2000, strip=True,
                           error_messages={"required": "请填写整改回访情况。"})


# -- intake -----------------------------------------------------------------------------------------
OUTCOMES = (("accept", "受理"), ("tolerance", "容缺受理"), ("refuse", "不予受理（一次性告知）"))
MATERIAL_STATUSES = ((wf.RECEIVED, "已收"), (wf.MISSING, "缺"), (wf.PROMISED, "告知承诺"))


@dataclass
class IntakeData:
    """What the clerk typed on the intake form, kept as typed so that an error loses nothing."""

    item_no: int | None = None
    scenario: str = ""
    kind: str = "person"
    name: str = ""
    id_number: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    phone: str = ""
    email: str = ""
    statuses: dict[str, str] = field(default_factory=dict)  # material name → status
    tolerance_consent: bool = False
    outcome: str = "accept"
    reasons: str = ""

    @classmethod
    def from_post(cls, post) -> IntakeData:
        def text(key: str, limit: int = 200) -> str:
            return (post.get(key) or "").strip()[:limit]

        try:
            item_no = int(post.get("item") or "")
        except ValueError:
            item_no = None
        statuses: dict[str, str] = {}
        for key in post:
            m = re.fullmatch(r"m(\d{1,3})_name", key)
            if m:
                name = text(key, 200)
                status = post.get(f"m{m.group(1)}", "")
                if name:
                    statuses[name] = status if status in dict(MATERIAL_STATUSES) else wf.MISSING
        outcome = post.get("outcome") or "accept"
        return cls(
            item_no=item_no,
            scenario=text("scenario", 60),
            kind=post.get("kind") if post.get("kind") in ("person", "unit") else "person",
            name=text("name", 100),
            id_number=text("id_number", 30).upper(),
            agent_name=text("agent_name", 50),
            agent_id_number=text("agent_id_number", 30).upper(),
            phone=text("phone", 30),
            email=text("email", 254),
            statuses=statuses,
            tolerance_consent=bool(post.get("tolerance_consent")),
            outcome=outcome if outcome in dict(OUTCOMES) else "accept",
            reasons=text("reasons", 4000),
        )

    def applicant(self) -> Applicant:
        return Applicant(
            kind=self.kind, name=self.name,
            id_number=self.id_number if self.kind == "person" else "",
            credit_code=self.id_number if self.kind == "unit" else "",
            phone=self.phone, email=self.email, agent_name=self.agent_name,
            agent_id_number=self.agent_id_number,
        )

    def materials(self) -> list[MaterialEntry]:
        return [MaterialEntry(name, status) for name, status in self.statuses.items()]

    def refusal_reasons(self) -> list[str]:
        return [line.strip() for line in self.reasons.splitlines() if line.strip()]


#: (field, words that mark a service problem as concerning it); first match wins.
_FIELD_WORDS = (
    ("agent_id_number", ("经办人（代理人）身份证",)),
    ("agent_name", ("经办人姓名",)),
    ("kind", ("申请人类型",)),
    ("id_number", ("身份证号码", "统一社会信用代码")),
    ("name", ("申请人姓名", "单位名称")),
    ("phone", ("联系电话",)),
    ("email", ("电子邮箱",)),
    ("reasons", ("不予受理必须写明理由",)),
    ("scenario", ("情形",)),
    ("item", ("服务事项", "事项 ")),
)
_MATERIAL = re.compile(r"《(.+?)》")


def problems_by_field(problems: list[str], material_names: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Sort the intake service's problems by the form field they concern.

    Returns ``({field: [message]}, [messages concerning no single field])``; material problems are
    keyed ``material:<name>``.
    """
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    names = set(material_names)
    for p in problems:
        m = _MATERIAL.search(p)
        if m and m.group(1) in names:
            by_field.setdefault(f"material:{m.group(1)}", []).append(p)
            continue
        key = next((f for f, words in _FIELD_WORDS if any(w in p for w in words)), None)
        if key:
            by_field.setdefault(key, []).append(p)
        else:
            general.append(p)
    return by_field, general
