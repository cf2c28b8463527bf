"""Crash: kill -9 of the whole server (master, workers, ticker) in the middle of the concurrent load,
then restart. The database passes its integrity check, no case is half-written, every
acknowledged intake and action is there, the audit chain verifies, and case numbers go on without
reuse. SQLite, or PostgreSQL when ``DATABASE_URL`` names it."""

from __future__ import annotations

import json
import threading
import time

from shebao.ops import loadkit
from shebao.ops.testing import ServerProcess, http, scratch_database


def test_kill_dash_nine_during_load_then_restart(tmp_path):
    with scratch_database(tmp_path, "crash") as db:
        site = loadkit.prepare_site(db, tmp_path)
        server = ServerProcess(env=site.env, workers=3, log_path=tmp_path / "serve.log",
                               extra_args=["--no-prepare", "--tick-interval", "10"]).start()
        try:
            templates = loadkit.intake_templates(server.base, site.tokens["head"])
            stop = threading.Event()
            holder: dict = {}
            load = threading.Thread(target=lambda: holder.setdefault("result", loadkit.run_load(
                server.base, site.tokens, templates, clients=16, duration=30, max_requests=4000, stop=stop)))
            load.start()
            time.sleep(5)  # well into the load: writes in flight in every worker
            server.kill()
            time.sleep(0.5)
            stop.set()
            load.join(timeout=90)
            assert not load.is_alive()
        finally:
            server.kill()
        result = holder["result"]
        print(result.summary())
        assert result.intakes and result.acks, result.summary()
        assert result.transport_errors > 0, "the kill cut no request off"
        assert not result.server_errors, "\n".join(result.server_errors[:10])

        problems = loadkit.integrity_check(db, site.env)
        assert not problems, problems

        with ServerProcess(env=site.env, workers=2, log_path=tmp_path / "serve2.log",
                           extra_args=["--no-tick"]) as again:
            problems = loadkit.check_consistency(again.base, site.tokens["head"], result, complete=False,
                                                  templates=templates)
            assert not problems, "\n".join(problems[:20])
            before = set(loadkit.list_case_numbers(again.base, site.tokens["head"]))
            status, raw, _ = http("POST", again.base + "/api/v1/cases",
                                  body=loadkit.intake_body(templates[0], seq=999_999),
                                  headers={"Authorization": f"Bearer {site.tokens['head']}"})
            assert status == 201, raw
            assert json.loads(raw)["case_no"] not in before
        ok, report = loadkit.audit_verify(site.env)
        assert ok, report
