"""SQLite backend whose write transactions queue on an operating-system file lock.

SQLite lets one writer in at a time. A second ``BEGIN IMMEDIATE`` waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10 … up to 100 ms between attempts: under steady concurrent intake most
workers sleep while the write lock is already free again (measured: the server used one of two
cores, with p99 latencies of half a second). Here every write transaction of a file database first
takes an exclusive ``flock`` on ``<database>-writer.lock`` and lets it go at commit or rollback; a
waiting worker tries again after at most ``MAX_POLL`` (2 ms), so the lock is taken again almost as
soon as it is released, and the waiters use no CPU meanwhile. SQLite's own locking and
busy timeout stay in force underneath (writers outside transactions, other programs).

The wait for the file lock is bounded by the connection's ``timeout`` option, after which the
usual ``database is locked`` error is raised, so a stuck holder never hangs a worker forever.
In-memory databases (the test runner's) and platforms without ``fcntl`` use plain SQLite.
"""

from __future__ import annotations

import os
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None

#: Longest sleep between two attempts while another process holds the lock (seconds). Blocking
#: ``flock`` would wake sooner, but could not honour the timeout.
MAX_POLL = 0.002


#: Statements whose placeholder conversion is kept; the ORM and our hand-written statements use a
#: few hundred distinct texts, so a full cache means something builds SQL with literals: start over.
CONVERTED_KEPT = 2048
_converted: dict[str, str] = {}


class CursorWrapper(base.SQLiteCursorWrapper):
    """Django's cursor, keeping each statement's ``%s`` → ``?`` conversion: a regular expression
    over the whole text on every call, which for an intake's fifteen statements costs more than
    some of them take to run."""

    def convert_query(self, query, *, param_names=None):
        if param_names is not None:
            return super().convert_query(query, param_names=param_names)
        converted = _converted.get(query)
        if converted is None:
            converted = super().convert_query(query)
            if len(_converted) >= CONVERTED_KEPT:
                _converted.clear()
            _converted[query] = converted
        return converted


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer_lock_fd: int | None = None
        self._writer_lock_pid = 0
        self._writer_lock_held = False

    def _writer_lock_path(self) -> str | None:
        if fcntl is None or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-writer.lock"

    def _acquire_writer_lock(self) -> None:
        path = self._writer_lock_path()
        if path is None:
            return
        self._forget_inherited_lock()
        if self._writer_lock_fd is None:
            self._writer_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            self._writer_lock_pid = os.getpid()
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        pause = 0.0001
        while True:
            try:
                fcntl.flock(self._writer_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OperationalError("database is locked (another writer held the lock too long)") from None
                time.sleep(pause)
                pause = min(pause * 2, MAX_POLL)
                continue
            self._writer_lock_held = True
            return

    def _forget_inherited_lock(self) -> None:
        """After a fork (gunicorn forks its workers) the descriptor is shared with the parent, and
        ``flock`` treats both as one holder: the child drops it unlocked and opens its own."""
        if self._writer_lock_fd is not None and self._writer_lock_pid != os.getpid():
            os.close(self._writer_lock_fd)  # closing a shared copy releases nothing
            self._writer_lock_fd = None
            self._writer_lock_held = False

    def _release_writer_lock(self) -> None:
        self._forget_inherited_lock()
        if self._writer_lock_held and self._writer_lock_fd is not None:
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_UN)
        self._writer_lock_held = False

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def _start_transaction_under_autocommit(self):
        self._acquire_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_unless_in_transaction()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_unless_in_transaction()

    def _release_unless_in_transaction(self) -> None:
        # A failed COMMIT leaves the transaction open (Django then rolls back): keep the lock.
        if self.connection is None or not self.connection.in_transaction:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
            if self._writer_lock_fd is not None:
                os.close(self._writer_lock_fd)
                self._writer_lock_fd = None
