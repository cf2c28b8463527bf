"""``shebao serve``: prepare the database and serve with gunicorn (see shebao.ops.server)."""

from __future__ import annotations

import contextlib
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from shebao.ops import server

STARTUP_LOCK_KEY = 0x5EBA0001  # pg_advisory_lock key of "shebao serve is migrating"


@contextlib.contextmanager
def _startup_lock():
    from django.db import connection

    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            yield
            return
        import fcntl
        from pathlib import Path

        Path(name).parent.mkdir(parents=True, exist_ok=True)
        with open(name + ".startup-lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [STARTUP_LOCK_KEY])
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [STARTUP_LOCK_KEY])


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError as exc:
        raise CommandError(f"环境变量 {name} 应为整数。") from exc


class Command(BaseCommand):
    help = (
        "迁移数据库、加载事项库、收集静态文件，并启动生产级 Web 服务（gunicorn 多进程，"
        "SIGTERM 优雅停止），同时每隔几分钟运行一次办件时限任务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=_env_int("PORT", 8000))
        parser.add_argument(
            "--workers", type=int, default=_env_int("WEB_CONCURRENCY", 0),
            help=f"工作进程数（默认 2×CPU 核数+1，本机为 {server.default_workers()}；环境变量 WEB_CONCURRENCY）",
        )
        parser.add_argument("--threads", type=int, default=_env_int("SHEBAO_THREADS", 1),
                            help="每个工作进程的线程数（大于 1 时使用 gthread）")
        parser.add_argument("--timeout", type=int, default=_env_int("SHEBAO_TIMEOUT", 60))
        parser.add_argument("--graceful-timeout", type=int, default=_env_int("SHEBAO_GRACEFUL_TIMEOUT", 20))
        parser.add_argument("--max-requests", type=int, default=_env_int("SHEBAO_MAX_REQUESTS", 0),
                            help="每个工作进程处理这么多请求后重启（0 为不重启）")
        parser.add_argument("--no-prepare", action="store_true", help="跳过迁移、事项库加载和启动时的时限任务")
        parser.add_argument("--no-collectstatic", action="store_true", help="生产模式下也不收集静态文件")
        parser.add_argument("--no-tick", action="store_true", help="不启动定时任务进程")
        parser.add_argument("--tick-interval", type=int, default=settings.SHEBAO_TICK_INTERVAL,
                            help="定时任务间隔（秒，默认 %(default)s）")

    def handle(self, *args, **opts):
        if opts["workers"] < 0 or opts["threads"] < 1:
            raise CommandError("工作进程数不得为负，线程数至少为 1。")
        if not opts["no_prepare"]:
            self.prepare()
        if settings.PRODUCTION and not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        options = server.ServerOptions(
            host=opts["host"],
            port=opts["port"],
            workers=opts["workers"],
            threads=opts["threads"],
            timeout=opts["timeout"],
            graceful_timeout=opts["graceful_timeout"],
            max_requests=opts["max_requests"],
            tick_interval=0 if opts["no_tick"] else max(10, opts["tick_interval"]),
            log_json=settings.SHEBAO_LOG_JSON,
        )
        workers = options.workers or server.default_workers()
        self.stdout.write(f"社保办事通已启动：http://{options.host}:{options.port}/ （{workers} 个工作进程）")
        self.stdout.flush()
        server.run(options)

    def prepare(self) -> None:
        # Servers starting at once take turns (a PostgreSQL advisory lock across machines, a file
        # lock beside the SQLite file): migrations are not safe to run twice concurrently.
        with _startup_lock():
            call_command("migrate", interactive=False, verbosity=0)
            call_command("catalog", "load", str(settings.SHEBAO_CATALOG_FILE))
        from shebao.ops.ticker import run_tick_once

        outcome = run_tick_once(holder=f"serve-start:{os.getpid()}")
        if outcome:
            self.stdout.write(f"启动时的时限任务：{outcome}")
