"""Appending to and verifying the audit hash chain (the only writer of ``AuditEvent``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from shebao.core.inserts import insert_rows
from shebao.core.models import AuditChainHead, AuditEvent, County


def _canonical(value: Any) -> Any:
    """JSON-safe form that round-trips through the database unchanged."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def _digest(*, prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "county": event.county_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": str(event.object_id),
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
    }


def record_event(
    *,
    action: str,
    object_type: str,
    object_id: str | int,
    actor=None,
    county: County | None = None,
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that makes the change.

    The chain head is one row every writer of every county updates, so it is locked as briefly as
    possible: the counting ``UPDATE … RETURNING`` both locks it and reads the previous hash, and the
    caller's transaction releases it at commit. No savepoint: an append that fails must roll back
    the change it records, and the caller's transaction does exactly that.
    """
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    elif isinstance(actor, str):
        label, actor = actor, None
    event = AuditEvent(
        county=county,
        actor=actor if (actor is not None and getattr(actor, "pk", None)) else None,
        actor_label=label or "系统",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        before=_canonical(before),
        after=_canonical(after),
    )
    with transaction.atomic(savepoint=False):
        prev_hash = _lock_head()
        event.created_at = timezone.now()
        event.prev_hash = prev_hash
        event.hash = _digest(prev_hash=prev_hash, fields=_hashed_fields(event))
        insert_rows([event])
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_HEAD} SET last_hash = %s WHERE key = %s", [event.hash, CHAIN_KEY])
    return event


CHAIN_KEY = "main"
_HEAD = AuditChainHead._meta.db_table


def _lock_head() -> str:
    """Count one more event on the head row, locking it until commit; return the previous hash."""
    sql = f"UPDATE {_HEAD} SET count = count + 1 WHERE key = %s RETURNING last_hash"
    with connection.cursor() as cursor:
        cursor.execute(sql, [CHAIN_KEY])
        row = cursor.fetchone()
        if row is None:
            # The very first event: create the head (a concurrent first writer makes this a no-op).
            AuditChainHead.objects.get_or_create(key=CHAIN_KEY)
            cursor.execute(sql, [CHAIN_KEY])
            row = cursor.fetchone()
    return row[0]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problems: list[str]


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report edits, deletions and a truncated tail."""
    problems: list[str] = []
    prev = ""
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != prev:
            problems.append(f"事件 #{event.id} 之前的事件被删除或篡改（前序哈希不符）。")
        expected = _digest(prev_hash=event.prev_hash, fields=_hashed_fields(event))
        if expected != event.hash:
            problems.append(f"事件 #{event.id} 的内容被修改（哈希不符）。")
        prev = event.hash
    head = AuditChainHead.objects.filter(key=CHAIN_KEY).first()
    if head is not None:
        if head.count != checked:
            problems.append(f"链头记录 {head.count} 条事件，实际只有 {checked} 条：有事件被删除。")
        if head.last_hash != prev:
            problems.append("最后一条事件与链头不符：末尾事件被删除或修改。")
    return ChainReport(ok=not problems, checked=checked, problems=problems)
