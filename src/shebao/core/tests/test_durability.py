"""Commits wait for the disk, except in relaxed_commit, and only for the wrapped transaction."""

import pytest
from django.db import connection, transaction

from shebao.core.durability import relaxed_commit
from shebao.core.models import AuditChainHead
from shebao.core.sqlite.base import DatabaseWrapper
from shebao.reports.dbsettings import SQLITE_ENGINE, SQLITE_OPTIONS


def _level() -> str:
    """PostgreSQL's synchronous_commit, or SQLite's synchronous (2 = FULL, 1 = NORMAL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW synchronous_commit")
        else:
            cursor.execute("PRAGMA synchronous")
        return str(cursor.fetchone()[0])


DURABLE = {"postgresql": "on", "sqlite": "2"}
RELAXED = {"postgresql": "off", "sqlite": "1"}


@pytest.mark.django_db(transaction=True)
def test_the_relaxed_transaction_commits_its_writes_and_leaves_other_transactions_durable():
    assert _level() == DURABLE[connection.vendor]
    with relaxed_commit():
        AuditChainHead.objects.create(key="relaxed")
        assert _level() == RELAXED[connection.vendor]
    assert AuditChainHead.objects.filter(key="relaxed").exists()
    assert _level() == DURABLE[connection.vendor]


@pytest.mark.django_db(transaction=True)
def test_an_error_rolls_the_relaxed_transaction_back_and_the_connection_is_durable_again():
    with pytest.raises(RuntimeError), relaxed_commit():
        AuditChainHead.objects.create(key="lost")
        raise RuntimeError("gateway")
    assert not AuditChainHead.objects.filter(key="lost").exists()
    assert _level() == DURABLE[connection.vendor]


@pytest.mark.django_db(transaction=True)
def test_inside_an_open_transaction_the_outer_commit_stays_durable():
    with transaction.atomic():
        AuditChainHead.objects.create(key="outer")
        with relaxed_commit():
            AuditChainHead.objects.create(key="inner")
            assert _level() == DURABLE[connection.vendor]
    assert set(AuditChainHead.objects.values_list("key", flat=True)) >= {"outer", "inner"}


@pytest.mark.django_db(transaction=True)
def test_an_error_inside_an_open_transaction_rolls_back_only_the_relaxed_part():
    with transaction.atomic():
        AuditChainHead.objects.create(key="kept")
        with pytest.raises(RuntimeError), relaxed_commit():
            AuditChainHead.objects.create(key="dropped")
            raise RuntimeError("gateway")
    keys = set(AuditChainHead.objects.values_list("key", flat=True))
    assert "kept" in keys and "dropped" not in keys


def test_a_sqlite_database_file_is_opened_with_full_synchronous_commits(tmp_path, django_db_blocker):
    """What `shebao serve` opens: WAL, and a commit returns once it is on the disk."""
    from django.db import connections

    settings = connections.configure_settings({
        "default": {"ENGINE": "django.db.backends.dummy"},
        "durable": {"ENGINE": SQLITE_ENGINE, "NAME": str(tmp_path / "d.sqlite3"), "OPTIONS": dict(SQLITE_OPTIONS)},
    })["durable"]
    db = DatabaseWrapper(settings, alias="durable")
    with django_db_blocker.unblock():
        try:
            with db.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA synchronous")
                assert cursor.fetchone()[0] == 2
        finally:
            db.close()
