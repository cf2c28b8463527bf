"""Recording and delivering messages to applicants (outbox pattern).

A message is recorded on the case inside the transaction that causes it, as ``pending``. It is
sent afterwards by the outbox sender (:func:`send_outbox`), which ``shebao serve``'s ticker process
runs every second: a rolled-back action sends nothing, and neither a slow or unanswering gateway
nor the delivery stamp is on the clerk's request (the answer shows the message as 待发送; it is
已发送 a second later). Messages whose delivery failed are retried by the tick
(:func:`deliver_pending`, up to :data:`MAX_ATTEMPTS`). Both hold the ``cases.outbox`` lease while
they send, so that on several machines a message goes out once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection
from django.utils import timezone

from shebao.cases import notifications
from shebao.cases.models import Case, Notification
from shebao.cases.services.leases import acquire_lease, default_holder, release_lease
from shebao.core.durability import flush_commits, relaxed_commit
from shebao.core.inserts import insert_rows

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
#: Messages one pass takes unless told otherwise (the ticker asks for its own batch size).
OUTBOX_BATCH = 200
OUTBOX_LEASE = "cases.outbox"
#: Longer than a full batch through gateways that each wait their timeout, so that a lease held by a
#: sender that died is taken over by the next one after at most this long.
OUTBOX_LEASE_SECONDS = 120
_TABLE = Notification._meta.db_table
_SENT_AT = Notification._meta.get_field("sent_at")
_PENDING, _SENT, _FAILED = Notification.Status.PENDING, Notification.Status.SENT, Notification.Status.FAILED


#: What other contexts add to a finished case's result message, each a callable ``(case) -> str``
#: ("" for nothing). The 一件事 context registers one when it starts (its AppConfig.ready): a case
#: that is part of a bundle tells the applicant which part may now be applied for. The cases
#: context itself knows nothing of bundles.
RESULT_FOLLOW_UPS: list = []


def queue_notification(*, case: Case, kind: str, now: dt.datetime, **extra) -> Notification:
    """Record a message for the applicant (``pending``; ``skipped`` without a phone or e-mail)."""
    if kind == "result" and case.status == "finished" and "follow_up" not in extra:
        extra["follow_up"] = "".join(follow_up(case) for follow_up in RESULT_FOLLOW_UPS)
    subject, body = notifications.compose(kind, case, **extra)
    route = notifications.channel_for(email=case.email, phone=case.phone)
    note = Notification(
        case=case,
        kind=kind,
        channel=route[0] if route else "",
        recipient=route[1] if route else "",
        subject=subject,
        body=body,
        status=_PENDING if route else Notification.Status.SKIPPED,
        created_at=now,
    )
    insert_rows([note])
    return note


def send_outbox(*, holder: str | None = None, limit: int = OUTBOX_BATCH) -> int | None:
    """Send the messages waiting for their first attempt, oldest first; returns how many were taken
    (sent or failed), ``None`` when another process holds the outbox.

    The check for waiting messages is a read on a partial index, so an idle outbox costs no write.
    """
    if not Notification.objects.filter(status=_PENDING).exists():
        return 0
    return _under_lease(holder, lambda: list(Notification.objects.filter(status=_PENDING).order_by("id")[:limit]))


def deliver_pending(*, holder: str | None = None, limit: int = OUTBOX_BATCH) -> int:
    """Retry failed messages (fewer than :data:`MAX_ATTEMPTS` attempts) and send any still waiting;
    the tick calls this. Returns how many were sent (0 when another process holds the outbox)."""
    sent: list[str] = []

    def batch() -> list[Notification]:
        return list(Notification.objects.filter(status__in=(_PENDING, _FAILED), attempts__lt=MAX_ATTEMPTS)
                    .order_by("id")[:limit])

    _under_lease(holder, batch, outcomes=sent)
    return sent.count(_SENT)


def deliver_notification(*, notification_id: int, holder: str | None = None) -> str:
    """Send one recorded message now (pending or failed); returns its new status, unchanged when it
    was already sent or another process holds the outbox (it is sending it, or will)."""
    note = Notification.objects.filter(pk=notification_id).first()
    if note is None:
        return "missing"
    if note.status not in (_PENDING, _FAILED):
        return note.status
    outcomes: list[str] = []
    # Read again under the lease: the sender may have sent it in between.
    _under_lease(holder, lambda: list(Notification.objects.filter(pk=note.pk, status__in=(_PENDING, _FAILED))),
                 outcomes=outcomes)
    if outcomes:
        return outcomes[0]
    return Notification.objects.values_list("status", flat=True).get(pk=note.pk)


def _under_lease(holder: str | None, batch, *, outcomes: list | None = None) -> int | None:
    holder = holder or default_holder()
    if not acquire_lease(name=OUTBOX_LEASE, holder=holder, seconds=OUTBOX_LEASE_SECONDS):
        return None
    try:
        notes = batch()
        if notes:
            # A message must not name a case that a power cut could still take back.
            flush_commits()
        results = _send(notes)
        _record(results)
    finally:
        release_lease(name=OUTBOX_LEASE, holder=holder)
    if outcomes is not None:
        outcomes.extend(status for _, status, _, _ in results)
    return len(notes)


def _send(notes: list[Notification]) -> list[tuple[Notification, str, str, dt.datetime | None]]:
    """Hand each message to its channel's backend: (message, new status, error, sent at)."""
    results = []
    for note in notes:
        message = notifications.Message(note.channel, note.recipient, note.subject, note.body)
        try:
            notifications.backend_for(note.channel).send(message)
        except Exception as exc:  # any gateway failure: record it, retry later
            log.warning("notification %s via %s failed: %s", note.pk, note.channel, type(exc).__name__)
            results.append((note, _FAILED, str(exc)[:300], None))
        else:
            results.append((note, _SENT, "", timezone.now()))
    return results


def _record(results: list[tuple[Notification, str, str, dt.datetime | None]]) -> None:
    """Store the delivery attempts of one batch in one transaction; ``attempts`` counts in SQL so a
    concurrent retry's attempt is kept.

    Its commit does not wait for the disk: a stamp lost in a database crash only means the message
    is sent again.
    """
    if not results:
        return
    sql = f"UPDATE {_TABLE} SET status = %s, attempts = attempts + 1, error = %s, sent_at = %s WHERE id = %s"
    rows = []
    for note, status, error, sent_at in results:
        stamp = _SENT_AT.get_db_prep_save(sent_at, connection=connection) if sent_at else None
        rows.append([status, error, stamp, note.pk])
    with relaxed_commit(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    for note, status, error, sent_at in results:
        note.status, note.error, note.attempts, note.sent_at = status, error, note.attempts + 1, sent_at
