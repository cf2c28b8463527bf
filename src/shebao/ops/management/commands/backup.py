"""``shebao backup PATH``: a consistent snapshot of the database (see shebao.ops.backup)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shebao.ops import backup


class Command(BaseCommand):
    help = "备份数据库到 PATH：SQLite 用在线备份 API（不停机），PostgreSQL 用 pg_dump 自定义格式。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出备份时的数据指纹")

    def handle(self, *args, path, database, json: bool, **opts):
        try:
            fp = backup.fingerprint(database)
            fmt = backup.backup(path, database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(_dumps({"path": str(path), "format": fmt, **fp.as_dict()}))
            return
        self.stdout.write(
            f"已备份到 {path}（{fmt}，{path.stat().st_size} 字节）：{len(fp.tables)} 张表，{fp.rows} 行，"
            f"指纹 {fp.digest[:16]}。"
        )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
