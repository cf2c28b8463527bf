"""The SQLite backend queues write transactions on a file lock (shebao.core.sqlite)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connections

from shebao.core.sqlite.base import DatabaseWrapper


def _wrapper(path: Path | str, *, timeout: float = 5) -> DatabaseWrapper:
    settings = connections.configure_settings({
        "default": {"ENGINE": "django.db.backends.dummy"},
        "lockcheck": {
            "ENGINE": "shebao.core.sqlite",
            "NAME": str(path),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout,
                        "init_command": "PRAGMA journal_mode=WAL;"},
        }
    })["lockcheck"]
    db = DatabaseWrapper(settings, alias="lockcheck")
    db.ensure_connection()  # as atomic() does before it begins a transaction
    return db


def _insert(db: DatabaseWrapper, value: str) -> None:
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES (%s)", [value])


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    """These tests open their own connections to scratch files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "lock.sqlite3"
    db = _wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (v TEXT)")
    db.close()
    return path


def _rows(path) -> list[str]:
    db = _wrapper(path)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT v FROM t ORDER BY rowid")
            return [r[0] for r in cursor.fetchall()]
    finally:
        db.close()


def test_a_second_writer_waits_for_the_first_to_commit_and_then_proceeds(dbfile):
    order: list[str] = []
    first_in = threading.Event()
    release_first = threading.Event()

    def first():
        db = _wrapper(dbfile)
        db._start_transaction_under_autocommit()
        _insert(db, "first")
        order.append("first began")
        first_in.set()
        release_first.wait(5)
        order.append("first commits")
        db.commit()
        db.close()

    def second():
        first_in.wait(5)
        db = _wrapper(dbfile)
        db._start_transaction_under_autocommit()
        order.append("second began")
        _insert(db, "second")
        db.commit()
        db.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_in.wait(5)
    time.sleep(0.2)  # the second writer is waiting by now
    assert order == ["first began"]
    release_first.set()
    for t in threads:
        t.join(10)
    assert order == ["first began", "first commits", "second began"]
    assert _rows(dbfile) == ["first", "second"]
    assert Path(f"{dbfile}-writer.lock").exists()


def test_a_rollback_releases_the_lock(dbfile):
    a = _wrapper(dbfile)
    a._start_transaction_under_autocommit()
    _insert(a, "rolled back")
    a.rollback()
    b = _wrapper(dbfile, timeout=0.5)
    b._start_transaction_under_autocommit()
    _insert(b, "kept")
    b.commit()
    a.close()
    b.close()
    assert _rows(dbfile) == ["kept"]


def test_waiting_longer_than_the_timeout_is_the_usual_locked_error(dbfile):
    holder = _wrapper(dbfile)
    holder._start_transaction_under_autocommit()
    waiter = _wrapper(dbfile, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        waiter._start_transaction_under_autocommit()
    assert 0.25 <= time.monotonic() - started < 5
    holder.rollback()
    # The failed waiter holds nothing: it can write now.
    waiter._start_transaction_under_autocommit()
    _insert(waiter, "after")
    waiter.commit()
    holder.close()
    waiter.close()
    assert _rows(dbfile) == ["after"]


def test_closing_a_connection_mid_transaction_frees_the_lock(dbfile):
    a = _wrapper(dbfile)
    a._start_transaction_under_autocommit()
    a.close()
    b = _wrapper(dbfile, timeout=0.5)
    b._start_transaction_under_autocommit()
    b.commit()
    b.close()


def test_in_memory_databases_take_no_file_lock(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = _wrapper(":memory:")
    db._start_transaction_under_autocommit()
    db.commit()
    db.close()
    assert list(tmp_path.iterdir()) == []


def test_the_project_uses_this_backend_for_sqlite():
    from django.conf import settings

    from shebao.reports.dbsettings import database_from_url

    if settings.DATABASES["default"]["NAME"] and "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        assert settings.DATABASES["default"]["ENGINE"] == "shebao.core.sqlite"
    assert database_from_url("sqlite:////tmp/x.sqlite3")["ENGINE"] == "shebao.core.sqlite"


def test_writers_queue_on_the_file_lock_not_in_sqlites_busy_handler(dbfile):
    """With SQLite itself free, a writer still waits while another process holds the file lock,
    and begins as soon as it is released (no 100 ms busy-handler sleeps)."""
    import fcntl
    import os

    fd = os.open(f"{dbfile}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    began = threading.Event()

    def writer():
        db = _wrapper(dbfile)
        db._start_transaction_under_autocommit()
        began.set()
        _insert(db, "queued")
        db.commit()
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert not began.wait(0.3)
    released = time.monotonic()
    fcntl.flock(fd, fcntl.LOCK_UN)
    assert began.wait(5)
    assert time.monotonic() - released < 0.05
    thread.join(5)
    os.close(fd)
    assert _rows(dbfile) == ["queued"]


def test_a_forked_child_does_not_share_its_parents_lock(dbfile):
    """gunicorn forks workers from a master: a child must queue behind its parent, not hold the
    parent's lock through the inherited descriptor."""
    import os

    parent = _wrapper(dbfile)
    parent._start_transaction_under_autocommit()  # the parent holds the lock (and the descriptor)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 3
        try:
            parent.connection = None  # as gunicorn's post_fork does: the socket is the parent's
            parent.settings_dict["OPTIONS"]["timeout"] = 0.3
            try:
                parent._acquire_writer_lock()
                code = 1  # acquired while the parent holds it: shared, wrong
            except OperationalError:
                code = 0  # queued behind the parent, as it must
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    parent.rollback()
    parent.close()


def test_placeholder_conversions_are_kept_and_stay_right(tmp_path, monkeypatch):
    from shebao.core.sqlite import base

    monkeypatch.setattr(base, "_converted", {})
    db = _wrapper(tmp_path / "convert.sqlite3")
    try:
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE t (v TEXT)")
            for value in ("a", "b"):
                cursor.execute("INSERT INTO t (v) VALUES (%s)", [value])
            cursor.execute("SELECT v FROM t WHERE v LIKE '%%' || %s ORDER BY v", ["b"])
            assert cursor.fetchall() == [("b",)]
            cursor.execute("SELECT v FROM t WHERE v = %(v)s", {"v": "a"})  # named: not kept
            assert cursor.fetchall() == [("a",)]
            cursor.executemany("INSERT INTO t (v) VALUES (%s)", [["c"], ["d"]])
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone() == (4,)
        assert base._converted["INSERT INTO t (v) VALUES (%s)"] == "INSERT INTO t (v) VALUES (?)"
        assert base._converted["SELECT v FROM t WHERE v LIKE '%%' || %s ORDER BY v"] == (
            "SELECT v FROM t WHERE v LIKE '%' || ? ORDER BY v")
        assert not any(":v" in q for q in base._converted.values())
        monkeypatch.setattr(base, "CONVERTED_KEPT", len(base._converted))
        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t WHERE v <> %s", ["z"])  # full: starts over
            assert cursor.fetchone() == (4,)
        assert list(base._converted) == ["SELECT count(*) FROM t WHERE v <> %s"]
    finally:
        db.close()


# -- group commit ---------------------------------------------------------------------------------
class _FsyncRecorder:
    """Stands in for ``os.fsync``: which file, whether the writer lock was held, at what level."""

    def __init__(self, monkeypatch, db: DatabaseWrapper):
        import os

        self.calls: list[dict] = []
        self._db = db
        self._real = os.fsync
        monkeypatch.setattr(os, "fsync", self)

    def __call__(self, fd: int) -> None:
        import os

        self.calls.append({"file": os.readlink(f"/proc/self/fd/{fd}"), "lock_held": self._db._writer_lock_held,
                           "level": self._db.connection.execute("PRAGMA synchronous").fetchone()[0]})
        self._real(fd)


def _level(db: DatabaseWrapper) -> int:
    return db.connection.execute("PRAGMA synchronous").fetchone()[0]


def test_a_commit_flushes_the_wal_after_the_writer_lock_is_let_go_and_before_it_returns(dbfile, monkeypatch):
    db = _wrapper(dbfile)
    try:
        assert db.group_commit and _level(db) == 2
        fsyncs = _FsyncRecorder(monkeypatch, db)
        levels_inside = []
        db._start_transaction_under_autocommit()
        levels_inside.append(_level(db))
        _insert(db, "durable")
        db.commit()
        assert levels_inside == [1]  # SQLite's own commit does not wait for the disk ...
        # ... this one does, once, on the WAL, with the lock already free for the next writer.
        assert [(c["file"].endswith("lock.sqlite3-wal"), c["lock_held"]) for c in fsyncs.calls] == [(True, False)]
        assert _level(db) == 2  # writes outside transactions stay synchronous
    finally:
        db.close()
    assert _rows(dbfile) == ["durable"]


def test_a_transaction_that_changed_nothing_or_rolled_back_is_not_flushed(dbfile, monkeypatch):
    db = _wrapper(dbfile)
    try:
        fsyncs = _FsyncRecorder(monkeypatch, db)
        db._start_transaction_under_autocommit()
        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
        db.commit()
        db._start_transaction_under_autocommit()
        _insert(db, "lost")
        db.rollback()
        assert fsyncs.calls == []
        assert _level(db) == 2
    finally:
        db.close()
    assert _rows(dbfile) == []


def test_a_relaxed_commit_is_not_flushed_and_the_next_one_is(dbfile, monkeypatch):
    from shebao.core import durability

    db = _wrapper(dbfile)
    monkeypatch.setattr(durability, "connection", db)
    try:
        fsyncs = _FsyncRecorder(monkeypatch, db)
        with durability.relaxed_commit():
            _insert(db, "stamp")
        assert fsyncs.calls == []
        with durability.relaxed_commit(), pytest.raises(RuntimeError):
            raise RuntimeError("gateway")
        assert db.commit_without_flush is False
        db._start_transaction_under_autocommit()
        _insert(db, "case")
        db.commit()
        assert len(fsyncs.calls) == 1
    finally:
        db.close()
    assert _rows(dbfile) == ["stamp", "case"]


def test_flush_commits_syncs_the_wal_whoever_wrote_it(dbfile, monkeypatch):
    writer, reader = _wrapper(dbfile), _wrapper(dbfile)
    try:
        writer._start_transaction_under_autocommit()
        _insert(writer, "by the writer")
        writer.commit()
        fsyncs = _FsyncRecorder(monkeypatch, reader)
        reader.flush_commits()
        assert [c["file"].endswith("-wal") for c in fsyncs.calls] == [True]
    finally:
        writer.close()
        reader.close()


def test_without_wal_or_at_normal_there_is_no_group_commit(tmp_path):
    for name, init in (("rollback-journal", "PRAGMA journal_mode=DELETE;"),
                       ("normal", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")):
        settings = connections.configure_settings({
            "default": {"ENGINE": "django.db.backends.dummy"},
            "other": {"ENGINE": "shebao.core.sqlite", "NAME": str(tmp_path / f"{name}.sqlite3"),
                      "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": init}},
        })["other"]
        db = DatabaseWrapper(settings, alias="other")
        try:
            db.ensure_connection()
            assert not db.group_commit, name
            db.flush_commits()  # nothing to do, no error
        finally:
            db.close()


def test_a_writer_that_times_out_on_the_lock_stays_synchronous(dbfile):
    holder, waiter = _wrapper(dbfile), _wrapper(dbfile, timeout=0.2)
    try:
        holder._start_transaction_under_autocommit()
        with pytest.raises(OperationalError, match="locked"):
            waiter._start_transaction_under_autocommit()
        assert _level(waiter) == 2 and not waiter.connection.in_transaction
        holder.rollback()
    finally:
        holder.close()
        waiter.close()


def test_a_failed_flush_still_puts_the_connection_back_to_full(dbfile, monkeypatch):
    import os

    db = _wrapper(dbfile)
    try:
        db._start_transaction_under_autocommit()
        _insert(db, "written")

        def broken(fd):
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", broken)
        with pytest.raises(OSError):
            db.commit()  # the caller learns that the write may not be on the disk
        monkeypatch.undo()
        assert _level(db) == 2 and db.commit_without_flush is False
    finally:
        db.close()
