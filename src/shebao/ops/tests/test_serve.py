"""``shebao serve`` for real: a gunicorn server on a free loopback port, in dev and production mode."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from shebao.ops.testing import ServerProcess, http, scratch_database

ID = "14052219800101123X"


def _ticker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"ticker" in cmd and str(master).encode() in cmd:
                pids.append(int(entry.name))
    return pids


def test_serve_dev_mode_json_logs_graceful_stop(tmp_path):
    with scratch_database(tmp_path, "serve") as db:
        env = db.env(tmp_path, SHEBAO_LOG_JSON="1", SHEBAO_LOG_LEVEL="INFO")
        server = ServerProcess(env=env, workers=2, log_path=tmp_path / "serve.log",
                               extra_args=["--tick-interval", "10"]).start()
        try:
            status, body, headers = http("GET", server.base + "/api/v1/items/1")
            assert status == 200 and json.loads(body)["no"] == 1
            assert headers["X-Frame-Options"] == "DENY"
            assert "script-src 'self'" in headers["Content-Security-Policy"]
            status, body, _ = http("GET", server.base + "/static/css/site.css")
            assert status == 200 and body
            # A query that carries personal data must not reach the log.
            http("GET", server.base + f"/api/v1/items/1?id_number={ID}")
            http("GET", server.base + f"/no-such-page/{ID}")
            assert _ticker_pids(server.proc.pid), "the ticker process was not started"
        finally:
            code = server.stop()
        assert code == 0, server.log_tail()
        time.sleep(0.5)
        assert not _ticker_pids(server.proc.pid), "the ticker outlived the server"
        log = server.log_tail(10**6)
        assert ID not in log
        json_lines = [line for line in log.splitlines() if line.startswith("{")]
        requests = [json.loads(line) for line in json_lines if '"shebao.request"' in line]
        assert any(r["route"] and r["status"] == 200 and r["path"] == "/api/v1/items/1" for r in requests)
        assert all("id_number" not in r["message"] for r in requests)
        assert any('"gunicorn.error"' in line for line in json_lines), "gunicorn's own lines are not JSON"


def test_serve_production_mode_collects_static_and_sends_hsts(tmp_path):
    with scratch_database(tmp_path, "serveprod") as db:
        # serve migrates, loads the catalog and collects static files itself.
        env = db.env(tmp_path, SHEBAO_ENV="production", SECRET_KEY="p" + os.urandom(40).hex(),
                     ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0")
        with ServerProcess(env=env, workers=1, log_path=tmp_path / "serve.log", extra_args=["--no-tick"]) as server:
            assert (tmp_path / "staticfiles" / "staticfiles.json").exists(), "collectstatic did not run"
            status, body, _ = http("GET", server.base + "/api/v1/items/2", headers={"X-Forwarded-Proto": "https"})
            assert status == 200
            status, _, headers = http("GET", server.base + "/healthz", headers={"X-Forwarded-Proto": "https"})
            assert status == 200
            assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
            manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())
            hashed = manifest["paths"]["css/site.css"]
            assert re.search(r"\.[0-9a-f]{12}\.css$", hashed)
            status, _, headers = http("GET", server.base + "/static/" + hashed)
            assert status == 200 and "max-age=315360000" in headers.get("Cache-Control", "")
            status, _, _ = http("GET", server.base + "/healthz", headers={"Host": "evil.example"})
            assert status == 400


def test_sigterm_lets_in_flight_requests_finish(tmp_path):
    import threading

    with scratch_database(tmp_path, "graceful") as db:
        env = db.env(tmp_path, SHEBAO_BENCH="1")
        server = ServerProcess(env=env, workers=2, log_path=tmp_path / "serve.log", extra_args=["--no-tick"]).start()
        answers: list = []
        slow = threading.Thread(target=lambda: answers.append(http("GET", server.base + "/_bench/sleep?ms=2500")))
        slow.start()
        time.sleep(0.8)  # the request is being served
        code = server.stop(timeout=40)
        slow.join(timeout=30)
        assert code == 0, server.log_tail()
        assert answers and answers[0][0] == 200 and answers[0][1] == b"slept"
        # And after the stop nothing listens any more.
        import socket

        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", server.port)) != 0
