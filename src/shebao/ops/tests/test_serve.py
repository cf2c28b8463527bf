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


def test_login_lock_holds_across_worker_processes(tmp_path):
    """Five failures spread over several gunicorn workers lock the account in all of them."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    from shebao.ops.testing import shebao

    with scratch_database(tmp_path, "lockout") as db:
        env = db.env(tmp_path)
        shebao("migrate", "--no-input", "-v", "0", env=env)
        shebao("shell", "--no-imports", "-c", "from django.contrib.auth.models import User; "
               "User.objects.create_user(username='w1', password='right-pass-123')", env=env)
        with ServerProcess(env=env, workers=3, log_path=tmp_path / "serve.log",
                           extra_args=["--no-prepare", "--no-tick"]) as server:
            url = server.base + "/accounts/login/"
            pids = set()

            def attempt(password: str) -> int:
                jar = http.cookiejar.CookieJar()
                opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
                page = opener.open(url, timeout=30).read().decode()
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                data = urllib.parse.urlencode({"username": "w1", "password": password, "next": "/healthz",
                                               "csrfmiddlewaretoken": token}).encode()
                try:
                    with opener.open(urllib.request.Request(url, data=data, headers={"Referer": url}),
                                     timeout=30) as resp:
                        return resp.status
                except urllib.error.HTTPError as exc:
                    return exc.code

            for _ in range(5):
                assert attempt("wrong") == 200  # the form again
            for line in server.log_tail(10**6).splitlines():
                m = re.search(r"Booting worker with pid: (\d+)", line)
                if m:
                    pids.add(m.group(1))
            assert len(pids) == 3
            assert attempt("right-pass-123") == 429


def test_two_servers_starting_together_share_one_database(tmp_path):
    """Two machines (here: two servers) start at once on one fresh database: both come up."""
    with scratch_database(tmp_path, "twostart") as db:
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        a = ServerProcess(env=db.env(tmp_path / "a"), workers=1, log_path=tmp_path / "a.log", extra_args=["--no-tick"])
        b = ServerProcess(env=db.env(tmp_path / "b"), workers=1, log_path=tmp_path / "b.log", extra_args=["--no-tick"])
        try:
            import threading

            errors: list = []

            def start(s):
                try:
                    s.start(timeout=180)
                except AssertionError as exc:
                    errors.append(str(exc))

            threads = [threading.Thread(target=start, args=(s,)) for s in (a, b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=200)
            assert not errors, errors
            for s in (a, b):
                status, body, _ = http("GET", s.base + "/api/v1/items/1")
                assert status == 200
        finally:
            a.stop()
            b.stop()


def test_the_servers_ticker_sends_an_intakes_message_within_seconds(tmp_path):
    """The intake answers with the message pending; the ticker process's outbox sender sends it."""
    from shebao.ops import loadkit

    with scratch_database(tmp_path, "outbox") as db:
        site = loadkit.prepare_site(db, tmp_path)
        with ServerProcess(env=site.env, workers=2, log_path=tmp_path / "serve.log",
                           extra_args=["--no-prepare"]) as server:
            token = site.tokens["head"]
            tpl = loadkit.intake_templates(server.base, token)[0]
            status, raw, _ = http("POST", f"{server.base}/api/v1/cases", body=loadkit.intake_body(tpl, seq=7),
                                  headers={"Authorization": f"Bearer {token}"})
            assert status == 201, raw[:300]
            case_no = json.loads(raw)["case_no"]
            assert [n["status"] for n in json.loads(raw)["notifications"]] == ["pending"]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                notes = loadkit.fetch_case(server.base, token, case_no)["notifications"]
                if notes[0]["status"] != "pending":
                    break
                time.sleep(0.2)
            assert notes[0]["status"] == "sent", server.log_tail()
