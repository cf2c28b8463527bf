"""Transactions whose commit need not wait for the disk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def relaxed_commit() -> Iterator[None]:
    """A transaction for a write that a database crash may lose without harm because something
    else redoes it (a delivery stamp: the tick sends a message still marked pending again).

    On PostgreSQL its commit does not wait for the WAL flush (``SET LOCAL synchronous_commit TO
    OFF``: a crash loses at most the last fraction of a second of such commits, never corrupts, and
    the durable transactions around it are unaffected). SQLite in WAL mode with
    ``synchronous=NORMAL`` already commits without waiting for the disk.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
