"""Concurrency: 16 parallel clients on loopback against a real ``shebao serve`` doing intake and
actions on the same few cases: zero 5xx, zero lost updates, zero duplicate case numbers, and the
audit chain verifies. Runs on SQLite, or on PostgreSQL when ``DATABASE_URL`` names it (CI runs both).
Bounded: 12 seconds of load and at most 3,000 requests."""

from __future__ import annotations

from shebao.ops import loadkit
from shebao.ops.testing import ServerProcess, scratch_database


def test_sixteen_clients_on_overlapping_cases(tmp_path):
    with scratch_database(tmp_path, "load") as db:
        site = loadkit.prepare_site(db, tmp_path)
        with ServerProcess(env=site.env, workers=3, log_path=tmp_path / "serve.log",
                           extra_args=["--no-prepare", "--no-tick"]) as server:
            templates = loadkit.intake_templates(server.base, site.tokens["head"])
            result = loadkit.run_load(server.base, site.tokens, templates, clients=16, duration=12,
                                      max_requests=3000)
            print(result.summary())
            assert result.transport_errors == 0, result.summary()
            assert not result.server_errors, "\n".join(result.server_errors[:10]) + "\n" + server.log_tail()
            assert len(result.intakes) >= 16, result.summary()
            assert len(result.acks) >= 16, result.summary()
            assert result.statuses.get(409, 0) > 0, "no write conflict happened: the cases did not overlap"
            problems = loadkit.check_consistency(server.base, site.tokens["head"], result, complete=True,
                                                  templates=templates)
            assert not problems, "\n".join(problems[:20])
        ok, report = loadkit.audit_verify(site.env)
        assert ok, report
