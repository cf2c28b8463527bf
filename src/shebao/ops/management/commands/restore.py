"""``shebao restore PATH``: replace the database with a backup, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shebao.ops import backup


class Command(BaseCommand):
    help = (
        "从 PATH 恢复数据库（会覆盖当前全部数据）。先停止 shebao serve；恢复完成后打印数据指纹，"
        "应与备份时打印的指纹一致。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="不询问，直接覆盖")

    def handle(self, *args, path, database, yes, **opts):
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("恢复会覆盖当前数据库的全部数据；非交互运行时请加 --yes。")
            answer = input(f"用 {path} 覆盖当前数据库的全部数据？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消。")
        try:
            fmt = backup.restore(path, database)
            fp = backup.fingerprint(database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已从 {path}（{fmt}）恢复：{len(fp.tables)} 张表，{fp.rows} 行，指纹 {fp.digest[:16]}。"
        )
