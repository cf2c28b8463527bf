"""``shebao ticker``: run the periodic jobs on a timer (started by ``shebao serve``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from shebao.ops.ticker import Ticker


class Command(BaseCommand):
    help = "定时运行办件时限任务（带数据库租约）和清理任务；由 shebao serve 自动启动。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=settings.SHEBAO_TICK_INTERVAL, help="间隔秒数")
        parser.add_argument("--parent", type=int, default=None, help="父进程 pid；父进程退出时本进程也退出")
        parser.add_argument("--once", action="store_true", help="只运行一次")
        parser.add_argument("--holder", default=None, help="租约持有者名称（默认 主机名:pid）")

    def handle(self, *args, interval, parent, once, holder, **opts):
        ticker = Ticker(interval=max(1, interval), parent=parent, holder=holder)
        ticker.install_signal_handlers()
        ticker.loop(max_runs=1 if once else None)
        if once:
            self.stdout.write(f"定时任务已运行一次（失败 {ticker.failures} 次）。")
