"""``shebao cases tick``: 容缺 expiry and reminders, warning levels, notification retries.

Safe to run any number of times (every step is idempotent) and from several machines at once
(``--lease`` takes the database lease so only one of them works at a time).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from shebao.cases import services
from shebao.cases.services.leases import default_holder


class Command(BaseCommand):
    help = "办件定时任务：容缺逾期终止、容缺补正提醒、预警级别、通知重发；重算暂定期限。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        tick = sub.add_parser("tick", help="运行一次定时任务（可重复运行）")
        tick.add_argument("--now", default=None, help="按指定时间运行（ISO 8601，含时区；测试和补跑用）")
        tick.add_argument("--lease", action="store_true", help="先取得数据库租约，其他进程持有时跳过")
        tick.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        sub.add_parser("recompute", help="重算所有暂定期限的在办办件")

    def handle(self, *args, what, **opts):
        if what == "recompute":
            changed = services.recompute_provisional_cases(actor="shebao cases recompute")
            self.stdout.write(f"已重算 {len(changed)} 件：{'、'.join(changed) or '无'}")
            return
        now = None
        if opts["now"]:
            try:
                now = dt.datetime.fromisoformat(opts["now"])
            except ValueError as exc:
                raise CommandError(f"--now 格式应为 ISO 8601，如 2026-10-09T09:00:00+08:00：{exc}") from None
            if now.tzinfo is None:
                raise CommandError("--now 必须带时区，如 +08:00。")
        if opts["lease"]:
            report = services.run_tick_with_lease(default_holder(), now=now)
            if report is None:
                self.stdout.write("其他进程正在运行定时任务，本次跳过。")
                return
        else:
            report = services.run_tick(now=now)
        if opts["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self.stdout.write(
            f"定时任务完成：容缺逾期终止 {len(report['terminated'])} 件，容缺提醒 {len(report['reminded'])} 件，"
            f"预警变化 {len(report['warnings'])} 件，发送通知 {report['notifications_sent']} 条。"
        )
