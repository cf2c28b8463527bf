"""Backup and restore round trip: the restored database is identical to the one backed up (row
counts and content hashes of every table), both in place and into a fresh empty database; on
SQLite, or on PostgreSQL when ``DATABASE_URL`` names it."""

from __future__ import annotations

import json

import pytest

from shebao.ops import loadkit
from shebao.ops.testing import ServerProcess, base_env, scratch_database, shebao


def _fingerprint(env) -> dict:
    return json.loads(shebao("dbcheck", "--json", env=env).stdout)


def test_backup_restore_round_trip(tmp_path):
    with scratch_database(tmp_path, "bk") as db:
        site = loadkit.prepare_site(db, tmp_path)
        # Real data in every case table: a short concurrent load through the API.
        with ServerProcess(env=site.env, workers=2, extra_args=["--no-prepare", "--no-tick"]) as server:
            templates = loadkit.intake_templates(server.base, site.tokens["head"])
            result = loadkit.run_load(server.base, site.tokens, templates, clients=4, duration=3, max_requests=300)
            assert result.intakes and not result.server_errors
            original = _fingerprint(site.env)
            # The backup is taken while the server is up (online backup).
            out = json.loads(shebao("backup", str(tmp_path / "snap.bak"), "--json", env=site.env).stdout)
        assert out["digest"] == original["digest"]
        assert original["tables"]["cases_case"]["rows"] >= len(result.intakes)
        assert original["tables"]["core_auditevent"]["rows"] > 0

        # Change the data after the backup, then restore: the changes are gone, all else identical.
        shebao("token", "create", "head", env=site.env)
        assert _fingerprint(site.env)["digest"] != original["digest"]
        shebao("restore", str(tmp_path / "snap.bak"), "--yes", env=site.env)
        restored = _fingerprint(site.env)
        assert restored["tables"] == original["tables"]
        assert restored["digest"] == original["digest"]
        assert restored["audit_chain"] == "ok" and restored["integrity"] == "ok"

        # Into a new, empty database (another machine): the same again.
        with scratch_database(tmp_path, "bk2", vendor=db.vendor) as fresh:
            env2 = fresh.env(tmp_path / "fresh")
            (tmp_path / "fresh").mkdir()
            if fresh.vendor == "sqlite":
                shebao("migrate", "--no-input", "-v", "0", env=env2)  # an existing, non-empty target
            shebao("restore", str(tmp_path / "snap.bak"), "--yes", env=env2)
            assert _fingerprint(env2)["tables"] == original["tables"]


def test_restore_refuses_a_foreign_file_and_wrong_engine(tmp_path):
    with scratch_database(tmp_path, "bkbad") as db:
        env = db.env(tmp_path)
        shebao("migrate", "--no-input", "-v", "0", env=env)
        junk = tmp_path / "junk.bak"
        junk.write_bytes(b"hello, not a database")
        proc = shebao("restore", str(junk), "--yes", env=env, check=False)
        assert proc.returncode != 0 and "不是本系统的备份文件" in proc.stderr
        proc = shebao("restore", str(tmp_path / "missing.bak"), "--yes", env=env, check=False)
        assert proc.returncode != 0 and "不存在" in proc.stderr
        # No --yes and no terminal: refuse rather than overwrite.
        shebao("backup", str(tmp_path / "ok.bak"), env=env)
        proc = shebao("restore", str(tmp_path / "ok.bak"), env=env, check=False)
        assert proc.returncode != 0 and "--yes" in proc.stderr
        if db.vendor == "postgresql":
            sqlite_file = tmp_path / "other.sqlite3"
            env_sqlite = base_env(DATABASE_URL=f"sqlite:///{sqlite_file}", SHEBAO_VAR_DIR=str(tmp_path))
            shebao("migrate", "--no-input", "-v", "0", env=env_sqlite)
            shebao("backup", str(tmp_path / "sqlite.bak"), env=env_sqlite)
            proc = shebao("restore", str(tmp_path / "sqlite.bak"), "--yes", env=env, check=False)
            assert proc.returncode != 0 and "SQLite" in proc.stderr


@pytest.mark.django_db
def test_fingerprint_sees_any_change(django_user_model):
    from shebao.ops.backup import fingerprint

    before = fingerprint()
    user = django_user_model.objects.create_user(username="fp-user", password="x-pass-123456")
    changed = fingerprint()
    assert changed.digest != before.digest
    assert changed.differences(before) == ["auth_user: 1 行 → 0 行"]
    user.first_name = "改"
    user.save()
    assert fingerprint().differences(changed) == ["auth_user: 1 行 → 1 行（内容不同）"]
