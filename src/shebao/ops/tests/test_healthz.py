from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"
    assert "no-store" in resp["Cache-Control"]


@pytest.mark.django_db
def test_healthz_503_when_database_is_down(client):
    with mock.patch("shebao.ops.views.connection.cursor", side_effect=OperationalError("connection refused")):
        resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json() == {"status": "error", "database": "不可用"}
