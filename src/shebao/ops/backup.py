"""Consistent backups and restores, and a fingerprint that proves two databases are identical.

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
  the server keeps running; the copy is checked with ``PRAGMA integrity_check`` before it replaces
  the target file (written to ``PATH.partial`` first, then renamed).
* PostgreSQL: ``pg_dump --format=custom`` (one repeatable-read snapshot) and
  ``pg_restore --clean --if-exists --single-transaction`` (all or nothing).

``fingerprint`` counts the rows of every table and hashes their contents (order-independent), so
a restored database can be compared with the one that was backed up.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that must not go on; the message is for the operator (Chinese)."""


@dataclass(frozen=True)
class Fingerprint:
    tables: dict[str, tuple[int, str]]  # table → (rows, sha256 of the rows)

    @property
    def rows(self) -> int:
        return sum(n for n, _ in self.tables.values())

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.tables):
            n, d = self.tables[name]
            h.update(f"{name}:{n}:{d}\n".encode())
        return h.hexdigest()

    def as_dict(self) -> dict:
        return {"digest": self.digest, "rows": self.rows,
                "tables": {k: {"rows": n, "sha256": d} for k, (n, d) in sorted(self.tables.items())}}

    def differences(self, other: Fingerprint) -> list[str]:
        out = []
        for name in sorted(set(self.tables) | set(other.tables)):
            a, b = self.tables.get(name), other.tables.get(name)
            if a != b:
                out.append(f"{name}: {a[0] if a else '无此表'} 行 → {b[0] if b else '无此表'} 行"
                           + ("（内容不同）" if a and b and a[0] == b[0] else ""))
        return out


def _table_fingerprint(cursor, table: str, quote) -> tuple[int, str]:
    cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names come from introspection
    digests = []
    while True:
        rows = cursor.fetchmany(2000)
        if not rows:
            break
        digests.extend(hashlib.sha256(repr(tuple(row)).encode()).digest() for row in rows)
    digests.sort()
    return len(digests), hashlib.sha256(b"".join(digests)).hexdigest()


def fingerprint(using: str = "default") -> Fingerprint:
    """Row counts and content hashes of every table of the live database."""
    conn = connections[using]
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        return Fingerprint({t: _table_fingerprint(cursor, t, conn.ops.quote_name) for t in tables})


def sqlite_file_fingerprint(path: Path) -> Fingerprint:
    """The same fingerprint, read straight from an SQLite file (a backup) without Django."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = db.cursor()
        tables = sorted(r[0] for r in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        return Fingerprint({t: _table_fingerprint(cursor, t, lambda n: '"' + n.replace('"', '""') + '"')
                            for t in tables})
    finally:
        db.close()


def detect_format(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    raise BackupError(f"{path} 不是本系统的备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式）。")


def _sqlite_check(db: sqlite3.Connection) -> None:
    result = [r[0] for r in db.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError("SQLite 完整性检查未通过：" + "；".join(result[:5]))
    has_migrations = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'").fetchone()
    if not has_migrations:
        raise BackupError("该 SQLite 文件不是本系统的数据库（没有 django_migrations 表）。")


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = os.environ.copy()
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _run(argv: list[str], env: dict[str, str]) -> None:
    tool = argv[0]
    if shutil.which(tool) is None:
        raise BackupError(f"找不到 {tool}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）。")
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"{tool} 失败（退出码 {proc.returncode}）：{proc.stderr.strip()[-2000:]}")


def backup(path: Path, using: str = "default") -> str:
    """Write a consistent snapshot of the database to ``path``; returns the format written."""
    conn = connections[using]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if conn.vendor == "sqlite":
            conn.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                conn.connection.backup(target)
                # The copy may hold a commit another worker has not yet flushed (group commit):
                # a snapshot must not contain what a power cut could still take from the database.
                if hasattr(conn, "flush_commits"):
                    conn.flush_commits()
                _sqlite_check(target)
            finally:
                target.close()
            fmt = "sqlite"
        elif conn.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
                 _pg_env(conn.settings_dict))
            fmt = "pg_dump"
        else:
            raise BackupError(f"不支持备份 {conn.vendor} 数据库。")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return fmt


def restore(path: Path, using: str = "default") -> str:
    """Replace the database's contents with the backup at ``path``; all or nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件 {path} 不存在。")
    fmt = detect_format(path)
    conn = connections[using]
    if conn.vendor == "sqlite":
        if fmt != "sqlite":
            raise BackupError("当前数据库是 SQLite，备份文件却是 PostgreSQL（pg_dump）格式。")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            _sqlite_check(source)
            conn.close()
            conn.ensure_connection()
            # Copies every page into the live database under its write lock: readers see either
            # the old database or the restored one, never a mix.
            source.backup(conn.connection)
        finally:
            source.close()
            conn.close()
    elif conn.vendor == "postgresql":
        if fmt != "pg_dump":
            raise BackupError("当前数据库是 PostgreSQL，备份文件却是 SQLite 格式。")
        env = _pg_env(conn.settings_dict)
        _run(["pg_restore", "--list", str(path)], env)  # readable before anything is dropped
        conn.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", f"--dbname={conn.settings_dict['NAME']}", str(path)], env)
    else:
        raise BackupError(f"不支持恢复 {conn.vendor} 数据库。")
    return fmt
