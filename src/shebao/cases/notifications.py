"""Messages to applicants: what they say and the pluggable backends that carry them.

Backends are chosen per channel by ``settings.SHEBAO_NOTIFICATION_BACKENDS`` (dotted paths),
defaulting to Django's email backend for ``email`` and a logging SMS adapter for ``sms``. A
real SMS gateway implements :class:`SmsBackend` (``send(message)``, raising on failure) and is
named in that setting. Which channel a case uses: its e-mail address when given, else its phone.

Writes (the ``Notification`` rows every message is recorded in) happen in
``shebao.cases.services.notify``; this module only composes and transmits.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from shebao.domain.privacy import mask_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    channel: str
    recipient: str
    subject: str
    body: str


class NotificationBackend(Protocol):
    channel: str

    def send(self, message: Message) -> None:
        """Transmit the message; raise any exception on failure."""


class SmsBackend(NotificationBackend, Protocol):
    """The interface an SMS gateway adapter implements (``channel = "sms"``).

    ``send`` runs right after the change commits, inside the clerk's request: an adapter must bound
    its own wait for the gateway (a few seconds, like ``EMAIL_TIMEOUT`` for mail) and raise when it
    runs out; the message is then recorded as failed and the tick sends it again.
    """


class EmailBackend:
    """Sends through Django's configured e-mail backend (``EMAIL_BACKEND``)."""

    channel = "email"

    def send(self, message: Message) -> None:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient],
                  fail_silently=False)


class LoggingSmsBackend:
    """Development/test SMS adapter: logs the message (phone masked) and keeps the latest
    ``OUTBOX_SIZE`` in ``outbox`` (bounded: a server left on this backend runs for months)."""

    channel = "sms"
    OUTBOX_SIZE = 200
    outbox: deque[Message] = deque(maxlen=OUTBOX_SIZE)

    def send(self, message: Message) -> None:
        type(self).outbox.append(message)
        log.info("SMS to %s: %s", mask_phone(message.recipient), message.subject)


DEFAULT_BACKENDS = {
    "email": "shebao.cases.notifications.EmailBackend",
    "sms": "shebao.cases.notifications.LoggingSmsBackend",
}


def backend_for(channel: str) -> NotificationBackend:
    paths = {**DEFAULT_BACKENDS, **getattr(settings, "SHEBAO_NOTIFICATION_BACKENDS", {})}
    return import_string(paths[channel])()


def channel_for(*, email: str, phone: str) -> tuple[str, str] | None:
    if email:
        return "email", email
    if phone:
        return "sms", phone
    return None


def _due_text(case) -> str:
    due = case.effective_due
    if due is None:
        return "本事项无固定办结时限，材料齐全后及时办理"
    return f"承诺办结日期 {due.isoformat()}" + ("（暂定）" if case.due_provisional else "")


def compose(kind: str, case, **extra) -> tuple[str, str]:
    """Subject and body of one message (Chinese, no ID number in the text)."""
    item = case.item_name
    agency = case.county.agency
    head = f"{case.masked_applicant_name}：您好！"
    tail = f"查询进度：办件编号 {case.case_no}，证件号码后六位或查询码。——{agency}"
    if kind == "accepted":
        body = f"{head}您申请的“{item}”已受理，办件编号 {case.case_no}，{_due_text(case)}。"
        if case.awaiting_supplement:
            names = "、".join(extra.get("tolerated", []))
            body += (
                f"本件为容缺受理，请最迟于 {case.supplement_due.isoformat()} 补交：{names}。"
                "材料补齐后出具办理结果，逾期未补齐的办件将终止办理。"
            )
        return f"【受理通知】{item}", body + tail
    if kind == "not_accepted":
        reasons = "；".join(case.refusal_reasons)
        missing = "、".join(extra.get("missing", []))
        body = f"{head}您申请的“{item}”不予受理。理由：{reasons}。"
        if missing:
            body += f"一次性告知，尚需提交：{missing}。"
        return f"【不予受理告知】{item}", body + tail
    if kind == "tolerance_reminder":
        names = "、".join(extra.get("pending", []))
        body = (
            f"{head}您的容缺受理办件“{item}”（{case.case_no}）尚缺：{names}。"
            f"请最迟于 {case.supplement_due.isoformat()} 补交，逾期办件将终止办理。"
        )
        return f"【容缺补正提醒】{item}", body + tail
    if kind == "terminated":
        body = (
            f"{head}您的容缺受理办件“{item}”（{case.case_no}）未在 {case.supplement_due.isoformat()} 前"
            "补齐材料，已终止办理。如需办理请携带齐全材料重新申请。"
        )
        return f"【终止办理通知】{item}", body + tail
    if kind == "result":
        if case.status == "finished":
            body = (f"{head}您申请的“{item}”（{case.case_no}）已办结。办理结果：{case.result}。"
                    + extra.get("follow_up", "") + "欢迎对本次服务作出评价。")
        else:
            body = f"{head}您申请的“{item}”（{case.case_no}）不予办理。理由：{case.result}。"
        return f"【办理结果】{item}", body + tail
    raise ValueError(f"unknown notification kind {kind!r}")
