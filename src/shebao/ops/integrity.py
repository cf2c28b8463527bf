"""The database engine's own integrity check, for ``shebao dbcheck`` and the crash test.

SQLite: ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``. PostgreSQL: ``amcheck``'s
``bt_index_check`` on every B-tree index of the schema when the extension can be created (it ships
with PostgreSQL), and a full read of every table (which reads every heap page) in any case.
"""

from __future__ import annotations


def check_cursor(cursor, vendor: str, tables: list[str], quote) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("PRAGMA integrity_check")
        rows = [r[0] for r in cursor.fetchall()]
        cursor.execute("PRAGMA foreign_key_check")
        fk = cursor.fetchall()
        return ([] if rows == ["ok"] else [f"integrity_check: {r}" for r in rows[:10]]) + [
            f"外键不一致：{r}" for r in fk[:10]
        ]
    problems: list[str] = []
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        cursor.fetchone()
    try:
        cursor.execute("SAVEPOINT shebao_amcheck")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        cursor.execute("RELEASE SAVEPOINT shebao_amcheck")
    except Exception:
        cursor.execute("ROLLBACK TO SAVEPOINT shebao_amcheck")
        return problems  # no amcheck here: the table reads above are the check
    cursor.execute(
        "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE a.amname = 'btree' AND n.nspname = current_schema()"
    )
    for (index,) in cursor.fetchall():
        try:
            cursor.execute("SAVEPOINT shebao_idx")
            cursor.execute("SELECT bt_index_check(%s::regclass, true)", [index])
            cursor.execute("RELEASE SAVEPOINT shebao_idx")
        except Exception as exc:
            cursor.execute("ROLLBACK TO SAVEPOINT shebao_idx")
            problems.append(f"索引 {index} 损坏：{exc}")
    return problems


def integrity_problems(using: str = "default") -> list[str]:
    from django.db import connections, transaction

    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        return check_cursor(cursor, conn.vendor, tables, conn.ops.quote_name)
