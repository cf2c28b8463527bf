"""``shebao serve``: migrate, load the catalog, and serve with gunicorn."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "迁移数据库、加载事项库并启动生产级 Web 服务（gunicorn）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 0)) or None)
        parser.add_argument("--no-prepare", action="store_true", help="跳过迁移和事项库加载")

    def handle(self, *args, host, port, workers, no_prepare, **opts):
        if not no_prepare:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("catalog", "load", str(settings.SHEBAO_CATALOG_FILE))
        workers = workers or (2 * (os.cpu_count() or 1) + 1)
        self.stdout.write(f"社保办事通已启动：http://{host}:{port}/ （{workers} 个工作进程）")
        argv = [
            sys.executable, "-m", "gunicorn", "shebao.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--graceful-timeout", "20", "--timeout", "60", "--access-logfile", "-",
        ]
        os.execvp(argv[0], argv)
