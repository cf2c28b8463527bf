"""``shebao dbcheck``: the database's integrity check, the audit chain, and the data fingerprint."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shebao.core.audit import verify_chain
from shebao.ops import backup


def integrity_problems(using: str = "default") -> list[str]:
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            rows = [r[0] for r in cursor.fetchall()]
            cursor.execute("PRAGMA foreign_key_check")
            fk = cursor.fetchall()
            return ([] if rows == ["ok"] else rows[:10]) + [f"外键不一致：{r}" for r in fk[:10]]
        # PostgreSQL checks its pages itself; read every table once so a damaged one shows up.
        for table in conn.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {conn.ops.quote_name(table)}")
            cursor.fetchone()
    return []


class Command(BaseCommand):
    help = "检查数据库完整性（SQLite integrity_check / 外键）、审计哈希链，并打印数据指纹。"

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, database, json: bool, **opts):
        problems = integrity_problems(database)
        chain = verify_chain()
        fp = backup.fingerprint(database)
        report = {"integrity": problems or "ok", "audit_chain": "ok" if chain.ok else chain.problems,
                  "audit_events": chain.checked, **fp.as_dict()}
        if json:
            self.stdout.write(_dumps(report))
        else:
            self.stdout.write(
                f"完整性：{'通过' if not problems else '；'.join(problems)}；审计链：{'完整' if chain.ok else '有问题'}"
                f"（{chain.checked} 条）；{len(fp.tables)} 张表 {fp.rows} 行，指纹 {fp.digest[:16]}。"
            )
        if problems or not chain.ok:
            raise CommandError("数据库检查未通过。")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
