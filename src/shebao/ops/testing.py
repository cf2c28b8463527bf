"""Helpers for tests and benchmarks that run a real server process on loopback.

``scratch_database`` gives a private database (an SQLite file, or a fresh PostgreSQL database
named ``ops_<purpose>_<pid>_<random>`` on the server of ``DATABASE_URL``) and drops it afterwards;
``ServerProcess`` starts ``shebao serve`` on a free 127.0.0.1 port and stops it. Traffic only ever
goes to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client as http_client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import shebao

SRC_DIR = Path(shebao.__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0] in ("postgres", "postgresql", "pgsql")


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC_DIR), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["DJANGO_SETTINGS_MODULE"] = "shebao.settings"
    env.setdefault("SHEBAO_LOG_LEVEL", "WARNING")
    env.update(extra)
    return env


@dataclass
class ScratchDatabase:
    url: str
    vendor: str  # "sqlite" | "postgresql"
    path: Path | None = None  # the SQLite file
    name: str = ""

    def env(self, var_dir: Path, **extra: str) -> dict[str, str]:
        return base_env(DATABASE_URL=self.url, SHEBAO_VAR_DIR=str(var_dir), **extra)


def _pg_admin_url(url: str) -> str:
    head, _, _ = url.rpartition("/")
    return head + "/postgres"


def _pg_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_pg_admin_url(url), autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def scratch_database(tmp_path: Path, purpose: str, *, vendor: str | None = None) -> Iterator[ScratchDatabase]:
    """A private, empty database; PostgreSQL when ``DATABASE_URL`` names one (or ``vendor`` says so)."""
    url = os.environ.get("DATABASE_URL", "")
    want_pg = vendor == "postgresql" or (vendor is None and is_postgres(url))
    if not want_pg:
        path = tmp_path / f"{purpose}.sqlite3"
        yield ScratchDatabase(url=f"sqlite:///{path}", vendor="sqlite", path=path)
        return
    if not is_postgres(url):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"ops_{purpose}_{os.getpid()}_{secrets.token_hex(3)}".lower()
    _pg_execute(url, f'CREATE DATABASE "{name}"')
    db_url = url.rpartition("/")[0] + "/" + name
    try:
        yield ScratchDatabase(url=db_url, vendor="postgresql", name=name)
    finally:
        _pg_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        import psycopg

        with psycopg.connect(_pg_admin_url(url), connect_timeout=3):
            return True
    except Exception:
        return False


def shebao(*args: str, env: dict[str, str], timeout: float = 300, check: bool = True,
           input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``shebao ARGS`` in a subprocess with ``env``."""
    proc = subprocess.run(
        [sys.executable, "-m", "shebao.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout, input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"shebao {' '.join(args)} exited {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\n"
            f"stderr:\n{proc.stderr[-5000:]}"
        )
    return proc


def http(method: str, url: str, *, body=None, headers: dict[str, str] | None = None,
         timeout: float = 30) -> tuple[int, bytes, dict[str, str]]:
    """One request on a connection of its own (``Connection: close``); returns (status, body,
    headers) for every status, including 4xx/5xx. Redirects are not followed.

    Written on the socket: ``urllib``'s handler chain and ``http.client``'s e-mail header parser
    cost the load generator about a tenth of the machine's CPU per intake, on the cores the server
    being measured runs on. Connection failures raise ``OSError``; an answer that is not HTTP, or
    shorter than it says, raises ``http.client.HTTPException``.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"http(): only http:// addresses, not {url!r}")
    port = parts.port or 80
    fields = {"host": ("Host", f"{parts.hostname}:{port}"), "accept-encoding": ("Accept-Encoding", "identity")}
    for name, value in (headers or {}).items():
        fields[name.lower()] = (name, value)
    data = b""
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        fields.setdefault("content-type", ("Content-Type", "application/json"))
    if body is not None or method in ("POST", "PUT", "PATCH"):
        fields["content-length"] = ("Content-Length", str(len(data)))
    fields["connection"] = ("Connection", "close")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.values()) + "\r\n"
    chunks = []
    with socket.create_connection((parts.hostname, port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + data)
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return _parse_answer(b"".join(chunks), head_only=method == "HEAD")


def _parse_answer(raw: bytes, *, head_only: bool) -> tuple[int, bytes, dict[str, str]]:
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        if not raw:
            raise http_client.RemoteDisconnected("the server closed the connection without an answer")
        raise http_client.IncompleteRead(raw)
    lines = head.decode("latin-1").split("\r\n")
    version, _, code = lines[0].partition(" ")
    if not version.startswith("HTTP/") or not code[:3].isdigit():
        raise http_client.BadStatusLine(lines[0])
    answer_headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        answer_headers.setdefault(name.strip(), value.strip())
    lower = {k.lower(): v for k, v in answer_headers.items()}
    if head_only:
        return int(code[:3]), b"", answer_headers
    if "chunked" in lower.get("transfer-encoding", "").lower():
        rest = _dechunk(rest)
    elif "content-length" in lower:
        size = int(lower["content-length"])
        if len(rest) < size:
            raise http_client.IncompleteRead(rest, size - len(rest))
        rest = rest[:size]
    return int(code[:3]), rest, answer_headers


def _dechunk(data: bytes) -> bytes:
    out, pos = [], 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            raise http_client.IncompleteRead(b"".join(out))
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(data[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2


@dataclass
class ServerProcess:
    """``shebao serve`` on a free loopback port; ``start()`` waits until /healthz answers 200."""

    env: dict[str, str]
    workers: int = 2
    threads: int = 1
    extra_args: list[str] = field(default_factory=list)
    log_path: Path | None = None
    port: int = 0
    proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, *, timeout: float = 120) -> ServerProcess:
        self.port = self.port or free_port()
        argv = [
            sys.executable, "-m", "shebao.cli", "serve", "--host", LOOPBACK, "--port", str(self.port),
            "--workers", str(self.workers), "--threads", str(self.threads), *self.extra_args,
        ]
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(argv, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"shebao serve exited {self.proc.returncode}: {self.log_tail()}")
            try:
                status, _, _ = http("GET", self.base + "/healthz", timeout=2)
                if status == 200:
                    return self
            except (OSError, http_client.HTTPException):
                pass
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"shebao serve did not answer in {timeout}s: {self.log_tail()}")

    def log_tail(self, n: int = 6000) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-n:]
        return ""

    def stop(self, *, timeout: float = 40) -> int:
        """Graceful stop (SIGTERM); returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reap_group()
        return self.proc.returncode

    def kill(self) -> None:
        """kill -9 of the whole server: master, workers and ticker."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=20)

    def _reap_group(self) -> None:
        # Nothing of ours may outlive the test; the group is the session we started.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
