"""The production server behind ``shebao serve``: gunicorn run in-process, plus the periodic job.

The gunicorn master loads the Django application once (``preload_app``) and forks the workers,
so each worker shares the imported code (less memory per worker). When gunicorn is ready, the
master starts one ticker process (``shebao ticker``) that runs the case deadline job every few
minutes; the job itself takes a database lease, so with several machines only one runs it at a
time. SIGTERM (or SIGINT) stops gracefully: workers finish the requests they are serving (up to
``graceful_timeout`` seconds), the ticker is stopped, and the master exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornBaseLogger

log = logging.getLogger("shebao.serve")


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


@dataclass
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 0
    threads: int = 1
    timeout: int = 60
    graceful_timeout: int = 20
    max_requests: int = 0
    tick_interval: int = 0  # 0: no ticker
    log_json: bool = False

    def gunicorn_config(self) -> dict:
        workers = self.workers or default_workers()
        config = {
            "bind": f"{self.host}:{self.port}",
            "workers": workers,
            "threads": max(1, self.threads),
            "worker_class": "gthread" if self.threads > 1 else "sync",
            "timeout": self.timeout,
            "graceful_timeout": self.graceful_timeout,
            "preload_app": True,
            "accesslog": None,  # shebao.core.middleware.RequestLogMiddleware logs requests
            "errorlog": "-",
            "logger_class": GunicornLogger,
            "proc_name": "shebao",
            "when_ready": self._when_ready,
            "on_exit": self._on_exit,
            "post_fork": _post_fork,
            # Requests headers and lines stay small; bodies are limited by the middleware.
            "limit_request_line": 8190,
            "limit_request_fields": 100,
            "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            # gunicorn ≥ 24 opens a control socket at one fixed path per user; several servers on
            # one machine (tests, counties) would fight over it, and we do not use it.
            "control_socket_disable": True,
        }
        if self.max_requests:
            config["max_requests"] = self.max_requests
            config["max_requests_jitter"] = max(1, self.max_requests // 10)
        return config

    # -- hooks, run in the gunicorn master ------------------------------------------------------
    _ticker: subprocess.Popen | None = None

    def _when_ready(self, server) -> None:
        if self.tick_interval > 0:
            self._ticker = start_ticker(interval=self.tick_interval, parent=os.getpid())
            server.log.info("定时任务进程已启动（pid %s，每 %s 秒）", self._ticker.pid, self.tick_interval)

    def _on_exit(self, server) -> None:
        stop_ticker(self._ticker)
        server.log.info("社保办事通已停止。")


def _post_fork(server, worker) -> None:
    # Connections are per process: a worker must never reuse one opened by the master.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.connection = None  # forget the inherited socket without closing the master's


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's own messages through the project's formatter and personal-data filter."""

    def setup(self, cfg):
        super().setup(cfg)
        from django.conf import settings

        from shebao.core.logging import JsonFormatter, PersonalDataFilter

        for handler in self.error_log.handlers:
            if settings.SHEBAO_LOG_JSON:
                handler.setFormatter(JsonFormatter())
            handler.addFilter(PersonalDataFilter())


class ShebaoApplication(BaseApplication):
    def __init__(self, options: ServerOptions):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.gunicorn_config().items():
            if key in self.cfg.settings:  # options older gunicorn releases lack are skipped
                self.cfg.set(key, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


def run(options: ServerOptions) -> None:
    from django.db import connections

    # The master keeps no database connection across the fork.
    connections.close_all()
    ShebaoApplication(options).run()


def start_ticker(*, interval: int, parent: int) -> subprocess.Popen:
    argv = [sys.executable, "-m", "shebao.cli", "ticker", "--interval", str(interval), "--parent", str(parent)]
    return subprocess.Popen(argv, env=os.environ.copy(), stdin=subprocess.DEVNULL)


def stop_ticker(proc: subprocess.Popen | None, *, timeout: float = 10) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
