"""relaxed_commit: only the wrapped transaction skips waiting for the disk."""

import pytest
from django.db import connection

from shebao.core.durability import relaxed_commit
from shebao.core.models import AuditChainHead


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_relaxed_transaction_commits_its_writes_and_leaves_other_transactions_durable():
    before = _synchronous_commit() if connection.vendor == "postgresql" else None
    with relaxed_commit():
        AuditChainHead.objects.create(key="relaxed")
        if connection.vendor == "postgresql":
            assert _synchronous_commit() == "off"
    assert AuditChainHead.objects.filter(key="relaxed").exists()
    if connection.vendor == "postgresql":
        assert before == "on" and _synchronous_commit() == "on"


@pytest.mark.django_db(transaction=True)
def test_an_error_rolls_the_relaxed_transaction_back():
    with pytest.raises(RuntimeError), relaxed_commit():
        AuditChainHead.objects.create(key="lost")
        raise RuntimeError("gateway")
    assert not AuditChainHead.objects.filter(key="lost").exists()
