"""The periodic runner calls the cases job with a holder name, survives failures, stops on request."""

from __future__ import annotations

import sys
import types

import pytest

from shebao.ops import ticker


def _install(monkeypatch, module) -> None:
    """Stand ``module`` in for ``shebao.cases.services`` for one test."""
    monkeypatch.setitem(sys.modules, "shebao.cases.services", module)
    import shebao.cases

    monkeypatch.setattr(shebao.cases, "services", module, raising=False)


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
    _install(monkeypatch, module)
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
    _install(monkeypatch, module)
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


@pytest.fixture
def fake_outbox(monkeypatch):
    module = types.ModuleType("shebao.cases.services")
    passes = []

    def run_tick_with_lease(*, holder):
        return ""

    def send_outbox(*, holder, limit):
        passes.append(holder)
        if len(passes) == 2:
            raise RuntimeError("database is locked")
        return limit if len(passes) == 3 else 1  # the third pass finds a full batch

    module.run_tick_with_lease = run_tick_with_lease
    module.send_outbox = send_outbox
    _install(monkeypatch, module)
    return passes


@pytest.mark.django_db
def test_the_outbox_is_sent_every_wake_up_survives_a_failure_and_goes_on_while_batches_are_full(fake_outbox):
    assert ticker.send_outbox_once(holder="h", manage_connections=False) == 1
    assert ticker.send_outbox_once(holder="h", manage_connections=False) == 0  # logged, not raised
    assert ticker.send_outbox_once(holder="h", manage_connections=False) == ticker.OUTBOX_PASS + 1  # full batch: once more
    assert fake_outbox == ["h"] * 4


@pytest.mark.django_db
def test_the_ticker_sends_the_outbox_between_ticks_and_once_more_when_stopped(fake_outbox):
    import threading
    import time

    t = ticker.Ticker(interval=3600, holder="h", manage_connections=False)
    th = threading.Thread(target=t.loop)
    th.start()
    time.sleep(1.5)  # the first wake-up at once, the next a second later
    t.stop()
    th.join(timeout=5)
    assert not th.is_alive() and t.runs == 1
    assert len(fake_outbox) >= 3  # two wake-ups (one of them a full batch, so two passes) and the last
