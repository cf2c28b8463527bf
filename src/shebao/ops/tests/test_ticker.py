"""The periodic runner calls the cases job with a holder name, survives failures, stops on request."""

from __future__ import annotations

import sys
import types

import pytest

from shebao.ops import ticker


@pytest.fixture
def fake_cases(monkeypatch):
    calls = []
    module = types.ModuleType("shebao.cases.services")

    def run_tick_with_lease(*, holder):
        calls.append(holder)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return f"tick {len(calls)}"

    module.run_tick_with_lease = run_tick_with_lease
    monkeypatch.setitem(sys.modules, "shebao.cases.services", module)
    import shebao.cases

    monkeypatch.setattr(shebao.cases, "services", module, raising=False)
    return calls


@pytest.mark.django_db
def test_runs_the_job_and_survives_a_failure(fake_cases):
    t = ticker.Ticker(interval=0.01, holder="test-holder", manage_connections=False)
    t.loop(max_runs=3)
    assert fake_cases == ["test-holder"] * 3
    assert t.runs == 3 and t.failures == 1


@pytest.mark.django_db
def test_missing_job_is_skipped(monkeypatch):
    module = types.ModuleType("shebao.cases.services")  # no run_tick_with_lease yet
    monkeypatch.setitem(sys.modules, "shebao.cases.services", module)
    import shebao.cases

    monkeypatch.setattr(shebao.cases, "services", module, raising=False)
    assert ticker.run_tick_once(holder="x", manage_connections=False) == ""


def test_stops_when_parent_is_gone():
    t = ticker.Ticker(interval=3600, parent=-1)
    t.loop()  # returns at once: our parent is not pid -1
    assert t.runs == 0


@pytest.mark.django_db
def test_stop_interrupts_the_wait(fake_cases):
    import threading
    import time

    t = ticker.Ticker(interval=3600, holder="h", manage_connections=False)
    th = threading.Thread(target=t.loop)
    th.start()
    time.sleep(0.3)
    t.stop()
    th.join(timeout=5)
    assert not th.is_alive() and t.runs == 1
