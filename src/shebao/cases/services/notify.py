"""Recording and delivering messages to applicants (outbox pattern).

A message is recorded on the case inside the transaction that causes it and delivered after that
transaction commits, so a rolled-back action sends nothing and a slow gateway never holds a
database lock. Messages that could not be delivered stay ``pending``/``failed`` and the tick
retries them (up to :data:`MAX_ATTEMPTS`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from shebao.cases import notifications
from shebao.cases.models import Case, Notification
from shebao.core.durability import relaxed_commit
from shebao.core.inserts import insert_rows

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
_TABLE = Notification._meta.db_table
_SENT_AT = Notification._meta.get_field("sent_at")


def queue_notification(*, case: Case, kind: str, now: dt.datetime, **extra) -> Notification:
    subject, body = notifications.compose(kind, case, **extra)
    route = notifications.channel_for(email=case.email, phone=case.phone)
    note = Notification(
        case=case,
        kind=kind,
        channel=route[0] if route else "",
        recipient=route[1] if route else "",
        subject=subject,
        body=body,
        status=Notification.Status.PENDING if route else Notification.Status.SKIPPED,
        created_at=now,
    )
    insert_rows([note])
    if route:
        # robust: the change is committed by now; a delivery that cannot even record its attempt
        # (database busy) is logged and left pending for the tick, never turned into an error answer
        # that would make the client submit the committed change again.
        transaction.on_commit(lambda: _deliver(note), robust=True)
    return note


def deliver_notification(*, notification_id: int) -> str:
    """Send one recorded message through its channel's backend; returns the new status."""
    note = Notification.objects.filter(pk=notification_id).first()
    if note is None:
        return "missing"
    return _deliver(note)


def _deliver(note: Notification) -> str:
    if note.status not in (Notification.Status.PENDING, Notification.Status.FAILED):
        return note.status
    message = notifications.Message(note.channel, note.recipient, note.subject, note.body)
    try:
        notifications.backend_for(note.channel).send(message)
    except Exception as exc:  # any gateway failure: record it, retry later
        log.warning("notification %s via %s failed: %s", note.pk, note.channel, type(exc).__name__)
        _record(note, status=Notification.Status.FAILED, error=str(exc)[:300], sent_at=None)
        return Notification.Status.FAILED
    _record(note, status=Notification.Status.SENT, error="", sent_at=timezone.now())
    return Notification.Status.SENT


def _record(note: Notification, *, status: str, error: str, sent_at) -> None:
    """Store a delivery attempt; ``attempts`` counts in SQL so a concurrent tick's attempt is kept.

    A transaction of its own, so that on SQLite it queues with the other writers (see
    ``shebao.core.sqlite``) rather than in SQLite's sleeping busy handler; its commit does not wait
    for the disk, since a stamp lost in a database crash only means the tick sends the message again.
    """
    sql = f"UPDATE {_TABLE} SET status = %s, attempts = attempts + 1, error = %s"
    params = [status, error]
    if sent_at:
        sql += ", sent_at = %s"
        params.append(_SENT_AT.get_db_prep_save(sent_at, connection=connection))
    # Hand-written: the ORM's UPDATE compiler costs more than the statement (this runs after every intake).
    with relaxed_commit(), connection.cursor() as cursor:
        cursor.execute(sql + " WHERE id = %s", [*params, note.pk])
    note.status, note.error, note.attempts = status, error, note.attempts + 1
    if sent_at:
        note.sent_at = sent_at


def deliver_pending(*, limit: int = 200) -> int:
    """Deliver recorded messages not yet sent (the tick calls this); returns how many were sent."""
    ids = list(
        Notification.objects.filter(
            status__in=(Notification.Status.PENDING, Notification.Status.FAILED), attempts__lt=MAX_ATTEMPTS
        ).order_by("id").values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if deliver_notification(notification_id=pk) == Notification.Status.SENT)
