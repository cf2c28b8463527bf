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

Group commit. A database opened in WAL mode at ``synchronous=FULL`` (``shebao.reports.dbsettings``)
makes every commit wait for an ``fsync`` of the WAL, and SQLite does that inside the commit, so
under the write lock: measured, it was a third of the time the lock is held per intake, during
which no other worker may write. Here a write transaction runs at ``synchronous=NORMAL`` (SQLite
writes the WAL but does not sync it), the lock is released, and only then does ``commit`` fsync the
WAL file and return. So Django's ``commit`` still returns only once the transaction is on the disk,
exactly as with FULL, and what the caller acknowledges afterwards (a receipt, a case number) has
survived a power cut; but the fsyncs of consecutive writers overlap with the next writer's work
instead of queueing behind each other, and one fsync often covers several commits (the WAL is one
append-only file). NORMAL in WAL mode still syncs the WAL before each checkpoint and the database
after it, so no checkpoint can copy an unsynced frame. The connection is put back to FULL after the
transaction, so writes outside Django transactions (autocommit) stay synchronous as before.

The price: between a writer's release of the lock and the end of its fsync, a reader in another
process may see the commit before it is durable. Anything that acts outside the database on what
it reads (the outbox sender texting a case number, a backup) first calls :func:`flush_commits`.
A transaction that changed no row is not flushed; ``relaxed_commit`` transactions are not either.
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


#: SQLite's ``synchronous`` levels.
NORMAL, FULL = 1, 2


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
        #: The connection's own ``synchronous`` level, when group commit is on (WAL file at FULL or above).
        self._durable_level: int | None = None
        self._wal_fd: int | None = None
        self._wal_fd_pid = 0
        self._changes_at_begin = 0
        #: Set by ``shebao.core.durability.relaxed_commit``: the next commit need not reach the disk.
        self.commit_without_flush = False

    @property
    def group_commit(self) -> bool:
        return self._durable_level is not None

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        self._durable_level = None
        self._close_wal_fd()
        if fcntl is not None and not self.is_in_memory_db():
            journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
            level = conn.execute("PRAGMA synchronous").fetchone()[0]
            if str(journal).lower() == "wal" and level >= FULL:
                self._durable_level = level
        return conn

    def flush_commits(self) -> None:
        """Make every commit made so far to this database durable (fsync its WAL), whichever
        process made it."""
        if self._durable_level is None:
            return
        fd = self._wal_descriptor()
        if fd is not None:
            os.fsync(fd)

    def _wal_descriptor(self) -> int | None:
        if self._wal_fd is not None and (self._wal_fd_pid != os.getpid() or os.fstat(self._wal_fd).st_nlink == 0):
            self._close_wal_fd()  # inherited through a fork, or the file was replaced: open our own
        if self._wal_fd is None:
            try:
                self._wal_fd = os.open(f"{self.settings_dict['NAME']}-wal", os.O_RDONLY)
            except FileNotFoundError:  # nothing written yet
                return None
            self._wal_fd_pid = os.getpid()
        return self._wal_fd

    def _close_wal_fd(self) -> None:
        if self._wal_fd is not None:
            if self._wal_fd_pid == os.getpid():
                os.close(self._wal_fd)
            self._wal_fd = None

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
        if self._durable_level is not None:
            self.connection.execute(f"PRAGMA synchronous = {NORMAL}")
            self._changes_at_begin = self.connection.total_changes
        try:
            self._acquire_writer_lock()
        except BaseException:
            self._back_to_durable_level()  # a lock timeout must not leave the connection at NORMAL
            raise
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            self._back_to_durable_level()
            raise

    def _commit(self):
        try:
            result = super()._commit()
        finally:
            self._release_unless_in_transaction()
        if self._durable_level is not None and not self.connection.in_transaction:
            # Outside the lock: the next writer is already at work while this one waits for the disk.
            try:
                if not self.commit_without_flush and self.connection.total_changes != self._changes_at_begin:
                    self.flush_commits()
            finally:
                self._back_to_durable_level()
        return result

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_unless_in_transaction()
            if self.connection is not None and not self.connection.in_transaction:
                self._back_to_durable_level()

    def _back_to_durable_level(self) -> None:
        self.commit_without_flush = False
        if self._durable_level is not None and self.connection is not None:
            self.connection.execute(f"PRAGMA synchronous = {self._durable_level}")

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
            self._close_wal_fd()
            self._durable_level = None
