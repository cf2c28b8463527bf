"""The audit hash chain detects edits and deletions."""

import pytest

from shebao.core.audit import record_event, verify_chain
from shebao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three():
    return [record_event(action="t", object_type="x", object_id=i, after={"i": i}) for i in range(3)]


def test_intact_chain_verifies():
    _three()
    report = verify_chain()
    assert report.ok and report.checked >= 3


def test_edit_is_detected():
    events = _three()
    AuditEvent.objects.filter(pk=events[1].pk).update(after={"i": 99})
    report = verify_chain()
    assert not report.ok and any(f"#{events[1].pk}" in p for p in report.problems)


def test_deletion_in_the_middle_and_at_the_end_is_detected():
    events = _three()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert not verify_chain().ok
    events = _three()
    AuditEvent.objects.filter(pk__in=[e.pk for e in events[1:]]).delete()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert not verify_chain().ok


def test_tail_deletion_is_detected():
    events = _three()
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    report = verify_chain()
    assert not report.ok and any("删除" in p for p in report.problems)
