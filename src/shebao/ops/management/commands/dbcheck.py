"""``shebao dbcheck``: the database's integrity check, the audit chain, and the data fingerprint."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from shebao.core.audit import verify_chain
from shebao.ops import backup
from shebao.ops.integrity import integrity_problems


class Command(BaseCommand):
    help = "检查数据库完整性（SQLite integrity_check 与外键；PostgreSQL amcheck 索引检查）、审计哈希链，并打印数据指纹。"

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
