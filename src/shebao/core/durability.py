"""Transactions whose commit need not wait for the disk.

Every other commit does: PostgreSQL's default ``synchronous_commit = on``, and SQLite opened with
``synchronous=FULL`` (``shebao.reports.dbsettings``), so that what the system has acknowledged — a
case number on a receipt, an approval — survives a power cut, not only a killed process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

#: SQLite's level for a relaxed commit: in WAL mode NORMAL never corrupts the database after a
#: crash; it may only lose the last commits made at this level.
SQLITE_RELAXED = 1


@contextmanager
def relaxed_commit() -> Iterator[None]:
    """A transaction for a write that a crash of the machine may lose without harm because
    something else redoes it or nothing depends on it (a delivery stamp: the tick sends a message
    still marked pending again; a rate-limit count).

    On PostgreSQL its commit does not wait for the WAL flush (``SET LOCAL synchronous_commit TO
    OFF``); on SQLite the connection commits it at ``synchronous=NORMAL`` and goes back to its own
    level afterwards. Either way a crash loses at most the last fraction of a second of such
    commits, never corrupts, and the durable transactions around them are unaffected.

    Inside a transaction already open this is a plain savepoint: the outer commit decides, and it
    stays durable.
    """
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    if getattr(connection, "group_commit", False):
        # Its transactions run at NORMAL anyway and are flushed after the commit: skip the flush.
        connection.commit_without_flush = True
        try:
            with transaction.atomic():
                yield
        finally:
            connection.commit_without_flush = False
        return
    if connection.vendor == "sqlite":
        with _sqlite_level(SQLITE_RELAXED), transaction.atomic():
            yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def flush_commits() -> None:
    """Make durable every commit this process may have read (see ``shebao.core.sqlite``'s group
    commit): call it before acting outside the database on what was read, such as sending a message.
    PostgreSQL shows a commit to others only once it is durable: nothing to do there."""
    flush = getattr(connection, "flush_commits", None)
    if flush is not None and connection.connection is not None:
        flush()


@contextmanager
def _sqlite_level(level: int) -> Iterator[None]:
    """SQLite reads the level when it commits, so it is set before the transaction and put back
    after it. A connection that cannot be put back is closed: the write has been committed
    already, and the next connection starts at the configured level."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        own = cursor.fetchone()[0]
        if own != level:
            cursor.execute(f"PRAGMA synchronous = {int(level)}")
    try:
        yield
    finally:
        if own != level:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA synchronous = {int(own)}")
            except Exception:
                connection.close()
