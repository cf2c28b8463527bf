"""The case's printed documents: 受理回执, 不予受理/补正 (一次性告知) notice and 不予办理决定书.

Built with ``shebao.core.pdf`` (embedded CJK font, QR codes). Personal data is masked on both:
the receipt may be left on a counter or photographed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from shebao.cases import workflow as wf
from shebao.cases.models import Case
from shebao.core.errors import DomainError
from shebao.core.pdf import PdfDocument, para, qr_image, table


def _text(doc: PdfDocument, text: str, style: str = "body") -> None:
    doc.add(para(text, style))


def track_url(case: Case, *, base_url: str = "") -> str:
    base = (base_url or getattr(settings, "SHEBAO_SITE_URL", "") or "").rstrip("/")
    return f"{base}/track/?{urlencode({'case_no': case.case_no})}"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _due(case: Case) -> str:
    due = case.effective_due
    if due is None:
        return "本事项无固定办结时限（材料齐全后及时办理）"
    text = due.isoformat()
    if case.extended_due:
        text += "（已延期）"
    if case.due_provisional:
        text += "（暂定：该年度节假日安排公布后重算）"
    return text


def _header_rows(case: Case) -> list[list[str]]:
    applicant = case.masked_applicant_name
    id_label = "身份证号码" if case.applicant_kind == "person" else "统一社会信用代码"
    rows = [
        ["办件编号", case.case_no],
        ["办理事项", f"{case.item.no}. {case.item_name}"],
        ["办理部门", case.department.name],
        ["申请人", applicant],
        [id_label, case.masked_applicant_id],
    ]
    if case.scenario_name:
        rows.insert(2, ["情形", case.scenario_name])
    if case.agent_name:
        rows.append(["经办人", case.agent_name[:1] + "*" * (len(case.agent_name) - 1)])
    # A refused application was received, never accepted (受理).
    rows.append(["申请时间" if case.status == wf.NOT_ACCEPTED else "受理时间", _when(case.received_at)])
    return rows


def receipt_pdf(case: Case, *, base_url: str = "") -> bytes:
    """受理回执: number, item, applicant (masked), received materials, due date, query code, QR."""
    if case.status == wf.NOT_ACCEPTED:
        raise DomainError("该申请不予受理，没有受理回执；请打印不予受理通知书。")
    doc = PdfDocument(title="受理回执", subtitle=case.county.agency)
    doc.add(table(_header_rows(case) + [["承诺办结日期", _due(case)], ["查询码", case.query_code]],
                  col_widths=[38, 136], header=False))
    doc.add(para("已收材料", "h2"))
    rows = [["序号", "材料名称", "状态"]]
    for i, m in enumerate(case.materials.all(), start=1):
        if m.status == wf.MISSING and not m.tolerated:
            continue
        state = wf.MATERIAL_STATUS_LABELS[m.status]
        if m.tolerated:
            state = f"已补交（{_when(m.supplied_at)}）" if m.supplied_at else "容缺后补"
        rows.append([str(i), m.name, state])
    if len(rows) == 1:
        rows.append(["—", "本事项无需提交纸质材料", ""])
    doc.add(table(rows, col_widths=[14, 120, 40]))
    if case.tolerance:
        pending = [m.name for m in case.materials.all() if m.tolerated and not m.supplied_at]
        if pending:
            doc.add(para("容缺受理", "h2"))
            _text(doc,
                f"本件为容缺受理。请最迟于 {case.supplement_due.isoformat()} 补交：{'、'.join(pending)}。"
                "材料补齐后出具办理结果；逾期未补齐的，办件终止办理。"
            )
    doc.add(para("进度查询", "h2"))
    url = track_url(case, base_url=base_url)
    doc.add(table([[qr_image(url, 30), f"扫描二维码或访问 {url}，输入办件编号及申请人证件号码后六位"
                                      f"（或查询码 {case.query_code}）即可查询办理进度。"]],
                  col_widths=[36, 138], header=False))
    doc.space(4)
    _text(doc, f"{case.county.agency}（受理专用）    打印时间：{_when(timezone.now())}", "small")
    return doc.render()


def notice_pdf(case: Case) -> bytes:
    """不予受理通知书 (with the 一次性告知 of everything missing) or 容缺补正告知书."""
    missing = [m for m in case.materials.all() if m.status == wf.MISSING]
    if case.status == wf.NOT_ACCEPTED:
        title = "不予受理通知书（一次性告知）"
        intro = "经审查，您的申请不符合受理条件，决定不予受理。理由如下："
        reasons = case.refusal_reasons
    elif case.tolerance and any(m.tolerated and not m.supplied_at for m in missing):
        title = "容缺受理补正告知书（一次性告知）"
        intro = "您的申请已容缺受理。以下材料须在期限内补交，补齐后出具办理结果；逾期未补齐的，办件终止办理。"
        reasons = []
        missing = [m for m in missing if m.tolerated and not m.supplied_at]
    else:
        raise DomainError("该办件没有需要一次性告知的缺件或不予受理理由。")
    doc = PdfDocument(title=title, subtitle=case.county.agency)
    doc.add(table(_header_rows(case), col_widths=[38, 136], header=False))
    doc.space(3)
    _text(doc, intro)
    for i, r in enumerate(reasons, start=1):
        _text(doc, f"{i}. {r}")
    doc.add(para("尚需提交的材料（一次性告知）", "h2"))
    if missing:
        rows = [["序号", "材料", "说明"]]
        for i, m in enumerate(missing, start=1):
            note = m.text if m.text != m.name else ""
            if m.optional_when:
                note = (note + "；" if note else "") + f"仅在以下情形需要：{m.optional_when}"
            if m.tolerated and case.supplement_due:
                note = (note + "；" if note else "") + f"请最迟于 {case.supplement_due.isoformat()} 补交"
            rows.append([str(i), m.name, note])
        doc.add(table(rows, col_widths=[14, 80, 80]))
    else:
        _text(doc, "无缺件；不予受理的理由见上。")
    data = case.item_version.data
    doc.space(3)
    _text(doc,
        f"办理地点：{data.get('location') or case.department.location}；联系电话：{data.get('phone') or ''}。"
        "根据《中华人民共和国行政许可法》第三十二条，申请材料不齐全的，一次告知需要补正的全部内容。",
        "small",
    )
    _text(doc, f"办件编号 {case.case_no}    日期：{_when(timezone.now())}", "small")
    return doc.render()


#: 《中华人民共和国行政复议法》(2023) 第二十条第一款 and 《中华人民共和国行政诉讼法》第四十六条第一款: the
#: time limits counted from when the applicant learns of the decision.
REMEDIES = ("如对本决定不服，可以自知道本决定之日起六十日内依法申请行政复议，也可以自知道本决定之日起六个月内"
            "依法向人民法院提起行政诉讼（《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条）。")


def decision_pdf(case: Case) -> bytes:
    """不予办理决定书: a case accepted and then refused (不予办理) gets its decision in writing, with
    the reasons, the item's legal basis and the applicant's remedies."""
    if case.status != wf.REFUSED:
        raise DomainError("只有不予办理的办件才有不予办理决定书。")
    doc = PdfDocument(title="不予办理决定书", subtitle=case.county.agency)
    doc.add(table(_header_rows(case) + [["决定时间", _when(case.closed_at)]], col_widths=[38, 136], header=False))
    doc.space(3)
    _text(doc, f"你（单位）于 {_when(case.received_at)} 提出的“{case.item_name}”申请，本机构已依法受理。"
               "经审查，不符合办理条件，决定不予办理。理由如下：")
    reasons = [r for r in case.refusal_reasons if r and r.strip()] or [case.result or "（未填写）"]
    for i, r in enumerate(reasons, start=1):
        _text(doc, f"{i}. {r}")
    data = case.item_version.data
    basis = [(b.get("text") or b.get("title") or "").strip() for b in data.get("basis") or []]
    if any(basis):
        doc.add(para("办理依据", "h2"))
        _text(doc, "；".join(b for b in basis if b) + "。")  # as the guide cites them
    doc.add(para("权利告知", "h2"))
    _text(doc, REMEDIES)
    _text(doc, "符合条件后，可以重新提出申请。")
    doc.space(3)
    _text(doc,
        f"办理地点：{data.get('location') or case.department.location}；联系电话：{data.get('phone') or ''}。",
        "small",
    )
    _text(doc, f"{case.county.agency}    办件编号 {case.case_no}    打印时间：{_when(timezone.now())}", "small")
    return doc.render()


def written_notice_pdf(case: Case) -> bytes:
    """The case's written notice, whichever it has: the 不予办理决定书 of a case refused after
    acceptance, else the 不予受理通知书 or 容缺补正告知书 (:func:`notice_pdf`)."""
    return decision_pdf(case) if case.status == wf.REFUSED else notice_pdf(case)
