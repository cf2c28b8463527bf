"""``shebao audit verify``: recompute the audit hash chain; non-zero exit naming any tampered event."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shebao.core.audit import verify_chain


class Command(BaseCommand):
    help = "审计日志：校验哈希链，发现被修改或删除的事件时以非零状态退出并指出事件。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("verify", help="校验全部审计事件的哈希链")

    def handle(self, *args, what, **opts):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"审计日志完整：已校验 {report.checked} 条事件，哈希链无断裂。")
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"审计日志校验失败：已校验 {report.checked} 条事件，发现 {len(report.problems)} 处问题（见上）。"
        )
