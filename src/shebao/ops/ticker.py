"""The periodic job runner: ``shebao.cases.services.run_tick_with_lease`` every few minutes.

The cases context owns the job and its database lease (so only one process on one machine runs
it at a time); this module only calls it on a timer, survives its failures, and stops when told
to (SIGTERM) or when the server that started it is gone.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connections

log = logging.getLogger("shebao.ticker")


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _tick_function() -> Callable[..., object] | None:
    try:
        from shebao.cases import services
    except ImportError:
        return None
    return getattr(services, "run_tick_with_lease", None)


def run_tick_once(*, holder: str | None = None, manage_connections: bool = True) -> str:
    """Run the deadline job once; returns a short summary ("" when the cases job is absent).

    ``manage_connections`` drops stale database connections around the job, as a long-lived
    process must; tests that run inside a transaction turn it off.
    """
    func = _tick_function()
    if func is None:
        log.debug("办件时限任务尚未安装，跳过。")
        return ""
    if manage_connections:
        close_old_connections()
    try:
        result = func(holder=holder or default_holder())
    finally:
        if manage_connections:
            close_old_connections()
    return "" if result is None else str(result)


def _housekeeping() -> None:
    from shebao.ops.throttle import purge

    purge()


class Ticker:
    def __init__(self, *, interval: float, parent: int | None = None, holder: str | None = None,
                 manage_connections: bool = True):
        self.interval = interval
        self.manage_connections = manage_connections
        self.parent = parent
        self.holder = holder or default_holder()
        self.stopping = threading.Event()
        self.runs = 0
        self.failures = 0

    def stop(self, *_args) -> None:
        self.stopping.set()

    def parent_gone(self) -> bool:
        return self.parent is not None and os.getppid() != self.parent

    def step(self) -> None:
        jobs = (
            ("办件时限任务", lambda: run_tick_once(holder=self.holder, manage_connections=self.manage_connections)),
            ("限流记录清理", _housekeeping),
        )
        for name, job in jobs:
            started = time.monotonic()
            try:
                outcome = job()
            except Exception:
                self.failures += 1
                log.exception("%s失败，下个周期重试。", name)
            else:
                if outcome:
                    log.info("%s：%s（%.1f 秒）", name, outcome, time.monotonic() - started)
            finally:
                if self.manage_connections:
                    connections.close_all()
        self.runs += 1

    def loop(self, *, max_runs: int | None = None) -> None:
        while not self.stopping.is_set():
            if self.parent_gone():
                log.warning("服务主进程已退出，定时任务进程随之退出。")
                return
            self.step()
            if max_runs is not None and self.runs >= max_runs:
                return
            # Wake up every second to notice a stop request or a dead parent.
            deadline = time.monotonic() + self.interval
            while not self.stopping.is_set() and time.monotonic() < deadline:
                if self.parent_gone():
                    break
                self.stopping.wait(min(1.0, max(0.0, deadline - time.monotonic())))

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
