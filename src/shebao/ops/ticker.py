"""The periodic job runner: ``shebao.cases.services.run_tick_with_lease`` every few minutes, and
the outbox sender (``shebao.cases.services.send_outbox``: messages to applicants) every second.

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
#: Messages one outbox pass takes; a full pass is followed by another at once (at most ten a second).
OUTBOX_PASS = 200


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


def send_outbox_once(*, holder: str | None = None, manage_connections: bool = True) -> int:
    """One pass of the outbox sender, repeated while a pass finds a full batch (bounded); returns how
    many messages were taken. Never raises: a failure is logged and the next second tries again."""
    try:
        from shebao.cases import services
    except ImportError:
        return 0
    send = getattr(services, "send_outbox", None)
    if send is None:
        return 0
    taken = 0
    try:
        if manage_connections:
            close_old_connections()
        for _ in range(10):
            n = send(holder=holder or default_holder(), limit=OUTBOX_PASS) or 0
            taken += n
            if n < OUTBOX_PASS:
                break
    except Exception:
        log.exception("短信/邮件发送失败，下一秒重试。")
        if manage_connections:
            connections.close_all()
    return taken


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
            # Wake up every second to send waiting messages and notice a stop request or a dead parent.
            deadline = time.monotonic() + self.interval
            while not self.stopping.is_set() and time.monotonic() < deadline:
                if self.parent_gone():
                    break
                self.outbox()
                self.stopping.wait(min(1.0, max(0.0, deadline - time.monotonic())))
        self.outbox()  # what was recorded before the stop still goes out

    def outbox(self) -> None:
        send_outbox_once(holder=self.holder, manage_connections=self.manage_connections)

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
